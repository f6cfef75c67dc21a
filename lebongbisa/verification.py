"""Field verification of the by-name lists, in one place for the lists, stage 1 and stage 3:
the columns an officer fills on every list row, the results to choose from, and the canonical
fields a returned list (kind `verification`) is read into.

Each list row carries the identity keys of its person and household (`KUNCI ORANG`,
`KUNCI KELUARGA`: keyed hashes, link/identity), which the officer leaves alone; the next
quarter's run matches a returned row by them. What a result changes is stage 3's
(targeting/verification.py, docs/outputs.md).
"""

from __future__ import annotations

#: the results an officer may choose (the lists' drop-down), with their code
RESULTS = {
    "ditemukan": "found",
    "pindah": "moved",
    "meninggal": "died",
    "sudah menerima program": "enrolled",
    "tidak ditemukan": "not_found",
}
#: the same results in English (an English run's pages)
RESULTS_EN = {
    "found": "found",
    "moved": "moved away",
    "died": "died",
    "enrolled": "already receives a program",
    "not_found": "not found",
}

LIST = "DAFTAR"
PERSON_KEY = "KUNCI ORANG"
HOUSEHOLD_KEY = "KUNCI KELUARGA"
RESULT = "HASIL VERIFIKASI"
DATE = "TANGGAL VERIFIKASI"
PROGRAM = "PROGRAM DITERIMA"
OFFICER = "PETUGAS"
NOTE = "CATATAN"
#: the latest result already known for the row (read-only for the officer)
LAST = "HASIL TERAKHIR"
#: the columns the officer fills, after the row's own
FILL = (RESULT, DATE, PROGRAM, OFFICER, NOTE)

#: a returned list's headers -> canonical fields of kind `verification` (ingest)
FIELDS = {
    LIST: "verification_list",
    PERSON_KEY: "verification_key",
    HOUSEHOLD_KEY: "verification_household",
    RESULT: "verification_result",
    DATE: "verification_date",
    PROGRAM: "verification_program",
    OFFICER: "verification_officer",
    NOTE: "verification_note",
}
