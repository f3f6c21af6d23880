"""Reasons for a ranked disease: which disease term each case term met, and what the case lacks.

Models compute scores for all diseases in bulk; the reasons are worked out afterwards for the few
diseases shown, with the same arithmetic over one disease's profile, so they add up to the score.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final

from rarecase.diagnose.differential import Match, Missing, Relation
from rarecase.diagnose.profiles import DiseaseProfiles

#: A feature the disease shows at least this often is listed as missing when the case lacks it.
FREQUENT: Final = 0.8
MAX_MISSING: Final = 5


def source_term(profiles: DiseaseProfiles, direct: dict[int, float], term: int) -> int | None:
    """The disease's annotated term at or below ``term`` with the highest frequency."""
    if term in direct:
        return term
    kb = profiles.kb
    below = [u for u in direct if kb.is_ancestor(term, u)]
    if not below:
        return None
    return max(below, key=lambda u: (direct[u], -u))


def relation_of(
    profiles: DiseaseProfiles,
    direct: dict[int, float],
    case_term: int,
    via: int,
    *,
    annotated: bool,
) -> tuple[Relation, int | None]:
    """How a case term met a disease through its common ancestor ``via``, and the disease term.

    ``annotated``: the score came from ``via`` being annotated itself (not from a term below).
    """
    if via == profiles.root:
        return Relation.UNRELATED, None
    if via == case_term:
        if case_term in direct:
            return Relation.EXACT, case_term
        return Relation.DESCENDANT, source_term(profiles, direct, case_term)
    if annotated and via in direct:
        return Relation.ANCESTOR, via
    below = {u: f for u, f in direct.items() if u != via}
    return Relation.RELATED, source_term(profiles, below, via)


def make_match(
    profiles: DiseaseProfiles,
    case_term: int,
    disease_term: int | None,
    relation: Relation,
    *,
    ic: float,
    contribution: float,
    frequency: float | None = None,
    via: int | None = None,
) -> Match:
    kb = profiles.kb
    return Match(
        case_term=kb.term_id(case_term),
        case_label=kb.label(case_term),
        disease_term=None if disease_term is None else kb.term_id(disease_term),
        disease_label="" if disease_term is None else kb.label(disease_term),
        relation=relation,
        ic=ic,
        contribution=contribution,
        frequency=frequency,
        via=None if via is None else kb.term_id(via),
    )


def missing_features(
    profiles: DiseaseProfiles, disease: int, present: Iterable[int], excluded: Iterable[int]
) -> tuple[Missing, ...]:
    """The disease's frequent features that no case term names, implies or rules out."""
    kb = profiles.kb
    mentioned = [*present, *excluded]
    found = []
    for term, frequency in profiles.direct_row(disease).items():
        if frequency < FREQUENT:
            continue
        if any(kb.is_ancestor(term, c) or kb.is_ancestor(c, term) for c in mentioned):
            continue
        found.append((frequency, float(profiles.information_content[term]), term))
    found.sort(reverse=True)
    return tuple(Missing(kb.term_id(t), kb.label(t), f) for f, _, t in found[:MAX_MISSING])
