"""The quarterly runner: each stage's computation (cached), then its notebook executed with
papermill into `reports/<period>/`, rendered to HTML without code, and an `index.html`.

A failing stage stops the run with a message naming the notebook, the cell and the error; the
executed notebook stays in `reports/<period>/` for inspection.
"""

from __future__ import annotations

import html
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from lebongbisa import __version__, config, stages


class StageFailed(RuntimeError):
    """A stage notebook raised an error."""


@dataclass(frozen=True)
class Stage:
    name: str
    title_id: str
    title_en: str
    compute: Callable[..., bool]

    @property
    def notebook(self) -> str:
        return f"{self.name}.ipynb"


SUMMARY = "06_ringkasan"

STAGES = [
    Stage(
        "01_ingest_clean",
        "Pembersihan dan rekonsiliasi data",
        "Ingest, clean and reconcile",
        stages.ingest,
    ),
    Stage(
        "02_link",
        "Pencocokan orang dan keluarga antar-data",
        "Link persons and households",
        stages.link,
    ),
    Stage(
        "03_targeting",
        "Sasaran program: cakupan, salah sasaran, dan titik temu antar dinas",
        "Targeting: coverage, exclusion and inclusion error, overlaps",
        stages.targeting,
    ),
    Stage(
        "04_working_poor",
        "Bekerja tetapi miskin",
        "The working poor",
        stages.working_poor,
    ),
    Stage(
        "05_villages",
        "Tipologi desa dan prioritas Desa Binaan",
        "Village typology and Desa Binaan priority",
        stages.villages,
    ),
    Stage(
        "06_ringkasan",
        "Ringkasan untuk pimpinan",
        "Summary for policymakers",
        stages.summary,
    ),
]


def notebook_parameters(
    stage: Stage, period: str, data_dir: Path, out_dir: Path, lang: str, min_cell: int
) -> dict:
    """The parameters injected into a stage notebook (the summary also gets `min_cell`)."""
    params = {
        "period": period,
        "data_dir": str(data_dir),
        "reports_dir": str(out_dir.parent),
        "lang": lang,
    }
    if stage.name == SUMMARY:
        params["min_cell"] = min_cell
    return params


def execute_notebook(stage: Stage, out_dir: Path, parameters: dict) -> Path:
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    src = config.NOTEBOOKS_DIR / stage.notebook
    dest = out_dir / stage.notebook
    try:
        pm.execute_notebook(
            str(src),
            str(dest),
            kernel_name="python3",
            progress_bar=False,
            parameters=parameters,
            cwd=str(config.NOTEBOOKS_DIR),
        )
    except PapermillExecutionError as exc:
        raise StageFailed(
            f"stage notebook {stage.notebook} failed in cell {exc.exec_count}: "
            f"{exc.ename}: {exc.evalue}\n  the executed notebook is kept at {dest}"
        ) from exc
    return dest


#: scripts that load anything from the network (require.js, MathJax, mermaid): a report must
#: render offline and not call out when opened.
_CDN = re.compile(
    r"<script\b[^>]*>(?:(?!</script>).)*?https?://(?:(?!</script>).)*?</script>\s*", re.I | re.S
)
_CDN_SRC = re.compile(r'<script[^>]+src="https?://[^"]+"[^>]*>\s*</script>\s*', re.I)
_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)


