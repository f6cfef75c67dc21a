"""Village typology: robust standardization, three clustering methods compared, k chosen by
silhouette and bootstrap stability (adjusted Rand index), clusters named by their traits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import AgglomerativeClustering, KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import adjusted_rand_score, silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.preprocessing import RobustScaler

from lebongbisa.i18n import Translator
from lebongbisa.villages.table import FEATURES, feature_label

METHODS = ("kmeans", "ward", "gmm")
#: fewer villages with data than this, or fewer usable features, and no typology is made
#: (k up to 7 clusters, each with a few villages, and bootstrap stability need a dozen or more)
MIN_VILLAGES = 12
MIN_FEATURES = 2


def design(t: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Features with data for most of the villages in `t` (the villages that have records),
    the few gaps median-imputed, robustly scaled."""
    cols = [c for c in FEATURES if c in t and t[c].notna().mean() >= 0.8 and t[c].std() > 0]
    x = t[cols].astype(float)
    x = x.fillna(x.median())
    scaled = RobustScaler().fit_transform(x)
    return pd.DataFrame(np.clip(scaled, -5, 5), columns=cols, index=t.index), cols


def cluster(x: np.ndarray, method: str, k: int, seed: int = 58) -> np.ndarray:
    if method == "kmeans":
        return KMeans(k, n_init=10, random_state=seed).fit_predict(x)
    if method == "ward":
        return AgglomerativeClustering(k, linkage="ward").fit_predict(x)
    return GaussianMixture(k, covariance_type="diag", n_init=3, random_state=seed).fit_predict(x)


def stability(x: np.ndarray, method: str, k: int, draws: int = 20, seed: int = 58) -> float:
    """Mean adjusted Rand index between the full clustering and clusterings of bootstrap
    resamples (compared on the resampled villages)."""
    rng = np.random.default_rng(seed)
    full = cluster(x, method, k, seed)
    scores = []
    for i in range(draws):
        idx = rng.choice(len(x), len(x), replace=True)
        uniq = np.unique(idx)
        if _distinct(x[idx]) <= k:  # a resample with no room for k clusters says nothing
            continue
        lab = cluster(x[idx], method, k, seed + i + 1)
        first = {v: lab[np.flatnonzero(idx == v)[0]] for v in uniq}
        scores.append(adjusted_rand_score(full[uniq], [first[v] for v in uniq]))
    return float(np.mean(scores)) if scores else float("nan")


def _distinct(x: np.ndarray) -> int:
    """How many different indicator profiles (rows) `x` holds."""
    return len(np.unique(np.round(x, 9), axis=0))


def choose(x: pd.DataFrame, ks: range = range(2, 8), draws: int = 20) -> pd.DataFrame:
    """Silhouette and stability for every method and k."""
    rows = []
    for method in METHODS:
        for k in ks:
            lab = cluster(x.to_numpy(), method, k)
            if len(set(lab)) < 2:
                continue
            rows.append(
                {
                    "method": method,
                    "k": k,
                    "silhouette": silhouette_score(x, lab),
                    "stability": stability(x.to_numpy(), method, k, draws),
                }
            )
    s = pd.DataFrame(rows)
    s["score"] = s.silhouette.rank(pct=True) + s.stability.rank(pct=True)
    return s.sort_values(["score", "stability"], ascending=False).reset_index(drop=True)


def name_clusters(x: pd.DataFrame, labels: np.ndarray, lang: str = "id") -> dict[int, str]:
    """Names (in `lang`) from the two traits that most distinguish each cluster."""
    say = Translator(lang)
    means = x.groupby(labels).mean()
    names = {}
    for c, row in means.iterrows():
        top = row.abs().sort_values(ascending=False).head(2)
        parts = [
            say(
                f"{feature_label(f, 'id')} {'tinggi' if row[f] > 0 else 'rendah'}",
                f"{'high' if row[f] > 0 else 'low'} {feature_label(f, 'en')}",
            )
            for f in top.index
            if abs(row[f]) >= 0.3
        ]
        names[c] = ", ".join(parts) or say("mendekati rata-rata", "close to the average")
    # two clusters with the same name get a number
    seen: dict[str, int] = {}
    for c, n in names.items():
        seen[n] = seen.get(n, 0) + 1
        if seen[n] > 1:
            names[c] = f"{n} ({seen[n]})"
    return names


def not_clusterable(t: pd.DataFrame) -> tuple[str, str] | None:
    """Why the villages in `t` cannot carry a typology, in (Indonesian, English); None when
    they can."""
    if len(t) < MIN_VILLAGES:
        return (
            f"hanya {len(t)} desa yang punya data (tipologi memerlukan sedikitnya {MIN_VILLAGES})",
            f"only {len(t)} villages have records (a typology needs at least {MIN_VILLAGES})",
        )
    x, cols = design(t)
    if len(cols) < MIN_FEATURES:
        return (
            f"hanya {len(cols)} indikator yang punya data untuk 80% desa yang punya data "
            f"(tipologi memerlukan sedikitnya {MIN_FEATURES})",
            f"only {len(cols)} indicator(s) have data for 80% of the villages with records "
            f"(a typology needs at least {MIN_FEATURES})",
        )
    distinct = _distinct(x.to_numpy())
    if distinct < MIN_VILLAGES:
        return (
            f"hanya {distinct} dari {len(t)} desa yang punya data berbeda indikatornya "
            f"(tipologi memerlukan sedikitnya {MIN_VILLAGES})",
            f"only {distinct} of the {len(t)} villages with records differ in their indicators "
            f"(a typology needs at least {MIN_VILLAGES})",
        )
    return None


def typology(t: pd.DataFrame, draws: int = 20) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Cluster the villages of `t` (those with records); returns per-village labels (+ PCA),
    the model-choice table and info. Check `not_clusterable` first."""
    x, cols = design(t)
    ks = range(2, min(8, _distinct(x.to_numpy()) // 3 + 1))
    # a few hundred fits of 104 rows: scikit-learn's per-call argument checks are a fifth of
    # the time; the design is finite and every argument is ours (same labels either way)
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        choice = choose(x, ks=ks, draws=draws)
    best = choice.iloc[0]
    labels = cluster(x.to_numpy(), best.method, int(best.k))
    names, names_en = name_clusters(x, labels), name_clusters(x, labels, "en")
    pcs = PCA(2, random_state=58).fit(x)
    proj = pcs.transform(x)
    out = pd.DataFrame(
        {
            "village_code": t.village_code,
            "cluster": labels,
            "cluster_name": [names[c] for c in labels],
            "cluster_name_en": [names_en[c] for c in labels],
            "pc1": proj[:, 0],
            "pc2": proj[:, 1],
        }
    )
    info = {
        "method": best.method,
        "k": int(best.k),
        "silhouette": float(best.silhouette),
        "stability": float(best.stability),
        "features": cols,
        "pca_explained": pcs.explained_variance_ratio_.tolist(),
    }
    return out, choice, info


def profiles(t: pd.DataFrame, typ: pd.DataFrame) -> pd.DataFrame:
    """Scaled feature means per cluster (for the heatmap), over the villages of the typology
    `typ` (scaled as `typology` scaled them)."""
    sub = t.merge(typ[["village_code", "cluster"]], on="village_code")
    x, _ = design(sub.drop(columns="cluster"))
    return x.groupby(sub.cluster.to_numpy()).mean()
