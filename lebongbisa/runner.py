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
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from lebongbisa import __version__, config, stages
from lebongbisa.audit import RunLog
from lebongbisa.io import atomic_write, write_json
from lebongbisa.runlock import period_lock


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


#: Readable on a phone (figures and wide tables fit the screen) and printed cleanly on A4
#: (no cut figures or table rows, no screen-only chrome).
READING_CSS = """<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
img { max-width: 100%; height: auto; }
.jp-RenderedHTMLCommon table { display: block; max-width: 100%; overflow-x: auto; }
@media (max-width: 640px) {
  body.jp-Notebook { padding: 0.5rem; }
  .jp-RenderedHTMLCommon { font-size: 15px; }
}
@page { size: A4; margin: 15mm 12mm; }
@media print {
  body.jp-Notebook { padding: 0; }
  .jp-Cell { break-inside: avoid; page-break-inside: avoid; }
  img, tr { break-inside: avoid; page-break-inside: avoid; }
  h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
  .jp-RenderedHTMLCommon table { display: table; overflow: visible; font-size: 9pt; }
}
</style>
"""


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
    body = body.replace("</head>", READING_CSS + "</head>", 1)
    return atomic_write(
        nb_path.with_suffix(".html"), lambda p: p.write_text(body, encoding="utf-8")
    )


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
    wait: float = 0.0,
    until: str | None = None,
    notebooks: bool = True,
    engine: str = "duckdb",
) -> Path:
    """Run every stage for `period` (up to `until`, if given); returns the path of
    `reports/<period>/index.html` (with `notebooks=False`, only the stage tables are computed
    and the processed folder is returned).

    Holds the period's lock (a second run stops, or waits `wait` seconds) and appends the run
    to the period's run log. A stage notebook is re-executed when its stage recomputed, an
    earlier notebook was re-executed, its parameters changed (e.g. `lang`, `min_cell`) or its
    output is missing."""
    data_dir = Path(data_dir) if data_dir else config.DATA_DIR
    reports_dir = Path(reports_dir) if reports_dir else config.REPORTS_DIR
    raw, processed = stages.period_paths(period, data_dir)
    parameters = {
        "force": force,
        "allow_partial": allow_partial,
        "lang": lang,
        "retrain": retrain,
        "min_cell": min_cell,
        "until": until,
        "notebooks": notebooks,
        "engine": engine,
    }
    selected = STAGES if until is None else STAGES[: [s.name for s in STAGES].index(until) + 1]
    with period_lock(processed, period, wait):
        log = RunLog(processed, raw, period, parameters)
        log.start()
        try:
            done = _run_stages(selected, period, data_dir, reports_dir, parameters, progress, log)
            index = write_index(period, reports_dir, done, lang) if notebooks else processed
        except BaseException as exc:
            log.fail(exc)
            raise
        log.finish()
    return index


def _run_stages(
    selected: list[Stage],
    period: str,
    data_dir: Path,
    reports_dir: Path,
    parameters: dict,
    progress: bool,
    log: RunLog,
) -> list[tuple[Stage, str, float]]:
    """Compute the stages in order, then render the stale notebooks, two at a time (the
    stage tables are all written by then, and each notebook is one single-threaded kernel)."""
    out_dir = reports_dir / period
    out_dir.mkdir(parents=True, exist_ok=True)
    computed = []
    bar = tqdm(selected, desc=f"lebongbisa {period}", unit="stage", disable=not progress)
    for stage in bar:
        bar.set_postfix_str(stage.name)
        t0 = time.perf_counter()
        recomputed = stage.compute(
            period,
            data_dir,
            reports_dir=reports_dir,
            allow_partial=parameters["allow_partial"],
            force=parameters["force"],
            progress=False,
            retrain=parameters["retrain"],
            engine=parameters["engine"],
        )
        computed.append((stage, recomputed, time.perf_counter() - t0))
    if not parameters["notebooks"]:
        for stage, recomputed, secs in computed:
            status = "dihitung ulang" if recomputed else "dipakai ulang (input tidak berubah)"
            log.stage(stage.name, status, secs)
        return []

    todo, upstream_changed = {}, False
    for stage, recomputed, _ in computed:
        params = notebook_parameters(
            stage, period, data_dir, out_dir, parameters["lang"], parameters["min_cell"]
        )
        params_file = out_dir / f".{stage.name}.params.json"
        same_params = params_file.exists() and json.loads(params_file.read_text()) == params
        rendered = (out_dir / f"{stage.name}.html").exists() and (out_dir / stage.notebook).exists()
        if recomputed or parameters["force"] or upstream_changed or not same_params or not rendered:
            upstream_changed = True
            params_file.unlink(missing_ok=True)  # the notebook counts as rendered only after
            todo[stage.name] = params
    seconds = _render(todo, out_dir, progress)
    done = []
    for stage, recomputed, secs in computed:
        if stage.name not in todo:
            status = "dipakai ulang (input tidak berubah)"
        else:
            status = "dihitung ulang" if recomputed else "notebook dijalankan ulang"
        log.stage(stage.name, status, secs, seconds.get(stage.name, 0.0))
        done.append((stage, status, secs + seconds.get(stage.name, 0.0)))
    return done


RENDER_WORKERS = 2


def _render(todo: dict[str, dict], out_dir: Path, progress: bool) -> dict[str, float]:
    """Execute and convert the notebooks in `todo` (name -> parameters); returns seconds each.
    A failure is raised for the first failing notebook in stage order."""
    by_name = {s.name: s for s in STAGES}

    def one(name: str) -> float:
        t0 = time.perf_counter()
        params = todo[name]
        notebook_to_html(execute_notebook(by_name[name], out_dir, params))
        write_json(params, out_dir / f".{name}.params.json")
        return time.perf_counter() - t0

    with ThreadPoolExecutor(max_workers=RENDER_WORKERS) as pool:
        futures = {name: pool.submit(one, name) for name in todo}
        bar = tqdm(total=len(futures), desc="notebooks", unit="nb", disable=not progress)
        for fut in as_completed(futures.values()):
            bar.update()
            if not fut.cancelled() and fut.exception() is not None:
                for other in futures.values():
                    other.cancel()
        bar.close()
    for fut in futures.values():  # stage order
        if not fut.cancelled() and fut.exception() is not None:
            raise fut.exception()
    return {name: fut.result() for name, fut in futures.items()}


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
    return atomic_write(
        reports_dir / period / "index.html", lambda p: p.write_text(page, encoding="utf-8")
    )
