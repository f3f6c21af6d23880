"""Benchmark differential diagnosis: quality of every model on published cases, and speed.

Every model runs in the same process over the same cases, so the Phenomizer baseline is measured
beside the others each time, first from the HPO annotations alone and then with knowledge of
published cases (the bundled corpus, or ``--published``). With published cases the cases are split
into ``--folds`` folds by publication and each fold is ranked with the published cases of the
other publications only: a case never meets its own article.

Quality: top-1, top-3, top-10 and MRR of the true diagnosis among OMIM diseases, on all
evaluable cases and on the cases from publications that phenotype.hpoa does not cite for their
disease. Speed: milliseconds to score all diseases for one case, the median of ``--repeat``
rounds over a fixed sample of cases (one core; the machine may be shared). Prints
Markdown for benchmarks/RESULTS.md.

    .venv/bin/python benchmarks/bench_diagnosis.py [--cases FILE] [--published FILE]
        [--folds 5] [--repeat 7] [--speed-only]
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from rarecase.diagnose import DiseaseProfiles, Model, make_ranker
from rarecase.diagnose.evaluate import (
    evaluate,
    evaluate_by_publication,
    format_markdown,
    read_cases,
)
from rarecase.diagnose.published import read_published
from rarecase.ontology import load

DEFAULT_CASES = (
    Path(__file__).parents[1] / ".." / "shared" / "data" / "phenopackets" / "dev.jsonl.gz"
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--hpo-dir", type=Path, default=None)
    parser.add_argument(
        "--published", type=Path, default=None, help="published cases (default: bundled)"
    )
    parser.add_argument("--folds", type=int, default=5, help="folds by publication")
    parser.add_argument("--repeat", type=int, default=7, help="rounds of the speed sample")
    parser.add_argument("--speed-only", action="store_true", help="skip the quality tables")
    parser.add_argument("--sample", type=int, default=200, help="cases in the speed sample")
    args = parser.parse_args()

    kb = load(args.hpo_dir)
    cases = list(read_cases(args.cases, kb))
    print(f"## Differential diagnosis on {args.cases.name} (HPO {kb.hpo_version})\n")
    if not args.speed_only:
        plain = DiseaseProfiles.build(kb)
        print("### From the HPO annotations alone\n")
        print(format_markdown(evaluate(cases, [make_ranker(plain, m) for m in Model], kb)))

    started = time.perf_counter()
    published = read_published(kb, args.published)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    profiles = DiseaseProfiles.build(kb, published=published)
    build_s = time.perf_counter() - started
    if not args.speed_only:
        print(
            f"\n### With {len(published)} published cases ({published.source}), "
            f"{args.folds} folds by publication\n"
        )
        print(
            format_markdown(
                evaluate_by_publication(cases, kb, list(Model), published, folds=args.folds)
            )
        )
        print(
            "\n### The same, each OMIM phenotypic series counted once "
            f"({len(profiles.series.names)} series; the true disease's series ranked)\n"
        )
        print(
            format_markdown(
                evaluate_by_publication(
                    cases,
                    kb,
                    [Model.LIKELIHOOD, Model.PHENOMIZER],
                    published,
                    folds=args.folds,
                    merge_series=True,
                )
            )
        )

    sample = [c for c in cases if len(c.query.present)][: args.sample]
    print(
        f"\nms per case, scoring all {kb.n_diseases} diseases (median of {args.repeat} rounds "
        f"over {len(sample)} cases, profiles with all published cases); published cases read "
        f"in {read_s:.2f} s, profiles built in {build_s:.2f} s. 'alone': each case scored from "
        "nothing; 'in a batch': a fresh ranker per round, which keeps the LR vectors of the "
        "terms it has met (likelihood models)\n"
    )
    print("| model | ms/case alone | ms/case in a batch |")
    print("|---|---|---|")
    for model in Model:
        alone, batch = [], []
        for _ in range(args.repeat):
            ranker = make_ranker(profiles, model)
            forget = getattr(ranker, "clear_cache", lambda: None)
            t0 = time.perf_counter()
            for case in sample:
                ranker.scores(case.query)
            batch.append((time.perf_counter() - t0) / len(sample))
            elapsed = 0.0
            for case in sample:
                forget()
                t0 = time.perf_counter()
                ranker.scores(case.query)
                elapsed += time.perf_counter() - t0
            alone.append(elapsed / len(sample))
        print(
            f"| {ranker.name} | {1000 * statistics.median(alone):.2f} | "
            f"{1000 * statistics.median(batch):.2f} |"
        )
    rankers = [make_ranker(profiles, m) for m in Model]
    explained = rankers[0]
    t0 = time.perf_counter()
    for case in sample[:50]:
        explained.rank(case.query, top=10)
    per_case = 1000 * (time.perf_counter() - t0) / min(50, len(sample))
    print(f"| {explained.name}, top 10 with explanations | | {per_case:.2f} |")


if __name__ == "__main__":
    main()
