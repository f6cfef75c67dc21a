"""The village indicator table: one row per desa/kelurahan (all 104, from the gazetteer).

Rates are shares of the village's households or workers; a village with no records keeps its row
with missing values. Sources: the household base (stage 3), employment persons (stage 4), the
records (NIK defects) and the village effects of the working-poor model.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa import gazetteer
from lebongbisa.flags import nik_category
from lebongbisa.i18n import Translator

FEATURES = {  # column: (Indonesian label, higher is worse?, English label)
    "share_desil1": ("keluarga desil 1", True, "desil-1 households"),
    "share_desil12": ("keluarga desil 1-2", True, "desil 1-2 households"),
    "working_poverty_rate": ("pekerja miskin", True, "working poor"),
    "underemployment_rate": ("setengah menganggur", True, "underemployed"),
    "share_workers_agriculture": ("pekerja pertanian", True, "farm workers"),
    "share_workers_plantation": ("pekerja perkebunan", True, "plantation workers"),
    "share_workers_mining": ("pekerja tambang", True, "mining workers"),
    "share_workers_services": (
        "pekerja jasa/dagang/pemerintahan",
        False,
        "services/trade/government workers",
    ),
    "coverage_desil1": ("cakupan program desil 1", False, "program coverage of desil 1"),
    "exclusion_desil1": ("desil 1 tanpa program", True, "desil 1 without a program"),
    "inclusion_any": ("penerima di luar desil 1-4", True, "recipients outside desil 1-4"),
    "programs_per_desil1": (
        "program per keluarga desil 1",
        False,
        "programs per desil-1 household",
    ),
    "housing_deprivation": ("rumah tidak layak", True, "inadequate housing"),
    "female_headed": ("kepala keluarga perempuan", True, "female household head"),
    "nik_defect_rate": ("NIK bermasalah", True, "NIK problems"),
    "businesses_per_100": ("usaha per 100 keluarga", False, "businesses per 100 households"),
    "village_effect": ("efek desa (model)", True, "village effect (model)"),
}


def feature_label(column: str, lang: str = "id") -> str:
    """An indicator's plain label in the language."""
    label_id, _, label_en = FEATURES[column]
    return label_id if lang == "id" else label_en


def labelled(t: pd.DataFrame, lang: str = "id") -> pd.DataFrame:
    """A village table with its column headers in the language: the indicators by their
    labels, the other columns by `Translator.column`."""
    say = Translator(lang)
    return t.rename(columns=lambda c: feature_label(c, lang) if c in FEATURES else say.column(c))


def village_table(
    h: pd.DataFrame,
    persons: pd.DataFrame,
    records: pd.DataFrame,
    clean: pd.DataFrame,
    effects: pd.Series | None,
) -> pd.DataFrame:
    v = gazetteer.villages().set_index("village_code")
    g = h.groupby("village_code")
    t = pd.DataFrame(index=v.index)
    t["village_name"] = v.village_name
    t["district_code"] = v.district_code
    t["district_name"] = v.district_name
    t["type"] = v.type
    t["households"] = g.size().reindex(t.index).fillna(0).astype(int)
    with_desil = h[h.desil.notna()].groupby("village_code")
    n_desil = with_desil.size().reindex(t.index)
    t["share_desil1"] = (
        with_desil.desil.apply(lambda s: (s == 1).sum()) / with_desil.size()
    ).reindex(t.index)
    t["share_desil12"] = (
        with_desil.desil.apply(lambda s: (s <= 2).sum()) / with_desil.size()
    ).reindex(t.index)
    e = persons[persons.employed]
    ge = e.groupby("village_code")
    t["working_poverty_rate"] = ge.poor.mean().reindex(t.index)
    under = e[e.underemployed.notna()].groupby("village_code").underemployed.mean()
    t["underemployment_rate"] = under.reindex(t.index) if len(under) else np.nan
    t["share_workers_agriculture"] = ge.sector.apply(lambda s: (s == "agriculture").mean()).reindex(
        t.index
    )
    detail = e.sector_detail if "sector_detail" in e else pd.Series(None, index=e.index)
    if detail.notna().any():
        t["share_workers_plantation"] = (
            (detail == "perkebunan").groupby(e.village_code).mean().reindex(t.index)
        )
    else:
        t["share_workers_plantation"] = np.nan
    t["share_workers_mining"] = ge.sector.apply(lambda s: (s == "mining").mean()).reindex(t.index)
    t["share_workers_services"] = ge.sector.apply(
        lambda s: s.isin(["trade", "services", "government", "transport"]).mean()
    ).reindex(t.index)
    d1 = h[h.desil == 1].groupby("village_code")
    t["coverage_desil1"] = d1.programs.apply(lambda s: (s > 0).mean()).reindex(t.index)
    t["exclusion_desil1"] = 1 - t.coverage_desil1
    rec = h[h.programs > 0]
    t["inclusion_any"] = (
        rec.groupby("village_code")
        .desil.apply(lambda s: (s.isna() | (s > 4)).mean())
        .reindex(t.index)
    )
    t["programs_per_desil1"] = d1.programs.mean().reindex(t.index)
    # housing is recorded by the registries and the head by registries' relationships: a
    # village with no such record has no value (not 0%)
    housed = h[h.in_registry].groupby("village_code").size().reindex(t.index).fillna(0)
    t["housing_deprivation"] = g.house_unfit.mean().reindex(t.index).where(housed > 0)
    heads = h[h.head_known].groupby("village_code").size().reindex(t.index).fillna(0)
    t["female_headed"] = g.female_head.mean().reindex(t.index).where(heads > 0)
    acc = records.status == "accepted"
    bad = nik_category(records.reason[acc]).ne("valid")
    t["nik_defect_rate"] = bad.groupby(clean.village_code[acc].to_numpy()).mean().reindex(t.index)
    t["businesses_per_100"] = 100 * g.has_business.mean().reindex(t.index)
    t["village_effect"] = effects.reindex(t.index) if effects is not None else np.nan
    t["records_with_desil"] = n_desil.fillna(0).astype(int)
    return t.reset_index()
