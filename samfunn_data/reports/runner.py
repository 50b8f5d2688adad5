"""The report runner: an executed notebook and an HTML page per (municipality, year), an index and a manifest.

Order of operations in `render_reports`:

0. Check the fact base (a damaged file is refused, naming `samfunn build`) and hold it for reading
   (shared lock) for the whole run, so no build replaces it halfway.
1. Resolve municipalities and years and check them against the fact base, before any kernel starts
   (unknown names, retired codes and years without data fail here with a clear message).
2. Plan one job per (municipality, year) with a key = template hash + parameters + data fingerprint; a job
   whose key matches the manifest and whose files exist is skipped unless ``force``.
3. Run the remaining jobs on a pool of long-lived worker processes. Each worker imports papermill and
   nbconvert once and keeps one warm Jupyter kernel (see `warm_kernel`), so neither Python, papermill nor
   the kernel's imports are paid per report. A failing report is recorded and the others go on.
4. Under the reports folder's lock, read the manifest again, merge this run's entries into it and
   replace ``manifest.json`` and ``index.html`` atomically, so a run going on beside this one loses
   nothing; return the results (the caller exits non-zero if any failed).
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import time
import traceback
import unicodedata
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from samfunn_data.config import PROJECT_ROOT, get_settings
from samfunn_data.errors import ReportError
from samfunn_data.files import FileLock, atomic_write

TEMPLATE = PROJECT_ROOT / "notebooks" / "factbase_report.ipynb"
MAIN_YEARS = (2020, 2021, 2022, 2023)  # the learning network's period; "main" adds the latest data year
EXECUTION_TIMEOUT = 600  # seconds per cell: a hung cell fails its report instead of blocking the run
MANIFEST_VERSION = 1


@dataclass(frozen=True)
class ReportJob:
    """One report to render: parameters, where it goes (relative to the reports folder), and its key."""

    kommunenr: str
    name: str
    year: int
    notebook: str
    html: str
    key: str
    parameters: dict = field(default_factory=dict)
    files: dict = field(default_factory=dict)  # format -> path (`documents.files_for`); html always


@dataclass
class ReportResult:
    job: ReportJob
    status: str  # "ok" | "failed" | "skipped"
    error: str | None = None
    duration_s: float = 0.0


# -- parameters ---------------------------------------------------------------------------------------


def slugify(name: str) -> str:
    """File-name form of a municipality name: "Holtålen" -> "holtalen", "Træna" -> "traena"."""
    text = name.lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def parse_years(spec: str, first: int, latest: int) -> list[int]:
    """Years from "2020-2023", "2020,2024", "2023" or "main" (2020–2023 plus the latest year in the data).

    Every year must lie within ``first``..``latest`` (the years the fact base has municipal population for).
    """
    spec = str(spec).strip().lower()
    years: set[int] = set()
    parts = [p.strip() for p in spec.split(",") if p.strip()]
    if not parts:
        raise ReportError("--years er tom: gi f.eks. 2020-2023, 2020,2024 eller main")
    for part in parts:
        if part == "main":
            years.update(MAIN_YEARS)
            years.add(latest)
        elif re.fullmatch(r"\d{4}-\d{4}", part):
            lo, hi = (int(x) for x in part.split("-"))
            if lo > hi:
                raise ReportError(f"--years {part}: det første året er etter det siste")
            years.update(range(lo, hi + 1))
        elif re.fullmatch(r"\d{4}", part):
            years.add(int(part))
        else:
            raise ReportError(f"--years: kan ikke lese {part!r}; bruk f.eks. 2020-2023, 2020,2024 eller main")
    outside = sorted(y for y in years if not first <= y <= latest)
    if outside:
        raise ReportError(
            f"ingen data for rapportåret {', '.join(map(str, outside))}: faktagrunnlaget har folketall for "
            f"kommunene {first}–{latest} (1. januar). Velg år i dette spennet, eller kjør `samfunn update`."
        )
    return sorted(years)


def resolve_kommuner(spec, years: list[int]) -> list:
    """Municipalities from "network", "small" or a comma-separated list of codes or names.

    "small" means the municipalities in the network's counties with under the network's population limit on
    1 January of at least one of ``years`` (eligibility changes from year to year, so it is computed).
    Unknown names and retired codes raise the registry's errors, which name suggestions or successors.
    """
    from samfunn_data.facts import municipalities

    items = spec if isinstance(spec, list | tuple) else [s.strip() for s in str(spec).split(",")]
    items = [str(s).strip() for s in items if str(s).strip()]
    if not items:
        raise ReportError("--kommuner er tom: gi network, small eller kommunenummer eller -navn")
    chosen: dict[str, object] = {}
    for item in items:
        if item.lower() == "network":
            for code in municipalities.network().participants:
                chosen.setdefault(code, municipalities.lookup(code))
        elif item.lower() == "small":
            counties = municipalities.network().counties
            for year in years:
                for m in municipalities.small_municipalities(year, counties=counties):
                    chosen.setdefault(m.code, m)
        else:
            m = municipalities.lookup(item)
            chosen.setdefault(m.code, m)
    return sorted(chosen.values(), key=lambda m: m.code)


def population_years() -> dict[str, set[int]]:
    """Years with a population figure (1 January) per region in the fact base (builds it if missing).

    Regions are keyed by code: "0" Norway, two digits a county, four a municipality.
    """
    from samfunn_data.facts import factbase

    facts = factbase.load()
    pop = facts.loc[facts["indicator"] == "folkemengde", ["kommunenr", "year"]]
    return {code: set(group["year"].astype(int)) for code, group in pop.groupby("kommunenr")}


def municipal_years(available: dict[str, set[int]]) -> list[int]:
    """The years any municipality has a population figure for (Norway's own series reaches further back)."""
    return sorted(set().union(*(years for code, years in available.items() if len(code) == 4)))


def _span(years: set[int]) -> str:
    return f"{min(years)}–{max(years)}" if years else "ingen år"


def _check_years(munis: list, years: list[int], available: dict[str, set[int]]) -> None:
    problems = []
    for m in munis:
        have = available.get(m.code, set())
        missing = [y for y in years if y not in have]
        if missing:
            problems.append(f"{m.code} {m.name}: {', '.join(map(str, missing))} (har {_span(have)})")
    if problems:
        raise ReportError("faktagrunnlaget har ikke folketall for: " + "; ".join(problems))


# -- fingerprints and plan ----------------------------------------------------------------------------


def _hash_files(paths, root: Path, h) -> None:
    for path in sorted(paths):
        if path.is_file():
            h.update(str(path.relative_to(root)).encode())
            h.update(b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())


# The package modules a report runs: a change in any of them must re-render the reports.
REPORT_MODULES = ("reports/charts", "reports/narrative", "formatting", "reports/data", "reports/figures",
                  "reports/tables", "reports/html", "facts/claims", "reports/findings", "reports/planning",
                  "facts/factbase", "facts/asof", "facts/indicators", "facts/robustness",
                  "facts/computations", "facts/sources", "facts/municipalities", "config",
                  "reports/provenance", "reports/commuting", "reports/model",
                  "reports/word", "reports/chromium", "reports/documents", "reports/onepager",
                  "reports/notes", "reports/economy", "reports/economy_text", "reports/economy_charts",
                  "facts/robek", "facts/commuting")


def template_hash(template: Path = TEMPLATE) -> str:
    """Hash of the template notebook and the package code it calls (`REPORT_MODULES`)."""
    h = hashlib.sha256(Path(template).read_bytes())
    package = Path(__file__).resolve().parents[1]
    _hash_files([package / f"{name}.py" for name in REPORT_MODULES], package, h)
    return h.hexdigest()[:16]


def data_fingerprint(settings=None) -> str:
    """Hash of everything a report reads: the processed fact base, the snapshot and the fetched store."""
    settings = settings or get_settings()
    h = hashlib.sha256()
    for folder in (settings.processed_dir, settings.snapshot_dir, settings.store_dir):
        folder = Path(folder)
        if folder.exists():
            h.update(str(folder.name).encode())
            _hash_files(folder.rglob("*"), folder, h)
    return h.hexdigest()[:16]


def plan_jobs(munis: list, years: list[int], tmpl_hash: str, fingerprint: str,
              formats: tuple[str, ...] = ("html",)) -> list[ReportJob]:
    """One job per (municipality, year); the formats are not in the key (a missing file is re-rendered),
    the planner's notes file is (a changed note re-renders the report)."""
    from samfunn_data.reports import documents, notes

    jobs = []
    for year in years:
        for m in munis:
            params = {"kommunenr": m.code, "year": int(year)}
            stem = f"{year}/{m.code}-{slugify(m.name)}"
            key_src = json.dumps([tmpl_hash, params, fingerprint, notes.fingerprint(m.code)], sort_keys=True)
            key = hashlib.sha256(key_src.encode()).hexdigest()[:16]
            jobs.append(ReportJob(m.code, m.name, int(year), f"{stem}.ipynb", f"{stem}.html", key, params,
                                  documents.files_for(stem, formats)))
    return jobs


# -- manifest -----------------------------------------------------------------------------------------


def claims_file(html_path: str) -> str:
    """Where a report's claims go: beside its HTML, e.g. ``2023/5033-tydal.claims.json``."""
    return html_path.removesuffix(".html") + ".claims.json"


def _entry_id(kommunenr: str, year: int) -> str:
    return f"{year}/{kommunenr}"


def read_manifest(reports_dir: Path) -> dict:
    path = Path(reports_dir) / "manifest.json"
    if not path.exists():
        return {"version": MANIFEST_VERSION, "reports": {}}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"version": MANIFEST_VERSION, "reports": {}}  # unreadable: re-render everything
    if not isinstance(data, dict) or not isinstance(data.get("reports"), dict):
        return {"version": MANIFEST_VERSION, "reports": {}}
    return data


