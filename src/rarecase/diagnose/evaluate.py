"""How often the true diagnosis of published cases comes first, in the top 3 or top 10.

Cases are read from the compact JSON lines of ../shared/data/phenopackets/ (``observed``,
``excluded``, ``diseases``, ``pmid``) or from GA4GH phenopacket JSON lines. Two sets are always
reported: every *evaluable* case (its diagnosis is annotated in phenotype.hpoa) and the cases from
*unseen publications* (the case's PMID is not among the references of its diagnosis's
annotations). Most published cases come from the very articles HPO curated the disease from, so
the first set flatters every model; the second is the honest one.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from rarecase.diagnose.cases import EvalCase, read_cases
from rarecase.diagnose.models import Model, make_ranker
from rarecase.diagnose.profiles import DiseaseProfiles
from rarecase.diagnose.published import PublishedCases
from rarecase.diagnose.ranker import Ranker, rank_of, rank_of_series
from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.ontology.model import Database

__all__ = ["Evaluation", "Score", "evaluate", "evaluate_by_publication", "read_cases"]

CUTOFFS = (1, 3, 10)
ALL = "all"
UNSEEN = "unseen"


@dataclass(slots=True)
class Score:
    """Hits at each cutoff and reciprocal ranks, accumulated over cases."""

    n: int = 0
    hits: dict[int, int] = field(default_factory=lambda: dict.fromkeys(CUTOFFS, 0))
    reciprocal: float = 0.0
    seconds: float = 0.0

    def add(self, rank: int, seconds: float) -> None:
        self.n += 1
        for k in CUTOFFS:
            self.hits[k] += rank <= k
        self.reciprocal += 1 / rank
        self.seconds += seconds

    def merge(self, other: Score) -> None:
        self.n += other.n
        for k in CUTOFFS:
            self.hits[k] += other.hits[k]
        self.reciprocal += other.reciprocal
        self.seconds += other.seconds

    def to_json(self) -> dict[str, Any]:
        n = max(self.n, 1)
        data: dict[str, Any] = {"n": self.n}
        data.update({f"top{k}": round(self.hits[k] / n, 4) for k in CUTOFFS})
        data["mrr"] = round(self.reciprocal / n, 4)
        data["ms_per_case"] = round(1000 * self.seconds / n, 3)
        return data


@dataclass(slots=True)
class Evaluation:
    """Scores per model and case set, and what the input held that could not be used."""

    scores: dict[str, dict[str, Score]]
    cases: int = 0
    not_evaluable: int = 0
    dropped_terms: int = 0
    dropped_ids: set[str] = field(default_factory=set)

    def merge(self, other: Evaluation) -> None:
        """Add another part's counts (the same models) to these."""
        self.cases += other.cases
        self.not_evaluable += other.not_evaluable
        self.dropped_terms += other.dropped_terms
        self.dropped_ids |= other.dropped_ids
        for model, subsets in other.scores.items():
            mine = self.scores.setdefault(model, {ALL: Score(), UNSEEN: Score()})
            for subset, score in subsets.items():
                mine[subset].merge(score)

    def to_json(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "evaluable": self.cases - self.not_evaluable,
            "not_evaluable": self.not_evaluable,
            "dropped_term_occurrences": self.dropped_terms,
            "dropped_distinct_ids": len(self.dropped_ids),
            "models": {
                model: {subset: s.to_json() for subset, s in subsets.items()}
                for model, subsets in self.scores.items()
            },
        }


def _references(kb: KnowledgeBase, disease: str, cache: dict[str, set[str]]) -> set[str]:
    found = cache.get(disease)
    if found is None:
        found = cache[disease] = {
            ref.strip()
            for a in kb.annotations(disease)
            for ref in a.reference.split(";")
            if ref.strip()
        }
    return found


