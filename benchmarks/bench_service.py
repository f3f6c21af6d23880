"""Load benchmark of the REST API on loopback: requests per second and p50/p99 latency of
``POST /v1/analyze`` on the example abstract, served by `rarecase serve` with 2 workers.

    .venv/bin/python benchmarks/bench_service.py [--requests 400] [--seconds 60]
        [--concurrency 2] [--workers 2] [--top 10] [--similar 5]

Bounded both ways: it stops after ``--requests`` timed requests or ``--seconds``, whichever
comes first. The client runs on the same machine as the server, so on a 2-core machine it takes
CPU from the workers: the figures are a floor. Goal (issue 7): p99 < 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx2 as httpx

from rarecase.service.launch import running_server

EXAMPLE = Path(__file__).parents[1] / "examples" / "pasted_case_report.txt"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--similar", type=int, default=5, help="similar cases (and novelty)")
    args = parser.parse_args()
    text = EXAMPLE.read_text()
    with tempfile.TemporaryDirectory() as tmp:
        options = ["--workers", str(args.workers), "--db", str(Path(tmp) / "cases.sqlite")]
        started = time.monotonic()
        with running_server(options, Path(tmp) / "server.log") as base:
            print(f"server up in {time.monotonic() - started:.1f} s ({args.workers} workers)")
            body = {"text": text, "top": args.top, "similar": args.similar}
            latencies: list[float] = []
            failures = [0]
            lock = threading.Lock()
            stop_at = [0.0]

            def client(count: int) -> None:
                with httpx.Client(base_url=base, timeout=30) as http:
                    for _ in range(count):
                        if time.monotonic() > stop_at[0]:
                            return
                        begun = time.perf_counter()
                        response = http.post("/v1/analyze", json=body)
                        spent = time.perf_counter() - begun
                        with lock:
                            if response.status_code == 200:
                                latencies.append(spent)
                            else:
                                failures[0] += 1
                                print(f"failed: {response.status_code} {response.text[:300]}")

            # warm up every worker (the first requests build caches), then measure
            stop_at[0] = time.monotonic() + 30
            warm = [threading.Thread(target=client, args=(10,)) for _ in range(args.workers)]
            for thread in warm:
                thread.start()
            for thread in warm:
                thread.join()
            latencies.clear()
            per_client = -(-args.requests // args.concurrency)
            stop_at[0] = time.monotonic() + args.seconds
            began = time.perf_counter()
            threads = [
                threading.Thread(target=client, args=(per_client,)) for _ in range(args.concurrency)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            wall = time.perf_counter() - began
    if not latencies:
        sys.exit("no request succeeded")
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]
    print(f"POST /v1/analyze, example abstract ({len(text):,} characters), top {args.top}, "
          f"similar {args.similar}, "
          f"{args.concurrency} concurrent clients")  # fmt: skip
    print("| requests | failures | requests/s | p50 | p90 | p99 | max | goal |")
    print("|---|---|---|---|---|---|---|---|")
    print(
        f"| {len(latencies)} | {failures[0]} | {len(latencies) / wall:.1f} "
        f"| {statistics.median(ordered) * 1000:.1f} ms "
        f"| {ordered[int(0.9 * len(ordered))] * 1000:.1f} ms | {p99 * 1000:.1f} ms "
        f"| {ordered[-1] * 1000:.1f} ms | p99 < 100 ms |"
    )


if __name__ == "__main__":
    main()
