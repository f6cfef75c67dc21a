"""The Fellegi-Sunter model (Splink on DuckDB): comparisons, blocking rules and training.

Design choices, each for a pitfall of Indonesian registries (stack notes):
- The NIK repeats the birth date: two people born the same day in the same kecamatan have NIKs
  that differ only in the serial. The NIK comparison therefore has no "almost equal" level for
  valid NIKs (that would count the birth date twice); two different valid NIKs disagree.
  Only when one side is Excel-damaged do the first 15 digits count as agreement.
- An exact valid NIK is settled deterministically before this model (see `linker.py`).
- Names: exact (term-frequency adjusted: SITI is weaker evidence than SYAHRIAL), reordered
  tokens, Jaro-Winkler bands, one name a prefix of the other (single names, dropped last
  names), same first token.
- Birth dates: exact, day/month swapped, year off by one, within a month, same year.
- Villages: exact, same kecamatan.
u is estimated by random sampling, m by expectation maximisation on two blocking rules;
the trained model is saved as JSON and reused on the next run (retraining is explicit).
"""

from __future__ import annotations

import json
import logging

import pandas as pd
import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on

from lebongbisa.config import PACKAGE_DATA_DIR
from lebongbisa.link.definitions import DEFAULT as SETTINGS

logging.getLogger("splink").setLevel(logging.ERROR)


def _custom(sql: str, label: str) -> cll.CustomLevel:
    """A level written in DuckDB SQL; Splink translates it when the engine is Spark."""
    return cll.CustomLevel(sql, label, base_dialect_str="duckdb")


def _null(col: str) -> cll.CustomLevel:
    return _custom(f'"{col}_l" IS NULL OR "{col}_r" IS NULL', f"{col} missing").configure(
        is_null_level=True
    )


def address_comparisons(present: list[str]) -> list:
    """Optional comparisons for address parts (general lists; Lebong's registries have none):
    house number exact; street and locality exact (term-frequency adjusted) or close."""
    out = []
    if "house_number" in present:
        out.append(cl.ExactMatch("house_number"))
    for col in ("address", "locality"):
        if col in present:
            out.append(
                cl.CustomComparison(
                    output_column_name=col,
                    comparison_levels=[
                        _null(col),
                        cll.ExactMatchLevel(col, term_frequency_adjustments=True),
                        cll.JaroWinklerLevel(col, 0.92),
                        cll.JaroWinklerLevel(col, 0.80),
                        cll.ElseLevel(),
                    ],
                )
            )
    return out


def comparisons() -> list:
    nik = cl.CustomComparison(
        output_column_name="nik",
        comparison_levels=[
            _null("nik15"),
            _custom('"nik_l" = "nik_r"', "NIK exact (valid)"),
            _custom(
                '"nik15_l" = "nik15_r" AND ("nik_l" IS NULL OR "nik_r" IS NULL)',
                "first 15 digits equal, one side Excel-damaged",
            ),
            cll.ElseLevel(),
        ],
    )
    name = cl.CustomComparison(
        output_column_name="name_key",
        comparison_levels=[
            _null("name_key"),
            cll.ExactMatchLevel("name_key", term_frequency_adjustments=True),
            _custom('"name_sorted_l" = "name_sorted_r"', "same tokens, other order"),
            cll.JaroWinklerLevel("name_key", 0.94),
            _custom(
                'starts_with("name_key_l", "name_key_r" || \' \') OR '
                'starts_with("name_key_r", "name_key_l" || \' \')',
                "one name is the start of the other",
            ),
            cll.JaroWinklerLevel("name_key", 0.85),
            _custom('"first_token_l" = "first_token_r"', "same first name"),
            cll.ElseLevel(),
        ],
    )
    swap = (
        "substr(\"birth_date_l\", 1, 4) || '-' || substr(\"birth_date_l\", 9, 2) || '-' || "
        'substr("birth_date_l", 6, 2) = "birth_date_r"'
    )
    dob = cl.CustomComparison(
        output_column_name="birth_date",
        comparison_levels=[
            _null("birth_date"),
            cll.ExactMatchLevel("birth_date"),
            _custom(swap, "day and month swapped"),
            _custom(
                'substr("birth_date_l", 6, 5) = substr("birth_date_r", 6, 5) AND '
                'abs(cast(substr("birth_date_l", 1, 4) AS INTEGER) - '
                'cast(substr("birth_date_r", 1, 4) AS INTEGER)) = 1',
                "year off by one",
            ),
            _custom(
                "abs(date_diff('day', cast(\"birth_date_l\" AS DATE), "
                'cast("birth_date_r" AS DATE))) <= 31',
                "within a month",
            ),
            _custom('substr("birth_date_l", 1, 4) = substr("birth_date_r", 1, 4)', "same year"),
            cll.ElseLevel(),
        ],
    )
    village = cl.CustomComparison(
        output_column_name="village_code",
        comparison_levels=[
            _null("village_code"),
            cll.ExactMatchLevel("village_code"),
            _custom('"district_code_l" = "district_code_r"', "same kecamatan"),
            cll.ElseLevel(),
        ],
    )
    return [nik, name, dob, cl.ExactMatch("sex"), cl.ExactMatch("kk_number"), village]


