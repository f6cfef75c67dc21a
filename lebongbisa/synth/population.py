"""The true synthetic population of Lebong: households, persons, work and welfare.

Everything here is the *truth* that the registries and program lists later observe with lags,
errors and defects. The consumption model is the documented generating process of
`docs/assumptions.md`: employment matters through the head's sector, status, hours and the
share of members who work, next to demography, education, assets and a village effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lebongbisa import gazetteer
from lebongbisa.synth import calibration as cal
from lebongbisa.synth.names import draw_names

SECTOR_LABELS = np.array([s[0] for s in cal.SECTORS])
SECTOR_BASE_SHARE = np.array([s[3] for s in cal.SECTORS])
SECTOR_EFFECT = dict(zip(SECTOR_LABELS, [s[4] for s in cal.SECTORS], strict=True))
AGRI_SECTORS = {"padi", "hortikultura", "perkebunan_kopi", "peternakan"}

#: Status in employment (Regsosek 418) probabilities by sector group, for men / heads.
_STATUS_BY_GROUP = {
    "agri": {"1": 0.48, "2": 0.22, "3": 0.03, "6": 0.22, "8": 0.05},
    "agri_f": {"1": 0.25, "2": 0.05, "6": 0.15, "8": 0.55},
    "tambang_rakyat": {"1": 0.30, "4": 0.10, "7": 0.60},
    "perdagangan": {"1": 0.60, "2": 0.15, "3": 0.03, "4": 0.14, "8": 0.08},
    "konstruksi": {"1": 0.08, "3": 0.02, "4": 0.30, "7": 0.60},
    "transportasi": {"1": 0.60, "4": 0.30, "7": 0.10},
    "jasa": {"1": 0.28, "3": 0.07, "4": 0.60, "8": 0.05},
    "pemerintahan": {"5": 1.0},
}
_HOURS_MEAN = {
    "padi": 30,
    "hortikultura": 33,
    "perkebunan_kopi": 29,
    "peternakan": 32,
    "tambang_rakyat": 36,
    "perdagangan": 45,
    "konstruksi": 41,
    "transportasi": 44,
    "jasa": 42,
    "pemerintahan": 40,
}

#: Housing items from best to worst (P3KE labels), with the share in each category.
HOUSING_ITEMS = {
    "floor": (
        ["KERAMIK/GRANIT/MARMER/UBIN/TEGEL/TERASO", "SEMEN", "KAYU/PAPAN", "TANAH"],
        [0.30, 0.44, 0.19, 0.07],
    ),
    "wall": (["TEMBOK", "KAYU/PAPAN", "BAMBU"], [0.58, 0.37, 0.05]),
    "roof": (
        ["GENTENG", "ASBES/SENG", "KAYU/SIRAP", "JERAMI/IJUK/RUMBIA/DAUN"],
        [0.08, 0.84, 0.05, 0.03],
    ),
    "water": (
        [
            "AIR KEMASAN/ISI ULANG",
            "LEDENG/PAM",
            "SUMUR BOR",
            "SUMUR TERLINDUNG",
            "SUMUR TIDAK TERLINDUNG",
            "AIR PERMUKAAN",
        ],
        [0.22, 0.15, 0.10, 0.35, 0.12, 0.06],
    ),
    "sanitation": (["MILIK SENDIRI", "UMUM/BERSAMA", "LAINNYA"], [0.72, 0.17, 0.11]),
    "lighting": (
        ["LISTRIK PLN METERAN", "LISTRIK PLN NON METERAN", "LISTRIK NON-PLN", "BUKAN LISTRIK"],
        [0.86, 0.09, 0.03, 0.02],
    ),
    "cooking_fuel": (["LISTRIK/GAS", "MINYAK TANAH", "ARANG/KAYU"], [0.66, 0.02, 0.32]),
}
EDUCATION_LABELS = [
    "TIDAK/BELUM SEKOLAH",
    "TDK TAMAT SD",
    "TAMAT SD",
    "TAMAT SLTP",
    "TAMAT SLTA",
    "TAMAT PT/AKADEMI",
]


def _choice_rows(rng: np.random.Generator, probs: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Draw one label per row from row-specific probabilities (rows sum to 1)."""
    cum = probs.cumsum(axis=1)
    u = rng.random(len(probs))[:, None] * cum[:, -1:]
    return labels[(u > cum).sum(axis=1)]


