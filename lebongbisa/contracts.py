"""The project's contracts as documents: `docs/deliveries.md` (what a quarter's folder holds)
and `docs/outputs.md` (what a run writes), generated from the same tables the code uses — the
header synonyms, the required fields per kind, the catalog vocabulary, the target-rule
attributes, the quarantine reasons and the indicator definitions — so they cannot drift.

`python -m lebongbisa.contracts` rewrites both files; a test fails when they are stale.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

from lebongbisa import indicators, schemas
from lebongbisa.config import PACKAGE_DATA_DIR
from lebongbisa.flags import QUARANTINE_REASONS, REASON_LABELS
from lebongbisa.ingest.sources import BENEFIT_PER, PROGRAM_TYPES, UNITS
from lebongbisa.kinds import KINDS, REQUIRED
from lebongbisa.settings import write_run_yml
from lebongbisa.stages import declared_sections
from lebongbisa.targeting_rules import ATTRIBUTES
from lebongbisa.villages.table import FEATURES

DOCS_DIR = Path(__file__).resolve().parents[1] / "docs"
PLACEHOLDERS = {
    "{d}": r"(?:10|[1-9])",
    "{sector}": r"[a-z_]+",
    "{end}": "(?:low|high)",
    "{feature}": "(?:" + "|".join(map(re.escape, FEATURES)) + ")",
}


def indicator_definitions() -> list[dict]:
    """The indicator catalog's definitions (`data/indicators.yml`): name (maybe a pattern),
    scopes, definition, contract flag."""
    return indicators.catalog()["indicators"]


def _pattern(name: str, of: list[str] | None = None) -> re.Pattern:
    """The names a definition covers; `{indicator}` stands for the indicators listed in its
    `of:` (e.g. those published with an interval), else for any indicator defined by name
    in the catalog — never for any name at all."""
    text = re.escape(name)
    if of is None:
        of = [d["name"] for d in indicator_definitions() if "{" not in d["name"]]
    named = "(?:" + "|".join(map(re.escape, of)) + ")"
    holders = PLACEHOLDERS | {"{indicator}": named}
    for ph, rx in holders.items():
        text = text.replace(re.escape(ph), rx)
    return re.compile(f"^{text}$")


def undocumented(names: set[str]) -> set[str]:
    """The indicator names not defined in the catalog."""
    patterns = [_pattern(d["name"], d.get("of")) for d in indicator_definitions()]
    return {n for n in names if not any(p.match(n) for p in patterns)}


def _table(header: list[str], rows: list[list[str]]) -> str:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c).replace("|", "\\|") for c in r) + " |" for r in rows]
    return "\n".join(out)


def _synonym_rows() -> list[list[str]]:
    doc = yaml.safe_load((PACKAGE_DATA_DIR / "header_synonyms.yml").read_text())
    return [[f"`{field}`", ", ".join(f"`{n}`" for n in names)] for field, names in doc.items()]


def deliveries_markdown() -> str:
    kinds = [
        [
            f"`{k.name}`",
            k.label,
            ", ".join(f"`{f}`" for f in REQUIRED[k.name]),
            f"{k.desil.start}-{k.desil.stop - 1}" if k.desil else "-",
            "yes" if k.registry else "",
        ]
        for k in KINDS.values()
    ]
    reasons = [
        [f"`{r}`", label, "quarantined" if r in QUARANTINE_REASONS else "accepted, flagged"]
        for r, label in REASON_LABELS.items()
    ]
    attributes = [[f"`{a}`", text] for a, text in ATTRIBUTES.items()]
    return TEMPLATE_DELIVERIES.format(
        kinds=_table(["kind", "what it is", "required fields", "desil", "registry"], kinds),
        synonyms=_table(
            ["field", "headers recognised (case and punctuation ignored)"], _synonym_rows()
        ),
        types=", ".join(f"`{t}`" for t in PROGRAM_TYPES),
        units=", ".join(f"`{u}`" for u in UNITS),
        per=" | ".join(f"`{u}`" for u in BENEFIT_PER),
        attributes=_table(["attribute", "meaning"], attributes),
        reasons=_table(["reason / flag", "label (reports, worklists)", "row is"], reasons),
        example=(PACKAGE_DATA_DIR / "programs.yml").read_text().split("programs:", 1)[1][:600],
    )


def outputs_markdown() -> str:
    records = [[f"`{c}`", RECORD_MEANING.get(c, "")] for c in schemas.RECORDS.columns]
    rows = [
        [
            f"`{d['name']}`",
            ", ".join(d["scopes"]),
            "yes" if d.get("contract") else "",
            d["definition"],
        ]
        for d in indicator_definitions()
    ]
    return TEMPLATE_OUTPUTS.format(
        records=_table(["column", "meaning"], records),
        columns=", ".join(f"`{c}`" for c in indicators.COLUMNS),
        scopes=", ".join(f"`{s}`" for s in indicators.SCOPES),
        indicators=_table(["indicator", "scopes", "contract", "definition"], rows),
        headline=", ".join(f"`{n}`" for n in indicators.headline()),
    )


def write(folder: Path = DOCS_DIR) -> list[Path]:
    out = []
    for name, text in (
        ("deliveries.md", deliveries_markdown()),
        ("outputs.md", outputs_markdown()),
    ):
        path = Path(folder) / name
        path.write_text(text, encoding="utf-8")
        out.append(path)
    return out


RECORD_MEANING = {
    "source_file": "the file as named in `sources.yml`",
    "source_row": "1-based row (spreadsheet) or line (text) number as a person sees it, "
    "header rows included",
    "kind": "the source's kind",
    "program": "the catalog code, for program lists",
    "status": "`accepted` or `quarantined`",
    "reason": "why quarantined, or the flags raised on an accepted row (`;`-separated codes, "
    "see docs/deliveries.md); empty when none",
    "person_key": "the resolved person (pseudonymous); two rows with the same key are the "
    "same person in the project's judgement; empty when unresolved",
    "household_key": "the resolved household (pseudonymous)",
    "match_type": "`nik`, `probabilistic`, `registry` or `none`",
    "match_probability": "the linkage model's probability for the row's link",
    "identity_key": "(extension) a keyed hash of the row's normalized name, birth date and "
    "village code: the same person's rows carry it from quarter to quarter when they have no "
    "trusted NIK (decisions log, moves between quarters); empty for a row without a name",
}

TEMPLATE_DELIVERIES = """# Deliveries: what a quarter's folder holds (kiriman data per triwulan)

