"""An offline map of the villages at their centroids (no tiles): colour = cluster, size =
priority, kecamatan labelled; the top Desa Binaan outlined; villages without records (or
without a typology) drawn as small grey points, never as a ranked village."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd

from lebongbisa import gazetteer
from lebongbisa.i18n import Translator


def village_map(typ: pd.DataFrame, prio: pd.DataFrame, top_n: int = 10, lang: str = "id"):
    """The map, its legend in `lang`."""
    say = Translator(lang)
    name_col = say("cluster_name", "cluster_name_en")
    allv = gazetteer.villages()
    v = allv.merge(prio[["village_code", "priority_index", "rank"]], on="village_code")
    if len(typ):
        v = v.merge(typ[["village_code", "cluster", name_col]], on="village_code")
    else:
        v = v.assign(cluster=0, **{name_col: say("tanpa tipologi", "no typology")})
    fig, ax = plt.subplots(figsize=(8, 9))
    rest = allv[~allv.village_code.isin(v.village_code)]
    if len(rest):
        ax.scatter(
            rest.lon,
            rest.lat,
            s=12,
            color="#bbbbbb",
            marker="x",
            label=say("tidak ada data", "no data"),
        )
    names = v.drop_duplicates("cluster").set_index("cluster")[name_col]
    cmap = plt.get_cmap("tab10")
    for c, g in v.groupby("cluster"):
        ax.scatter(
            g.lon,
            g.lat,
            s=20 + 280 * g.priority_index**2,
            color=cmap(c % 10),
            alpha=0.75,
            edgecolor="white",
            linewidth=0.5,
            label=names[c],
        )
    top = v[v["rank"] <= top_n]
    ax.scatter(
        top.lon,
        top.lat,
        s=20 + 280 * top.priority_index**2,
        facecolor="none",
        edgecolor="black",
        linewidth=1.5,
        label=say(f"{top_n} prioritas teratas", f"top {top_n} priorities"),
    )
    for r in top.itertuples():
        ax.annotate(
            r.village_name, (r.lon, r.lat), fontsize=7, xytext=(4, 4), textcoords="offset points"
        )
    kec = allv.groupby("district_name")[["lat", "lon"]].mean()
    for name, r in kec.iterrows():
        ax.text(
            r.lon,
            r.lat,
            name.upper(),
            fontsize=8,
            color="#555555",
            ha="center",
            alpha=0.8,
            fontweight="bold",
        )
    ax.set_xlabel(say("bujur", "longitude"))
    ax.set_ylabel(say("lintang", "latitude"))
    ax.set_aspect("equal")
    ax.legend(loc="lower left", fontsize=7, framealpha=0.9)
    ax.set_title(
        say(
            "Desa/kelurahan Kabupaten Lebong: tipologi dan prioritas Desa Binaan",
            "Villages of Kabupaten Lebong: typology and Desa Binaan priority",
        )
    )
    fig.tight_layout()
    return fig
