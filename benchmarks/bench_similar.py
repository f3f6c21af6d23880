"""Benchmark the similar-case index and the novelty check: speed at scale, recall, and quality.

Speed and memory on synthetic corpora (:mod:`rarecase.corpus.synthetic`, drawn from the disease
annotations) of each ``--sizes``: generation and build time, the bytes of the index's arrays,
query p50/p95 over ``--queries`` synthetic queries (another seed), and recall@10 of the candidate
search against the exhaustive exact ranking on ``--recall`` of them. One core: the thread counts
of the numeric libraries are set to 1 before numpy is imported.

Quality on the development cases (``--cases``), leave-one-publication-out: each case (or a seeded
``--sample``) queries the index of all the cases with its present and excluded terms, its own
publication left out; reported is how often the top 10 hold a case with the same diagnosis, for
the index's score, for its cosine without the conflict penalty, and for a plain Jaccard baseline
on the raw present-term sets, all in the same run. Then the novelty check's time on the same
corpus, for a sample of the cases (their present and excluded terms and diagnosis, own
publication left out). Prints Markdown.

    .venv/bin/python benchmarks/bench_similar.py [--sizes 10000,1000000] [--cases FILE]
        [--queries 200] [--recall 30] [--sample 0] [--skip-scale] [--skip-dev]
"""

from __future__ import annotations

import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

import argparse  # noqa: E402
import dataclasses  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import scipy.sparse as sp  # noqa: E402

from rarecase.corpus import CaseRecord, NamedDisease  # noqa: E402
from rarecase.corpus.novelty import novelty  # noqa: E402
from rarecase.corpus.similar import CaseIndex, ConflictSide  # noqa: E402
from rarecase.corpus.synthetic import synthetic_corpus  # noqa: E402
from rarecase.ontology import KnowledgeBase, load  # noqa: E402

DEFAULT_CASES = (
    Path(__file__).parents[1] / ".." / "shared" / "data" / "phenopackets" / "dev.jsonl.gz"
)
BUNDLED = Path(__file__).parents[1] / "src" / "rarecase" / "data" / "published_cases.jsonl.gz"


def read_records(path: Path) -> list[CaseRecord]:
    """Compact JSON lines (the dev cases or the bundled corpus) as case records."""
    records = []
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            r = json.loads(line)
            records.append(
                CaseRecord(
                    str(r["id"]),
                    str(r.get("pmid") or ""),
                    tuple(NamedDisease(d["id"], d.get("label", "")) for d in r.get("diseases", [])),
                    tuple(dict.fromkeys(r.get("observed", []))),
                    tuple(dict.fromkeys(r.get("excluded", []))),
                )
            )
    return records


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


def scale(kb: KnowledgeBase, n: int, n_queries: int, n_recall: int) -> dict[str, float]:
    started = time.perf_counter()
    corpus = synthetic_corpus(kb, n, seed=1)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    index = CaseIndex.from_indices(
        kb, corpus.ids, corpus.pmids, corpus.diseases, corpus.present, corpus.excluded
    )
    built = time.perf_counter() - started
    del corpus
    queries = synthetic_corpus(kb, n_queries, seed=2)

    def terms(m: sp.csr_array, i: int) -> list[int]:
        return [int(t) for t in m.indices[m.indptr[i] : m.indptr[i + 1]]]

    pairs = [(terms(queries.present, i), terms(queries.excluded, i)) for i in range(n_queries)]
    index.search(*pairs[0])  # warm the caches (ancestor matrix as float)
    times = []
    for present, excluded in pairs:
        started = time.perf_counter()
        index.search(present, excluded)
        times.append((time.perf_counter() - started) * 1000)
    found = total = 0
    for present, excluded in pairs[:n_recall]:
        exact = {h.id for h in index.search_exhaustive(present, excluded)}
        fast = {h.id for h in index.search(present, excluded)}
        found += len(exact & fast)
        total += len(exact)
    return {
        "cases": n,
        "generate_s": generated,
        "build_s": built,
        "index_mb": index.nbytes / 1e6,
        "mb_per_million": index.nbytes / 1e6 * 1e6 / n,
        "closure_terms_per_case": index.postings.nnz / n,
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "recall_at_10": found / max(total, 1),
        "peak_rss_gb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6,
    }


def jaccard_top(
    present: sp.csr_array, sizes: np.ndarray, row: int, keep: np.ndarray, top: int
) -> np.ndarray:
    """Rows of the ``top`` cases by Jaccard of raw present-term sets (ties by row order, which
    is the case order of the file)."""
    q = present[[row]]
    inter = np.asarray((present @ q.T).todense()).ravel()
    union = sizes + sizes[row] - inter
    score = np.divide(inter, union, out=np.zeros(len(sizes)), where=union > 0)
    score[~keep] = -1.0
    order = np.lexsort((np.arange(len(score)), -score))[:top]
    return order[score[order] > 0]