def blocking_rules() -> list:
    """Candidate pairs: any rule suffices. Chosen to keep recall high at near-linear cost:
    every rule is an identifier or is confined to a kecamatan or a village, so candidate pairs
    grow with the population of a place, not with the square of the whole population (a rule
    on birth date alone made a 2-million run 3.4x slower than a 1-million one)."""
    return [
        block_on("nik15"),
        block_on("birth_date", "district_code"),
        block_on("name_key", "district_code"),
        block_on("first_token", "village_code"),
        block_on("nik12"),
        block_on("kk_number", "first_token"),
    ]


def settings(optional: list[str] | None = None) -> SettingsCreator:
    """The model's settings; `optional` names the address columns the records carry."""
    optional = optional or []
    rules = blocking_rules()
    if {"house_number", "locality"} <= set(optional):
        rules.append(block_on("house_number", "locality"))
    return SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons() + address_comparisons(optional),
        blocking_rules_to_generate_predictions=rules,
        retain_intermediate_calculation_columns=False,
        retain_matching_columns=False,
        additional_columns_to_retain=[],
    )


#: Minimum labelled pairs to estimate m from labels; below it the priors below are used.
MIN_LABELS = 30
#: Below this many records a quarter is not trained on: random sampling gives u of 0 or 1
#: for rare agreements and the prior rests on a handful of pairs (a pilot's first list).
MIN_TRAINING_RECORDS = 500
#: the model used when a quarter is too small to train and no earlier quarter saved one:
#: m as DEFAULT_M, u and the prior from the synthetic Lebong at kabupaten scale (see its
#: `description`); retraining on a quarter of real size replaces it.
DEFAULT_MODEL_FILE = PACKAGE_DATA_DIR / "link_default_model.json"


class TooFewToTrain(ValueError):
    """The records cannot carry a trained model (too few, or training was degenerate)."""


def default_model() -> dict:
    """The packaged fallback model (a Splink settings dict in DuckDB's dialect)."""
    return json.loads(DEFAULT_MODEL_FILE.read_text(encoding="utf-8"))["model"]


def _probability(value: object, missing_ok: bool) -> bool:
    if value is None:
        return missing_ok
    return isinstance(value, int | float) and 0 < value <= 1


def usable(model: dict) -> bool:
    """A model Splink can score with: a prior strictly between 0 and 1, every non-null
    level's m in (0, 1] and u in (0, 1] or unknown (a level random sampling never met: Splink
    gives it no weight). A 0 is a log of zero inside Splink."""
    prior = model.get("probability_two_random_records_match")
    if prior is None or not 0 < prior < 1:
        return False
    return all(
        lvl.get("is_null_level")
        or (
            _probability(lvl.get("m_probability"), missing_ok=False)
            and _probability(lvl.get("u_probability"), missing_ok=True)
        )
        for c in model["comparisons"]
        for lvl in c["comparison_levels"]
    )