def evaluate(
    cases: Iterator[EvalCase] | Sequence[EvalCase],
    rankers: Sequence[Ranker],
    kb: KnowledgeBase,
    *,
    databases: tuple[Database, ...] | None = (Database.OMIM,),
    merge_series: bool = False,
) -> Evaluation:
    """Rank every evaluable case with every model; the true disease's rank among ``databases``
    (with ``merge_series``, its phenotypic series' rank, each series counted once).

    A case is evaluable when one of its diagnoses is an annotated disease with at least one
    phenotype annotation and the case has a present term the release knows.
    """
    result = Evaluation({r.name: {ALL: Score(), UNSEEN: Score()} for r in rankers})
    if not rankers:
        return result
    profiles = rankers[0].profiles
    mask = profiles.mask(databases)
    has_profile = profiles.has_phenotype
    index = {d.id: d.index for d in kb.diseases()}
    references: dict[str, set[str]] = {}
    for case in cases:
        result.cases += 1
        result.dropped_terms += len(case.query.dropped)
        result.dropped_ids.update(case.query.dropped)
        targets = [
            index[d]
            for d in case.diseases
            if d in index and has_profile[index[d]] and mask[index[d]]
        ]
        if not targets or len(case.query.present) == 0:
            result.not_evaluable += 1
            continue
        unseen = all(
            case.pmid not in _references(kb, kb.disease(t).id, references) for t in targets
        )
        for ranker in rankers:
            started = time.perf_counter()
            scores = ranker.scores(case.query)
            seconds = time.perf_counter() - started
            if merge_series:
                series = ranker.profiles.series
                rank = min(rank_of_series(scores, mask, t, series) for t in targets)
            else:
                rank = min(rank_of(scores, mask, t) for t in targets)
            subsets = result.scores[ranker.name]
            subsets[ALL].add(rank, seconds)
            if unseen:
                subsets[UNSEEN].add(rank, seconds)
    return result


def evaluate_by_publication(
    cases: Iterable[EvalCase],
    kb: KnowledgeBase,
    models: Sequence[Model],
    published: PublishedCases,
    *,
    folds: int = 5,
    databases: tuple[Database, ...] | None = (Database.OMIM,),
    merge_series: bool = False,
) -> Evaluation:
    """:func:`evaluate` with knowledge of published cases, never of a case's own publication.

    The cases are split into ``folds`` by publication (a hash of the PMID); each fold is ranked
    with profiles built from the published cases minus that fold's publications. The cost is
    one profile build per fold.
    """
    buckets: list[list[EvalCase]] = [[] for _ in range(max(folds, 1))]
    for case in cases:
        buckets[zlib.crc32(case.pmid.encode()) % len(buckets)].append(case)
    total = Evaluation({model.value: {ALL: Score(), UNSEEN: Score()} for model in models})
    for bucket in buckets:
        if not bucket:
            continue
        corpus = published.without_publications({case.pmid for case in bucket})
        profiles = DiseaseProfiles.build(kb, published=corpus)
        rankers = [make_ranker(profiles, model) for model in models]
        total.merge(evaluate(bucket, rankers, kb, databases=databases, merge_series=merge_series))
    return total


def format_markdown(evaluation: Evaluation) -> str:
    """The evaluation as a Markdown table, one row per model and case set."""
    data = evaluation.to_json()
    lines = [
        f"{data['cases']} cases, {data['evaluable']} evaluable; "
        f"{data['dropped_term_occurrences']} term occurrences "
        f"({data['dropped_distinct_ids']} ids) unknown to this HPO release dropped",
        "",
        "| model | cases | n | top-1 | top-3 | top-10 | MRR | ms/case |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for model, subsets in data["models"].items():
        for subset, s in subsets.items():
            lines.append(
                f"| {model} | {subset} | {s['n']} | {s['top1']:.3f} | {s['top3']:.3f} | "
                f"{s['top10']:.3f} | {s['mrr']:.3f} | {s['ms_per_case']:.2f} |"
            )
    return "\n".join(lines)
