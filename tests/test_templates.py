"""Input templates an office fills in: NIK and No KK kept as text and checked as 16 digits,
kecamatan and desa from drop-down lists, required columns marked; a template filled in and
saved by LibreOffice comes back through `init` and stage 1 with every NIK intact."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pandas as pd
import yaml

from lebongbisa import gazetteer, stages, templates
from lebongbisa.folder import PeriodFolder
from lebongbisa.ingest.propose import init_period

PERIOD = "2025Q1"


def test_a_template_checks_the_ids_and_offers_the_official_names(tmp_path):
    path = templates.write("program", tmp_path / "t.xlsx")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["DATA", "PETUNJUK", "WILAYAH"]
    data = wb["DATA"]
    heads = [c.value for c in data[1]]
    assert heads[:3] == ["NIK", "NAMA *", "NO KK"]  # a program list requires the name
    nik, kk = heads.index("NIK") + 1, heads.index("NO KK") + 1
    for col in (nik, kk):  # the columns are text: what is typed keeps all 16 digits
        letter = openpyxl.utils.get_column_letter(col)
        assert data.column_dimensions[letter].number_format == "@"
    rules = {str(v.sqref).split(":")[0]: v for v in data.data_validations.dataValidation}
    assert "LEN(A2)=16" in rules["A2"].formula1 and rules["A2"].type == "custom"
    assert rules["H2"].type == "list" and "WILAYAH!$B$2" in rules["H2"].formula1
    desa = [c.value for c in wb["WILAYAH"]["B"][1:] if c.value]
    assert sorted(desa) == sorted(gazetteer.villages().village_name.unique())
    umkm = openpyxl.load_workbook(templates.write("umkm", tmp_path / "u.xlsx"))["DATA"]
    assert [c.value for c in umkm[1]][:2] == ["NIK *", "NAMA PEMILIK USAHA *"]


def test_a_filled_template_saved_by_libreoffice_comes_back_with_every_nik(small_ingested, tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice, "LibreOffice is needed for this test: apt-get install libreoffice-calc-nogui"
    truth = small_ingested / "truth" / PERIOD
    persons = pd.read_parquet(truth / "persons.parquet").head(8)  # a pilot list of eight
    households = pd.read_parquet(truth / "households.parquet").set_index("household_id")
    names = gazetteer.villages().set_index("village_code")
    # an officer types the eight rows into the template (NIK and No KK as typed text)
    filled = tmp_path / "filled" / "PKH_TAHAP1_2025.xlsx"
    filled.parent.mkdir()
    wb = openpyxl.load_workbook(templates.write("program", tmp_path / "blank.xlsx"))
    ws = wb["DATA"]
    for i, p in enumerate(persons.itertuples(), start=2):
        place = names.loc[p.village_code]
        values = [
            p.nik,
            p.name,
            households.kk_number[p.household_id],
            pd.Timestamp(p.birth_date).strftime("%d-%m-%Y"),
            "LAKI-LAKI" if p.sex == "L" else "PEREMPUAN",
            "DUSUN I",
            place.district_name,
            place.village_name,
            "750000",
        ]
        for j, v in enumerate(values, start=1):
            ws.cell(i, j).value = str(v)
    wb.save(filled)
    # ... and saves it in LibreOffice, as the office's own program would
    raw = tmp_path / "data" / "raw" / PERIOD
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(raw),
            str(filled),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    notes = init_period(raw, PERIOD)
    entry = yaml.safe_load((raw / "sources.yml").read_text())["sources"][0]
    assert entry["kind"] == "program" and entry["program"] == "PKH", notes
    stages.ingest(PERIOD, tmp_path / "data", progress=False)
    folder = PeriodFolder.of(PERIOD, tmp_path / "data")
    rows = pd.read_parquet(folder.path("rows"))
    ident = pd.read_parquet(folder.path("identity"))
    assert len(rows) == 8 and (rows.status == "accepted").all(), rows.reason
    assert sorted(ident.nik) == sorted(persons.nik)  # every NIK intact, as typed
    assert not rows.reason.str.contains("nik_|village_").any(), rows.reason
