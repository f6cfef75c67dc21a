"""The area briefs as pages: `reports/<period>/kecamatan/<code>.html` and
`reports/<period>/desa/<code>.html`, one template filled from briefs.content for every area,
in the run's language, counts under `min_cell` households suppressed. The maps are drawn once
per kecamatan (and once for the kabupaten) as SVG; each page highlights its own area with CSS,
so 116 pages cost 13 maps."""

from __future__ import annotations

import html
import io
import re

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from lebongbisa.briefs import content
from lebongbisa.briefs.content import AreaIndicators
from lebongbisa.folder import PeriodFolder
from lebongbisa.i18n import Translator
from lebongbisa.ingest.stage import load_manifest
from lebongbisa.report import costs, disclosure
from lebongbisa.report.suppress import DEFAULT_MIN_CELL, count, rate
from lebongbisa.villages.maps import area_map
from lebongbisa.villages.table import feature_label
from lebongbisa.workpoor.interpret import sector

SUMMARY_PAGE = "06_ringkasan.html"
#: a page's own area on the shared map (the map's elements carry the area codes as ids)
HIGHLIGHT = "#{id} path,#{id} use{{stroke:#000!important;stroke-width:3px!important}}"
LIST_PAGE = "08_wilayah.html"

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;
margin:0 auto;padding:0.8rem;color:#222;line-height:1.4;overflow-wrap:break-word}
h1{font-size:1.45rem;margin:0.2rem 0}h2{font-size:1.1rem;margin:1.1rem 0 0.3rem;
border-bottom:1px solid #ddd}nav{font-size:0.9rem;margin-bottom:0.4rem}
table{border-collapse:collapse;width:100%;font-size:0.9rem;table-layout:auto}
th,td{padding:0.2rem 0.35rem;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
td.n,th.n{text-align:right}td.n{white-space:nowrap}td.v{vertical-align:bottom}th{font-size:0.85em;hyphens:auto}.bar{background:#d95f02;min-height:1px}
.maps{display:flex;flex-wrap:wrap;gap:0.5rem}
.maps svg{flex:1 1 18rem;min-width:0;width:100%;max-width:100%;height:auto}
.note{font-size:0.8rem;color:#555}
@media (max-width:30rem){body{padding:0.4rem}table{font-size:0.75rem}th,td{padding:0.15rem 0.2rem}}
@media print{@page{size:A4;margin:10mm}body{max-width:none;font-size:8pt;padding:0;
line-height:1.25}h1{font-size:12pt}h2{font-size:9.5pt;margin:0.4rem 0 0.15rem;break-after:avoid}
p,ul{margin:0.2rem 0}th,td{padding:0.03rem 0.3rem}.maps{break-inside:avoid}
.maps svg{max-height:62mm}
nav{display:none}}
"""


def _svg(fig, salt: str) -> str:
    """The figure as compact inline SVG (text kept as text, coordinates to a tenth of a point,
    ids unique per figure)."""
    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": salt}):
        fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    text = re.sub(r"<metadata>.*?</metadata>", "", text[text.index("<svg") :], flags=re.S)
    text = re.sub(r"(\d\.\d)\d+", r"\1", text)  # a tenth of a point is finer than any screen
    return re.sub(r"\s*\n\s*", " ", text)


def maps(ind: pd.DataFrame, kecamatan: list[str], lang: str, min_cell: int) -> dict[str, str]:
    """SVG maps of the share of desil-1 households no program reaches per desa (desa with
    fewer than `min_cell` desil-1 households left blank): `kabupaten`, and one per kecamatan
    code of `kecamatan`, each area an element a page can highlight (ids `k<code>`, `d<code>`)."""
    say = Translator(lang)
    d = ind[(ind.indicator == "exclusion_error_any_program") & (ind.scope_type == "desa")]
    d = d[d.denominator >= min_cell]
    values = d.set_index("scope_code").value
    title = say(
        "Keluarga desil 1 yang tidak menerima program", "Desil-1 households with no program"
    )
    style = {
        "ids": True,
        "halo": False,
        "no_data": say("tidak ada data / terlalu sedikit", "no data / too few"),
    }
    out = {"kabupaten": _svg(area_map(values, title, lang, **style), "kabupaten")}
    for kec in kecamatan:
        out[kec] = _svg(area_map(values, title, lang, kecamatan=kec, **style), kec)
    return out


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    def cell(tag: str, i: int, x: str) -> str:
        return f"<{tag}{' class=n' if i in numeric else ''}>{x}</{tag}>"

    head = "".join(cell("th", i, html.escape(h)) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, x) for i, x in enumerate(r)) + "</tr>" for r in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


class Page:
    """One brief's HTML, section by section, in the run's language."""

    def __init__(self, lang: str, min_cell: int):
        self.say, self.lang, self.min_cell = Translator(lang), lang, min_cell

    def n(self, x: float, hidden: str = "") -> str:
        return html.escape(count(x, self.min_cell, self.lang, hidden))

    def r(self, x: float, den: float | None, hidden: str = "") -> str:
        return html.escape(rate(x, den, self.min_cell, lang=self.lang, hidden=hidden))

    def key_figures(self, t: pd.DataFrame) -> str:
        say = self.say
        rows = []
        for k in t.itertuples():
            if k.kind == "count":
                value = self.n(k.value, k.hidden)
                change = "–" if pd.isna(k.change) else say.number(k.change, sign=True)
            else:
                value = self.r(k.value, k.denominator, k.hidden)
                change = "–" if pd.isna(k.change) or value == "–" else say.points(k.change * 100)
            rows.append([html.escape(say.label(f"headline_{k.indicator}")), value, change])
        heads = [
            say("Angka", "Figure"),
            say("Triwulan ini", "This quarter"),
            say("Perubahan", "Change"),
        ]
        return self.section(say("Angka utama", "Key figures"), _table(heads, rows, {1, 2}))

    def desil(self, t: pd.DataFrame) -> str:
        say = self.say
        if t.empty or not t.households.sum():
            return ""
        top = t.households.max()
        bars = "".join(  # a hidden count draws no bar
            f'<td class="v"><div class="bar" style="height:'
            f'{0 if pd.isna(d.households) else 2.5 * d.households / top:.2f}rem"></div></td>'
            for d in t.itertuples()
        )
        heads = ["Desil", *(f"{d:.0f}" for d in t.desil)]
        counts = [
            say("Keluarga", "Households"),
            *(self.n(d.households, d.hidden) for d in t.itertuples()),
        ]
        table = _table(heads, [counts], set(range(1, len(heads))))
        table = table.replace("</table>", f"<tr><td></td>{bars}</tr></table>")
        return self.section(say("Keluarga menurut desil", "Households by desil"), table)

    def programs(self, t: pd.DataFrame, pairs: pd.DataFrame) -> str:
        say = self.say
        if t.empty:
            return self.section(
                say("Program", "Programs"),
                "<p>"
                + say(
                    "Tidak ada daftar program yang menjangkau wilayah ini triwulan ini.",
                    "No program list reaches this area this quarter.",
                )
                + "</p>",
            )
        rows = [
            [
                html.escape(str(p.program)),
                self.n(p.recipients_households, p.recipients_households_hidden),
                self.r(p.coverage, p.coverage_den, p.coverage_hidden),
                self.r(p.exclusion_error, p.exclusion_error_den, p.exclusion_error_hidden),
                self.r(p.inclusion_error, p.inclusion_error_den, p.inclusion_error_hidden),
            ]
            for p in t.itertuples()
        ]
        heads = [
            "Program",
            say("Keluarga penerima", "Recipient households"),
            say("Cakupan", "Coverage"),
            say("Sasaran tidak terjangkau", "Target not reached"),
            say("Penerima di luar sasaran", "Recipients outside the target"),
        ]
        body = _table(heads, rows, {1, 2, 3, 4})
        shown = pairs[pairs.households >= self.min_cell]
        if len(shown):
            items = "".join(
                f"<li>{html.escape(p.pair.replace('+', say(' dan ', ' and ')))}: "
                f"{self.n(p.households)} "
                f"{say('keluarga menerima keduanya', 'households receive both')}</li>"
                for p in shown.itertuples()
            )
            body += (
                "<p>"
                + say(
                    "Program yang paling sering diterima bersama:",
                    "Programs most often received together:",
                )
                + f"</p><ul>{items}</ul>"
            )
        return self.section(say("Program di wilayah ini", "Programs in this area"), body)

    def money(self, t: pd.DataFrame, words: list[str]) -> str:
        say = self.say
        if t.empty or not words:
            return ""

        def rp(value: float, hidden: str) -> str:
            return "x" if hidden else ("–" if pd.isna(value) else say.rupiah(value))

        rows = [
            [
                html.escape(str(m.program)),
                rp(m.rupiah_outside_target, m.rupiah_outside_target_hidden),
                rp(m.rupiah_outside_target_year, m.rupiah_outside_target_year_hidden),
                rp(m.rupiah_unreached_target_year, m.rupiah_unreached_target_year_hidden),
            ]
            for m in t.itertuples()
        ]
        heads = [
            "Program",
            say("Di luar sasaran, triwulan ini", "Outside the target, this quarter"),
            say("Di luar sasaran, tahun ini", "Outside the target, this year"),
            say("Untuk sasaran yang belum, setahun", "For the target not reached, a year"),
        ]
        lead = "<p>" + html.escape(" ".join(words)) + "</p>"
        return self.section(
            say("Biaya salah sasaran", "What mistargeting costs"),
            lead + _table(heads, rows, {1, 2, 3}),
        )

    def working_poor(self, t: pd.DataFrame) -> str:
        say = self.say
        t = t[(t.working_poor > 0) | (t.hidden != "")]
        if t.empty:
            return ""
        rows = [
            [
                html.escape(sector(s.sector, self.lang)),
                self.n(s.working_poor, s.hidden),
                self.r(s.rate, s.employed),
            ]
            for s in t.itertuples()
        ]
        heads = [
            say("Sektor", "Sector"),
            say("Pekerja miskin", "Working poor"),
            say("Tingkat pekerja miskin di sektor ini", "Working-poverty rate in the sector"),
        ]
        return self.section(
            say("Bekerja tetapi miskin: di sektor apa", "Working but poor: in what"),
            _table(heads, rows, {1, 2}),
        )

    def trend(self, t: pd.DataFrame) -> str:
        say = self.say
        if len(t) < 2:
            return ""
        rows = [
            [
                q.period,
                self.n(q.households_desil1, q.hidden),
                self.r(q.not_reached, q.denominator, q.not_reached_hidden),
            ]
            for q in t.itertuples()
        ]
        heads = [
            say("Triwulan", "Quarter"),
            say("Keluarga desil 1", "Desil-1 households"),
            say("Tidak menerima program", "Receiving no program"),
        ]
        return self.section(say("Perkembangan", "Trend"), _table(heads, rows, {1, 2}))

    def priority(self, p: dict | None, ranked: int) -> str:
        say = self.say
        if p is None:
            return ""
        why = ", ".join(feature_label(f, self.lang) for f in p["reasons"])
        return self.section(
            "Desa Binaan",
            "<p>"
            + say(
                f"Peringkat prioritas <b>{p['rank']:.0f}</b> dari {ranked} desa "
                f"(antara {p['best']:.0f} dan {p['worst']:.0f} bila bobot indikator diubah). "
                f"Alasan utama: {html.escape(why)}.",
                f"Priority rank <b>{p['rank']:.0f}</b> of {ranked} villages "
                f"(between {p['best']:.0f} and {p['worst']:.0f} when the indicator weights vary). "
                f"Main reasons: {html.escape(why)}.",
            )
            + "</p>",
        )

    def desa_ranks(self, t: pd.DataFrame) -> str:
        say = self.say
        if t.empty:
            return ""
        rows = [
            [
                f"{d.rank:.0f}",
                f'<a href="../desa/{d.code}.html">{html.escape(d.name)}</a>',
                f"{d.best:.0f}–{d.worst:.0f}",
            ]
            for d in t.itertuples()
        ]
        heads = [say("Peringkat", "Rank"), "Desa", say("Rentang", "Range")]
        return self.section(
            say(
                "Desa Binaan: peringkat desa di kecamatan ini",
                "Desa Binaan: the ranks of this kecamatan's villages",
            ),
            _table(heads, rows, {0}),
        )

    def quality(self, t: pd.DataFrame) -> str:
        say = self.say
        if t.empty:
            return ""
        rows = [
            [
                html.escape(q.dinas),
                self.n(q.quality_rows),
                self.r(q.quality_nik_invalid, None),
                self.r(q.quality_nik_missing, None),
                self.r(q.quality_nik_excel_damaged, None),
            ]
            for q in t.itertuples()
        ]
        heads = [
            "Dinas",
            say("Baris", "Rows"),
            say("NIK tidak sah", "Invalid NIK"),
            say("NIK kosong", "Missing NIK"),
            say("NIK rusak Excel", "NIK damaged by Excel"),
        ]
        return self.section(
            say("Kualitas data per dinas", "Data quality by agency"),
            _table(heads, rows, {1, 2, 3, 4}),
        )

    @staticmethod
    def section(title: str, body: str) -> str:
        return f"<h2>{html.escape(title)}</h2>{body}"


def _document(title: str, nav: str, body: str, css: str, lang: str) -> str:
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{STYLE}{css}</style></head>"
        f"<body><nav>{nav}</nav>{body}</body></html>"
    )


def render_all(
    folder: PeriodFolder, lang: str = "id", min_cell: int = DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Write every brief of the period; returns the areas with the page of each (`page`,
    relative to the reports folder of the period)."""
    say, page = Translator(lang), Page(lang, min_cell)
    ind = disclosure.published(folder, min_cell)
    now = AreaIndicators(ind)
    before = folder.previous("indicators")
    earlier = {
        p.parent.name: AreaIndicators(disclosure.published(p.parent, min_cell), units=False)
        for p in folder.earlier("indicators")
    }
    prev = earlier.get(before.parent.name) if before else None
    history = [*earlier.items(), (folder.period, now)]
    areas = pd.read_parquet(folder.path("brief_areas"))
    svgs = maps(ind, sorted(areas.code[areas.level == "kecamatan"]), lang, min_cell)
    ranked = int((ind.indicator == "priority_rank").sum())
    catalog = load_manifest(folder)["programs"]
    rows = costs.Rows(ind)
    summary = say("Ringkasan kabupaten", "Kabupaten summary")
    listing = say("Semua kecamatan dan desa", "All kecamatan and desa")
    note = (
        "<p class=note>"
        + say(
            f"Semua angka dari indicators.csv triwulan {folder.period} (Lebongbisa). Jumlah "
            f"di bawah {min_cell} keluarga ditampilkan sebagai &lt;{min_cell}; x: angka "
            "disembunyikan agar jumlah kecil itu tidak dapat dihitung dari angka lain; "
            "persentase atas jumlah sekecil itu tidak ditampilkan.",
            f"Every number comes from the {folder.period} indicators.csv (Lebongbisa). "
            f"Counts under {min_cell} households show as &lt;{min_cell}; x: hidden so that "
            "such a count cannot be worked out from the others; percentages of counts that "
            "small are not shown.",
        )
        + "</p>"
    )
    pages = []
    for a in areas.itertuples():
        if a.level == "desa":
            title = say(
                f"Desa {a.name}, Kecamatan {a.parent_name} — triwulan {folder.period}",
                f"Desa {a.name}, Kecamatan {a.parent_name} — {folder.period}",
            )
            up = (
                f'<a href="../kecamatan/{a.parent}.html">'
                f"Kecamatan {html.escape(a.parent_name)}</a> · "
            )
            css = HIGHLIGHT.format(id=f"d{a.code}")
            figure = svgs[a.parent]
            rank = page.priority(content.priority(now, a.code), ranked)
        else:
            title = say(
                f"Kecamatan {a.name} — triwulan {folder.period}",
                f"Kecamatan {a.name} — {folder.period}",
            )
            up = ""
            css = HIGHLIGHT.format(id=f"k{a.code}")
            figure = svgs["kabupaten"] + svgs[a.code]
            rank = page.desa_ranks(content.desa_ranks(now, a.code))
        nav = (
            f'{up}<a href="../{SUMMARY_PAGE}">{html.escape(summary)}</a> · '
            f'<a href="../{LIST_PAGE}">{html.escape(listing)}</a>'
        )
        body = (
            f"<h1>{html.escape(title)}</h1>"
            + page.key_figures(content.key_figures(now, prev, a.level, a.code))
            + page.desil(content.desil_counts(now, a.level, a.code))
            + page.programs(
                content.programs(now, a.level, a.code), content.program_pairs(now, a.level, a.code)
            )
            + page.money(
                content.money(now, a.level, a.code),
                costs.sentences(rows, folder.period, lang, a.level, a.code, catalog),
            )
            + page.working_poor(content.working_poor(now, a.level, a.code))
            + page.trend(content.trend(history, a.level, a.code))
            + rank
            + page.quality(content.data_quality(now, a.level, a.code))
            + page.section(say("Peta", "Map"), f'<div class="maps">{figure}</div>')
            + note
        )
        path = folder.reports / a.level / f"{a.code}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_document(title, nav, body, css, lang), encoding="utf-8")
        pages.append(f"{a.level}/{a.code}.html")
    return areas.assign(page=pages)


def area_list(areas: pd.DataFrame, lang: str = "id") -> str:
    """The list page's HTML: each kecamatan, then its desa, linked to their briefs."""
    say = Translator(lang)
    out = []
    for k in areas[areas.level == "kecamatan"].itertuples():
        desa = areas[(areas.level == "desa") & (areas.parent == k.code)]
        links = ", ".join(
            f'<a href="{d.page}">{html.escape(d.name)}</a>' for d in desa.itertuples()
        )
        out.append(
            f'<li><b><a href="{k.page}">Kecamatan {html.escape(k.name)}</a></b>'
            + (f"<br>{links}" if links else "")
            + "</li>"
        )
    lead = say(
        f"{len(areas)} ringkasan wilayah: kecamatan, lalu desanya.",
        f"{len(areas)} area briefs: each kecamatan, then its villages.",
    )
    return f"<p>{lead}</p><ul>{''.join(out)}</ul>"
