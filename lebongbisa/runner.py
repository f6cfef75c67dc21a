"""The quarterly runner: each stage's computation (cached), then its notebook executed with
papermill into `reports/<period>/`, rendered to HTML without code, and an `index.html`.

A stage fails alone: its error is recorded (one line on the console and in the index and the
summary, the traceback in the run log), the stages that need it are skipped, every other stage
and notebook still runs, and the run then exits non-zero. A failing notebook stays in
`reports/<period>/` for inspection. Only errors the user must fix first (bad inputs, a missing
key) stop the run before anything is written.
"""

from __future__ import annotations

import html
import json
import os
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from lebongbisa import __version__, stages
from lebongbisa import config as cfg
from lebongbisa.audit import RunLog
from lebongbisa.folder import PeriodFolder, artefact
from lebongbisa.i18n import LANG_TAG, LANGS, Translator
from lebongbisa.io import atomic_write, sha256_file, write_json
from lebongbisa.kernels import KernelPool, quiet_kernel_manager
from lebongbisa.privacy import check_key_continuity
from lebongbisa.runlock import period_lock
from lebongbisa.series import SPEC as SERIES
from lebongbisa.settings import Settings


class StageFailed(RuntimeError):
    """One or more stages (or their notebooks) failed; the rest of the report was written."""


Stage = stages.StageSpec
STAGES = stages.SPECS


def notebook_parameters(
    stage: Stage,
    period: str,
    data_dir: Path,
    out_dir: Path,
    lang: str,
    min_cell: int,
    config: str | None = None,
) -> dict:
    """The parameters injected into a stage notebook (plus the run options its spec names,
    e.g. the summary's `min_cell`); `run_config` (a --config file) lets the notebook load the
    same settings as the run."""
    params = {
        "period": period,
        "data_dir": str(data_dir),
        "reports_dir": str(out_dir.parent),
        "lang": lang,
        "run_config": config or "",
    }
    params |= {k: {"min_cell": min_cell, "lang": lang}[k] for k in stage.notebook_options}
    return params


#: naming a stage here makes its *notebook* fail in a cell after the parameters (the tests
#: set it, as `stages.FAIL_STAGE_VARIABLE` makes a stage's computation fail)
FAIL_NOTEBOOK_VARIABLE = "LEBONGBISA_FAIL_NOTEBOOK"


def _failing_copy(src: Path, where: Path) -> Path:
    """A copy of notebook `src` with a cell that raises right after its parameters cell."""
    import nbformat

    nb = nbformat.read(src, as_version=4)
    at = next(
        (i + 1 for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])), 0
    )
    cell = nbformat.v4.new_code_cell(
        f'raise RuntimeError("failure injected by {FAIL_NOTEBOOK_VARIABLE} (a test)")'
    )
    nb.cells.insert(at, cell)
    where.mkdir(parents=True, exist_ok=True)
    copy = where / f".{src.stem}.failing.ipynb"
    nbformat.write(nb, copy)
    return copy


def execute_notebook(
    stage: Stage, out: Path | PeriodFolder, parameters: dict, km: object | None = None
) -> Path:
    """Execute a stage notebook into the period's reports folder (`out`: that folder, or the
    period's `PeriodFolder`); returns the executed notebook's path. `km`: a running kernel
    to use (a `kernels.KernelPool`'s), else a kernel of its own is started and stopped."""
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    folder = (
        out if isinstance(out, PeriodFolder) else PeriodFolder.of(out.name, reports_dir=out.parent)
    )

    src = cfg.NOTEBOOKS_DIR / stage.notebook
    dest = folder.stage_notebook(stage.name)
    if os.environ.get(FAIL_NOTEBOOK_VARIABLE) == stage.name:
        src = _failing_copy(src, dest.parent)
    own = {  # a kernel of its own: started in the notebooks folder, stopped at once
        "cwd": str(cfg.NOTEBOOKS_DIR),
        "shutdown_kernel": "immediate",  # outputs are in; a graceful stop waits ~1 s more
        "kernel_manager_class": quiet_kernel_manager(folder.path("kernel_log")),
    }
    try:
        pm.execute_notebook(
            str(src),
            str(dest),
            kernel_name="python3",
            progress_bar=False,
            parameters=parameters,
            request_save_on_cell_execute=False,  # written once, at the end or on an error
            **({"km": km} if km is not None else own),
        )
    except PapermillExecutionError as exc:
        raise StageFailed(
            f"stage notebook {stage.notebook} failed in cell {exc.exec_count}: "
            f"{exc.ename}: {exc.evalue}\n  the executed notebook is kept at {dest}"
        ) from exc
    finally:
        if src.parent != cfg.NOTEBOOKS_DIR:  # the injected failing copy
            src.unlink(missing_ok=True)
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