def assign_village_types(rng: np.random.Generator, villages: pd.DataFrame) -> pd.Series:
    """Plant a village type for each desa (truth for the typology stage)."""
    remote = {"170706", "170712", "170705", "170702"}
    rice = {"170708", "170704", "170707", "170703"}
    mining = {"170701", "170711", "170703"}
    types = []
    for code, typ, kec in zip(
        villages.village_code, villages.type, villages.district_code, strict=True
    ):
        if typ == "kelurahan":
            types.append("perkotaan")
            continue
        w = {"sawah": 1.0, "kebun_kopi_terpencil": 1.0, "tambang": 0.25}
        if kec in remote:
            w["kebun_kopi_terpencil"] += 3.0
        if kec in rice:
            w["sawah"] += 3.0
        if kec in mining:
            w["tambang"] += 1.5
        keys = list(w)
        p = np.array([w[k] for k in keys])
        types.append(keys[rng.choice(len(keys), p=p / p.sum())])
        del code
    return pd.Series(types, index=villages.village_code, name="village_type")


def _unique_serials(keys: pd.Series) -> np.ndarray:
    """Serial numbers 0001.. that are unique within each key (NIK/KK digits 13-16)."""
    offset = pd.util.hash_pandas_object(keys, index=False).to_numpy() % 200
    return (keys.groupby(keys).cumcount().to_numpy() + 1 + offset).astype(int)


def make_nik(prefix: pd.Series, birth: pd.Series, sex: pd.Series) -> pd.Series:
    """Structurally valid NIKs: region(6) + DDMMYY (DD+40 for women) + serial(4)."""
    day = birth.dt.day + np.where(sex.to_numpy() == "P", 40, 0)
    ddmmyy = (
        pd.Series(day, index=prefix.index).astype(str).str.zfill(2)
        + birth.dt.month.astype(str).str.zfill(2)
        + (birth.dt.year % 100).astype(str).str.zfill(2)
    )
    key = prefix + ddmmyy
    return key + pd.Series(_unique_serials(key), index=prefix.index).astype(str).str.zfill(4)


def make_kk(prefix: pd.Series, reg_date: pd.Series) -> pd.Series:
    """No KK: region(6) + registration date DDMMYY + family serial(4)."""
    key = prefix + reg_date.dt.strftime("%d%m%y")
    return key + pd.Series(_unique_serials(key), index=prefix.index).astype(str).str.zfill(4)


OTHER_NIK_PREFIXES = np.array(["170201", "170203", "170101", "177101", "160301", "170601"])