def is_current(job: ReportJob, manifest: dict, reports_dir: Path) -> bool:
    """True when the last render of this report used the same key, succeeded, and its files are there."""
    entry = manifest["reports"].get(_entry_id(job.kommunenr, job.year))
    return bool(
        entry
        and entry.get("key") == job.key
        and entry.get("status") in ("ok", "skipped")
        and (reports_dir / job.notebook).exists()
        and (reports_dir / job.html).exists()
        and (not entry.get("claims") or (reports_dir / entry["claims"]).exists())
        and all((reports_dir / rel).exists() for rel in job.files.values())
    )


def _manifest_entry(result: ReportResult, tmpl_hash: str, fingerprint: str, previous: dict | None) -> dict:
    job = result.job
    entry = {
        "kommunenr": job.kommunenr, "name": job.name, "year": job.year, "parameters": job.parameters,
        "key": job.key, "template_hash": tmpl_hash, "data_fingerprint": fingerprint,
        "status": result.status, "error": result.error, "notebook": job.notebook, "html": job.html,
        "duration_s": round(result.duration_s, 2),
    }
    if result.status != "failed":  # each format's file (a later run without --format keeps them listed)
        earlier = (previous or {}).get("files") or {}
        entry["files"] = {**earlier, **job.files} if previous and previous.get("key") == job.key \
            else dict(job.files)
    if result.status == "skipped" and previous:
        entry["rendered_at"] = previous.get("rendered_at")
        entry["render_duration_s"] = previous.get("render_duration_s")
    else:
        entry["rendered_at"] = datetime.now().astimezone().isoformat(timespec="seconds")
        entry["render_duration_s"] = round(result.duration_s, 2)
    return entry


