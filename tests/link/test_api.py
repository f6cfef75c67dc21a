"""The reusable linker on small hand-made tables: Indonesian variants link, different people
do not, the model is data, and clerical decisions override it."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from lebongbisa.clean.names import clean_names, name_key
from lebongbisa.link.evaluate import exact_nik_clusters, pairwise_scores
from lebongbisa.link.linker import link_records
from lebongbisa.synth.names import draw_names

RNG = np.random.default_rng(3)


def _people(n: int) -> pd.DataFrame:
    dates = pd.Timestamp("1950-01-01") + pd.to_timedelta(RNG.integers(0, 25000, n), "D")
    sex = RNG.choice(["L", "P"], n)
    day = dates.day + np.where(sex == "P", 40, 0)
    nik = [
        "1707"
        + f"{RNG.integers(1, 13):02d}"
        + f"{d:02d}{m:02d}{y % 100:02d}"
        + f"{i % 9999 + 1:04d}"
        for i, (d, m, y) in enumerate(zip(day, dates.month, dates.year, strict=True))
    ]
    return pd.DataFrame(
        {
            "person": np.arange(n),
            "nik": nik,
            "name": draw_names(RNG, sex, np.full(n, 30)),
            "sex": sex,
            "birth_date": dates.strftime("%Y-%m-%d"),
            "village_code": RNG.choice(["1707011004", "1707012002", "1707032013"], n),
        }
    )


def _records(people: pd.DataFrame) -> pd.DataFrame:
    """Each person in a registry and, for most, a program list with typical damage."""
    reg = people.copy()
    lst = people.sample(frac=0.8, random_state=1).copy()
    k = len(lst)
    dmg = RNG.random(k)
    lst["nik"] = np.where(dmg < 0.3, None, lst.nik)  # Excel-truncated: prefix only
    lst["nik15"] = people.set_index("person").nik.loc[lst.person].str[:15].to_numpy()
    lst["name"] = np.where(dmg > 0.85, "H. " + lst.name, lst.name)  # title
    lst["name"] = np.where((dmg > 0.6) & (dmg < 0.7), lst.name.str.split().str[0], lst.name)
    reg["nik15"] = reg.nik.str[:15]
    both = pd.concat([reg, lst], ignore_index=True)
    both["unique_id"] = np.arange(len(both))
    clean = clean_names(both.name)
    both["name_key"] = name_key(clean.name_clean)
    both["name_sorted"] = both.name_key.str.split().map(lambda t: " ".join(sorted(t)))
    both["first_token"] = both.name_key.str.split().str[0]
    both["district_code"] = both.village_code.str[:6]
    return both


@pytest.fixture(scope="module")
def linked():
    recs = _records(_people(1500))
    clusters, scored, model = link_records(recs)
    return recs, clusters, scored, model


def test_linker_beats_the_exact_nik_join(linked):
    recs, clusters, _, _ = linked
    ours = pairwise_scores(clusters.cluster, recs.person)
    base = pairwise_scores(exact_nik_clusters(recs.nik), recs.person)
    assert ours["f1"] > 0.97
    assert ours["recall"] > base["recall"] + 0.2
    assert ours["precision"] >= base["precision"] - 0.01


def test_every_record_gets_a_match_type_and_probability(linked):
    _, clusters, _, _ = linked
    assert set(clusters.match_type) <= {"nik", "registry", "probabilistic", "none"}
    assert (clusters.match_probability[clusters.match_type == "nik"] == 1.0).all()
    prob = clusters[clusters.match_type == "probabilistic"].match_probability
    assert len(prob) and (prob >= 0.95).all()
    assert clusters.match_probability[clusters.match_type == "none"].isna().all()


def test_model_is_data_and_reuse_gives_the_same_clusters(linked):
    recs, clusters, _, model = linked
    model = json.loads(json.dumps(model))  # survives a round trip through JSON
    again, _, _ = link_records(recs, model=model)
    assert pairwise_scores(again.cluster, clusters.cluster)["f1"] == 1.0


def test_clerical_decisions_override_the_model(linked):
    recs, clusters, _, model = linked
    a, b = clusters.groupby("cluster").unique_id.first().iloc[:2]
    apart = next(
        iter(clusters.groupby("cluster").unique_id.apply(list).loc[lambda s: s.str.len() == 2])
    )
    decisions = pd.DataFrame(
        {"uid_l": [a, apart[0]], "uid_r": [b, apart[1]], "same": [True, False]}
    )
    out, _, _ = link_records(recs, model=model, decisions=decisions)
    c = out.set_index("unique_id").cluster
    assert c[a] == c[b]
    assert c[apart[0]] != c[apart[1]]


def test_tables_without_birth_dates_or_kk_still_link():
    recs = _records(_people(400)).drop(columns=["birth_date"])
    clusters, _, _ = link_records(recs)
    assert pairwise_scores(clusters.cluster, recs.person)["f1"] > 0.9


def test_plain_columns_in_other_formats_link_like_canonical_ones(linked):
    """A user's list: given and family names, day-first dates, an ID number, an address;
    `link_records` derives its own comparison columns and the links are as good."""
    recs, clusters, _, _ = linked
    names = recs.name.str.split(n=1)
    plain = pd.DataFrame(
        {
            "given_name": names.str[0],
            "surname": names.str[1],
            "date_of_birth": pd.to_datetime(recs.birth_date).dt.strftime("%d/%m/%Y"),
            "gender": recs.sex,
            "id_number": recs.nik,
            "street": "JL. MERDEKA " + (recs.person % 50).astype(str),
            "postcode": recs.village_code,
        }
    )
    out, _, _ = link_records(plain)
    assert (
        pairwise_scores(out.cluster, recs.person)["f1"]
        >= pairwise_scores(clusters.cluster, recs.person)["f1"] - 0.02
    )


def test_plain_dates_in_any_common_format_are_read_day_first():
    from lebongbisa.link.features import parse_dates

    got = parse_dates(
        pd.Series(["1980-03-04", "19800304", "04-03-1980", "04/03/1980", "31/02/1980", None])
    )
    assert got[:4].tolist() == ["1980-03-04"] * 4 and got[4:].isna().all()
