"""Offline maps of the kabupaten from its desa and kecamatan boundaries (lebongbisa.boundaries,
drawn as matplotlib polygons: no tiles, no GIS stack): choropleths of desa indicators, desa
without data drawn as such, and labels placed so that no two overlap."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.collections import PolyCollection
from matplotlib.colors import Normalize, to_rgba_array
from matplotlib.patches import Patch

from lebongbisa import gazetteer
from lebongbisa.boundaries import borders, shapes
from lebongbisa.i18n import Translator

NO_DATA = "#eeeeee"
LABEL = "area-label"  # the gid of every placed label (label_boxes finds them)


def _polygons(codes: pd.Series, rings: pd.Series) -> tuple[list[np.ndarray], list[str]]:
    polys, owner = [], []
    for code, rs in zip(codes, rings, strict=True):
        polys += rs
        owner += [code] * len(rs)
    return polys, owner


def _overlaps(box, placed) -> bool:
    return any(box.overlaps(b) for b in placed)


def place_labels(ax, items: list[tuple[float, float, str, dict]]) -> None:
    """Write each (lon, lat, text, style) at its point, or nudged to the nearest free place
    around it when it would cover a label already placed; a label with no free place nearby
    is left out rather than drawn over another."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    placed = []
    steps = [(0, 0)] + [
        (dx, dy)
        for r in (8, 16, 24)
        for dx, dy in ((0, r), (0, -r), (r, 0), (-r, 0), (r, r), (-r, -r), (r, -r), (-r, r))
    ]
    halo = [patheffects.withStroke(linewidth=2.5, foreground="white")]
    for lon, lat, text, style in items:
        style = style if "bbox" in style else {"path_effects": halo, **style}
        t = ax.annotate(
            text,
            (lon, lat),
            textcoords="offset points",
            xytext=(0, 0),
            ha="center",
            va="center",
            gid=LABEL,
            **style,
        )
        for dx, dy in steps:
            t.set_position((dx, dy))
            box = t.get_window_extent(renderer).expanded(1.05, 1.1)
            if not _overlaps(box, placed):
                placed.append(box)
                break
        else:
            t.set_visible(False)


def label_boxes(fig) -> list:
    """The screen boxes of the visible placed labels (for checking that none overlap)."""
    renderer = fig.canvas.get_renderer()
    return [
        t.get_window_extent(renderer)
        for t in fig.findobj(match=lambda a: a.get_gid() == LABEL)
        if t.get_visible()
    ]