def development(kb: KnowledgeBase, path: Path, sample: int, n_novelty: int) -> None:
    records = read_records(path)
    index = CaseIndex.build(kb, records, name=path.name)
    no_penalty = dataclasses.replace(index, penalty=0.0)
    small_penalty = dataclasses.replace(index, penalty=0.25)
    cosine = dataclasses.replace(index, penalty=0.0, excluded_bonus=0.0, query_weight=0.5)
    symmetric = dataclasses.replace(index, query_weight=0.5)
    dropped = sum(index.dropped.values())
    print(
        f"\n## Similar cases on {path.name}: {len(records):,} cases, "
        f"{len({r.pmid for r in records}):,} publications; dropped {dropped} occurrences of "
        f"{len(index.dropped)} ids unknown to HPO {kb.hpo_version}\n"
    )
    # Raw present-term sets for the Jaccard baseline: every id as given, known or not.
    vocabulary: dict[str, int] = {}
    rows, cols = [], []
    for i, r in enumerate(records):
        for t in r.present:
            rows.append(i)
            cols.append(vocabulary.setdefault(t, len(vocabulary)))
    raw = sp.csr_array(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(records), len(vocabulary))
    )
    sizes = np.diff(raw.indptr).astype(np.float64)
    pmids = np.array([r.pmid for r in records])
    chosen = list(range(len(records)))
    if sample:
        rng = np.random.default_rng(0)
        chosen = sorted(rng.choice(len(records), size=sample, replace=False).tolist())
    variants = {
        f"index score (query weight {index.query_weight}, penalty {index.penalty}, "
        f"exclusion bonus {index.excluded_bonus})": index,
        "the same with the plain cosine (query weight 0.5)": symmetric,
        f"small conflict penalty (0.25, exclusion bonus {index.excluded_bonus})": small_penalty,
        f"no conflict penalty (exclusion bonus {index.excluded_bonus})": no_penalty,
        "closure cosine alone (no penalty, no bonus)": cosine,
    }
    hits = dict.fromkeys([*variants, "Jaccard (raw present sets)"], 0)
    # how often the first hit records absent a finding the query has (what a reader sees first)
    contradicted = dict.fromkeys(variants, 0)
    evaluated = 0
    times = []
    for i in chosen:
        r = records[i]
        if not r.present:
            continue
        evaluated += 1
        truth = set(r.disease_ids)
        for name, variant in variants.items():
            started = time.perf_counter()
            found = variant.search(r.present, r.excluded, exclude_pmids=[r.pmid], strict=False)
            if variant is index:
                times.append((time.perf_counter() - started) * 1000)
            hits[name] += any(truth & {d.id for d in h.diseases} for h in found)
            contradicted[name] += bool(found) and any(
                c.side is ConflictSide.STORED_EXCLUDES for c in found[0].conflicts
            )
        top = jaccard_top(raw, sizes, i, pmids != r.pmid, 10)
        hits["Jaccard (raw present sets)"] += any(
            truth & set(records[int(j)].disease_ids) for j in top
        )
    print(
        f"Leave-one-publication-out, {evaluated:,} query cases with present terms: share whose "
        "top 10 similar cases hold one with the same diagnosis.\n"
    )
    print("| ranking | same diagnosis in top 10 | first hit contradicts a query finding |")
    print("|---|---|---|")
    for name, count in hits.items():
        against = (
            f"{contradicted[name] / max(evaluated, 1):.3f}" if name in contradicted else "n/a"
        )
        print(f"| {name} | {count / max(evaluated, 1):.3f} ({count:,}/{evaluated:,}) | {against} |")
    print(
        f"\nSearch time over {len(index):,} cases: p50 {percentile(times, 50):.1f} ms, "
        f"p95 {percentile(times, 95):.1f} ms"
    )

    rng = np.random.default_rng(1)
    picks = rng.choice(len(records), size=min(n_novelty, len(records)), replace=False).tolist()
    times, sizes_found = [], []
    for i in picks:
        r = records[i]
        started = time.perf_counter()
        report = novelty(
            index, r.present, r.excluded, r.disease_ids, exclude_pmids=[r.pmid], strict=False
        )
        times.append((time.perf_counter() - started) * 1000)
        sizes_found.append(len(report.key_findings))
    typical = [t for t, k in zip(times, sizes_found, strict=True) if 10 <= k <= 20]
    print(
        f"\n## Novelty on {path.name} ({len(index):,} cases, combinations of up to 3)\n\n"
        f"{len(picks)} cases as queries (key findings: median {np.median(sizes_found):.0f}, "
        f"max {max(sizes_found)}): p50 {percentile(times, 50):.1f} ms, "
        f"p95 {percentile(times, 95):.1f} ms, max {max(times):.1f} ms; the {len(typical)} with "
        f"10-20 key findings: p50 {percentile(typical or [0.0], 50):.1f} ms, "
        f"max {max(typical or [0.0]):.1f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--sizes", default="10000,1000000", help="synthetic corpus sizes")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--recall", type=int, default=30, help="queries checked exhaustively")
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--sample", type=int, default=0, help="dev query cases (0: all)")
    parser.add_argument("--novelty", type=int, default=200, help="novelty query cases")
    parser.add_argument("--hpo-dir", type=Path, default=None)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--skip-dev", action="store_true")
    args = parser.parse_args()

    kb = load(args.hpo_dir)
    if not args.skip_scale:
        print(f"## Similar-case index on synthetic corpora (HPO {kb.hpo_version}, one core)\n")
        columns = [
            "cases",
            "generate_s",
            "build_s",
            "index_mb",
            "mb_per_million",
            "closure_terms_per_case",
            "p50_ms",
            "p95_ms",
            "recall_at_10",
            "peak_rss_gb",
        ]
        print("| " + " | ".join(columns) + " |\n|" + "---|" * len(columns))
        for n in (int(s) for s in args.sizes.split(",")):
            row = scale(kb, n, args.queries, args.recall)
            cells = [f"{row[c]:,.0f}" if c == "cases" else f"{row[c]:.3g}" for c in columns]
            print("| " + " | ".join(cells) + " |", flush=True)
    if not args.skip_dev:
        path = args.cases if args.cases.exists() else BUNDLED
        development(kb, path, args.sample, args.novelty)


if __name__ == "__main__":
    main()