def notebook_to_html(nb_path: Path, lang: str = "id") -> Path:
    """Self-contained HTML without code cells or prompts (no CDN scripts), in `lang`: the
    Markdown cells of the other language (tagged `lang-id` / `lang-en`, see i18n.py) are
    left out."""
    import nbformat
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    other = {f"{LANG_TAG}{code}" for code in LANGS if code != lang}
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=other), enabled=True)
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
    lang: str | None = None,
    progress: bool = True,
    retrain: bool = False,
    min_cell: int | None = None,
    wait: float = 0.0,
    until: str | None = None,
    notebooks: bool = True,
    pages: list[str] | None = None,
    engine: str = "duckdb",
    config: Path | None = None,
    kernels: KernelPool | None = None,
    series: SeriesTurn | None = None,
) -> Path:
    """Run every stage for `period` (up to `until`, if given); returns the path of
    `reports/<period>/index.html` (with `notebooks=False`, only the stage tables are computed
    and the processed folder is returned).

    Holds the period's lock (a second run stops, or waits `wait` seconds) and appends the run
    to the period's run log. A stage notebook is re-executed when its stage recomputed, an
    earlier notebook was re-executed, its parameters changed (e.g. `lang`, `min_cell`) or its
    output is missing. Settings come from the run configuration (packaged run.yml, the
    period's run.yml, then `config`); `lang` and `min_cell`, when given, override it.
    `kernels`: a pool to render with (a series lends the same kernels to every quarter),
    else the run starts and stops its own. `series`: this quarter's turn in a series (the next
    quarter computes while this one's pages render)."""
    series = series or SeriesTurn()
    data_dir = (Path(data_dir) if data_dir else cfg.DATA_DIR).absolute()
    reports_dir = (Path(reports_dir) if reports_dir else cfg.REPORTS_DIR).absolute()
    f = stages.folder(period, data_dir, reports_dir)
    raw, processed = f.raw, f.processed
    settings = stages.load_settings(raw, config, lang, min_cell)
    lang, min_cell = settings.report.lang, settings.report.min_cell
    parameters = {
        "force": force,
        "allow_partial": allow_partial,
        "lang": lang,
        "retrain": retrain,
        "min_cell": min_cell,
        "until": until,
        "notebooks": notebooks,
        "pages": pages,
        "engine": engine,
        "config": str(config) if config else None,
        "settings": settings.as_dict(),
    }
    check_key_continuity(f.root, period)  # before anything is written
    with period_lock(f.path("run_lock"), period, wait):
        _remove_stale_temporaries(processed, f.reports)
        log = series.log = RunLog(processed, raw, period, parameters)
        log.start()
        try:
            done = _run_stages(
                until, f, data_dir, reports_dir, parameters, progress, log, settings, kernels,
                series,
            )  # fmt: skip
            index = write_index(period, reports_dir, done, lang) if notebooks else processed
        except BaseException as exc:
            log.fail(exc)
            raise
        failed = [d for d in done if d["status"] in ("failed", "skipped")]
        if failed:
            log.fail(StageFailed("; ".join(f"{d['stage']}: {d['error']}" for d in failed)))
            exc = StageFailed(
                "\n".join(f"stage {d['stage']} {d['status']}: {d['error']}" for d in failed)
                + f"\n  the other stages completed ({index}); tracebacks are in {log.path}"
            )
            exc.tracebacks = [d["traceback"] for d in failed if d.get("traceback")]
            raise exc
        log.finish()
    return index


