"""The ranked differential and its reasons: value types, and their JSON.

Every number a clinician sees carries its reason: which case term matched which disease term,
how (:class:`Relation`), how informative the match is (IC) and how much it moved the score.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from rarecase.ontology.ids import TermId


class Relation(StrEnum):
    """How the disease's annotated term stands to the case term.

    ``ancestor``: the disease term is more general than the case term (the case is more
    specific than the annotation); ``descendant``: the disease term is more specific (it implies
    the case term); ``related``: they only share an ancestor; ``not_annotated``: HPO says the
    disease does *not* show the disease term, an ancestor of the case term;
    ``excluded_in_published_cases``: an excluded case term weighed by how often published cases
    of the disease record it absent (``frequency`` is that share); ``onset``: the case's onset
    class (case term) against the disease's nearest annotated onset; ``sex``: the patient's sex
    against X-linked recessive inheritance (case term: that inheritance term).
    """

    EXACT = "exact"
    ANCESTOR = "ancestor"
    DESCENDANT = "descendant"
    RELATED = "related"
    UNRELATED = "unrelated"
    NOT_ANNOTATED = "not_annotated"
    EXCLUDED_IN_PUBLISHED_CASES = "excluded_in_published_cases"
    ONSET = "onset"
    SEX = "sex"


@dataclass(frozen=True, slots=True)
class Match:
    """One case term against one disease: its best disease term and what it contributed.

    ``contribution`` is in the model's own unit: log10 of the likelihood ratio for the
    likelihood model, the share of the mean similarity for the similarity model. ``via`` is the
    most informative common ancestor the score came through (the case term itself when exact).
    """

    case_term: TermId
    case_label: str
    disease_term: TermId | None
    disease_label: str
    relation: Relation
    ic: float
    contribution: float
    frequency: float | None = None
    via: TermId | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "case_term": str(self.case_term),
            "disease_term": None if self.disease_term is None else str(self.disease_term),
            "relation": self.relation.value,
            "contribution": round(self.contribution, 4),
        }


@dataclass(frozen=True, slots=True)
class Missing:
    """A frequent feature of the disease the case does not mention."""

    disease_term: TermId
    disease_label: str
    frequency: float

    def to_json(self) -> dict[str, Any]:
        return {"disease_term": str(self.disease_term), "frequency": round(self.frequency, 3)}


@dataclass(frozen=True, slots=True)
class ClosestCase:
    """The published patient with this diagnosis most like the case: a reader can look it up.

    ``similarity`` is the cosine of the two cases' information-weighted phenotypes (1: the same
    terms); ``contribution`` what it added to the score (log10 LR)."""

    case_id: str
    pmid: str
    similarity: float
    contribution: float

    def to_json(self) -> dict[str, Any]:
        return {
            "case_id": self.case_id,
            "pmid": self.pmid,
            "similarity": round(self.similarity, 4),
            "contribution": round(self.contribution, 4),
        }


@dataclass(frozen=True, slots=True)
class RankedDisease:
    """One line of the differential. ``probability`` is None for models that give none."""

    rank: int
    id: str
    label: str
    score: float
    probability: float | None
    matched: tuple[Match, ...] = ()
    against: tuple[Match, ...] = ()
    missing: tuple[Missing, ...] = ()
    # when a differential lists each phenotypic series once: the series this best member stands
    # for, and how many members it has (its probability is then the series')
    series: str | None = None
    series_size: int = 0
    closest_case: ClosestCase | None = None

    def to_json(self, *, reasons: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "rank": self.rank,
            "id": self.id,
            "label": self.label,
            "score": round(self.score, 4),
            "probability": None if self.probability is None else round(self.probability, 6),
        }
        if self.series is not None:
            data["series"] = {"name": self.series, "members": self.series_size}
        if reasons:
            if self.closest_case is not None:
                data["closest_case"] = self.closest_case.to_json()
            data["matched"] = [m.to_json() for m in self.matched]
            data["against"] = [m.to_json() for m in self.against]
            data["missing"] = [m.to_json() for m in self.missing]
        return data


@dataclass(frozen=True, slots=True)
class Differential:
    """The ranked diseases for one case, by one model, with what was read from the input.

    ``notes`` say which ids were mapped or left out; ``prior`` is the uniform pre-test
    probability the post-test probabilities start from (None for similarity scores).
    """

    case_id: str
    model: str
    diseases: tuple[RankedDisease, ...]
    ranked: int
    prior: float | None = None
    notes: tuple[str, ...] = ()

    def to_json(self) -> list[dict[str, Any]]:
        """The differential as `rarecase diagnose --format json` prints it."""
        return [d.to_json() for d in self.diseases]

    def to_line(self) -> dict[str, Any]:
        """One output line of `rarecase diagnose --batch`: ranks, ids and scores, no reasons."""
        return {
            "id": self.case_id,
            "differential": [d.to_json(reasons=False) for d in self.diseases],
        }
