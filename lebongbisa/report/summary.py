"""Content of the policymaker summary, generated from the numbers (never fixed text).

Every number comes from `indicators.csv` (text such as the reasons a village is proposed comes
from the stage tables); small cells are suppressed; the language is Bahasa Indonesia by
default, English with lang="en".
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from lebongbisa import gazetteer, indicators, ingest, link, targeting, workpoor
from lebongbisa import kinds as source_kinds
from lebongbisa import villages as village_stage
from lebongbisa.folder import PeriodFolder, artefact, as_folder
from lebongbisa.i18n import Translator
from lebongbisa.ingest.stage import quarter_regime, registry_delivered
from lebongbisa.report import disclosure, suppress
from lebongbisa.workpoor.interpret import WORK_TERM, sector

RUN_LOG = artefact("run_log").file


def previous(
    processed: Path | PeriodFolder, min_cell: int = suppress.DEFAULT_MIN_CELL
) -> pd.DataFrame | None:
    """The immediately preceding quarter's indicators as published, if it was processed."""
    prev = as_folder(processed).previous("indicators")
    return disclosure.published(prev.parent, min_cell) if prev else None


def with_interval(
    r: pd.Series,
    ind: pd.DataFrame,
    name: str,
    min_cell: int,
    scope_type: str = "kabupaten",
    code: str | None = None,
    lang: str = "id",
) -> str:
    """A published rate (indicator row `r`) with its 90% linkage interval (`_low`/`_high`), as
    "3,8% (3,6–3,9%)"; the rate alone when it is suppressed, has no interval, or the interval
    rounds to the rate itself."""
    text = suppress.rate(r.value, r.denominator, min_cell, lang=lang, hidden=r.get("hidden", ""))
    lo = indicators.row(ind, f"{name}_low", scope_type, code)
    hi = indicators.row(ind, f"{name}_high", scope_type, code)
    if text in ("–", suppress.HIDDEN) or lo is None or hi is None:
        return text
    a, b = (suppress.rate(x.value, r.denominator, min_cell, lang=lang) for x in (lo, hi))
    return text if a == b else f"{text} ({a.rstrip('%')}–{b})"