def _remove_stale_temporaries(*folders: Path) -> None:
    """Temporary files of a run that was killed mid-write (atomic writes rename them into
    place only when complete). Safe under the period lock: no other run writes here."""
    for folder in folders:
        if folder.exists():
            for tmp in folder.rglob(".*.tmp"):
                tmp.unlink(missing_ok=True)


def _run_stages(
    until: str | None,
    f: PeriodFolder,
    data_dir: Path,
    reports_dir: Path,
    parameters: dict,
    progress: bool,
    log: RunLog,
    settings: Settings,
    kernels: KernelPool | None,
    series: SeriesTurn,
) -> list[dict]:
    """Compute the stages in order (a failing one fails alone) and render the notebooks of
    the stages that completed, two at a time: a page whose stage has `early_page` as soon as
    its tables are written (while the later stages compute), the others once every table is,
    the summary last (it names what failed). Returns one status dict per stage, in order."""
    period, out_dir = f.period, f.reports
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [s.name for s in STAGES]
    selected = STAGES if until is None else STAGES[: names.index(until) + 1]
    status: dict[str, dict] = {}
    with _Pages(selected, f, data_dir, parameters, progress, kernels) as pages:
        bar = tqdm(selected, desc=f"lebongbisa {period}", unit="stage", disable=not progress)
        for spec in bar:  # one stage at a time, for the progress bar
            bar.set_postfix_str(spec.name)
            series.before(spec.name)
            upto = stages.ensure(
                period,
                spec.name,
                data_dir,
                reports_dir,
                tolerate=True,
                known=status,
                allow_partial=parameters["allow_partial"],
                force=parameters["force"],
                progress=False,
                retrain=parameters["retrain"],
                engine=parameters["engine"],
                settings=settings,
                on_compute=pages.warm,
            )
            status[spec.name] = upto[spec.name]
            pages.offer(status)
        bar.close()
        series.tables.set()  # the next quarter may compute now
        seconds, errors = pages.finish(status)
    if not parameters["notebooks"]:
        for name, st in status.items():
            st["label"] = _label(st)
            log.stage(name, st["label"], st["seconds"], error=st.get("traceback"))
        return [{"stage": n, **st} for n, st in status.items()]

    for name, err in errors.items():  # the message names the cell and where the notebook is
        status[name].update(status="failed", error=err, notebook_error=err)
    for spec in selected:  # a started run always ends with a summary page
        if spec.last and status[spec.name]["status"] != "ok":
            # imported here: the summary's tables are needed only when it failed (a rerun
            # with nothing to do stays fast)
            from lebongbisa.report.fallback import write_fallback_summary

            write_fallback_summary(
                f.stage_page(spec.name),
                f,
                stages.failures(status),
                parameters["lang"],
                parameters["min_cell"],
            )
    for name, st in status.items():
        st["label"] = _label(st, name in pages.todo)
        log.stage(
            name,
            st["label"],
            st["seconds"],
            seconds.get(name, 0.0),
            error=st.get("traceback") or st.get("notebook_error"),
        )
    return [
        {"stage": n, **st, "seconds": st["seconds"] + seconds.get(n, 0.0)}
        for n, st in status.items()
    ]


def _made_from(spec: Stage, params: dict) -> dict:
    """What a rendered page was made from: its parameters and its notebook's checksum (an
    upgrade that changes only a notebook renders its page again)."""
    return {**params, "notebook_sha256": sha256_file(cfg.NOTEBOOKS_DIR / spec.notebook)}


def _label(st: dict, rendered: bool = False) -> str:
    if st["status"] == "failed":
        return "gagal"
    if st["status"] == "skipped":
        return "dilewati"
    if st["recomputed"]:
        return "dihitung ulang"
    return "notebook dijalankan ulang" if rendered else "dipakai ulang (input tidak berubah)"


