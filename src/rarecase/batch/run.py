"""The driver of a batch: plan the units, run them on a Dask cluster, keep the manifest, sum up.

The driver is the only writer of the manifest (``OUT/_manifest.jsonl``, one JSON line per
finished unit, flushed as each finishes), so an interrupted run knows exactly which inputs are
done; ``resume`` skips those whose files have not changed since, and runs again the failed and
unfinished ones. Workers write the tables (see :mod:`rarecase.batch.tables`); Dask moves a task
of a worker that died to another, and since a partition is only put in place whole, the retry
leaves no duplicate rows.
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Protocol

from rarecase.batch.sources import FILES_PER_UNIT, Unit, plan
from rarecase.batch.tables import TABLES, read_table, remove_temporary
from rarecase.batch.task import COUNTS, Options, UnitResult, process_unit
from rarecase.errors import InputError

MANIFEST: Final = "_manifest.jsonl"
SUMMARY: Final = "_summary.json"


class Progress(Protocol):
    """What the driver tells a progress display (the CLI's bar; nothing in tests)."""

    def start(self, units: int, size: int) -> None: ...

    def advance(self, unit: Unit, result: UnitResult) -> None: ...


@dataclass
class BatchSummary:
    """What a run did, in total and per failed input."""

    inputs: int = 0
    skipped: int = 0  # done by an earlier run (resume)
    done: int = 0
    failed: int = 0
    records: int = 0
    case_reports: int = 0
    documents: int = 0
    mentions: int = 0
    cases: int = 0
    failed_records: int = 0
    seconds: float = 0.0
    workers: int = 0
    peak_worker_rss_mb: float = 0.0
    failures: list[dict[str, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    loaded: dict[str, int] | None = None

    def add(self, unit: Unit, result: UnitResult) -> None:
        if result.error is not None:
            self.failed += 1
            self.failures.append({"input": ", ".join(unit.paths[:3]), "error": result.error})
        else:
            self.done += 1
        for name in COUNTS:
            setattr(self, name, getattr(self, name) + getattr(result, name))
        self.problems.extend(result.problems[: max(0, 50 - len(self.problems))])
        self.peak_worker_rss_mb = max(self.peak_worker_rss_mb, result.peak_rss_mb)

    @property
    def records_per_second(self) -> float:
        return self.records / self.seconds if self.seconds else 0.0

    def to_json(self) -> dict[str, Any]:
        data = dict(self.__dict__)
        data["records_per_second"] = round(self.records_per_second, 1)
        return data


class Manifest:
    """The finished units of an output folder, from its manifest (the last line of a unit wins)."""

    def __init__(self, out: Path) -> None:
        self.path = out / MANIFEST
        self.entries: dict[str, dict[str, Any]] = {}
        if not self.path.exists():
            return
        data = self.path.read_bytes()
        if data and not data.endswith(b"\n"):
            # a line cut short by a killed driver: that unit is not done; cut the line off
            # so that the next entry starts a line of its own
            data = data[: data.rfind(b"\n") + 1]
            with self.path.open("r+b") as handle:
                handle.truncate(len(data))
        for number, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
                self.entries[str(entry["key"])] = entry
            except (json.JSONDecodeError, KeyError, TypeError):
                raise InputError(
                    str(self.path), f"line {number} is not a manifest entry",
                    "remove the line, or the folder to start again",
                ) from None  # fmt: skip

    def done(self, unit: Unit) -> bool:
        entry = self.entries.get(unit.key)
        return bool(
            entry and entry.get("status") == "done" and entry.get("fingerprint") == unit.fingerprint
        )

    def record(self, unit: Unit, result: UnitResult) -> None:
        entry = {
            "key": unit.key,
            "status": "failed" if result.error is not None else "done",
            "paths": list(unit.paths),
            "fingerprint": unit.fingerprint,
            "finished": datetime.now(UTC).isoformat(timespec="seconds"),
            **{k: v for k, v in result.to_json().items() if k != "key"},
        }
        self.entries[unit.key] = entry
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())


def run_batch(
    sources: Sequence[str | Path],
    out: str | Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    case_reports_only: bool = False,
    resume: bool = False,
    hpo_dir: str | None = None,
    cache_dir: str | None = None,
    progress: Progress | None = None,
    files_per_unit: int = FILES_PER_UNIT,
) -> tuple[BatchSummary, list[Unit]]:
    """Run every unit of ``sources`` not already done (with ``resume``); the summary and the
    units of this run (for ``--load``)."""
    began = time.perf_counter()
    units = plan(sources, files_per_unit=files_per_unit)
    folder = _prepare(Path(out))
    manifest = Manifest(folder)
    summary = BatchSummary(inputs=len(units))
    todo = [u for u in units if not (resume and manifest.done(u))]
    summary.skipped = len(units) - len(todo)
    options = Options(
        out=str(folder.resolve()),
        hpo_dir=hpo_dir,
        cache_dir=cache_dir,
        case_reports_only=case_reports_only,
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    if todo:
        if scheduler is None:
            from rarecase.ontology import load

            load(hpo_dir, cache_dir=cache_dir)  # compiled once here, not by each worker at once
        with _dask_client(scheduler, workers, len(todo)) as client:
            summary.workers = len(client.scheduler_info(n_workers=-1)["workers"])
            if progress is not None:
                progress.start(len(todo), sum(u.size for u in todo))
            _run(client, todo, options, manifest, summary, progress)
    summary.seconds = time.perf_counter() - began
    (folder / SUMMARY).write_text(json.dumps(summary.to_json(), indent=2) + "\n", "utf-8")
    return summary, units


def _prepare(out: Path) -> Path:
    if out.exists() and not out.is_dir():
        raise InputError(str(out), "is a file, not a folder", "give a folder for the tables")
    ours = (out / MANIFEST).exists() or any((out / t).is_dir() for t in TABLES)
    if out.is_dir() and any(out.iterdir()) and not ours:
        raise InputError(
                str(out), "holds files that are not rarecase batch output",
                "give a new or empty folder",
            )  # fmt: skip
    out.mkdir(parents=True, exist_ok=True)
    remove_temporary(out)  # left by tasks killed in an earlier run
    return out


@contextmanager
def _dask_client(scheduler: str | None, workers: int | None, units: int) -> Iterator[Any]:
    """A Dask client: on ``scheduler`` if given, else on a LocalCluster of worker processes
    (one thread each: recognition holds the GIL), closed with the cluster at the end."""
    from distributed import Client, LocalCluster

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="30s")
        except (OSError, TimeoutError, ValueError) as error:
            raise InputError(
                scheduler, f"no Dask scheduler answers there ({error})",
                "start one (dask scheduler) or leave out --scheduler for a local cluster",
            ) from None  # fmt: skip
        with client:
            yield client
        return
    n = workers or max(1, min(os.cpu_count() or 1, units))
    with (
        LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, silence_logs=logging.ERROR,
            scheduler_kwargs={"dashboard": False},  # no web server nobody asked for
        ) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        yield client


def _run(
    client: Any,
    units: list[Unit],
    options: Options,
    manifest: Manifest,
    summary: BatchSummary,
    progress: Progress | None,
) -> None:
    from distributed import as_completed

    token = uuid.uuid4().hex[:8]
    futures = {
        client.submit(
            process_unit, unit, options, key=f"rarecase-batch-{unit.key}-{token}",
            pure=False, retries=1,
        ): unit
        for unit in units
    }  # fmt: skip
    try:
        for future in as_completed(futures):
            unit = futures[future]
            try:
                result = future.result()
            except Exception as error:  # a task that raised twice, or killed its workers
                result = UnitResult(unit.key, error=f"{type(error).__name__}: {error}")
            manifest.record(unit, result)
            summary.add(unit, result)
            if progress is not None:
                progress.advance(unit, result)
    except BaseException:
        client.cancel(list(futures))
        raise


def load_cases(out: str | Path, units: Sequence[Unit], store: Any, kb: Any) -> dict[str, int]:
    """The cases of ``units`` (those done) added to the case store, one transaction per unit;
    a case already there unchanged is left, a changed one updated (its PMID is its id)."""
    from rarecase.corpus.records import CaseRecord, NamedDisease

    folder = Path(out)
    manifest = Manifest(folder)
    totals = {"added": 0, "updated": 0, "unchanged": 0}
    for unit in units:
        if not manifest.done(unit):
            continue
        table = read_table(folder, "cases", [unit.key]).to_pylist()
        records = []
        for row in table:
            if not row["present"]:
                continue  # a case is found by its present findings
            pmid = f"PMID:{row['pmid']}" if row["pmid"] else ""
            records.append(
                CaseRecord(
                    id=pmid or f"{unit.key}/{row['doc_id']}",
                    pmid=pmid,
                    diseases=tuple(NamedDisease(d, _disease_label(kb, d)) for d in row["diseases"]),
                    present=tuple(row["present"]),
                    excluded=tuple(row["excluded"]),
                    sex=row["sex"] or "",
                    source=f"batch:{unit.key}",
                    raw=row["phenopacket"],
                )
            )
        report = store.add(records)
        totals["added"] += report.added
        totals["updated"] += report.updated
        totals["unchanged"] += report.skipped
    return totals


def _disease_label(kb: Any, disease: str) -> str:
    try:
        return str(kb.disease(disease).name)
    except (KeyError, LookupError, ValueError):
        return ""