<!-- generated by `python -m lebongbisa.contracts` from the package's own tables; edit the
     template in lebongbisa/contracts.py, not this file -->

This is the input contract of lebongbisa. Other tools feed the project through it; it is only
ever extended (new optional fields, new synonyms), never renamed.

## Quick start (mulai cepat)

1. Copy the quarter's files, as the offices sent them, into `data/raw/<period>/`, e.g.
   `data/raw/2025Q1/` (a quarter is written `YYYYQn`). Never edit them: lebongbisa only reads.
2. Run `lebongbisa init 2025Q1` (or `python -m lebongbisa init 2025Q1`). It reads every file
   as the pipeline will, subfolders included (`dinas/PKH.xlsx`, written as such), and writes a
   proposed `sources.yml` (and `programs.yml`, a copy of the packaged catalog, when the folder
   has none). Excel lock files (`~$…`), hidden files and other formats are skipped with a line
   each; two files with the same content get a `QUESTION` (every row would count twice). Every
   guess is marked `(check)`; what it cannot decide is a `QUESTION` with the value `"???"`,
   which a run refuses until you answer it.
3. Answer the questions, check the guesses, then `lebongbisa run 2025Q1`.

## The period folder

```
data/raw/2025Q1/
  sources.yml                  # which file is what (below)
  programs.yml                 # optional: this quarter's program catalog
  DTSEN_LEBONG_2025Q1.csv      # files exactly as delivered
  PKH_TAHAP1_2025.xlsx
  BLT_DANA_DESA_2025_TW1.xlsx
```