RENDER_WORKERS = 2

#: stages that rebuild what every quarter's pages read (the series stage rebuilds the DuckDB
#: store, which the series page holds open): in a series they wait until the previous
#: quarter's run, pages included, has ended
WAIT_FOR_PREVIOUS_QUARTER = {SERIES.name}


@dataclass
class SeriesTurn:
    """A quarter's turn in a series (`lebongbisa run --all`, `report`): `tables` is set once
    its stage tables are written, when the next quarter may start computing while this one's
    pages render; `previous` is the previous quarter's run, which the stages of
    `WAIT_FOR_PREVIOUS_QUARTER` wait for; `log`, once the run has started, lets the series
    record an interruption in the quarter's run log (Ctrl-C reaches the main thread only)."""

    previous: Future | None = None
    tables: threading.Event = field(default_factory=threading.Event)
    log: RunLog | None = None  # the quarter's run log, once its run has started

    def before(self, stage: str) -> None:
        if self.previous is not None and stage in WAIT_FOR_PREVIOUS_QUARTER:
            wait([self.previous])


def in_background(fn: Callable[..., object], *args: object, **kwargs: object) -> Future:
    """`fn(*args, **kwargs)` in a daemon thread: an interrupted series (Ctrl-C, an error that
    stops it) ends the process at once, as a single run does, instead of waiting for the
    quarter in flight (a thread pool would)."""
    fut: Future = Future()

    def target() -> None:
        fut.set_running_or_notify_cancel()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:
            fut.set_exception(exc)

    threading.Thread(target=target, daemon=True).start()
    return fut


def _load_renderers() -> None:
    """Import papermill and nbconvert in the run's thread, before a page renders in another
    (a run whose pages are all up to date imports neither).
    Their first import sets process-wide warning filters (requests silences urllib3's notice
    that SOCKS proxies need PySocks), and `warnings.catch_warnings`, which pandas and the
    stages use in this thread, is not thread-safe: a stage restoring the filters while a page
    thread imported them let that notice through to the console."""
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401