#: Prior m-probabilities (share of true matches at each level) [ASSUMPTION, from the defect
#: rates of docs/assumptions.md: ~7% Excel-damaged NIKs, ~15-30% name variants, ~4% date errors].
DEFAULT_M: dict[tuple[str, str], float] = {
    ("nik", "NIK exact (valid)"): 0.90,
    ("nik", "first 15 digits equal, one side Excel-damaged"): 0.07,
    ("nik", "All other comparisons"): 0.03,
    ("name_key", "Exact match on name_key"): 0.78,
    ("name_key", "same tokens, other order"): 0.01,
    ("name_key", "Jaro-Winkler distance of name_key >= 0.94"): 0.07,
    ("name_key", "one name is the start of the other"): 0.06,
    ("name_key", "Jaro-Winkler distance of name_key >= 0.85"): 0.03,
    ("name_key", "same first name"): 0.02,
    ("name_key", "All other comparisons"): 0.03,
    ("birth_date", "Exact match on birth_date"): 0.93,
    ("birth_date", "day and month swapped"): 0.015,
    ("birth_date", "year off by one"): 0.03,
    ("birth_date", "within a month"): 0.005,
    ("birth_date", "same year"): 0.005,
    ("birth_date", "All other comparisons"): 0.015,
    ("sex", "Exact match on sex"): 0.99,
    ("sex", "All other comparisons"): 0.01,
    ("kk_number", "Exact match on kk_number"): 0.90,
    ("kk_number", "All other comparisons"): 0.10,
    ("village_code", "Exact match on village_code"): 0.90,
    ("village_code", "same kecamatan"): 0.07,
    ("village_code", "All other comparisons"): 0.03,
}


def _m_values(model: dict) -> dict[tuple[str, str], float | None]:
    return {
        (c["output_column_name"], lvl["label_for_charts"]): lvl.get("m_probability")
        for c in model["comparisons"]
        for lvl in c["comparison_levels"]
    }


def train(
    linker,
    db_api,
    labels_nik: pd.DataFrame,
    labels_name: pd.DataFrame,
    seed: int = 58,
    max_pairs: int = SETTINGS.u_pairs,
) -> dict:
    """Train the model and return it as a Splink settings dict.

    u: random sampling. m: from pairwise labels, each comparison from labels that do not
    depend on it — NIK levels from pairs that agree exactly on name, birth date and village;
    every other comparison from pairs settled by the deterministic NIK pass. (Plain EM on
    these data confuses "born the same day in the same kecamatan", which makes NIKs share 12
    digits, with "same person".) The prior comes from deterministic rules with assumed recall.
    """
    t = linker.training
    t.estimate_probability_two_random_records_match(
        [block_on("nik"), block_on("name_key", "birth_date", "village_code")], recall=0.8
    )
    t.estimate_u_using_random_sampling(max_pairs=max_pairs, seed=seed)
    models = {}
    for name, labels in (("nik", labels_nik), ("name", labels_name)):
        if len(labels) < MIN_LABELS:  # too few labels (e.g. no birth dates): documented priors
            models[name] = DEFAULT_M
            continue
        lab = labels.rename(columns={"uid_l": "unique_id_l", "uid_r": "unique_id_r"})[
            ["unique_id_l", "unique_id_r"]
        ].assign(source_dataset_l="records", source_dataset_r="records")
        sdf = db_api.register(lab, table_name=f"labels_{name}")
        t.estimate_m_from_pairwise_labels(sdf)
        models[name] = _m_values(linker.misc.save_model_to_json())
    model = linker.misc.save_model_to_json()
    for c in model["comparisons"]:
        source = models["name"] if c["output_column_name"] == "nik" else models["nik"]
        for lvl in c["comparison_levels"]:
            if lvl.get("is_null_level"):
                continue
            m = source.get((c["output_column_name"], lvl["label_for_charts"]))
            # a level never seen among labelled matches keeps a small floor, not zero
            lvl["m_probability"] = max(m or 0.0, 1e-5)
    total = {}
    for c in model["comparisons"]:
        levels = [lvl for lvl in c["comparison_levels"] if not lvl.get("is_null_level")]
        s = sum(lvl["m_probability"] for lvl in levels)
        for lvl in levels:
            lvl["m_probability"] /= s
        total[c["output_column_name"]] = s
    if not usable(model):
        raise TooFewToTrain("training gave a degenerate model (a probability of 0 or 1)")
    return model