# -- execution ----------------------------------------------------------------------------------------


def _worker_init() -> None:
    """Pay imports once per worker and make sure its warm kernel and warm Chromium stop with it."""
    import sys
    from multiprocessing import util

    # jsonschema (via nbformat) imports rfc3987_syntax when installed, which compiles a grammar at import:
    # ~4 s per process, only to check "iri" string formats that the notebook schema never uses.
    sys.modules.setdefault("rfc3987_syntax", None)

    import nbconvert  # noqa: F401  (import cost paid here, not in the first report)
    import papermill  # noqa: F401

    from samfunn_data.reports import chromium, warm_kernel

    warm_kernel.register()
    util.Finalize(None, warm_kernel.shutdown, exitpriority=100)
    util.Finalize(None, chromium.stop_warm, exitpriority=100)


def _error_text(exc: BaseException) -> str:
    """One line a coordinator can act on: the exception the notebook raised, not papermill's wrapper."""
    ename, evalue = getattr(exc, "ename", None), getattr(exc, "evalue", None)
    if ename:
        cell = getattr(exc, "exec_count", None)
        where = f" (celle {cell})" if cell else ""
        return f"{ename}: {evalue}{where}"
    return f"{type(exc).__name__}: {exc}"


def execute_job(job: ReportJob, template: str, reports_dir: str) -> ReportResult:
    """Execute one report with papermill on the warm kernel and export its HTML; never raises."""
    import papermill

    from samfunn_data.reports import documents, warm_kernel
    from samfunn_data.reports import html as report_html

    start = time.perf_counter()
    out_dir = Path(reports_dir)
    notebook, page = out_dir / job.notebook, out_dir / job.html
    claims = out_dir / claims_file(job.html)
    notebook.parent.mkdir(parents=True, exist_ok=True)
    claims.unlink(missing_ok=True)  # the template writes them afresh; a stale file would pass for new
    try:
        # claims_path is not in job.parameters (the key): where the files go does not change a report
        nb = papermill.execute_notebook(
            template, str(notebook), parameters={**job.parameters, "claims_path": str(claims)},
            engine_name=warm_kernel.ENGINE_NAME,
            kernel_name=warm_kernel.KERNEL_NAME, progress_bar=False, execution_timeout=EXECUTION_TIMEOUT,
            cwd=str(Path(template).parent),
            # papermill otherwise rewrites (and schema-validates) the whole notebook, images included,
            # after every cell: that cost more CPU than the cells. It still writes once at the end,
            # and also when a cell fails (with the traceback).
            request_save_on_cell_execute=False,
        )
        report_html.write_notebook_html(nb, page, f"Kunnskapsgrunnlag – {job.name} {job.year}")
        documents.render(job, out_dir)  # DOCX, PDF and "Kommunen i tall", when asked for
        return ReportResult(job, "ok", None, time.perf_counter() - start)
    except Exception as exc:
        page.unlink(missing_ok=True)  # never leave last year's page behind a failed re-render
        documents.remove(job.files, out_dir)
        error = _error_text(exc)
        if not getattr(exc, "ename", None):
            error += "\n" + "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return ReportResult(job, "failed", error, time.perf_counter() - start)