def notebook_to_html(nb_path: Path) -> Path:
    """Self-contained HTML without code cells or prompts (no CDN scripts)."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nbformat.read(nb_path, as_version=4))
    body = _MATHJAX.sub("", _CDN.sub("", _CDN_SRC.sub("", body)))
    out = nb_path.with_suffix(".html")
    out.write_text(body, encoding="utf-8")
    return out


def run_period(
    period: str,
    data_dir: Path | None = None,
    reports_dir: Path | None = None,
    force: bool = False,
    allow_partial: bool = False,
    lang: str = "id",
    progress: bool = True,
    retrain: bool = False,
    min_cell: int = 5,
) -> Path:
    """Run every stage for `period`; returns the path of `reports/<period>/index.html`.

    A stage notebook is re-executed when its stage recomputed, an earlier notebook was
    re-executed, its parameters changed (e.g. `lang`, `min_cell`) or its output is missing."""
    data_dir = Path(data_dir) if data_dir else config.DATA_DIR
    reports_dir = Path(reports_dir) if reports_dir else config.REPORTS_DIR
    out_dir = reports_dir / period
    out_dir.mkdir(parents=True, exist_ok=True)
    done = []
    upstream_changed = False
    bar = tqdm(STAGES, desc=f"lebongbisa {period}", unit="stage", disable=not progress)
    for stage in bar:
        bar.set_postfix_str(stage.name)
        t0 = time.perf_counter()
        recomputed = stage.compute(
            period,
            data_dir,
            reports_dir=reports_dir,
            allow_partial=allow_partial,
            force=force,
            progress=False,
            retrain=retrain,
        )
        html_path = out_dir / f"{stage.name}.html"
        params = notebook_parameters(stage, period, data_dir, out_dir, lang, min_cell)
        params_file = out_dir / f".{stage.name}.params.json"
        same_params = params_file.exists() and json.loads(params_file.read_text()) == params
        stale = recomputed or force or upstream_changed or not same_params
        if stale or not html_path.exists() or not (out_dir / stage.notebook).exists():
            upstream_changed = True
            params_file.unlink(missing_ok=True)
            nb = execute_notebook(stage, out_dir, params)
            notebook_to_html(nb)
            params_file.write_text(json.dumps(params))
            status = "dihitung ulang" if recomputed else "notebook dijalankan ulang"
        else:
            status = "dipakai ulang (input tidak berubah)"
        done.append((stage, status, time.perf_counter() - t0))
    return write_index(period, reports_dir, done, lang)


def write_index(period: str, reports_dir: Path, done: list, lang: str = "id") -> Path:
    """`reports/<period>/index.html`: the stage reports and earlier periods (never restricted/)."""
    others = sorted(
        p.name
        for p in reports_dir.iterdir()
        if p.is_dir()
        and config.PERIOD_RE.match(p.name)
        and p.name != period
        and (p / "index.html").exists()
    )
    title = f"Laporan Lebongbisa — {period}" if lang == "id" else f"Lebongbisa report — {period}"
    items = "\n".join(
        f'<li><a href="{s.name}.html">{html.escape(s.title_id if lang == "id" else s.title_en)}'
        f"</a> <small>({html.escape(status)}, {secs:.0f} dtk; "
        f'<a href="{s.notebook}">notebook</a>)</small></li>'
        for s, status, secs in done
        if s.name != SUMMARY
    )
    lead = (
        f'<p class="lead"><a href="{SUMMARY}.html">'
        + ("Ringkasan untuk pimpinan" if lang == "id" else "Summary for policymakers")
        + "</a></p>"
        if any(s.name == SUMMARY for s, _, _ in done)
        else ""
    )
    earlier = "\n".join(f'<li><a href="../{p}/index.html">{p}</a></li>' for p in others) or (
        "<li>belum ada</li>"
    )
    page = f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#222}} h1{{font-size:1.5rem}} small{{color:#666}}
.lead a{{font-size:1.25rem;font-weight:600}}</style></head>
<body><h1>{title}</h1>
<p>Kabupaten Lebong · versi lebongbisa {__version__}</p>
{lead}
<h2>Tahapan (untuk analis)</h2><ul>
{items}
</ul>
<h2>Periode sebelumnya</h2><ul>
{earlier}
</ul>
<p><small>Daftar by-name (berisi data pribadi) tidak ditautkan dari halaman ini.</small></p>
</body></html>
"""
    path = reports_dir / period / "index.html"
    path.write_text(page, encoding="utf-8")
    return path
