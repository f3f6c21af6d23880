"""Batch throughput on Dask: records per second on 1 worker and on 2 (the scaling ratio), peak
memory per worker, and the projected time for the PubMed baseline on a 64-core cluster.

    .venv/bin/python benchmarks/bench_batch.py [--files 8] [--records 1500]
        [--case-reports 0.07] [--workers 1 2] [--all-records] [--memory 1000 16000]

Synthetic baseline files (rarecase.batch.synthetic; ``--case-reports`` is their share of case
reports, 0.07 as in PubMed: ~2.5 of ~36 million) are run with ``--case-reports-only`` (every
record parsed, case reports recognised and coded), or with ``--all-records`` (every record
recognised). Each worker count gets its own LocalCluster, warmed (knowledge loaded in every
worker) before the clock starts, so the figure is the steady state a long run sees. Goal
(issue 8): scaling ratio >= 1.8 from 1 to 2 workers.

``--memory A B`` instead runs one file of A citations and one of B on a single fresh worker
each and prints the worker's peak memory for both: streaming keeps it flat as files grow.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import os
import platform
import tempfile
import time
from pathlib import Path

from distributed import Client, LocalCluster

from rarecase.batch.run import run_batch
from rarecase.batch.synthetic import write_medline
from rarecase.batch.task import Options, recognizer_for
from rarecase.ontology import KnowledgeBase, load

BASELINE_RECORDS = 36_000_000  # PubMed baseline 2025: ~36 million citations, 1,274 files


def measure(folder: Path, workers: int, *, case_reports_only: bool) -> tuple[float, float, int]:
    """Records per second, peak worker memory (MB) and records, for ``workers`` processes."""
    with (
        LocalCluster(
            n_workers=workers, threads_per_worker=1, scheduler_kwargs={"dashboard": False},
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):  # fmt: skip
        client.run(recognizer_for, Options(out=""))  # load the knowledge in every worker
        with tempfile.TemporaryDirectory() as out:
            began = time.perf_counter()
            summary, _ = run_batch(
                [folder], Path(out) / "tables", scheduler=cluster.scheduler_address,
                case_reports_only=case_reports_only,
            )  # fmt: skip
            wall = time.perf_counter() - began
    if summary.failed:
        raise SystemExit(f"{summary.failed} inputs failed: {summary.failures}")
    return summary.records / wall, summary.peak_worker_rss_mb, summary.records


def memory_by_size(
    kb: KnowledgeBase, sizes: list[int], share: float, *, case_reports_only: bool
) -> None:
    print("| citations in the file | XML (MB, unzipped) | peak memory of the worker |")
    print("|---|---|---|")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "one"
            [made] = write_medline(kb, folder, files=1, records=size, case_report_share=share)
            unzipped = len(gzip.decompress(made.path.read_bytes())) / 2**20
            _, peak, _ = measure(folder, 1, case_reports_only=case_reports_only)
        print(f"| {size:,} | {unzipped:,.1f} | {peak:,.0f} MB |")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--records", type=int, default=1500)
    parser.add_argument("--case-reports", type=float, default=0.07)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--all-records", action="store_true")
    parser.add_argument("--memory", type=int, nargs=2, metavar=("SMALL", "LARGE"))
    args = parser.parse_args()
    kb = load()
    if args.memory:
        memory_by_size(kb, args.memory, args.case_reports, case_reports_only=not args.all_records)
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "baseline"
        made = write_medline(
            kb, folder, files=args.files, records=args.records,
            case_report_share=args.case_reports, seed=1,
        )  # fmt: skip
        size = sum(m.path.stat().st_size for m in made)
        reports = sum(m.case_reports for m in made)
        mode = "all records recognised" if args.all_records else "--case-reports-only"
        print(f"{args.files} files x {args.records:,} records ({reports:,} case reports, "
              f"{size / 2**20:.1f} MB gzipped); {mode}; {platform.node()}, "
              f"{os.cpu_count()} cores")  # fmt: skip
        results = {}
        for workers in args.workers:
            results[workers] = measure(folder, workers, case_reports_only=not args.all_records)
    print("| workers | records/s | scaling | peak memory per worker |")
    print("|---|---|---|---|")
    first = args.workers[0]
    for workers, (rate, memory, _) in results.items():
        scaling = rate / results[first][0]
        print(f"| {workers} | {rate:,.0f} | {scaling:.2f} | {memory:,.0f} MB |")
    one = results[first][0] / first
    last = args.workers[-1]
    efficiency = results[last][0] / (one * last)
    rate64 = one * 64 * efficiency
    minutes = BASELINE_RECORDS / rate64 / 60
    print(
        f"projected for the baseline ({BASELINE_RECORDS:,} records) on 64 cores at the "
        f"measured {efficiency:.0%} efficiency: {rate64:,.0f} records/s, {minutes:,.0f} min"
    )


if __name__ == "__main__":
    main()