def _run_jobs(jobs: list[ReportJob], template: Path, reports_dir: Path, workers: int, progress: bool):
    from tqdm.auto import tqdm

    results: list[ReportResult] = []
    bar = tqdm(total=len(jobs), desc="Rapporter", unit="rapport", disable=not progress or not jobs)
    try:
        if workers <= 1:
            _worker_init()
            try:
                for job in jobs:
                    results.append(execute_job(job, str(template), str(reports_dir)))
                    bar.update(1)
            finally:
                from samfunn_data.reports import chromium, warm_kernel

                warm_kernel.shutdown()
                chromium.stop_warm()
        else:
            # spawn: workers start clean (no copied threads or locks) and each keeps its own warm kernel
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_worker_init) as pool:
                futures = {pool.submit(execute_job, j, str(template), str(reports_dir)): j for j in jobs}
                for future in as_completed(futures):
                    try:
                        results.append(future.result())
                    except Exception as exc:  # a worker died (e.g. out of memory): record, keep going
                        results.append(ReportResult(futures[future], "failed", _error_text(exc)))
                    bar.update(1)
    finally:
        bar.close()
    return results


def default_jobs() -> int:
    """Worker count: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def render_reports(kommuner="network", years="main", force: bool = False, jobs: int | None = None,
                   template: Path | str | None = None, reports_dir: Path | str | None = None,
                   progress: bool = True, formats="html", pdf_optional: bool = False) -> list[ReportResult]:
    """Render fact-base reports for each (municipality, year) and update the index and manifest.

    Parameters
    ----------
    kommuner : "network", "small", a comma-separated string of codes/names, or a list of them.
    years : "main", "2020-2023", "2020,2024", an int, or a list of ints.
    force : re-render reports even when template, parameters and data are unchanged.
    jobs : worker processes (default: the available cores).
    template, reports_dir : override the template notebook and output folder (default: settings).
    formats : "html,docx,pdf" or a list (html always; see `documents.parse_formats`).
    pdf_optional : when Chromium is missing, warn and skip PDF instead of refusing the run.

    Returns
    -------
    list of ReportResult, one per report, in (year, municipality) order. Check ``status`` for "failed".

    Raises
    ------
    ReportError, UnknownMunicipalityError : bad parameters (or a renderer missing for a format), raised
        before any kernel starts.
    """
    from samfunn_data.facts import factbase
    from samfunn_data.reports import documents

    formats = documents.parse_formats(formats, pdf_optional)
    documents.check_ready(formats)

    settings = get_settings()
    template = Path(template or TEMPLATE)
    reports_dir = Path(reports_dir or settings.reports_dir)
    if not template.exists():
        raise ReportError(f"fant ikke malnotatboken: {template}")
    factbase.ensure_ready(settings)  # 0. refuse a damaged fact base before anything runs
    with factbase.reading(settings, holder="samfunn reports"):
        return _render(kommuner, years, force, jobs, template, reports_dir, progress, settings, formats)


def _render(kommuner, years, force: bool, jobs: int | None, template: Path, reports_dir: Path,
            progress: bool, settings, formats: tuple[str, ...]) -> list[ReportResult]:
    # 1. parameters, checked before anything runs
    available = population_years()
    all_years = municipal_years(available)
    if not all_years:
        raise ReportError("faktagrunnlaget har ingen folketall; kjør `samfunn build` først")
    if isinstance(years, int):
        years = str(years)
    if isinstance(years, list | tuple):
        years = ",".join(str(y) for y in years)
    year_list = parse_years(years, all_years[0], all_years[-1])
    munis = resolve_kommuner(kommuner, year_list)
    _check_years(munis, year_list, available)

    # 2. plan and skip what is unchanged
    tmpl_hash, fingerprint = template_hash(template), data_fingerprint(settings)
    planned = plan_jobs(munis, year_list, tmpl_hash, fingerprint, formats)
    _warn_about_notes(munis)
    manifest = read_manifest(reports_dir)
    todo = [j for j in planned if force or not is_current(j, manifest, reports_dir)]
    results = {(j.kommunenr, j.year): ReportResult(j, "skipped") for j in planned if j not in todo}

    # 3. run
    reports_dir.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(jobs or default_jobs(), len(todo) or 1))
    for result in _run_jobs(todo, template, reports_dir, workers, progress):
        results[(result.job.kommunenr, result.job.year)] = result

    # 4. manifest and index
    ordered = [results[(j.kommunenr, j.year)] for j in planned]
    write_outputs(ordered, reports_dir, tmpl_hash, fingerprint, template, settings.lock_timeout)
    return ordered


def _warn_about_notes(munis: list) -> None:
    """Say which notes files cannot be read (their reports render without notes)."""
    import warnings

    from samfunn_data.reports import notes

    for m in munis:
        problem = notes.load(m.code).problem
        if problem:
            warnings.warn(problem, stacklevel=3)


def write_outputs(results: list[ReportResult], reports_dir: Path, tmpl_hash: str, fingerprint: str,
                  template: Path, lock_timeout: float | None = None) -> None:
    """Merge this run into the manifest (earlier reports and those of a run beside this one stay listed)
    and rewrite the index: read, merge and write under the reports folder's lock, each file replaced
    atomically."""
    lock = FileLock(reports_dir / ".lock", timeout=lock_timeout, holder="samfunn reports",
                    what=f"oversikten i {reports_dir}")
    with lock:
        _merge_outputs(results, read_manifest(reports_dir), reports_dir, tmpl_hash, fingerprint, template)


def _merge_outputs(results: list[ReportResult], manifest: dict, reports_dir: Path, tmpl_hash: str,
                   fingerprint: str, template: Path) -> None:
    from samfunn_data.reports import html as report_html

    entries = dict(manifest.get("reports", {}))
    for result in results:
        eid = _entry_id(result.job.kommunenr, result.job.year)
        entries[eid] = _manifest_entry(result, tmpl_hash, fingerprint, entries.get(eid))
        claims = claims_file(result.job.html)  # written by the template; a template may write none
        entries[eid]["claims"] = claims if (reports_dir / claims).exists() else None
    # earlier entries whose files were deleted by hand are dropped, so the index never links to nothing
    entries = {k: e for k, e in entries.items()
               if e["status"] == "failed" or (reports_dir / e["html"]).exists()}
    data = {
        "version": MANIFEST_VERSION,
        "generated": datetime.now().astimezone().isoformat(timespec="seconds"),
        "template": str(template),
        "template_hash": tmpl_hash,
        "data_fingerprint": fingerprint,
        "reports": dict(sorted(entries.items())),
    }
    atomic_write(reports_dir / "manifest.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    index = report_html.index_html(list(data["reports"].values()), reports_dir, this_run=summary(results))
    atomic_write(reports_dir / "index.html", index)


def summary(results: list[ReportResult]) -> dict[str, int]:
    return {s: sum(r.status == s for r in results) for s in ("ok", "skipped", "failed")}


__all__ = ["ReportJob", "ReportResult", "render_reports", "parse_years", "resolve_kommuner", "slugify",
           "template_hash", "data_fingerprint", "summary"]
