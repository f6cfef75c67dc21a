"""Maps from the desa and kecamatan boundaries: every desa drawn, those without data drawn as
such, kecamatan borders from the desa edges, and labels that never cover each other."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection

from lebongbisa import gazetteer
from lebongbisa.boundaries import borders, shapes
from lebongbisa.villages.maps import area_map, label_boxes, place_labels


def _no_overlap(boxes) -> bool:
    return not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def test_the_packaged_boundaries_are_the_gazetteers_104_desa_in_12_kecamatan():
    desa, kec = shapes("desa"), shapes("kecamatan")
    v = gazetteer.villages()
    assert sorted(desa.code) == sorted(v.village_code)
    assert sorted(kec.code) == sorted(v.district_code.unique())
    assert all(len(r) >= 1 and all(ring.shape[1] == 2 for ring in r) for r in desa.rings)


def test_an_outline_is_closed_and_runs_only_along_its_own_desa():
    for codes in (shapes("desa").code, ["1707011004", "1707011006", "1707012002"]):
        seg = borders(codes)
        assert len(seg)
        # a closed outline meets every vertex an even number of times
        _, n = np.unique(seg.reshape(-1, 2), axis=0, return_counts=True)
        assert (n % 2 == 0).all()
    # two neighbours' outline loses the edges they share; two desa apart keep all of theirs
    a, alone = "1707011004", len(borders(["1707011004"]))
    joined = {c: len(borders([a, c])) - alone - len(borders([c])) for c in shapes("desa").code}
    assert sum(n < 0 for n in joined.values()) >= 2  # Kampung Jawa has neighbours
    assert joined["1707011006"] == 0 and joined[a] < 0


def test_a_desa_map_draws_every_desa_and_those_without_data_as_no_data():
    codes = shapes("desa").code
    values = pd.Series(np.linspace(0, 1, 80), index=codes[:80])
    fig = area_map(values, "t", "en")
    polys = [c for c in fig.axes[0].collections if isinstance(c, PolyCollection)]
    rings = sum(len(r) for r in shapes("desa").rings)
    assert len(polys[0].get_paths()) == rings
    hatched = [c for c in polys if c.get_hatch()]
    assert len(hatched) == 1
    assert len(hatched[0].get_paths()) == sum(len(r) for r in shapes("desa").rings[80:])
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["no data"]
    plt.close(fig)


def test_no_two_labels_of_a_map_overlap():
    codes = shapes("desa").code
    prio = {c: f"{i + 1}. {c}" for i, c in enumerate(codes[:15])}
    fig = area_map(pd.Series(1.0, index=codes), "t", labels=prio, outline=list(prio))
    boxes = label_boxes(fig)
    assert len(boxes) >= 12 and _no_overlap(boxes)
    zoom = area_map(pd.Series(1.0, index=codes), "t", kecamatan="170701", highlight="1707011004")
    assert _no_overlap(label_boxes(zoom)) and label_boxes(zoom)
    plt.close("all")


def test_labels_that_cannot_be_placed_apart_are_left_out_not_stacked():
    fig, ax = plt.subplots()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    place_labels(ax, [(0.5, 0.5, f"label number {i}", {"fontsize": 12}) for i in range(40)])
    boxes = label_boxes(fig)
    assert 1 < len(boxes) < 40 and _no_overlap(boxes)
    plt.close(fig)
