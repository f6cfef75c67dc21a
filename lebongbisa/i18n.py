"""Two languages, one mechanism: every page (the index, the stage notebooks and the summary)
speaks through a `Translator` bound to the run's `lang`.

Inline text is written as a pair, Indonesian first (`_("Sumber data", "Source")`), so both
languages sit side by side where the text is used; labels shared by several places (table
headers, headline names) live once in the packaged `labels.yml` (`_.label("households")`).

A sentence a stage writes into an artefact (why a model was not estimated, why there is no
typology) is made in both languages where the fact is known, as an `(Indonesian, English)`
pair, and kept in two fields, `key` (English) and `key_id` (Indonesian): `_.field(doc, key)`.

A notebook's narrative (its Markdown cells) is written in both languages too: each Markdown
cell is tagged `lang-id` or `lang-en`, the Indonesian one first, and a page keeps only the
cells of the run's language (`runner.notebook_to_html`). In JupyterLab the analyst reads both.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    import pandas as pd

from lebongbisa.config import PACKAGE_DATA_DIR

LANGS = ("id", "en")
#: the data's sector codes (English) in Indonesian
SECTOR_ID = {
    "agriculture": "pertanian",
    "mining": "pertambangan",
    "trade": "perdagangan",
    "services": "jasa",
    "government": "pemerintahan",
    "transport": "transportasi",
    "utilities_construction": "konstruksi dan utilitas",
    "industry": "industri",
    "unknown": "tidak diketahui",
    "other": "lainnya",
}

#: the tag of a notebook's Markdown cell written in one language: `lang-id`, `lang-en`
LANG_TAG = "lang-"


@lru_cache(maxsize=1)
def _labels() -> dict[str, dict[str, str]]:
    return yaml.safe_load((PACKAGE_DATA_DIR / "labels.yml").read_text(encoding="utf-8"))


class Translator:
    """Text in one of LANGS (Bahasa Indonesia by default)."""

    def __init__(self, lang: str = "id"):
        if lang not in LANGS:
            raise ValueError(f"language {lang!r} is not supported; use one of {', '.join(LANGS)}")
        self.lang = lang

    @property
    def indonesian(self) -> bool:
        return self.lang == "id"

    def __call__(self, id_text: str, en_text: str) -> str:
        """The text in this language, from its Indonesian and English versions."""
        return id_text if self.indonesian else en_text

    def label(self, key: str, **fields: object) -> str:
        """A shared label from labels.yml, its `{fields}` filled in."""
        try:
            text = _labels()[key][self.lang]
        except KeyError:
            raise KeyError(f"no label {key!r} in labels.yml") from None
        return text.format(**fields) if fields else text

    def column(self, code: str) -> str:
        """A table column's header: its `col_<code>` label, else the code itself."""
        texts = _labels().get(f"col_{code}")
        return texts[self.lang] if texts else code

    def columns(self, df: pd.DataFrame) -> pd.DataFrame:
        """The table with its column headers in this language (see `column`)."""
        return df.rename(columns=self.column)

    def field(self, doc: dict, key: str) -> Any:
        """A sentence (or a list of them) an artefact keeps in both languages: `key` holds the
        English (the contract's field), `key_id` the Indonesian."""
        return doc.get(f"{key}_id") or doc[key] if self.indonesian else doc[key]

    def title(self, spec: object) -> str:
        """A stage's title (its spec carries both languages)."""
        return getattr(spec, f"title_{self.lang}")

    def number(self, value: float, digits: int = 0, sign: bool = False) -> str:
        """A number with this language's marks: 1.234,5 (id) or 1,234.5 (en)."""
        text = f"{value:{'+' if sign else ''},.{digits}f}"
        return text.translate(str.maketrans(",.", ".,")) if self.indonesian else text

    def rupiah(self, value: float) -> str:
        """Rupiah for a reader, rounded to what matters: Rp 3,7 miliar / Rp 3.7 billion."""
        for size, id_word, en_word in (
            (1e12, "triliun", "trillion"),
            (1e9, "miliar", "billion"),
            (1e6, "juta", "million"),
        ):
            if abs(value) >= size:
                digits = 1 if abs(value) < 100 * size else 0
                return f"Rp {self.number(value / size, digits)} {self(id_word, en_word)}"
        return f"Rp {self.number(value)}"

    def points(self, value: float) -> str:
        """A change in percentage points, signed, with this language's decimal mark."""
        text = self.number(value, 1, sign=True)
        return self(f"{text} poin", f"{text} points")

    def md(self, id_text: str, en_text: str) -> None:
        """Show the text as Markdown in a notebook."""
        from IPython.display import Markdown, display

        display(Markdown(self(id_text, en_text)))
