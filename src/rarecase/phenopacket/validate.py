"""Check a phenopacket against the ontology, and sanitise it.

The official schema says whether a document is a phenopacket; it cannot say whether its HPO ids
exist, are current, or make sense together. Curators need exactly that: every id current (and the
replacement for an obsolete one), no term both observed and excluded, no observed term under an
excluded ancestor, and no redundant ancestor/descendant pairs that inflate a case's term count.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from rarecase.errors import InputError, ObsoleteTermError, UnknownTermError
from rarecase.ontology.ids import Subontology
from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.phenopacket.json_io import read_phenopacket
from rarecase.phenopacket.model import Case, OntologyClass, PhenotypicFeature


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Problem(StrEnum):
    """What a finding is about; stable codes a script can filter on."""

    UNREADABLE = "unreadable"
    NOT_HPO = "not_hpo"
    UNKNOWN_TERM = "unknown_term"
    ALT_ID = "alt_id"
    OBSOLETE_TERM = "obsolete_term"
    LABEL_MISMATCH = "label_mismatch"
    WRONG_BRANCH = "wrong_branch"
    DUPLICATE = "duplicate"
    OBSERVED_AND_EXCLUDED = "observed_and_excluded"
    OBSERVED_UNDER_EXCLUDED = "observed_under_excluded"
    REDUNDANT_ANCESTOR = "redundant_ancestor"
    REDUNDANT_EXCLUDED_DESCENDANT = "redundant_excluded_descendant"


@dataclass(frozen=True, slots=True)
class Finding:
    severity: Severity
    problem: Problem
    path: str
    message: str
    fixable: bool = False

    def to_json(self) -> dict[str, object]:
        return {
            "severity": self.severity.value,
            "problem": self.problem.value,
            "path": self.path,
            "message": self.message,
            "fixable": self.fixable,
        }


@dataclass(frozen=True, slots=True)
class ValidationReport:
    source: str
    case: Case | None
    findings: tuple[Finding, ...]

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.ERROR)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity is Severity.WARNING)

    @property
    def valid(self) -> bool:
        return not self.errors

    def to_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "valid": self.valid,
            "id": self.case.id if self.case else None,
            "observed": len(self.case.observed) if self.case else 0,
            "excluded": len(self.case.excluded) if self.case else 0,
            "findings": [f.to_json() for f in self.findings],
        }


def _check_class(
    kb: KnowledgeBase, term: OntologyClass, path: str, branch: Subontology, out: list[Finding]
) -> int | None:
    """Check one HPO class; returns its current index (after an alt-id or replaced_by remap)."""
    if not term.id.is_hpo:
        out.append(
            Finding(
                Severity.ERROR,
                Problem.NOT_HPO,
                path,
                f"{term.id} is not an HPO id; phenotypic features must be HPO terms",
            )
        )
        return None
    try:
        index, remap = kb.resolve(term.id)
    except ObsoleteTermError as error:
        out.append(Finding(Severity.ERROR, Problem.OBSOLETE_TERM, path, error.message))
        return None
    except UnknownTermError as error:
        out.append(Finding(Severity.ERROR, Problem.UNKNOWN_TERM, path, error.message))
        return None
    current = kb.label(index)
    if remap is not None:
        problem = Problem.ALT_ID if remap.kind.value == "alt_id" else Problem.OBSOLETE_TERM
        out.append(
            Finding(
                Severity.ERROR,
                problem,
                path,
                f"{remap.describe()} ({current}); --fix writes {remap.target}",
                fixable=True,
            )
        )
    elif term.label and term.label != current:
        out.append(
            Finding(
                Severity.WARNING,
                Problem.LABEL_MISMATCH,
                path,
                f"{term.id} is labelled {term.label!r}; HPO {kb.hpo_version} calls it {current!r}",
                fixable=True,
            )
        )
    actual = kb.subontology(index)
    if actual is not branch:
        out.append(
            Finding(
                Severity.WARNING,
                Problem.WRONG_BRANCH,
                path,
                f"{term.id} ({current}) is a {actual.value.replace('_', ' ')} term "
                f"where a {branch.value.replace('_', ' ')} term is expected",
            )
        )
    return index


def _feature_indices(
    kb: KnowledgeBase, case: Case, out: list[Finding]
) -> list[tuple[int, PhenotypicFeature, int | None]]:
    found = []
    for n, feature in enumerate(case.features):
        path = f"phenotypicFeatures[{n}]"
        index = _check_class(
            kb, feature.term, f"{path}.type", Subontology.PHENOTYPIC_ABNORMALITY, out
        )
        onset = feature.onset.ontology_class if feature.onset else None
        if onset is not None and onset.id.is_hpo:
            _check_class(kb, onset, f"{path}.onset", Subontology.ONSET, out)
        for m, modifier in enumerate(feature.modifiers):
            if modifier.id.is_hpo:
                _check_class(
                    kb, modifier, f"{path}.modifiers[{m}]", Subontology.CLINICAL_MODIFIER, out
                )
        if feature.severity is not None and feature.severity.id.is_hpo:
            _check_class(
                kb, feature.severity, f"{path}.severity", Subontology.CLINICAL_MODIFIER, out
            )
        found.append((n, feature, index))
    return found


def _check_logic(
    kb: KnowledgeBase, features: list[tuple[int, PhenotypicFeature, int | None]], out: list[Finding]
) -> None:
    observed: dict[int, int] = {}
    excluded: dict[int, int] = {}
    for n, feature, index in features:
        if index is None:
            continue
        bucket = excluded if feature.excluded else observed
        path = f"phenotypicFeatures[{n}]"
        if index in bucket:
            out.append(
                Finding(
                    Severity.WARNING,
                    Problem.DUPLICATE,
                    path,
                    f"{kb.term_id(index)} ({kb.label(index)}) repeats "
                    f"phenotypicFeatures[{bucket[index]}]",
                    fixable=True,
                )
            )
            continue
        bucket[index] = n
    for index, n in observed.items():
        name = f"{kb.term_id(index)} ({kb.label(index)})"
        if index in excluded:
            out.append(
                Finding(
                    Severity.ERROR,
                    Problem.OBSERVED_AND_EXCLUDED,
                    f"phenotypicFeatures[{n}]",
                    f"{name} is both observed and excluded "
                    f"(phenotypicFeatures[{excluded[index]}]); keep the one the source states",
                )
            )
            continue
        for ancestor in kb.ancestors(index, include_self=False):
            if int(ancestor) in excluded:
                out.append(
                    Finding(
                        Severity.ERROR,
                        Problem.OBSERVED_UNDER_EXCLUDED,
                        f"phenotypicFeatures[{n}]",
                        f"{name} is observed but its ancestor {kb.term_id(int(ancestor))} "
                        f"({kb.label(int(ancestor))}) is excluded (phenotypicFeatures"
                        f"[{excluded[int(ancestor)]}]); exclude a more specific term instead",
                    )
                )
            if int(ancestor) in observed:
                m = observed[int(ancestor)]
                out.append(
                    Finding(
                        Severity.WARNING,
                        Problem.REDUNDANT_ANCESTOR,
                        f"phenotypicFeatures[{m}]",
                        f"{kb.term_id(int(ancestor))} ({kb.label(int(ancestor))}) is implied "
                        f"by the more specific {name} (phenotypicFeatures[{n}])",
                        fixable=True,
                    )
                )
    for index, n in excluded.items():
        for ancestor in kb.ancestors(index, include_self=False):
            if int(ancestor) in excluded:
                out.append(
                    Finding(
                        Severity.WARNING,
                        Problem.REDUNDANT_EXCLUDED_DESCENDANT,
                        f"phenotypicFeatures[{n}]",
                        f"excluded {kb.term_id(index)} ({kb.label(index)}) is implied by excluded "
                        f"{kb.term_id(int(ancestor))} ({kb.label(int(ancestor))})",
                        fixable=True,
                    )
                )
                break


def validate_case(case: Case, kb: KnowledgeBase, *, source: str = "") -> ValidationReport:
    """Every finding about ``case``; the case itself is not changed.

    >>> from rarecase.phenopacket.terms import case_from_terms
    >>> case = case_from_terms(["HP:0001250", "HP:0012638"], ["HP:0001251"])
    >>> [f.problem.value for f in validate_case(case, kb).findings]
    ['redundant_ancestor']
    """
    findings: list[Finding] = []
    features = _feature_indices(kb, case, findings)
    _check_logic(kb, features, findings)
    order = {Severity.ERROR: 0, Severity.WARNING: 1}
    findings.sort(key=lambda f: (order[f.severity], f.path))
    return ValidationReport(source=source or case.id, case=case, findings=tuple(findings))


def validate_file(path: Path, kb: KnowledgeBase) -> ValidationReport:
    """Like :func:`validate_case`, but an unreadable file is a finding, not an exception, so a
    run over many files reports on all of them."""
    try:
        case = read_phenopacket(path)
    except InputError as error:
        finding = Finding(Severity.ERROR, Problem.UNREADABLE, "", error.message)
        return ValidationReport(source=str(path), case=None, findings=(finding,))
    return validate_case(case, kb, source=str(path))


def sanitize(case: Case, kb: KnowledgeBase) -> tuple[Case, list[str]]:
    """A copy of ``case`` with current ids and labels, duplicates and redundant terms removed,
    and the list of changes made. Problems that need a curator (unknown ids, contradictions) are
    left as they are; validate the result to see them.

    >>> from rarecase.phenopacket.terms import case_from_terms
    >>> fixed, changes = sanitize(case_from_terms(["HP:0001275", "HP:0000118"]), kb)
    >>> [str(f.term.id) for f in fixed.features]
    ['HP:0001250']
    >>> for change in changes: print(change)
    phenotypicFeatures[0]: HP:0001275 is an alternative id of HP:0001250; now HP:0001250
    phenotypicFeatures[1]: label added: 'Phenotypic abnormality'
    phenotypicFeatures[1]: removed HP:0000118 (Phenotypic abnormality), implied by HP:0001250
    """
    changes: list[str] = []
    updated: list[tuple[PhenotypicFeature, int | None]] = []
    for n, feature in enumerate(case.features):
        index: int | None = None
        term = feature.term
        if term.id.is_hpo:
            try:
                index, remap = kb.resolve(term.id)
            except UnknownTermError:
                index = None
            else:
                current = OntologyClass(kb.term_id(index), kb.label(index))
                if remap is not None:
                    changes.append(f"phenotypicFeatures[{n}]: {remap.describe()}; now {current.id}")
                elif not term.label:
                    changes.append(f"phenotypicFeatures[{n}]: label added: {current.label!r}")
                elif term.label != current.label:
                    changes.append(
                        f"phenotypicFeatures[{n}]: label {term.label!r} -> {current.label!r}"
                    )
                if current != term:
                    feature = dataclasses.replace(feature, term=current)
        updated.append((feature, index))

    keep: list[PhenotypicFeature] = []
    seen: set[tuple[int, bool]] = set()
    observed = {i for f, i in updated if i is not None and not f.excluded}
    excluded = {i for f, i in updated if i is not None and f.excluded}
    for n, (feature, index) in enumerate(updated):
        if index is None:
            keep.append(feature)
            continue
        name = f"{feature.term.id} ({feature.term.label})"
        if (index, feature.excluded) in seen:
            changes.append(f"phenotypicFeatures[{n}]: removed duplicate {name}")
            continue
        seen.add((index, feature.excluded))
        if not feature.excluded:
            implied = [
                int(d) for d in kb.descendants(index, include_self=False) if int(d) in observed
            ]
            if implied:
                changes.append(
                    f"phenotypicFeatures[{n}]: removed {name}, implied by {kb.term_id(implied[0])}"
                )
                continue
        else:
            implied = [
                int(a) for a in kb.ancestors(index, include_self=False) if int(a) in excluded
            ]
            if implied:
                changes.append(
                    f"phenotypicFeatures[{n}]: removed excluded {name}, implied by excluded "
                    f"{kb.term_id(implied[0])}"
                )
                continue
        keep.append(feature)
    return case.with_features(tuple(keep)), changes


__all__ = [
    "Finding",
    "Problem",
    "Severity",
    "ValidationReport",
    "sanitize",
    "validate_case",
    "validate_file",
]