def headline(
    ind: pd.DataFrame,
    prev: pd.DataFrame | None,
    lang: str = "id",
    min_cell: int = suppress.DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """The quarter's headline figures with the change since the previous quarter."""
    _ = Translator(lang)
    rows = []
    for name in indicators.headline("kabupaten"):
        r = indicators.row(ind, name)
        if r is None:
            continue
        p = indicators.row(prev, name) if prev is not None else None
        if r.get("kind", "count" if pd.isna(r.denominator) else "rate") == "count":
            value = suppress.count(r.value, min_cell, lang, r.get("hidden", ""))
            gone = p is None or pd.isna(r.value) or pd.isna(p.value)  # hidden in either
            change = "–" if gone else _.number(r.value - p.value, sign=True)
        else:
            value = with_interval(r, ind, name, min_cell, lang=lang)
            points = round((r.value - p.value) * 100, 1) + 0.0 if p is not None else None
            points = 0.0 if points == 0 else points  # never "-0,0"
            change = "–" if p is None or pd.isna(points) else _.points(points)
        label = _.label
        rows.append(
            {
                label("indicator"): label(f"headline_{name}"),
                label("value"): value,
                label("change"): change,
            }
        )
    return pd.DataFrame(rows)


def trend(processed: Path | PeriodFolder) -> pd.DataFrame:
    """Desil-1 households, their coverage and the working-poverty rate in every processed
    quarter up to this one, with each quarter's desil regime (`DTSEN` or `P3KE`: desil 1-10
    against 1-4, so numbers by desil on either side of a change are not comparable)."""
    rows = []
    f = as_folder(processed)
    for p in [*f.earlier("indicators"), f.path("indicators")]:
        if not p.exists():
            continue
        ind = indicators.read(p.parent)
        d1, ex = (
            indicators.row(ind, "households_desil1"),
            indicators.row(ind, "exclusion_error_any_program"),
        )
        if d1 is not None and ex is not None and d1.value > 0:  # no desil: no trend point
            rows.append(
                {
                    "period": p.parent.name,
                    "desil1": d1.value,
                    "covered": 1 - ex.value if ex.denominator else float("nan"),
                    "working_poverty_rate": indicators.lookup(ind, "working_poverty_rate"),
                    "regime": quarter_regime(as_folder(p.parent)),
                }
            )
    return pd.DataFrame(rows)


def regime_breaks(tr: pd.DataFrame) -> list[int]:
    """Positions in a trend table where the desil regime changes from the quarter before."""
    r = list(tr.get("regime", []))
    return [i for i in range(1, len(r)) if r[i] != r[i - 1]]


def break_notes(tr: pd.DataFrame, lang: str = "id") -> list[str]:
    """One sentence per break in a trend table, naming the registries and their desil scales."""
    _ = Translator(lang)

    def scale(regime: str) -> str:
        r = source_kinds.DESIL_RANGE.get(regime.lower())
        return f"{regime} (desil {r[0]}–{r[-1]})" if r else _("tanpa desil", "no desil")

    out = []
    for b in regime_breaks(tr):
        first, now, before = tr.period.iloc[b], tr.regime.iloc[b], tr.regime.iloc[b - 1]
        out.append(
            _(
                f"Garis titik-titik: mulai {first} desil berasal dari {scale(now)}, sebelumnya "
                f"dari {scale(before)}. Angka sebelum dan sesudah garis itu mengukur hal yang "
                "berbeda dan tidak dapat dibandingkan langsung.",
                f"Dotted line: from {first} desil comes from {scale(now)}, before from "
                f"{scale(before)}. Numbers on either side of it measure different things and "
                "are not directly comparable.",
            )
        )
    return out


#: the rates the summary follows per quarter: per program, then for the kabupaten
TREND_RATES = (
    ("exclusion_error", "program", "exclusion"),
    ("inclusion_error", "program", "inclusion"),
    ("desil1_bansos_and_pemberdayaan", "kabupaten", "convergence"),
)


def program_trend(
    processed: Path | PeriodFolder, lang: str = "id", min_cell: int = suppress.DEFAULT_MIN_CELL
) -> pd.DataFrame:
    """Each program's exclusion and inclusion error, and the convergence of bansos and
    pemberdayaan on desil-1 households (the kabupaten), in every processed quarter up to
    this one: a row per program and measure, a column per quarter (as published: small cells
    hidden). Empty with one quarter."""
    f = as_folder(processed)
    say = Translator(lang)
    cols = {}
    for p in [*f.earlier("indicators"), f.path("indicators")]:
        if not p.exists():
            continue
        ind = disclosure.published(p.parent, min_cell)
        cells = {}
        for name, scope, label in TREND_RATES:
            for r in ind[(ind.scope_type == scope) & (ind.indicator == name)].itertuples():
                unit = r.scope_code if scope == "program" else "Kabupaten"
                cells[(unit, say.label(label))] = suppress.rate(
                    r.value, r.denominator, min_cell, lang=lang, hidden=getattr(r, "hidden", "")
                )
        cols[p.parent.name] = cells
    if len(cols) < 2:
        return pd.DataFrame()
    t = pd.DataFrame(cols).fillna("–")
    t.index.names = [say.label("program"), say.label("measure")]
    return t.reset_index()


def program_table(
    ind: pd.DataFrame,
    catalog: list[dict],
    lang: str = "id",
    min_cell: int = suppress.DEFAULT_MIN_CELL,
) -> pd.DataFrame:
    """Per program: recipients, errors as rates and as households."""
    label = Translator(lang).label
    rows = []
    for p in catalog:
        code = p["code"]
        delivered = indicators.row(ind, "program_list_delivered", "program", code)
        if delivered is not None and delivered.value == 0:
            rows.append(
                {
                    label("program"): code,
                    label("agency"): p["agency"],
                    label("recipients"): label("not_delivered"),
                }
                | {label(k): "–" for k in ("exclusion", "excluded", "inclusion", "included")}
            )
            continue
        rec, exc, inc = (
            indicators.row(ind, n, "program", code)
            for n in ("recipients_households", "exclusion_error", "inclusion_error")
        )
        if rec is None:
            continue
        rows.append(
            {
                label("program"): code,
                label("agency"): p["agency"],
                label("recipients"): suppress.count(
                    rec.value, min_cell, lang, rec.get("hidden", "")
                ),
                label("exclusion"): with_interval(
                    exc, ind, "exclusion_error", min_cell, "program", code, lang
                ),
                label("excluded"): suppress.count(
                    exc.numerator, min_cell, lang, exc.get("hidden", "")
                ),
                label("inclusion"): with_interval(
                    inc, ind, "inclusion_error", min_cell, "program", code, lang
                ),
                label("included"): suppress.count(
                    inc.numerator, min_cell, lang, inc.get("hidden", "")
                ),
            }
        )
    return pd.DataFrame(rows)


def program_pairs(
    ind: pd.DataFrame, min_cell: int = suppress.DEFAULT_MIN_CELL, top: int = 5
) -> pd.DataFrame:
    """The pairs of programs most often received by the same households, kabupaten-wide
    (pairs of at least `min_cell` households)."""
    p = ind[(ind.indicator == "co_receipt_households") & (ind.scope_type == "program_pair")]
    return p[p.value >= min_cell].nlargest(top, "value")


def kecamatan_gaps(ind: pd.DataFrame, min_cell: int = suppress.DEFAULT_MIN_CELL) -> pd.DataFrame:
    """Kecamatan ranked by the share of desil-1 households that no program reaches; those where
    fewer than `min_cell` are not reached (the share hidden, `hidden` set) come last."""
    k = ind[(ind.scope_type == "kecamatan") & (ind.indicator == "exclusion_error_any_program")]
    hidden = k.get("hidden", pd.Series("", index=k.index)).fillna("")
    k = k.assign(hidden=hidden)
    k = k[((k.denominator >= min_cell) & (k.value > 0)) | (k.hidden == "small")]
    k = k[k.scope_code != "unknown"].sort_values("value", ascending=False, na_position="last")
    names = gazetteer.district_names()
    return pd.DataFrame(
        {
            "kecamatan": k.scope_code.map(names).fillna(k.scope_code),
            "desil1": k.denominator,
            "not_reached": k.numerator,
            "share": k.value,
            "hidden": k.hidden,
        }
    )


def gap_lines(
    gaps: pd.DataFrame, lang: str = "id", min_cell: int = suppress.DEFAULT_MIN_CELL
) -> list[str]:
    """One line per kecamatan of `kecamatan_gaps`, in plain words."""
    say = Translator(lang)
    out = []
    for g in gaps.itertuples():
        if g.hidden:
            out.append(
                say(
                    f"- {g.kecamatan}: kurang dari {min_cell} keluarga desil 1 belum terjangkau",
                    f"- {g.kecamatan}: fewer than {min_cell} desil-1 households not reached",
                )
            )
            continue
        share = suppress.rate(g.share, g.desil1, min_cell, lang=lang)
        n = suppress.count(g.desil1, min_cell, lang)
        out.append(
            say(
                f"- {g.kecamatan}: {share} dari {n} keluarga desil 1 belum terjangkau",
                f"- {g.kecamatan}: {share} of {n} desil-1 households not reached",
            )
        )
    return out


def graduation_note(
    ind: pd.DataFrame, lang: str = "id", min_cell: int = suppress.DEFAULT_MIN_CELL
) -> str | None:
    """The graduation list (daftar e) in one sentence: how many poor working households with a
    business or a farm of their own no pemberdayaan program reaches, and the kecamatan with
    the most (None when the quarter cannot say)."""
    say = Translator(lang)
    kab = indicators.row(ind, "graduation_households")
    if kab is None or pd.isna(kab.value) and not kab.get("hidden", ""):
        return None
    n = suppress.count(kab.value, min_cell, lang, kab.get("hidden", ""))
    k = ind[(ind.indicator == "graduation_households") & (ind.scope_type == "kecamatan")]
    k = k[k.value.notna() & (k.value > 0) & (k.scope_code != "unknown")].nlargest(3, "value")
    names = gazetteer.district_names()
    top = ", ".join(
        f"{names.get(r.scope_code, r.scope_code)} ({suppress.count(r.value, min_cell, lang)})"
        for r in k.itertuples()
    )
    most = say(f" Terbanyak di Kecamatan {top}.", f" Most in Kecamatan {top}.") if top else ""
    return say(
        f"{n} keluarga desil 1–2 yang anggotanya bekerja dan punya usaha atau bertani di lahan "
        "sendiri belum menerima program pemberdayaan: mereka calon graduasi dari kemiskinan "
        f"lewat pekerjaannya sendiri (nama per desa dalam daftar e untuk petugas).{most}",
        f"{n} desil 1–2 households whose members work and that run a business or their own "
        "farm receive no empowerment program: candidates to leave poverty through their own "
        f"work (names per desa in list e, for officers).{most}",
    )


def verification_lines(
    ind: pd.DataFrame, lang: str = "id", min_cell: int = suppress.DEFAULT_MIN_CELL
) -> list[str]:
    """The field results that came back this quarter, in sentences: how many and what they
    changed, then per kecamatan and per dinas (empty before the first result comes back)."""
    say = Translator(lang)
    back = indicators.row(ind, "verification_returned")
    if back is None:
        return []

    def n(name: str) -> str:
        r = indicators.row(ind, name)
        if r is None:
            return "0"
        return suppress.count(r.value, min_cell, lang, r.get("hidden", ""))

    lines = [
        say(
            f"{n('verification_returned')} hasil verifikasi lapangan kembali triwulan ini. "
            f"Karenanya {n('verification_persons_removed')} orang keluar dari daftar (meninggal "
            f"keluar dari semua daftar dan hitungan; pindah keluar dari daftar desa lamanya), "
            f"{n('verification_households_enrolled')} keluarga keluar dari daftar a karena "
            f"sudah menerima program, dan {n('verification_registry_checks')} keluarga yang "
            "tidak ditemukan perlu diperiksa di registri.",
            f"{n('verification_returned')} field verification results came back this quarter. "
            f"Because of them {n('verification_persons_removed')} people left the lists (the "
            "dead leave every list and count; those who moved leave their old desa's lists), "
            f"{n('verification_households_enrolled')} households left list a as already "
            f"enrolled, and {n('verification_registry_checks')} households not found are to be "
            "checked in the registry.",
        )
    ]
    names = gazetteer.district_names()
    for scope, label in (("kecamatan", "Kecamatan"), ("agency", "Dinas")):
        rows = ind[(ind.indicator == "verification_returned") & (ind.scope_type == scope)]
        parts = [
            f"{names.get(r.scope_code, r.scope_code)} "
            f"{suppress.count(r.value, min_cell, lang, getattr(r, 'hidden', ''))}"
            for r in rows.sort_values("scope_code").itertuples()
        ]
        if parts:
            lines.append(
                say(f"Hasil kembali per {label.lower()}: ", f"Results back per {scope}: ")
                + "; ".join(parts)
                + "."
            )
    return lines


def marginal_effects(ind: pd.DataFrame) -> pd.DataFrame:
    """The working-poor model's average marginal effects with 95% intervals, by term."""
    t = indicators.wide(ind, "model_term", "working_poor_ame").rename(
        columns={"": "ame", "_ci_low": "ci_low", "_ci_high": "ci_high"}
    )
    return t.rename_axis("term").reset_index()


#: the model terms the summary shows: the head's sector, and the work traits a policy can act on
HEADLINE_TERMS = (
    "head_casual_or_unpaid",
    "head_underemployed",
    "other_working_members",
    "has_business",
)
TERM_LABELS_ID = {
    "head_casual_or_unpaid": "kepala keluarga buruh lepas / pekerja keluarga",
    "head_underemployed": "kepala keluarga bekerja < 35 jam",
    "other_working_members": "setiap tambahan anggota yang bekerja",
    "has_business": "memiliki usaha",
}


def headline_terms(me: pd.DataFrame) -> pd.DataFrame:
    """The marginal effects shown to policymakers: the head's sector and HEADLINE_TERMS."""
    return me[me.term.str.startswith(WORK_TERM) | me.term.isin(HEADLINE_TERMS)]


def term_label(term: str, lang: str = "id") -> str:
    """A model term in plain words (Indonesian), or as the model names it (English)."""
    if not Translator(lang).indonesian:
        return term
    if term == WORK_TERM + "not working":
        return "kepala keluarga tidak bekerja"
    if term.startswith(WORK_TERM):
        return "kepala keluarga di sektor " + sector(term.removeprefix(WORK_TERM))
    return TERM_LABELS_ID.get(term, term)


#: the main reasons a village is proposed, in Indonesian and English (stage 5's desa_binaan)
REASONS = ["reasons", "reasons_en"]


def desa_binaan(
    ind: pd.DataFrame, reasons: pd.DataFrame | None = None, top: int = 10
) -> pd.DataFrame:
    """The top villages by priority rank, with the rank range under varied weights; `reasons`
    (by village_code, the REASONS columns of the villages stage) adds the main reasons."""
    t = indicators.wide(ind, "desa", "priority_rank")
    if t.empty:
        return pd.DataFrame()
    v = gazetteer.villages().set_index("village_code")
    out = pd.DataFrame(
        {
            "rank": t[""].astype(int),
            "village_name": v.village_name.reindex(t.index),
            "district_name": v.district_name.reindex(t.index),
            "rank_p05": t["_p05"].astype(int),
            "rank_p95": t["_p95"].astype(int),
        }
    )
    for col in REASONS:
        out[col] = reasons[col].reindex(t.index) if reasons is not None else ""
    return out.sort_values(["rank", "village_name"]).head(top).reset_index(drop=True)


def recommendations(
    ind: pd.DataFrame, villages: pd.DataFrame | None = None, lang: str = "id"
) -> list[str]:
    """Recommendations triggered by thresholds on this quarter's numbers."""
    _ = Translator(lang)
    out = []
    prog = ind[ind.scope_type == "program"]
    exc = prog[prog.indicator == "exclusion_error"].sort_values("value", ascending=False)
    inc = prog[prog.indicator == "inclusion_error"].sort_values("value", ascending=False)
    any_ex = indicators.row(ind, "exclusion_error_any_program")
    if any_ex is not None and any_ex.numerator >= 1:
        out.append(
            _(
                f"Verifikasi {any_ex.numerator:,.0f} keluarga desil 1 yang belum menerima program "
                "apa pun (daftar a) dan usulkan ke program yang sesuai.".replace(",", "."),
                f"Verify the {any_ex.numerator:,.0f} desil-1 households that receive "
                "no program (worklist a) and propose them to a suitable program.",
            )
        )
    if len(inc) and inc.iloc[0].value > 0.3:
        r = inc.iloc[0]
        out.append(
            _(
                f"Tinjau penerima {r.scope_code}: {r.value:.0%} keluarga penerimanya berada di "
                "luar sasaran atau tidak tercatat di DTSEN/DTKS/P3KE (daftar b).",
                f"Review {r.scope_code} recipients: {r.value:.0%} are outside its "
                "target or in no registry (worklist b).",
            )
        )
    if len(exc) and exc.iloc[0].value > 0.5:
        r = exc.iloc[0]
        out.append(
            _(
                f"{r.scope_code} baru menjangkau {1 - r.value:.0%} keluarga sasarannya: perlu "
                "penambahan kuota atau pemutakhiran data penerima.",
                f"{r.scope_code} reaches only {1 - r.value:.0%} of its target "
                "households: quota or recipient data need updating.",
            )
        )
    both = indicators.row(ind, "desil1_bansos_and_pemberdayaan")
    if both is not None and both.value < 0.5:
        out.append(
            _(
                f"Hanya {both.value:.0%} keluarga desil 1 menerima bantuan sosial sekaligus "
                "program pemberdayaan: arahkan program pemberdayaan (modal usaha, sarana "
                "pertanian) ke keluarga penerima bansos agar mereka dapat keluar dari kemiskinan.",
                f"Only {both.value:.0%} of desil-1 households get both social "
                "assistance and an empowerment program: target empowerment at bansos recipients.",
            )
        )
    me = marginal_effects(ind).set_index("term")
    if len(me):
        agri = me.ame.get("head works in: agriculture")
        if agri is not None and agri > 0.05:
            out.append(
                _(
                    f"Kepala keluarga yang bekerja di pertanian {agri * 100:.0f} poin persen lebih "
                    "mungkin miskin daripada yang berdagang: prioritaskan peningkatan "
                    "produktivitas pertanian (bibit, pupuk, pascapanen kopi dan padi).",
                    f"Heads working in agriculture are {agri * 100:.0f} points "
                    "more likely to be poor than traders: prioritise farm productivity.",
                )
            )
    if villages is not None and len(villages):
        top = ", ".join(villages.head(5).village_name)
        out.append(_(f"Tetapkan Desa Binaan mulai dari: {top}.", f"Start Desa Binaan with: {top}."))
    return out


#: the stage that writes each artefact the summary reads (from the stages' specs)
WRITER = {
    key: spec.name
    for spec in (ingest.SPEC, link.SPEC, targeting.SPEC, workpoor.SPEC, village_stage.SPEC)
    for key in spec.writes
}


def load(
    processed: Path | PeriodFolder,
    done: set[str] | None = None,
    min_cell: int = suppress.DEFAULT_MIN_CELL,
) -> dict:
    """Everything the summary notebook shows, from the stages in `done` (default: all that
    left outputs), its indicators as published (`disclosure.published`, small cells hidden);
    what a failed stage would have given is empty."""
    f = as_folder(processed)

    def have(key: str) -> bool:
        return (done is None or WRITER[key] in done) and f.path(key).exists()

    def read_json(key: str) -> dict:
        return json.loads(f.path(key).read_text(encoding="utf-8"))

    manifest = (
        read_json("manifest")
        if have("manifest")
        else {"programs": [], "sources": [], "partial": False, "failed_sources": []}
    )
    ind = (
        disclosure.published(f, min_cell)
        if have("targeting_indicators")
        else indicators.empty().assign(hidden="", kind="")
    )
    reasons = (
        pd.read_parquet(f.path("desa_binaan"), columns=["village_code", *REASONS]).set_index(
            "village_code"
        )
        if have("desa_binaan")
        else None
    )
    model = read_json("working_poor_model") if have("working_poor_model") else None
    villages = read_json("villages_summary") if have("villages_summary") else None
    return {
        "link_summary": read_json("link_summary") if have("link_summary") else None,
        "ind": ind,
        "prev": previous(f, min_cell),
        "previous_villages_with_records": _villages_with_records(f.previous("villages_summary")),
        "previous_missing": f.previous_missing("indicators"),
        "manifest": manifest,
        "catalog": manifest["programs"],
        "villages": desa_binaan(ind, reasons) if reasons is not None else pd.DataFrame(),
        "model": model,
        "villages_summary": villages,
    }


def _villages_with_records(path: Path | None) -> int | None:
    if path is None:
        return None
    return json.loads(path.read_text(encoding="utf-8")).get("villages_with_records")


GROUP_NAMES = {
    "nik_status": {
        "excel_damaged": ("NIK yang dirusak Excel", "NIKs damaged by Excel"),
        "invalid": ("NIK tidak sah", "invalid NIKs"),
        "missing": ("NIK kosong", "no NIK"),
        "valid": ("NIK sah", "valid NIKs"),
    },
    "sex": {"L": ("laki-laki", "men"), "P": ("perempuan", "women")},
}


def linkage_notes(S: dict, lang: str = "id") -> list[str]:
    """What the linkage adds to the reading of this quarter: the ranges shown beside the
    targeting errors, and a group of recipients the linker often cannot find in a registry."""
    _ = Translator(lang)
    out = []
    if S["ind"].indicator.str.endswith("_low").any():
        out.append(
            _(
                "Angka dalam kurung di samping angka salah sasaran adalah rentang akibat "
                "ketidakpastian pencocokan data antar-daftar (bukan ketidakpastian survei): "
                "pencocokan yang ragu-ragu diulang ratusan kali menurut peluangnya. Rentang ini "
                "batas bawah ketidakpastian: kekeliruan yang tidak terlihat oleh model pencocokan "
                "bisa membuat angka sebenarnya berada di luarnya.",
                "The range in brackets beside a targeting error comes from the uncertainty of "
                "matching people across lists (not survey uncertainty): the uncertain matches are "
                "redrawn hundreds of times by their probabilities. It is the least the "
                "uncertainty can be: mistakes the matching model cannot see may put the true "
                "value outside it.",
            )
        )
    g = (S.get("link_summary") or {}).get("standout")
    if g:
        name = GROUP_NAMES.get(g["dimension"], {}).get(g["group"])
        who = (
            _(f"dengan {name[0]}", f"with {name[1]}")
            if name
            else _(f"{g['dimension']} {g['group']}", f"{g['dimension']} {g['group']}")
        )
        if g["dimension"] == "source":
            who = _(f"program {g['group']}", f"of {g['group']}")
        if g["dimension"] == "age_group":
            who = _(f"berumur {g['group']} tahun", f"aged {g['group']}")
        share, overall = (suppress.rate(g[k], None, lang=lang) for k in ("not_found", "overall"))
        out.append(
            _(
                f"Penerima {who} lebih sering tidak ditemukan di DTSEN/DTKS/P3KE ({share}, "
                f"dibanding {overall} seluruh penerima): mereka terhitung di luar sasaran, "
                "sehingga angka salah sasaran untuk kelompok ini paling tidak pasti. Petugas "
                "dapat memeriksanya di lembar tinjauan pencocokan.",
                f"Recipients {who} are more often not found in DTSEN/DTKS/P3KE ({share}, "
                f"against {overall} of all recipients): they count as outside the target, so "
                "the targeting errors for this group are the least certain. Officers can "
                "check them in the linkage review workbook.",
            )
        )
    return out


def failure_notes(failures: list[dict], lang: str = "id") -> list[str]:
    """One plain sentence per stage that failed or was skipped, and what is missing."""
    _ = Translator(lang)
    out = []
    for f in failures:
        title, missing = _(f["title_id"], f["title_en"]), _(f["missing_id"], f["missing_en"])
        failed = f["status"] == "failed"
        how = _(
            "gagal dijalankan" if failed else "tidak dijalankan",
            "failed" if failed else "was not run",
        )
        out.append(
            _(
                f"**Tahap \u201c{title}\u201d {how}** triwulan ini; akibatnya {missing} tidak "
                "tersedia dalam laporan ini. Analis dapat melihat penyebabnya di catatan proses "
                f"({RUN_LOG}).",
                f"**The stage \u201c{title}\u201d {how}** this quarter, so {missing} are missing "
                f"from this report. Analysts find the cause in the run log ({RUN_LOG}).",
            )
        )
    return out


def limits(S: dict, lang: str = "id") -> list[str]:
    """Plain sentences on what this quarter's data could not carry (never a 0% or 100%)."""
    _ = Translator(lang)
    ind, out = S["ind"], []
    if S["manifest"].get("sources") and not registry_delivered(S["manifest"]):
        out.append(
            _(
                "Triwulan ini tidak ada registri (DTSEN, DTKS atau P3KE): desil keluarga tidak "
                "diketahui, sehingga angka menurut desil dan salah sasaran tidak dapat dihitung.",
                "No registry (DTSEN, DTKS or P3KE) was delivered this quarter: household desil "
                "is unknown, so desil-based numbers and targeting errors cannot be computed.",
            )
        )
    flags = ind[ind.indicator == "program_list_delivered"]
    missing = sorted(flags.scope_code[flags.value == 0])
    if len(flags) and len(missing) == len(flags):
        out.append(
            _(
                "Tidak ada daftar penerima program yang dikirim triwulan ini: cakupan dan salah "
                "sasaran program tidak dapat dihitung.",
                "No program list was delivered this quarter: program coverage and targeting "
                "errors cannot be computed.",
            )
        )
    elif missing:
        out.append(
            _(
                "Program dalam katalog yang daftarnya tidak dikirim triwulan ini: "
                f"{', '.join(missing)}. Angka program tersebut tidak dihitung (bukan berarti "
                "tidak ada penerima).",
                f"Catalog programs whose list was not delivered this quarter: "
                f"{', '.join(missing)}. Their numbers are not computed (which does not mean they "
                "have no recipients).",
            )
        )
    model = S.get("model")
    if model is not None and not model.get("estimated", True):
        out.append(
            _(
                "Model penyebab kemiskinan pekerja tidak diestimasi: datanya tidak cukup "
                f"({model.get('households', 0):,} keluarga dengan data pekerjaan dan "
                "desil).".replace(",", "."),
                "The working-poverty model was not estimated: " + str(model.get("reason")) + ".",
            )
        )
    vs = S.get("villages_summary")
    if vs is not None:
        n, total = vs.get("villages_with_records"), vs.get("villages")
        before = S.get("previous_villages_with_records")
        if n is not None and before is not None and n != before:
            out.append(
                _(
                    f"Cakupan data berubah dari {before} menjadi {n} desa/kelurahan sejak triwulan "
                    "lalu: perubahan jumlah keluarga (juga desil 1) sebagian besar mencerminkan "
                    "cakupan data, bukan naik atau turunnya kemiskinan.",
                    f"The data now cover {n} villages instead of {before} last quarter: changes in "
                    "household counts (desil 1 too) mostly reflect that coverage, not poverty "
                    "rising or falling.",
                )
            )
        if n is not None and n < total:
            out.append(
                _(
                    f"Data triwulan ini mencakup {n} dari {total} desa/kelurahan; desa lain tidak "
                    "diberi peringkat atau tipe.",
                    f"This quarter's data cover {n} of {total} villages; the others get no "
                    "rank or type.",
                )
            )
        if "skipped" in vs.get("typology", {}):
            out.append(
                _(
                    "Tipologi desa tidak dibuat: " + _.field(vs["typology"], "skipped") + ".",
                    "No village typology: " + vs["typology"]["skipped"] + ".",
                )
            )
        if vs.get("priority_skipped"):
            out.append(
                _(
                    "Peringkat Desa Binaan tidak dapat dibuat: "
                    + _.field(vs, "priority_skipped")
                    + ".",
                    "No Desa Binaan ranking: " + vs["priority_skipped"] + ".",
                )
            )
    return out