def area_map(
    values: pd.Series,
    title: str,
    lang: str = "id",
    *,
    categorical: bool = False,
    cmap: str = "YlOrRd",
    fmt: str = "{:.0%}",
    kecamatan: str | None = None,
    highlight: str | None = None,
    outline: list[str] | None = None,
    labels: dict[str, str] | None = None,
    legend_title: str = "",
    ax=None,
    ids: bool = False,
    no_data: str | None = None,
    halo: bool = True,
):
    """A choropleth of `values` (desa code -> number, or a category when `categorical`): desa
    without a value drawn as "no data"; kecamatan borders and names; `kecamatan` zooms on one
    kecamatan and names its desa; `highlight` draws one desa's border thick (a brief's own
    desa); `outline` desa drawn with a black border; `labels` desa code -> extra label; `ax`
    an axes to draw in (default: a new figure); `ids` gives each desa its own element, id
    `d<code>`, and each kecamatan border `k<code>` (an SVG page can then highlight one with
    CSS); `no_data` the legend's words for the desa without a value; `halo` a white outline
    around the labels (drawn as outlines: for SVG, `halo=False` keeps labels as text on a
    white box)."""
    say = Translator(lang)
    desa, kec = shapes("desa"), shapes("kecamatan")
    if kecamatan is not None:
        desa = desa[desa.code.str.startswith(kecamatan)]
    v = desa.code.map(values)
    own = ax is None
    if own:
        fig, ax = plt.subplots(figsize=(7.5, 8) if kecamatan is None else (6.5, 6))
    fig = ax.figure
    polys, owner = _polygons(desa.code, desa.rings)
    by = dict(zip(desa.code, v, strict=True))
    handles = []
    if categorical:
        cats = sorted({x for x in v.dropna()}, key=str)
        palette = plt.get_cmap("tab10")
        colour = {c: palette(i % 10) for i, c in enumerate(cats)}
        faces = [colour.get(by[o], NO_DATA) if pd.notna(by[o]) else NO_DATA for o in owner]
        handles = [Patch(facecolor=colour[c], edgecolor="white", label=str(c)) for c in cats]
    else:
        x = pd.to_numeric(v, errors="coerce")
        lo, hi = (min(0.0, x.min()), x.max()) if x.notna().any() else (0.0, 1.0)
        norm = Normalize(lo, hi if hi > lo else lo + 1)  # all equal: the scale still reads
        cm = plt.get_cmap(cmap)
        faces = [cm(norm(by[o])) if pd.notna(by[o]) else NO_DATA for o in owner]
    style = {"edgecolors": "white", "linewidths": 0.6}
    hatched = {"facecolors": NO_DATA, "edgecolors": "#bbbbbb", "hatch": "////", "linewidths": 0.4}
    missing = v.isna()
    if ids:  # each desa its own element, the hatch of a desa without data in it
        owner_arr, faces_arr = np.asarray(owner), to_rgba_array(faces)
        for code, blank in zip(desa.code, missing, strict=True):
            mine = np.flatnonzero(owner_arr == code)
            part = [polys[i] for i in mine]
            look = hatched if blank else {"facecolors": faces_arr[mine], **style}
            ax.add_collection(PolyCollection(part, gid=f"d{code}", **look))
    else:
        ax.add_collection(PolyCollection(polys, facecolors=faces, **style))
        if missing.any():
            mp, _ = _polygons(desa.code[missing], desa.rings[missing])
            ax.add_collection(PolyCollection(mp, **hatched))
    if missing.any():
        handles.append(
            Patch(
                facecolor=NO_DATA,
                edgecolor="#999999",
                hatch="////",
                label=no_data or say("tidak ada data", "no data"),
            )
        )
    kp = kec if kecamatan is None else kec[kec.code == kecamatan]
    for code in kp.code:
        lines = borders(desa.code[desa.code.str.startswith(code)])
        # one line broken at NaN: a single element per kecamatan (small in SVG)
        xy = np.concatenate([lines, np.full((len(lines), 1, 2), np.nan)], axis=1).reshape(-1, 2)
        ax.plot(xy[:, 0], xy[:, 1], color="#444444", linewidth=1.2, gid=f"k{code}")
    for code, width in [(c, 1.6) for c in (outline or [])] + (
        [(highlight, 3.0)] if highlight else []
    ):
        hp, _ = _polygons(desa.code[desa.code == code], desa.rings[desa.code == code])
        ax.add_collection(
            PolyCollection(hp, facecolors="none", edgecolors="black", linewidths=width)
        )
    pts = np.concatenate(polys)
    ax.set_xlim(pts[:, 0].min() - 0.01, pts[:, 0].max() + 0.01)
    ax.set_ylim(pts[:, 1].min() - 0.01, pts[:, 1].max() + 0.01)
    ax.set_aspect(1 / np.cos(np.deg2rad(pts[:, 1].mean())))
    ax.set_axis_off()
    ax.set_title(title, fontsize=11)
    if not categorical:
        sm = plt.cm.ScalarMappable(norm=norm, cmap=cm)
        bar = fig.colorbar(sm, ax=ax, shrink=0.6, pad=0.02)
        bar.ax.yaxis.set_major_formatter(plt.FuncFormatter(lambda y, _: fmt.format(y)))
        bar.set_label(legend_title)
    if handles:
        ax.legend(
            handles=handles,
            loc="lower left",
            fontsize=7,
            framealpha=0.9,
            title=legend_title if categorical else None,
            title_fontsize=7,
        )
    if own:
        fig.tight_layout()
    items = []
    if kecamatan is None:
        items += [
            (
                r.lon,
                r.lat,
                r.name.upper(),
                {"fontsize": 7, "color": "#333333", "fontweight": "bold"},
            )
            for r in kec.itertuples()
        ]
    else:
        items += [
            (r.lon, r.lat, r.name, {"fontsize": 7, "color": "#222222"}) for r in desa.itertuples()
        ]
    extra = desa[desa.code.isin(labels or {})]
    items = [
        (
            r.lon,
            r.lat,
            labels[r.code],
            {
                "fontsize": 7,
                "color": "black",
                "bbox": {"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            },
        )
        for r in extra.itertuples()
    ] + items
    if not halo:
        box = {"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7}
        items = [(x, y, t, {"bbox": box, **st}) for x, y, t, st in items]
    place_labels(ax, items)
    return fig


def village_map(typ: pd.DataFrame, prio: pd.DataFrame, top_n: int = 10, lang: str = "id"):
    """The village typology on the map (villages without records, or without a typology,
    drawn as such), the `top_n` Desa Binaan outlined and labelled with their rank."""
    say = Translator(lang)
    name_col = say("cluster_name", "cluster_name_en")
    if len(typ):
        values = typ.set_index("village_code")[name_col]
    else:
        values = pd.Series(say("tanpa tipologi", "no typology"), index=prio.village_code)
    top = prio[prio["rank"] <= top_n]
    names = gazetteer.village_names()
    return area_map(
        values,
        say(
            "Tipologi desa dan prioritas Desa Binaan",
            "Village typology and Desa Binaan priority",
        ),
        lang,
        categorical=True,
        outline=list(top.village_code),
        labels={
            r.village_code: f"{int(r.rank)}. {names[r.village_code]}" for r in top.itertuples()
        },
        legend_title=say(
            f"tipe desa; garis hitam: {top_n} prioritas teratas",
            f"village type; black border: top {top_n} priorities",
        ),
    )


def indicator_map(ind: pd.DataFrame, name: str, title: str, lang: str = "id", **style):
    """A choropleth of desa indicator `name` from indicators.csv (scope `desa`)."""
    d = ind[(ind.indicator == name) & (ind.scope_type == "desa")]
    return area_map(d.set_index("scope_code").value, title, lang, **style)


def desa_maps(table: pd.DataFrame, prio: pd.DataFrame, lang: str = "id"):
    """Side by side: the share of desil-1 households no program reaches, the working-poverty
    rate and the Desa Binaan rank of each desa (stage 5's village table and ranking)."""
    say = Translator(lang)
    t = table.set_index("village_code")
    rank = prio.set_index("village_code")["rank"] if len(prio) else pd.Series(dtype=float)
    fig, axes = plt.subplots(1, 3, figsize=(18, 7.5))
    panels = (
        (
            t.exclusion_desil1,
            say("Keluarga desil 1 tanpa program", "Desil-1 households, no program"),
            {},
        ),
        (
            t.working_poverty_rate,
            say("Pekerja dalam keluarga miskin", "Workers in poor households"),
            {},
        ),
        (
            rank,
            say("Peringkat Desa Binaan (1 = prioritas)", "Desa Binaan rank (1 = priority)"),
            {"cmap": "YlOrRd_r", "fmt": "{:.0f}"},
        ),
    )
    for ax, (values, title, style) in zip(axes, panels, strict=True):
        area_map(values, title, lang, ax=ax, **style)
    fig.tight_layout()
    return fig