Files are `.xlsx`, `.xls` (old Excel), `.csv` or `.txt` (delimiter `,` `;` `|` or tab; UTF-8 or
Windows-1252), possibly with title rows above the header row, empty rows and trailing total
rows (`JUMLAH`, `TOTAL`), which are recognised.

## `sources.yml`

```yaml
period: 2025Q1
programs: programs.yml               # optional: the period's whole catalog
sources:
  - file: DTSEN_LEBONG_2025Q1.csv    # path relative to the period folder
    kind: dtsen                      # dtks | p3ke | dtsen | program | umkm
  - file: PKH_TAHAP1_2025.xlsx
    kind: program
    program: PKH                     # a code from the program catalog
    sheet: 0                         # optional: sheet name or index (default: the first)
  - file: SAPROTAN_DISTAN_2025_Q1.xlsx
    kind: program
    program: SAPROTAN
    columns: {{"NO. IDENTITAS": nik, "LOKASI": village}}   # headers the synonyms do not know
```

| key | meaning |
|---|---|
| `period` | the quarter, `YYYYQn` (default: the folder name) |
| `programs` | optional: a catalog file in the folder, the period's **whole** catalog (else the packaged default) |
| `sources[].file` | the file name (case matters) |
| `sources[].kind` | one of the kinds below |
| `sources[].program` | for `kind: program`: a catalog code |
| `sources[].sheet` | optional: the sheet (name or 0-based index) |
| `sources[].columns` | optional: raw header -> field, applied on top of the built-in synonyms |

## Kinds and their required fields

{kinds}

A program list needs `name` (and should carry `nik`). A source lacking a required field is an
error that names the file, the missing field and the `columns:` line that would fix it.

## Fields and the headers recognised for them

Headers are matched after upper-casing and dropping everything but letters and digits, so
`No. KK`, `NO_KK` and `no kk` are one header. A file's own `columns:` map comes on top.

{synonyms}

## The program catalog (`programs.yml`)

A list under `programs:`; each entry has `code`, `name`, `agency` (the dinas), `type`
({types}), `unit` ({units}), `target_rule` and `benefit` (free text or Rupiah, per
recipient household, or per person for a person-unit program). Optional `benefit_per`
({per}) says what one `benefit` pays for: PKH is paid by stage (`quarter`), RTLH once (`once`:
all of it in the quarter the household is on the list); without it `benefit` is Rupiah per
year, a quarter of which counts per quarter. A list's own amounts (`amount`) come first; the
catalog benefit fills the rows without one and prices the target households not reached. A
free-text benefit gives no Rupiah figure. Other keys are allowed and kept. Optional `aliases`: the codes the same program had in
earlier quarters (e.g. `BLT-DD` with `aliases: [BLTDD]`), so its starts and stops are
followed across the renaming. Codes are unique. A catalog program with no list in the
period is *not delivered*: it gets `program_list_delivered` = 0 and no rate; a header-only
list is delivered, with zero recipients.

The packaged default begins:

```yaml
programs:{example}
```

### Target rules

A `target_rule` is an expression over household attributes with `and`, `or`, `not`,
comparisons (`<`, `<=`, `==`, `!=`, `>=`, `>`), numbers, `true`/`false` and parentheses, e.g.
`desil <= 2 and (children_0_6 > 0 or elderly_70 > 0)`. Anything else is refused when the
catalog is read.

{attributes}

A household without a recorded desil (in no registry) is outside every desil-based target.

## Templates for the offices

`lebongbisa templates` writes `template_daftar_penerima_program.xlsx` (a program list) and
`template_umkm.xlsx` (the UMKM registry): sheet `DATA` with the recognised headers (a
required one marked ` *`, which the header matching ignores), NIK and No KK as text columns
that accept only 16 digits, kecamatan and desa as drop-down lists of the official names
(sheet `WILAYAH`), and `PETUNJUK`, the instructions in Indonesian. A filled template is a
delivery like any other: `init` proposes its entry (the program from the file name) and stage
1 reads it (tested with a template filled in and saved by LibreOffice).

