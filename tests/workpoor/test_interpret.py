"""The working-poor findings: generated from the estimates, in the run's language."""

from __future__ import annotations

import pandas as pd

from lebongbisa.workpoor.interpret import findings

FIT = {
    "marginal_effects": pd.DataFrame(
        {
            "term": ["head works in: not working", "other_working_members", "female_head"],
            "ame": [0.42, -0.07, 0.001],
            "ci_low": [0.208, -0.112, -0.02],
            "ci_high": [0.639, -0.029, 0.02],
        }
    )
}
RATES = pd.DataFrame(
    {
        "dimension": ["sector", "sector"],
        "group": ["agriculture", "trade"],
        "working_poverty_rate": [0.22, 0.05],
        "employed": [1582, 300],
        "share_of_working_poor": [0.73, 0.04],
    }
)


def test_findings_follow_the_estimates_in_each_language():
    ind = findings(FIT, RATES, 0.19, 0.83, "id")
    eng = findings(FIT, RATES, 0.19, 0.83, "en")
    assert len(ind) == len(eng) == 5  # the share, two significant terms, the sector, levers
    assert "Bila kepala keluarga tidak bekerja" in ind[1] and "naik 42,0 poin persen" in ind[1]
    assert ind[2].startswith("Setiap tambahan anggota yang bekerja menurunkan peluang miskin 7,0")
    assert "sektor pertanian (22% dari 1.582 pekerjanya)" in ind[3]
    assert "When the head does not work" in eng[1] and "rises by 42.0 percentage" in eng[1]
    assert eng[2].startswith("Each additional working member lowers the probability")
    assert "agriculture (22% of its 1,582 workers)" in eng[3]
    assert not any("female" in s or "perempuan" in s for s in ind + eng)  # not significant
