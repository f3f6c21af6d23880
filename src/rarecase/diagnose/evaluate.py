"""How often the true diagnosis of published cases comes first, in the top 3 or top 10.

Cases are read from the compact JSON lines of ../shared/data/phenopackets/ (``observed``,
``excluded``, ``diseases``, ``pmid``) or from GA4GH phenopacket JSON lines. Two sets are always
reported: every *evaluable* case (its diagnosis is annotated in phenotype.hpoa) and the cases from
*unseen publications* (the case's PMID is not among the references of its diagnosis's
annotations). Most published cases come from the very articles HPO curated the disease from, so
the first set flatters every model; the second is the honest one.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from rarecase.diagnose.query import Query, query_from_ids
from rarecase.diagnose.ranker import Ranker, rank_of
from rarecase.errors import InputError, UnsupportedFormatError
from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.ontology.model import Database
from rarecase.phenopacket.json_io import case_from_dict

CUTOFFS = (1, 3, 10)
ALL = "all"
UNSEEN = "unseen"


@dataclass(frozen=True, slots=True)
class EvalCase:
    """One published case: its terms as a query, its diagnoses and its publication."""

    query: Query
    diseases: tuple[str, ...]
    pmid: str


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


def _open_lines(path: Path) -> Iterator[tuple[int, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield number, line
    except (OSError, UnicodeDecodeError, EOFError) as error:
        raise UnsupportedFormatError(
            str(path), f"cannot read: {error}", "give JSON lines"
        ) from error


def _phenopacket_diseases(record: dict[str, Any]) -> list[str]:
    found = [d.get("term", {}).get("id", "") for d in record.get("diseases", [])]
    for interpretation in record.get("interpretations", []):
        found.append(interpretation.get("diagnosis", {}).get("disease", {}).get("id", ""))
    return [f for f in dict.fromkeys(found) if f]


def read_cases(path: str | Path, kb: KnowledgeBase) -> Iterator[EvalCase]:
    """Cases of a JSON-lines file (gzipped or not), compact or phenopacket records.

    Term ids the release does not know are dropped (see :attr:`Query.dropped`).
    """
    path = Path(path)
    for number, line in _open_lines(path):
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise UnsupportedFormatError(
                where, f"not JSON ({error.msg})", "one object a line"
            ) from error
        if not isinstance(record, dict):
            raise InputError(where, "a line is not a JSON object", "one case a line")
        if "observed" in record:
            diseases = [d["id"] for d in record.get("diseases", []) if "id" in d]
            query = query_from_ids(
                kb,
                record["observed"],
                record.get("excluded", []),
                case_id=str(record.get("id", number)),
                strict=False,
                source=where,
            )
            pmid = str(record.get("pmid", ""))
        else:
            case = case_from_dict(record, source=where)
            query = query_from_ids(
                kb,
                [f.term.id for f in case.observed],
                [f.term.id for f in case.excluded],
                case_id=case.id,
                strict=False,
                source=where,
            )
            diseases = _phenopacket_diseases(record)
            pmid = case.pmids[0] if case.pmids else ""
        yield EvalCase(query, tuple(diseases), pmid)


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
) -> Evaluation:
    """Rank every evaluable case with every model; the true disease's rank among ``databases``.

    A case is evaluable when one of its diagnoses is an annotated disease with at least one
    phenotype annotation and the case has a present term the release knows.
    """
    result = Evaluation({r.name: {ALL: Score(), UNSEEN: Score()} for r in rankers})
    if not rankers:
        return result
    profiles = rankers[0].profiles
    mask = profiles.mask(databases)
    has_profile = np.diff(profiles.direct.indptr) > 0
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
            rank = min(rank_of(scores, mask, t) for t in targets)
            subsets = result.scores[ranker.name]
            subsets[ALL].add(rank, seconds)
            if unseen:
                subsets[UNSEEN].add(rank, seconds)
    return result


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
