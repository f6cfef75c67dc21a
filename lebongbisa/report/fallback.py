"""The summary page written without its notebook, when the summary itself could not be
rendered: every started run ends with a summary that says which stages failed, why, and
which numbers are therefore missing, with the headline figures that did get computed.

Plain HTML from the package (no kernel): nothing here may fail because a stage did.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from lebongbisa import indicators
from lebongbisa.folder import PeriodFolder
from lebongbisa.i18n import Translator
from lebongbisa.io import atomic_write
from lebongbisa.report import summary


def _md_to_html(text: str) -> str:
    """The summary's sentences use **bold** only."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", html.escape(text))


def _headline(folder: PeriodFolder, lang: str, min_cell: int) -> str:
    """The headline table from whatever indicators were computed ('' when none)."""
    try:
        ind = indicators.read(folder)
        if not len(ind):
            return ""
        table = summary.headline(ind, summary.previous(folder), lang, min_cell)
    except Exception:  # the fallback page never fails for a missing or broken part
        return ""
    return table.to_html(index=False, border=0, na_rep="–", escape=True)


def write_fallback_summary(
    page_path: Path,
    folder: PeriodFolder,
    failures: list[dict],
    lang: str = "id",
    min_cell: int = 5,
) -> Path:
    """Write the summary page `page_path` without its notebook; returns it.

    `failures` are `stages.failures(...)` rows: each failed or skipped stage with its titles,
    error and what is missing."""
    _ = Translator(lang)
    title = _(f"Ringkasan — triwulan {folder.period}", f"Summary — {folder.period}")
    lead = _(
        "Ringkasan lengkap tidak dapat dibuat triwulan ini. Halaman ini dibuat tanpa notebook "
        "dan menyebutkan tahap yang gagal, penyebabnya, dan angka yang karena itu tidak tersedia.",
        "The full summary could not be rendered this quarter. This page was written without its "
        "notebook: it names the stages that failed, why, and which numbers are therefore missing.",
    )
    items = []
    for note, f in zip(summary.failure_notes(failures, lang), failures, strict=True):
        why = (f.get("error") or "").splitlines()[0] if f.get("error") else ""
        cause = f" {_('Penyebab', 'Cause')}: {html.escape(why)}" if why else ""
        items.append(f"<li>{_md_to_html(note)}<br><small>{cause}</small></li>")
    table = _headline(folder, lang, min_cell)
    numbers = (
        f"<h2>{_('Angka yang tersedia', 'Numbers that were computed')}</h2>{table}" if table else ""
    )
    page = f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#222}} table{{border-collapse:collapse}} td,th{{padding:.2rem .6rem;
border-bottom:1px solid #ddd;text-align:left}} .failed{{border-left:4px solid #b30000;
padding:0 1rem;background:#fff5f5}}</style></head>
<body><h1>{html.escape(title)}</h1>
<p>{lead}</p>
<div class="failed"><ul>
{"".join(items)}
</ul></div>
{numbers}
<p><small>{
        _(
            "Laporan ini tidak memuat NIK, nama, alamat, atau tanggal lahir.",
            "This report holds no NIK, name, address or birth date.",
        )
    }</small></p>
</body></html>
"""
    return atomic_write(page_path, lambda p: p.write_text(page, encoding="utf-8"))