## Lists returned from the field (kind `verification`)

Every by-name list (`daftar_a` .. `daftar_f`) is also a form for the field visit. Each row
carries `DAFTAR` (the list), `KUNCI ORANG` and `KUNCI KELUARGA` (the person's identity key and
the household's KK key: keyed hashes, never the NIK; officers leave them as they are),
`HASIL TERAKHIR` (the latest result already received) and the columns an officer fills:
`HASIL VERIFIKASI` (a drop-down: `ditemukan`, `pindah`, `meninggal`, `sudah menerima program`,
`tidak ditemukan`), `TANGGAL VERIFIKASI`, `PROGRAM DITERIMA` (a catalog code, for `sudah
menerima program`), `PETUGAS` and `CATATAN`. Put the list back, as `.xlsx` with its sheets
or as one `.csv`, in the folder of a later quarter (e.g. `verifikasi/`) with `kind:
verification` (`lebongbisa init` recognises it by these columns). Each row is matched by
`KUNCI ORANG` with the rows of the lists sent in earlier quarters: a row whose key matches no
list row sent is quarantined (`verification_key_unknown`), like a result that is none of the
choices (`verification_result_invalid`); a row left without a result is accepted and changes
nothing. Returned rows are never persons or households of the quarter. After a key rotation
(`lebongbisa run --rotate-key`) a list sent under the old key is still read: the rotation
keeps the old keys' translation (restricted). What a result changes: docs/outputs.md, *Field
verification*.

## Bad rows and bad files

Every raw data row is either accepted or quarantined with a reason: per source,
`rows_read = rows_accepted + rows_quarantined`, always (see `manifest.json`). A value that
cannot be repaired is never guessed: the row is kept and flagged, or quarantined.

{reasons}

Bad files — missing, 0 bytes, not a spreadsheet, no recognisable header, a missing required
field, an unknown kind or program, a file that cannot be opened — are reported all together,
each naming the file and the fix, and the run stops with exit code 2 before writing anything;
`--allow-partial` continues without them and the report says so. A file with a header and no
data rows is a valid, empty delivery (accepted with a warning).

A quarter may hold any subset of the kinds and of the villages: registries only, lists only,
a pilot of a few villages, registries without employment columns. Every stage runs on what is
there and says in plain words what it could not compute.
"""

TEMPLATE_OUTPUTS = """# Outputs: what a run writes (keluaran)

<!-- generated by `python -m lebongbisa.contracts` from the package's own tables; edit the
     template in lebongbisa/contracts.py or data/indicators.yml, not this file -->

This is the output contract of lebongbisa: other tools read the project through it. Fields are
only ever added, never renamed or dropped.

## `data/processed/<period>/records.parquet`

One row per raw data row read, from every source.

{records}

## `data/processed/<period>/manifest.json`

Per source: `file`, `kind`, `program`, `sha256`, `status` (`ok`, `empty` for a header-only
delivery, `failed`), `rows_read`, `rows_accepted`, `rows_quarantined`, `rows_blank`,
`header_row`, `encoding`, `delimiter` (and `problem` when failed). For the period: `period`,
`package_version`, `parameters`, `partial`, `failed_sources`, `problems`, `warnings`, the
`programs` catalog in force and `key_fingerprint` (a fingerprint of the pseudonymisation key,
never the key: a run whose key differs from the previous quarter's stops before writing).

## `data/processed/<period>/indicators.csv`

Every number the run computes in tidy form, columns {columns}; `scope_type` is one of
{scopes}. It is the analysts' table and keeps exact counts, small ones too: it is not
published. Every page linked from the index shows its numbers as published (see *Small cells*
below).
Rates are fractions (0.17, not 17). A rate whose denominator is 0, or that the data cannot
carry, has an empty `value` — never 0 or 1. Area codes are Kemendagri codes without dots
(kecamatan `170701`, desa `1707011004`); program rows below the kabupaten use
`program_kecamatan` / `program_desa` with `scope_code` = `<program>:<area>`. Where programs
meet on the same households: `program_pair` (`<A>+<B>`) and per area `program_pair_kecamatan`
/ `program_pair_desa` (`<A>+<B>:<area>`, only where either program reaches the area); where
dinas meet: `agency_pair`, `agency_pair_kecamatan`, `agency_pair_desa` (`<dinas>+<dinas>`, with
`:<area>` per area). A dinas's data quality per desa: `agency_desa` (`<dinas>:<desa>`, over
its rows whose village is known). `scope_code` of the kabupaten is `1707`.

{indicators}

The headline indicators, in the order the summary and the series show them (those published
for the kabupaten), with `change_` rows from stage 3 and compared with ground truth in the
evaluations: {headline}.

## Reports

`reports/<period>/index.html` (the summary first, then the stage pages; a stage that failed is
named with what is missing), `06_ringkasan.html` (the policymaker summary, Bahasa Indonesia,
aggregates only, counts under 5 households suppressed) and the executed notebooks;
`08_wilayah.html` lists the area briefs, `kecamatan/<code>.html` and `desa/<code>.html` (one
per area with households: every number read from `indicators.csv`, counts under 5 households
suppressed, no personal data).
## Small cells

Every page linked from the index (the stage pages, the summary with its changes and trends,
the area briefs and their maps) shows `indicators.csv` as published
(`lebongbisa.report.disclosure`): a count of 1 to `min_cell` - 1 households or persons
(`report.min_cell`, default 5; a count row, or the numerator of a rate) shows as `<5`; where a
reader could work such a cell out from the others, more cells are hidden and show as `x`
(complementary suppression) along the relations a reader can subtract: desa, kecamatan and
kabupaten (for every indicator and for the per-area rows of programs, program pairs and
dinas, wherever the parts add up to the total), each program and "any program" (an area
where a single program reaches anyone), a rate and the count it divides by, and a quarter
and the one before (a change is hidden when either end is). A Rupiah figure is hidden with
its households. A rate over fewer than `min_cell` households is not shown. The suite checks
every published quarter of the synthetic Lebong: no cell under the minimum is shown and none
can be recovered along those relations.

`reports/<period>/restricted/` holds the by-name worklists (`daftar_*.xlsx`, ID columns as
text, a sheet per kecamatan or dinas and an instructions sheet `PETUNJUK`) and the linkage
review workbook; it is never linked from the index:

| list | file | households or rows |
|---|---|---|
| a | `daftar_a_desil1-2_tanpa_program.xlsx` | desil 1-2 households that receive no program |
| b | `daftar_b_penerima_di_luar_sasaran.xlsx` | recipients outside their program's target or in no registry |
| c | `daftar_c_penerimaan_ganda.xlsx` | the same person more than once in one program's list |
| d | `daftar_d_nik_bermasalah.xlsx` | rows with an invalid, Excel-damaged or missing NIK, per dinas |
| e | `daftar_e_graduasi_usaha_dan_tani.xlsx` | graduation: desil 1-2 households whose members work, with a business (UMKM registry) or a farm of their own, and no pemberdayaan program (`graduation_households`), with the work of each member and the business |
| f | `daftar_f_desil1_dua_triwulan_tanpa_program.xlsx` | desil-1 households that no program reached this quarter nor the one before |

What a list holds is measured against the same list built with the true identities of the
synthetic Lebong (perfect linkage, the same records, desil and programs:
`targeting.evaluate.list_quality`), so the error measured is the project's own, not the
registries'. Precision is the share of a list's households (or rows) that the true list holds,
recall the share of the true list that it holds:

| list | test scale (4,000 persons) precision / recall | kabupaten scale (115,000 persons) precision / recall |
|---|---|---|
| a | 0.955 / 1.000 | 0.93 / 1.00 (14 households) |
| b | 0.998 / 1.000 | 0.970–0.987 / 0.998–0.999 |
| c | 0.958 / 1.000 | 0.89–0.90 / 0.997–0.999 |
| e | 1.000 / 1.000 | 0.984–0.989 / 0.998–0.999 |

`restricted/perbaikan/perbaikan_<dinas>.xlsx`: per dinas, the rows of its own files (program
lists, the UMKM registry; not the national registries) to fix at the source, a sheet per file:
`BARIS` (the row number in the file as delivered), the row as delivered under the file's own
column names, `MASALAH` (the problem) and `PERBAIKAN` (how to fix it) for an Excel-damaged,
invalid or missing NIK, a NIK that contradicts the birth date or sex, an unknown desa, a
duplicate row or person, an unreadable birth date; every cell formatted as text. Sheet
`USULAN DTSEN`: its recipients found in no registry, by desa: not a defect of the row, a
proposal to register the household in DTSEN. Sheet `DESA`: the official desa names.
`restricted/perbaikan/ringkasan_perbaikan.xlsx` counts them per dinas. A row fixed as its
workbook says passes the next ingest (tested on the synthetic Lebong).

List c falls short of 0.95 precision at kabupaten scale: among 115,000 persons, namesakes with
the same birth date and shared KK numbers merge a few persons or households, and each merge on
a list shows as a double receipt; every true double receipt is found. Lists d (a row's own NIK)
and f (list a in two quarters) are not linkage-dependent beyond a.

## Field verification

Stage 1 reads a returned list (kind `verification`, docs/deliveries.md) into
`data/processed/<period>/restricted/verification.parquet`: every row read, with `status`,
`reason`, the `sheet` and row it came from, the matched keys and the result (rows read =
accepted + quarantined, per file, in the manifest; quarantined rows also in the quarantine
table). The results are kept in `reports/<period>/restricted/hasil_verifikasi_log.csv`: every result so far, one row per
returned row with a result (`period` it came back in, `list`, `person` and `household` keys,
desa and kecamatan of the row sent, `dinas` for lists b-d, `result`, `verified_on`,
`program`, `officer`, `note`, `source_file`, `source_row`); each quarter's log repeats the
earlier ones. A person's latest result decides, the same way for every list and count:

| result | what changes | how long (run.yml `targeting`) |
|---|---|---|
| `meninggal` | every record of the person leaves the quarter: every list and every count (`persons`, household sizes and attributes); the household stays while others remain | for good |
| `pindah` | the person leaves the lists of the desa where they were verified; a delivery placing them in another desa lists them there | `hold_moved` quarters (4) |
| `sudah menerima program` | the household leaves lists a and f; the program named counts as a probable omission of its list (`verification_list_omissions`) | `hold_enrolled` quarters (4) |
| `tidak ditemukan` | stays on the lists; after `not_found_after` quarters (2) without a later result the household is to be checked in the registry (`verification_registry_checks`, sheet `CEK REGISTRI`) | until a later result |
| `ditemukan` | only `HASIL TERAKHIR` on the lists | - |

`reports/<period>/restricted/hasil_verifikasi.xlsx` shows per desa the results that came back
this quarter, who left the lists because of them, and the households to check in the
registry; the summary says per kecamatan and dinas how many came back and how many people
left the lists. Other counts (`households`, the registries' rows) keep counting the accepted
records of the other kinds. `restricted/list_keys.parquet` (processed) keeps the keys of every
list row sent, which the next quarter matches a returned list with. Tested on the synthetic
Lebong (`lebongbisa.synth.verification`: results drawn from the true population of the next
quarter, with officer errors and mistyped keys).
"""


if __name__ == "__main__":
    for p in write(Path(sys.argv[1]) if len(sys.argv) > 1 else DOCS_DIR):
        print(f"wrote {p}")
    write_run_yml(declared_sections())
    print("wrote the packaged run.yml")