class _Pages:
    """The pages of one run: which to render (in run order: a page is rendered again when
    its stage recomputed, an earlier page was rendered, its parameters changed or it is
    missing) and their rendering, two at a time, each on a kernel of `kernels` (else of a
    pool of the run's own) reset to a fresh namespace (kernels.py).

    `offer` is called after each stage's tables: the pages that may start then are decided
    and submitted (an `early_page` once its own stage is done, any other once every stage
    is); `finish` renders the rest, the summary last, and returns (seconds per notebook,
    error message per failed notebook). With `notebooks` off in the run parameters, nothing
    is rendered."""

    def __init__(
        self,
        selected: list[Stage],
        f: PeriodFolder,
        data_dir: Path,
        parameters: dict,
        progress: bool,
        kernels: KernelPool | None,
    ):
        self.f, self.data_dir, self.parameters, self.progress = f, data_dir, parameters, progress
        self.waiting = list(selected) if parameters["notebooks"] else []  # not yet decided
        self.todo: dict[str, dict] = {}  # name -> the parameters of a page to render
        self.futures: dict = {}
        self.upstream_changed = False
        self._own = KernelPool(cfg.NOTEBOOKS_DIR) if kernels is None else None  # kernels
        self.kernels = kernels or self._own  # start when the first page is lent one
        self.pool = ThreadPoolExecutor(max_workers=RENDER_WORKERS)

    def __enter__(self) -> _Pages:
        return self

    def __exit__(self, *exc) -> None:
        for fut in self.futures.values():  # a run stopped by an error still waits for its
            fut.cancel()  # pages in flight, so no kernel is stopped under them
        self.pool.shutdown(wait=True)
        if self._own is not None:
            self._own.close()

    def warm(self, stage: str) -> None:
        """A stage computes, so pages will render: the kernels start meanwhile, imports done
        (a run with nothing to compute starts none)."""
        if self.waiting:
            self.kernels.warm(RENDER_WORKERS, self.f.path("kernel_log"))

    def offer(self, status: dict[str, dict]) -> None:
        """Decide, in run order, the pages whose tables are all written, and start them."""
        computed_all = all(spec.name in status for spec in self.waiting)
        while self.waiting and self.waiting[0].name in status:
            spec = self.waiting[0]
            if spec.last or not (spec.early_page or computed_all):
                break
            self.waiting.pop(0)
            if self._decide(spec, status):
                self.futures[spec.name] = self._start(spec.name)

    def finish(self, status: dict[str, dict]) -> tuple[dict, dict]:
        seconds, errors = {}, {}
        if not self.parameters["notebooks"]:
            return seconds, errors
        self.offer(status)  # every table is written: every page but the summary
        last = [spec for spec in self.waiting if self._decide(spec, status)]
        bar = tqdm(total=len(self.todo), desc="notebooks", unit="nb", disable=not self.progress)
        for batch in (dict(self.futures), {s.name: None for s in last}):
            for name, fut in batch.items():
                fut = fut or self._start(name)  # the summary, after the rest
                try:
                    seconds[name] = fut.result()
                except StageFailed as exc:
                    errors[name] = str(exc)
                except Exception as exc:  # a notebook fails alone too
                    errors[name] = f"stage notebook {name} failed: {type(exc).__name__}: {exc}"
                bar.update()
        bar.close()
        return seconds, errors

    def _decide(self, spec: Stage, status: dict[str, dict]) -> bool:
        """Whether `spec`'s page is to be rendered (then its parameters are in `todo`)."""
        f, parameters, st = self.f, self.parameters, status[spec.name]
        if parameters.get("pages") is not None and spec.name not in parameters["pages"]:
            st["page"] = False  # not asked for: neither rendered nor listed as missing
            return False
        if st["status"] != "ok":
            self.upstream_changed = True
            for stale in (f.stage_page(spec.name), f.stage_parameters(spec.name)):
                stale.unlink(missing_ok=True)
            return False
        params = notebook_parameters(
            spec,
            f.period,
            self.data_dir,
            f.reports,
            parameters["lang"],
            parameters["min_cell"],
            parameters["config"],
        )
        if spec.last:  # the summary names what failed, without running it again
            params["failed_stages"] = {
                n: {"status": s["status"], "error": s["error"], "recomputed": False}
                for n, s in status.items()
                if s["status"] != "ok"
            }
        params_file = f.stage_parameters(spec.name)
        same_params = params_file.exists() and json.loads(params_file.read_text()) == _made_from(
            spec, params
        )
        rendered = f.stage_page(spec.name).exists() and f.stage_notebook(spec.name).exists()
        stale = st["recomputed"] or parameters["force"] or self.upstream_changed
        if not (stale or not same_params or not rendered):
            return False
        self.upstream_changed = True
        params_file.unlink(missing_ok=True)  # the notebook counts as rendered only after
        self.todo[spec.name] = params
        return True

    def _start(self, name: str) -> Future:
        """Render page `name` in a thread of the pool (the renderers imported first, here)."""
        _load_renderers()
        return self.pool.submit(self._one, name)

    def _one(self, name: str) -> float:
        """Execute one page and convert it to HTML; its seconds."""
        t0 = time.perf_counter()
        params, f = self.todo[name], self.f
        with self.kernels.kernel(f.path("kernel_log")) as km:
            nb = execute_notebook(stages.BY_NAME[name], f, params, km)
        notebook_to_html(nb, params["lang"])
        write_json(_made_from(stages.BY_NAME[name], params), f.stage_parameters(name))
        return time.perf_counter() - t0


