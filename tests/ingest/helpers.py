"""Build small period folders for reader and bad-input tests."""

from __future__ import annotations

from pathlib import Path

import yaml
from openpyxl import Workbook

HEADER = ["NO", "NIK", "NAMA", "TGL LAHIR", "JK", "DESA", "KECAMATAN", "NOMINAL"]
ROWS = [
    [
        1,
        "1707015811720128",
        "Kartini Efendi",
        "18/11/1972",
        "P",
        "Kampung Jawa",
        "Lebong Utara",
        600000,
    ],
    [
        2,
        "1707011811720121",
        "Amri Maulana",
        "18/11/1972",
        "L",
        "Semelako 2",
        "Lebong Tengah",
        600000,
    ],
    [3, "1707015102900013", "Siti Aisyah", "11/02/1990", "P", "Tabeak Blau II", "Pelabai", 600000],
]


def write_csv(path: Path, rows=ROWS, header=HEADER, sep=",", encoding="utf-8", title=()):
    lines = [*title, sep.join(header)] + [sep.join(str(v) for v in r) for r in rows]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


def write_xlsx(path: Path, rows=ROWS, header=HEADER, title=(), total=True, numeric_nik=False):
    wb = Workbook()
    ws = wb.active
    for t in title:
        ws.append([t])
    if title:
        ws.append([])
    ws.append(header)
    for r in rows:
        r = list(r)
        if numeric_nik:
            r[1] = int(r[1][:15] + "0")
        ws.append(r)
    ws.append([])
    if total:
        ws.append(["JUMLAH", None, None, None, None, None, None, 600000 * len(rows)])
    wb.save(path)
    return path


def write_period(folder: Path, sources: list[dict], period: str = "2024Q3", **extra) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sources.yml").write_text(
        yaml.safe_dump({"period": period, "sources": sources, **extra})
    )
    return folder