def build_population(
    rng: np.random.Generator,
    persons_target: int,
    ref_date: pd.Timestamp,
    kecamatan: tuple[str, ...] = (),
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Households, persons and villages (with planted types) at the reference date.

    `kecamatan` (6-digit codes) confines the population to those kecamatan (a pilot world);
    the persons target is then spread over them alone."""
    vil = gazetteer.villages()
    vil["village_type"] = assign_village_types(rng, vil).to_numpy()
    kec_pop = pd.Series(cal.KECAMATAN_POPULATION_2024)
    if kecamatan:
        unknown = set(kecamatan) - set(kec_pop.index)
        if unknown:
            raise ValueError(f"unknown kecamatan code(s): {', '.join(sorted(unknown))}")
        vil = vil[vil.district_code.isin(kecamatan)].reset_index(drop=True)
        kec_pop = kec_pop[list(kecamatan)]
    kec_share = kec_pop / kec_pop.sum()
    w = rng.lognormal(0, 0.35, len(vil)) * np.where(vil.type == "kelurahan", 1.5, 1.0)
    vil["weight"] = w
    vil["weight"] = vil.weight / vil.groupby("district_code").weight.transform("sum")
    vil["target_persons"] = vil.weight * vil.district_code.map(kec_share) * persons_target

    sizes = np.array(list(cal.HOUSEHOLD_SIZE_P))
    size_p = np.array(list(cal.HOUSEHOLD_SIZE_P.values()))
    mean_size = (sizes * size_p).sum()
    hh_parts = []
    for code, target in zip(vil.village_code, vil.target_persons, strict=True):
        draw = rng.choice(sizes, size=int(target / mean_size * 1.3) + 5, p=size_p)
        keep = np.searchsorted(draw.cumsum(), target) + 1
        hh_parts.append(pd.DataFrame({"village_code": code, "size": draw[:keep]}))
    hh = pd.concat(hh_parts, ignore_index=True)
    hh["household_id"] = np.arange(1, len(hh) + 1)
    n_h = len(hh)
    hh["has_spouse"] = (hh["size"] >= 2) & (rng.random(n_h) < 0.86)
    hh["has_parent"] = (hh["size"] >= 4) & (rng.random(n_h) < 0.18)
    head_age = np.clip(22 + rng.gamma(4.0, 6.2, n_h), 19, 88)
    head_age = np.where(
        hh["size"] == 1, np.clip(head_age + rng.normal(10, 8, n_h), 19, 92), head_age
    )
    hh["head_age"] = head_age
    hh["head_male"] = np.where(hh.has_spouse, rng.random(n_h) < 0.97, rng.random(n_h) < 0.45)

    # persons: one row per member
    idx = np.repeat(np.arange(n_h), hh["size"].to_numpy())
    member = np.concatenate([np.arange(s) for s in hh["size"].to_numpy()]) if n_h else np.array([])
    p = pd.DataFrame({"household_id": hh.household_id.to_numpy()[idx], "member": member})
    h_size = hh["size"].to_numpy()[idx]
    has_sp = hh.has_spouse.to_numpy()[idx]
    has_par = hh.has_parent.to_numpy()[idx]
    h_age = hh.head_age.to_numpy()[idx]
    h_male = hh.head_male.to_numpy()[idx]
    n = len(p)
    rel = np.full(n, "ANAK", dtype=object)
    rel[member == 0] = "KEPALA KELUARGA"
    rel[(member == 1) & has_sp] = "ISTRI/SUAMI"
    rel[(member == h_size - 1) & has_par & (member >= 2)] = "ORANG TUA"
    p["relationship"] = rel
    age = np.where(
        rel == "KEPALA KELUARGA",
        h_age,
        np.where(
            rel == "ISTRI/SUAMI",
            np.clip(h_age + rng.normal(-4, 4, n), 17, 95),
            np.where(
                rel == "ORANG TUA",
                np.clip(h_age + 24 + rng.uniform(0, 10, n), 45, 98),
                rng.uniform(0, np.clip(h_age - 19, 1, 32), n),
            ),
        ),
    )
    sex = np.where(
        rel == "KEPALA KELUARGA",
        np.where(h_male, "L", "P"),
        np.where(
            rel == "ISTRI/SUAMI",
            np.where(h_male, "P", "L"),
            np.where(
                rel == "ORANG TUA",
                np.where(rng.random(n) < 0.65, "P", "L"),
                np.where(rng.random(n) < 0.5, "P", "L"),
            ),
        ),
    )
    p["sex"] = sex
    p["birth_date"] = (
        ref_date - pd.to_timedelta(np.floor(age * 365.25 + rng.uniform(0, 300, n)), "D")
    ).normalize()
    p["person_id"] = np.arange(1, n + 1)
    p["village_code"] = hh.village_code.to_numpy()[idx]
    p["alive"] = True
    p["death_period"] = pd.Series([None] * n, dtype=object)
    p["name"] = draw_names(rng, sex, age)
    kec = p.village_code.str[:6]
    elsewhere = rng.random(n) < 0.10
    prefix = np.where(elsewhere, rng.choice(OTHER_NIK_PREFIXES, n), kec)
    p["nik"] = make_nik(pd.Series(prefix, index=p.index), p.birth_date, p.sex)
    p["education"] = _draw_education(rng, age)
    p = p.drop(columns="member")

    reg = ref_date - pd.to_timedelta(rng.integers(30, 365 * 18, n_h), "D")
    hh["kk_number"] = make_kk(hh.village_code.str[:6], pd.Series(reg))
    hh["address"] = "DUSUN " + pd.Series(rng.choice(["I", "II", "III", "IV"], n_h))
    hh["rt"] = pd.Series(rng.integers(1, 9, n_h)).astype(str).str.zfill(3)
    hh["rw"] = pd.Series(rng.integers(1, 4, n_h)).astype(str).str.zfill(3)
    hh["persistent"] = rng.normal(0, cal.CONSUMPTION_EFFECTS["persistent_sd"], n_h)
    hh["shock"] = 0.0
    hh = hh.drop(columns=["size", "has_spouse", "has_parent", "head_age", "head_male"])
    vil_effect = vil.village_type.map(lambda t: cal.VILLAGE_TYPES[t]["effect"])
    vil["village_effect"] = vil_effect + rng.normal(0, 0.06, len(vil))
    assign_work(rng, p, vil, ref_date)
    hh = _assign_assets(rng, hh, p)
    return hh, p, vil.drop(columns=["weight", "target_persons"])


def _draw_education(rng: np.random.Generator, age: np.ndarray) -> np.ndarray:
    """Education level 0..5 (never..tertiary); younger cohorts are better schooled."""
    young = np.clip((70 - age) / 50, 0, 1)  # 1 for the young, 0 for the old
    probs = np.column_stack(
        [
            0.18 - 0.14 * young,
            0.22 - 0.14 * young,
            0.30 - 0.06 * young,
            0.15 + 0.08 * young,
            0.12 + 0.18 * young,
            0.03 + 0.08 * young,
        ]
    )
    lvl = _choice_rows(rng, probs, np.arange(6))
    # children are still in school: cap by age
    cap = np.select([age < 7, age < 13, age < 16, age < 19, age < 23], [0, 1, 2, 3, 4], 5)
    return np.minimum(lvl, cap).astype(int)


def assign_work(
    rng: np.random.Generator,
    p: pd.DataFrame,
    vil: pd.DataFrame,
    on_date: pd.Timestamp,
    mask: np.ndarray | None = None,
) -> None:
    """Draw labour status, sector, status in employment and hours (in place) for rows in mask."""
    if mask is None:
        mask = np.ones(len(p), dtype=bool)
        for col, val in [
            ("works", False),
            ("unemployed", False),
            ("in_school", False),
            ("sector", None),
            ("emp_status", None),
            ("hours", 0),
        ]:
            p[col] = val
        p["sector"] = p["sector"].astype(object)
        p["emp_status"] = p["emp_status"].astype(object)
    sub = p.loc[mask]
    n = len(sub)
    if n == 0:
        return
    age = ((on_date - sub.birth_date).dt.days / 365.25).to_numpy()
    female = (sub.sex == "P").to_numpy()
    edu = sub.education.to_numpy()
    in_school = ((age >= 15) & (age < 19) & (rng.random(n) < 0.72)) | (
        (age >= 19) & (age < 23) & (rng.random(n) < 0.18)
    )
    lfp = np.select(
        [age < 15, in_school, age < 25, age < 60, age < 70],
        [
            0.0,
            0.05,
            np.where(female, 0.50, 0.78),
            np.where(female, 0.60, 0.97),
            np.where(female, 0.38, 0.66),
        ],
        np.where(female, 0.14, 0.32),
    )
    in_lf = rng.random(n) < lfp
    w_unemp = np.where(age < 25, 3.5, 1.0) * np.where(edu >= 4, 1.6, 1.0)
    base = cal.UNEMPLOYMENT_RATE * in_lf.sum() / max((w_unemp * in_lf).sum(), 1)
    unemployed = in_lf & (rng.random(n) < base * w_unemp)
    works = in_lf & ~unemployed

    vt = sub.village_code.map(vil.set_index("village_code").village_type).to_numpy()
    boost = np.ones((n, len(SECTOR_LABELS)))
    for typ, spec in cal.VILLAGE_TYPES.items():
        rows = vt == typ
        for s, b in spec["sector_boost"].items():
            boost[rows, list(SECTOR_LABELS).index(s)] *= b
    s_idx = {s: i for i, s in enumerate(SECTOR_LABELS)}
    boost[:, s_idx["pemerintahan"]] *= np.where(edu >= 4, 4.0, 0.08)
    boost[:, s_idx["jasa"]] *= np.where(edu >= 4, 2.0, 0.7)
    for s in ("tambang_rakyat", "konstruksi", "transportasi"):
        boost[:, s_idx[s]] *= np.where(female, 0.1, 1.0)
    for s in ("perdagangan", "hortikultura"):
        boost[:, s_idx[s]] *= np.where(female, 1.8, 1.0)
    probs = SECTOR_BASE_SHARE[None, :] * boost
    sector = _choice_rows(rng, probs / probs.sum(axis=1, keepdims=True), SECTOR_LABELS)

    status = np.empty(n, dtype=object)
    group = np.where(
        np.isin(sector, list(AGRI_SECTORS)), np.where(female, "agri_f", "agri"), sector
    )
    for g, dist in _STATUS_BY_GROUP.items():
        rows = group == g
        if rows.any():
            status[rows] = rng.choice(list(dist), rows.sum(), p=np.array(list(dist.values())))
    hours_mean = pd.Series(sector).map(_HOURS_MEAN).to_numpy(dtype=float)
    hours_mean = np.where(status == "8", hours_mean * 0.7, hours_mean)
    hours = np.clip(np.round(rng.normal(hours_mean, 9)), 1, 84)

    p.loc[mask, "in_school"] = in_school
    p.loc[mask, "unemployed"] = unemployed
    p.loc[mask, "works"] = works
    p.loc[mask, "sector"] = np.where(works, sector, None)
    p.loc[mask, "emp_status"] = np.where(works, status, None)
    p.loc[mask, "hours"] = np.where(works, hours, 0).astype(int)


def _assign_assets(rng: np.random.Generator, hh: pd.DataFrame, p: pd.DataFrame) -> pd.DataFrame:
    """Land and business ownership (depend on the head's work)."""
    heads = p[p.relationship == "KEPALA KELUARGA"].set_index("household_id")
    h_sector = hh.household_id.map(heads.sector)
    agri = h_sector.isin(AGRI_SECTORS).to_numpy()
    trade = (h_sector == "perdagangan").to_numpy()
    n = len(hh)
    hh["owns_land"] = rng.random(n) < np.where(agri, 0.72, 0.28)
    hh["owns_business"] = rng.random(n) < np.where(trade, 0.85, 0.12)
    return hh


def household_features(hh: pd.DataFrame, p: pd.DataFrame, on_date: pd.Timestamp) -> pd.DataFrame:
    """Per-household covariates of the consumption model, from the alive members."""
    alive = p[p.alive]
    age = (on_date - alive.birth_date).dt.days / 365.25
    g = alive.assign(
        age=age,
        dependent=(age < 15) | (age >= 65),
    ).groupby("household_id")
    f = pd.DataFrame(
        {
            "hh_size": g.size(),
            "n_workers": g.works.sum(),
            "n_dependents": g.dependent.sum(),
        }
    )
    heads = alive[alive.relationship == "KEPALA KELUARGA"].drop_duplicates("household_id")
    heads = heads.set_index("household_id")
    f["head_sector"] = heads.sector
    f["head_status"] = heads.emp_status
    f["head_works"] = heads.works.fillna(False).astype(bool)
    f["head_hours"] = heads.hours
    f["head_education"] = heads.education
    f["female_head"] = heads.sex == "P"
    f = f.reindex(hh.household_id)
    f["head_works"] = f.head_works.fillna(False).astype(bool)
    f["female_head"] = f.female_head.fillna(False).astype(bool)
    f["head_education"] = f.head_education.fillna(2)
    return f.reset_index()


def consumption_index(hh: pd.DataFrame, feats: pd.DataFrame, vil: pd.DataFrame) -> np.ndarray:
    """Log per-capita consumption up to the year's intercept (the documented model)."""
    e = cal.CONSUMPTION_EFFECTS
    f = feats.set_index("household_id").reindex(hh.household_id)
    size = f.hh_size.fillna(1).clip(lower=1).to_numpy()
    head_w = f.head_works.to_numpy()
    other_share = (f.n_workers.fillna(0) - head_w).clip(lower=0).to_numpy() / size
    status_eff = f.head_status.map({k: v[2] for k, v in cal.STATUSES.items()}).fillna(0).to_numpy()
    sector_eff = f.head_sector.map(SECTOR_EFFECT).fillna(0).to_numpy()
    under = head_w & (f.head_hours.fillna(0).to_numpy() < 35)
    v_eff = hh.village_code.map(vil.set_index("village_code").village_effect).to_numpy()
    return (
        v_eff
        + sector_eff
        + status_eff
        + e["head_not_working"] * (~head_w)
        + e["head_underemployed"] * under
        + e["other_worker_share"] * other_share
        + e["dependency_ratio"] * f.n_dependents.fillna(0).to_numpy() / size
        + e["log_household_size"] * np.log(size)
        + e["head_education_level"] * f.head_education.to_numpy()
        + e["female_head"] * f.female_head.to_numpy()
        + e["owns_business"] * hh.owns_business.to_numpy()
        + e["owns_land"] * hh.owns_land.to_numpy()
        + hh.persistent.to_numpy()
        + hh.shock.to_numpy()
    )


def calibrate_welfare(
    hh: pd.DataFrame,
    p: pd.DataFrame,
    vil: pd.DataFrame,
    on_date: pd.Timestamp,
    p0: float,
    poverty_line: float,
) -> pd.DataFrame:
    """Set per-capita consumption so that the person-weighted headcount equals p0."""
    feats = household_features(hh, p, on_date)
    idx = consumption_index(hh, feats, vil)
    size = feats.set_index("household_id").hh_size.reindex(hh.household_id).fillna(0).to_numpy()
    order = np.argsort(idx)
    cum = np.cumsum(size[order]) / size.sum()
    cut = idx[order][np.searchsorted(cum, p0)]
    hh["log_pc_consumption"] = np.log(poverty_line) + (idx - cut)
    hh["pc_consumption"] = np.exp(hh.log_pc_consumption).round(-2)
    hh["poor"] = hh.pc_consumption < poverty_line
    hh["extreme_poor"] = hh.pc_consumption < cal.EXTREME_LINE_SHARE * poverty_line
    hh["hh_size"] = size.astype(int)
    return hh


def housing_from_welfare(rng: np.random.Generator, hh: pd.DataFrame) -> pd.DataFrame:
    """Observable housing items, correlated with (but noisier than) consumption."""
    z = (hh.log_pc_consumption - hh.log_pc_consumption.mean()) / hh.log_pc_consumption.std()
    for item, (labels, shares) in HOUSING_ITEMS.items():
        latent = z.to_numpy() + rng.normal(0, 1.0, len(hh))
        cuts = np.quantile(latent, 1 - np.cumsum(shares)[:-1])
        hh[item] = np.array(labels, dtype=object)[np.searchsorted(-cuts, -latent)]
        # searchsorted on descending cuts: the best category for the highest latent values
    own = rng.choice(
        ["MILIK SENDIRI", "BEBAS SEWA/MENUMPANG", "KONTRAK/SEWA", "DINAS"],
        len(hh),
        p=[0.85, 0.08, 0.05, 0.02],
    )
    hh["house_ownership"] = own
    return hh