def relink_indexes(reports_dir: Path) -> list[Path]:
    """Write every quarter's index again, so each links every quarter processed so far (an
    earlier quarter's index was written before the later quarters existed)."""
    out = []
    for status in sorted(Path(reports_dir).glob(f"*/{artefact('stage_status').file}")):
        saved = json.loads(status.read_text(encoding="utf-8"))
        out.append(write_index(status.parent.name, Path(reports_dir), saved["done"], saved["lang"]))
    return out


def write_index(period: str, reports_dir: Path, done: list, lang: str = "id") -> Path:
    """`reports/<period>/index.html`: the stage reports and the other quarters' reports (never
    restricted/). What it shows is kept beside it, so `relink_indexes` can write it again."""
    _ = Translator(lang)
    f = PeriodFolder.of(period, reports_dir=reports_dir)
    keep = [{k: v for k, v in d.items() if k != "traceback"} for d in done]
    write_json({"lang": lang, "done": keep}, f.path("stage_status"))
    quarters = sorted(
        p.name
        for p in reports_dir.iterdir()
        if p.is_dir()
        and cfg.PERIOD_RE.match(p.name)
        and (p.name == period or (p / artefact("index").file).exists())
    )
    title = _(f"Laporan Lebongbisa — {period}", f"Lebongbisa report — {period}")
    items, problems = [], []
    for d in done:
        spec = stages.BY_NAME[d["stage"]]
        label = html.escape(_.title(spec))
        if d.get("page") is False and d["status"] == "ok":
            continue
        if d["status"] != "ok" or not f.stage_page(spec.name).exists():
            failed = d["status"] == "failed"
            what = _("gagal" if failed else "dilewati", "failed" if failed else "skipped")
            problems.append(
                f"<li><b>{label}</b>: {what} — {html.escape(d.get('error', ''))}. "
                + _("Angka yang tidak tersedia: ", "Numbers missing: ")
                + html.escape(_(spec.missing_id, spec.missing_en))
                + "</li>"
            )
            continue
        if spec.last:  # linked first, above the stage list
            continue
        items.append(
            f'<li><a href="{f.stage_page(spec.name).name}">{label}</a> <small>('
            f"{html.escape(_(d['label'], d['status']))}, {d['seconds']:.0f} "
            f'{_("dtk", "s")}; <a href="{spec.notebook}">notebook</a>)</small></li>'
        )
    items = "\n".join(items)
    failed = (
        f'<div class="failed"><h2>{_("Tahap yang gagal", "Stages that failed")}</h2><ul>\n'
        + "\n".join(problems)
        + "\n</ul></div>"
        if problems
        else ""
    )
    lead = "".join(
        f'<p class="lead"><a href="{f.stage_page(s.name).name}">'
        + html.escape(_.title(s))
        + "</a></p>"
        for s in STAGES
        if s.last and f.stage_page(s.name).exists() and any(d["stage"] == s.name for d in done)
    )
    index = artefact("index").file
    series = "\n".join(
        f"<li><b>{q}</b> ({_('laporan ini', 'this report')})</li>"
        if q == period
        else f'<li><a href="../{q}/{index}">{q}</a></li>'
        for q in quarters
    )
    page = f"""<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>body{{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;
line-height:1.5;color:#222}} h1{{font-size:1.5rem}} small{{color:#666}}
.lead a{{font-size:1.25rem;font-weight:600}}
.failed{{border-left:4px solid #b30000;padding:0 1rem;background:#fff5f5}}</style></head>
<body><h1>{title}</h1>
<p>Kabupaten Lebong · {_("versi", "version")} lebongbisa {__version__}</p>
{lead}
{failed}
<h2>{_("Tahapan (untuk analis)", "Stages (for analysts)")}</h2><ul>
{items}
</ul>
<h2>{_("Semua triwulan", "Every quarter")}</h2><ul>
{series}
</ul>
<p><small>{
        _(
            "Daftar by-name (berisi data pribadi) tidak ditautkan dari halaman ini.",
            "By-name worklists (personal data) are not linked from this page.",
        )
    }</small></p>
</body></html>
"""
    return atomic_write(f.path("index"), lambda p: p.write_text(page, encoding="utf-8"))
