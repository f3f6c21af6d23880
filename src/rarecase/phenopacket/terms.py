"""Cases typed by hand: a list of HPO ids, some marked excluded (``-HP:…`` or ``not:HP:…``)."""

from __future__ import annotations

from collections.abc import Iterable

from rarecase.ontology.ids import TermId
from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.phenopacket.model import Case, OntologyClass, PhenotypicFeature

EXCLUDED_MARKS = ("-", "not:", "NOT:", "!")


def split_marked(arguments: Iterable[str]) -> tuple[list[str], list[str]]:
    """Separate observed ids from excluded ones, marked by a leading ``-``, ``not:`` or ``!``.

    >>> split_marked(["HP:0010646", "-HP:0002905", "not:HP:0003072"])
    (['HP:0010646'], ['HP:0002905', 'HP:0003072'])
    """
    observed: list[str] = []
    excluded: list[str] = []
    for argument in arguments:
        text = argument.strip()
        for mark in EXCLUDED_MARKS:
            if text.startswith(mark):
                excluded.append(text[len(mark) :].strip())
                break
        else:
            observed.append(text)
    return observed, excluded


def case_from_terms(
    observed: Iterable[str],
    excluded: Iterable[str] = (),
    *,
    kb: KnowledgeBase | None = None,
    case_id: str = "case",
    source: str = "",
) -> Case:
    """A case from HPO ids. With ``kb``, ids are checked (unknown and obsolete ones raise,
    alternative ids are mapped to their term) and labels filled in; without, taken as given.

    >>> case = case_from_terms(["HP:0001275"], ["HP:0001251"], kb=kb)
    >>> [(str(f.term.id), f.term.label, f.excluded) for f in case.features]
    [('HP:0001250', 'Seizure', False), ('HP:0001251', 'Ataxia', True)]
    """

    def feature(text: str, is_excluded: bool) -> PhenotypicFeature:
        if kb is None:
            return PhenotypicFeature(OntologyClass(TermId.parse(text, source=source)), is_excluded)
        index, _ = kb.resolve(text, source=source)
        term = OntologyClass(kb.term_id(index), kb.label(index))
        return PhenotypicFeature(term, is_excluded)

    features = [feature(t, False) for t in observed] + [feature(t, True) for t in excluded]
    return Case.new(case_id, features=features, hpo_version=kb.hpo_version if kb else None)
