"""``rarecase batch`` and ``rarecase synthetic-medline``: PubMed-scale runs on Dask, thin over
:mod:`rarecase.batch`.

Registered on the main Typer app by :mod:`rarecase.cli` (imported at its end).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as Bar
from rich.table import Table

from rarecase.cli import _emit_json, _settings, app, err, out
from rarecase.cli_corpus import DbOption, seeded_store
from rarecase.errors import InputError


def _batch_extra() -> None:
    """A clear error where the batch extra (Dask, pyarrow) is not installed."""
    import importlib.util

    missing = [m for m in ("distributed", "pyarrow") if importlib.util.find_spec(m) is None]
    if missing:
        raise InputError(
            "rarecase batch", f"needs {' and '.join(missing)}, which are not installed",
            "pip install 'rarecase[batch]'",
        )  # fmt: skip


class _BarProgress:
    """The live bar: inputs done of all, records read, records per second and the time left
    (estimated from the bytes of input done, since records are only counted as read)."""

    def __init__(self) -> None:
        self.bar = Bar(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("inputs  {task.fields[records]:>10,} records  {task.fields[rate]:>7,.0f}/s"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            console=err,
            transient=False,
        )
        self.task: Any = None
        self.records = 0
        self.began = time.perf_counter()

    def start(self, units: int, size: int) -> None:
        self.began = time.perf_counter()
        self.bar.start()
        self.task = self.bar.add_task("batch", total=units, records=0, rate=0.0)

    def advance(self, unit: Any, result: Any) -> None:
        self.records += result.records
        rate = self.records / max(time.perf_counter() - self.began, 1e-9)
        self.bar.update(self.task, advance=1, records=self.records, rate=rate)
        if result.error is not None:
            self.bar.console.print(f"rarecase: warning: {unit.key}: {result.error}")

    def stop(self) -> None:
        if self.task is not None:
            self.bar.stop()


@app.command()
def batch(
    ctx: typer.Context,
    sources: Annotated[
        list[Path],
        typer.Argument(
            help="PubMed baseline or update files (.xml.gz), PMC JATS files, or folders of "
            "them or of text case reports (searched recursively)."
        ),
    ],
    out_dir: Annotated[
        Path,
        typer.Option("--out", "-o", help="Folder for the Parquet tables and the manifest."),
    ],
    scheduler: Annotated[
        str | None,
        typer.Option("--scheduler", help="A running Dask scheduler (tcp://host:8786)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, help="Worker processes of the local cluster (default: cores)."
        ),
    ] = None,
    case_reports_only: Annotated[
        bool,
        typer.Option(
            "--case-reports-only",
            help="Only records whose publication type is Case Reports (JATS: case-report).",
        ),
    ] = False,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Skip the inputs the manifest says are done, unchanged."),
    ] = False,
    load: Annotated[
        bool, typer.Option("--load", help="Add the cases found to the case store (--db).")
    ] = False,
    db: DbOption = None,
    progress: Annotated[
        bool, typer.Option("--progress/--no-progress", help="Show the live progress bar.")
    ] = True,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Turn a literature into coded cases on Dask: documents, mentions (with status and
    subject) and patients' cases as Parquet tables under --out, one partition per input.

    Without --scheduler a local cluster runs here. A damaged input is reported and the rest
    go on; the exit status is then 1. An interrupted run continues with --resume.
    """
    _batch_extra()
    from rarecase.batch.run import load_cases, run_batch

    if scheduler is not None and workers is not None:
        raise InputError("--workers", "is for the local cluster", "leave it out with --scheduler")
    settings = _settings(ctx)
    bar = _BarProgress() if progress else None
    try:
        summary, units = run_batch(
            sources,
            out_dir,
            scheduler=scheduler,
            workers=workers,
            case_reports_only=case_reports_only,
            resume=resume,
            hpo_dir=str(settings.hpo_dir) if settings.hpo_dir else None,
            cache_dir=str(settings.cache_dir) if settings.cache_dir else None,
            progress=bar,
        )
    except KeyboardInterrupt:
        err.print(f"rarecase: interrupted; what finished is in {out_dir}; run again with --resume")
        raise typer.Exit(130) from None
    finally:
        if bar is not None:
            bar.stop()
    if load:
        summary.loaded = load_cases(out_dir, units, seeded_store(settings, db), settings.kb)
    if as_json:
        _emit_json(summary.to_json())
    else:
        _print_summary(summary, out_dir)
    if summary.failed:
        raise typer.Exit(1)


def _print_summary(summary: Any, out_dir: Path) -> None:
    table = Table(title=f"rarecase batch → {out_dir}", show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column(justify="right")
    rows = [
        ("inputs", f"{summary.inputs:,}"),
        ("done now", f"{summary.done:,}"),
        ("done before (--resume)", f"{summary.skipped:,}"),
        ("failed", f"{summary.failed:,}"),
        ("records", f"{summary.records:,}"),
        ("case reports", f"{summary.case_reports:,}"),
        ("documents written", f"{summary.documents:,}"),
        ("mentions", f"{summary.mentions:,}"),
        ("cases", f"{summary.cases:,}"),
        ("records that failed", f"{summary.failed_records:,}"),
        ("workers", f"{summary.workers:,}"),
        ("time", f"{summary.seconds:,.1f} s ({summary.records_per_second:,.0f} records/s)"),
    ]
    if summary.loaded is not None:
        loaded = summary.loaded
        rows.append(
            ("loaded into the store",
             f"{loaded['added']:,} added, {loaded['updated']:,} updated, "
             f"{loaded['unchanged']:,} unchanged"),
        )  # fmt: skip
    for name, value in rows:
        table.add_row(name, value)
    out.print(table)
    for failure in summary.failures:
        said = failure["error"]  # most errors name their file already
        if not said.startswith(failure["input"]):
            said = f"{failure['input']}: {said}"
        err.print(f"rarecase: failed: {said}")
    for problem in summary.problems:
        err.print(f"rarecase: warning: {problem}")


@app.command("synthetic-medline")
def synthetic_medline(
    ctx: typer.Context,
    out_dir: Annotated[Path, typer.Argument(help="Folder for the files.")],
    files: Annotated[int, typer.Option("--files", min=1, help="Files to write.")] = 2,
    records: Annotated[
        int, typer.Option("--records", min=1, help="Citations per file (baseline: ~30,000).")
    ] = 1000,
    case_reports: Annotated[
        float,
        typer.Option("--case-reports", min=0.0, max=1.0, help="Share of case reports."),
    ] = 0.3,
    seed: Annotated[int, typer.Option("--seed", help="Same seed, same files.")] = 0,
) -> None:
    """Write synthetic PubMed baseline files (gzipped MEDLINE XML with case-report-like
    abstracts drawn from the disease annotations), to try or measure `rarecase batch`."""
    _batch_extra()
    from rarecase.batch.synthetic import write_medline

    made = write_medline(
        _settings(ctx).kb, out_dir, files=files, records=records,
        case_report_share=case_reports, seed=seed,
    )  # fmt: skip
    for item in made:
        size = item.path.stat().st_size
        out.print(f"{item.path}: {item.records:,} records ({item.case_reports:,} case reports), "
                  f"{size / 2**20:.1f} MB")  # fmt: skip
