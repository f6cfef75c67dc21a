"""Which language a line of a rendered page is written in, by a word list of each language:
enough to find a sentence left in the other language (a page in the run's language may still
quote a name or a term of the other, e.g. "Desa Binaan", or a dinas's own words)."""

from __future__ import annotations

import html
import re

#: common words of each language that the other never uses
WORDS = {
    "id": {
        "yang", "dan", "dari", "untuk", "dengan", "tidak", "ini", "pada", "adalah", "atau",
        "oleh", "dalam", "belum", "sudah", "karena", "bila", "tetapi", "juga", "tanpa", "setiap",
        "rumah", "tangga", "baris", "triwulan", "sumber", "menerima", "penerima", "bagian",
    },
    "en": {
        "the", "and", "of", "to", "is", "are", "with", "for", "from", "not", "this", "that",
        "which", "was", "were", "by", "on", "no", "each", "every", "without", "their", "its",
        "rows", "households", "quarter", "sources", "receive", "share", "than",
    },
}  # fmt: skip


def page_lines(page: str) -> list[str]:
    """The visible text of an HTML page, line by line (scripts, styles and tags removed)."""
    page = re.sub(r"(?s)<(script|style)\b.*?</\1>", " ", page)
    page = re.sub(r"\s*\n\s*", " ", page)  # a paragraph wrapped in its source is one line
    page = re.sub(r"(?i)<br\s*/?>|</(p|div|li|tr|h\d|pre|td|th)>", "\n", page)
    text = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def language(line: str) -> str | None:
    """ "id" or "en" when the line has at least two words of that language's list and more of
    them than of the other's; None for a line that is neither (numbers, names, codes)."""
    line = re.sub(r"\"[^\"]*\"|“[^”]*”", " ", line)  # a quotation keeps its own language
    line = re.sub(r"\w*_\w*", " ", line.lower())  # a code such as share_desil1 is no word
    words = set(re.findall(r"[a-z]+", line))
    hits = {lang: len(words & listed) for lang, listed in WORDS.items()}
    best = max(hits, key=hits.get)
    other = next(lang for lang in hits if lang != best)
    return best if hits[best] >= 2 and hits[best] > hits[other] else None


def foreign_lines(page: str, lang: str, names: tuple[str, ...] = ()) -> list[str]:
    """The lines of `page` written in a language other than `lang`; `names` (a program's
    official name, say) are no sentence and are left out."""
    lines = page_lines(page)
    for name in names:
        lines = [line.replace(name, " ") for line in lines]
    return [line for line in lines if language(line) not in (None, lang)]
