"""A case's terms, parsed once into term indices: what every ranker takes.

User input must be right (an unknown id raises, naming the fix; an alternative or obsolete id
with a replacement is mapped and noted). Evaluation over thousands of published cases is lenient
instead: ids newer than the HPO release are dropped and counted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

import numpy as np

from rarecase.diagnose.onset import onset_class
from rarecase.errors import UnknownTermError
from rarecase.ontology.ids import Subontology, TermId
from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.phenopacket.model import Case, Sex


@dataclass(frozen=True, slots=True)
class Query:
    """Present and excluded term indices (phenotypic abnormalities only, no repeats), and what
    else a clinician knows: ``sex`` and ``onset`` (an index into
    :data:`rarecase.diagnose.onset.ONSET_CLASSES`, -1 when unknown).

    ``notes`` say what was mapped or left out and why; ``dropped`` lists the ids left out.
    """

    id: str
    present: np.ndarray
    excluded: np.ndarray
    notes: tuple[str, ...] = ()
    dropped: tuple[str, ...] = ()
    sex: Sex = Sex.UNKNOWN_SEX
    onset: int = -1

    def without_excluded(self) -> Query:
        return replace(self, excluded=np.empty(0, dtype=np.int64))


def query_from_ids(
    kb: KnowledgeBase,
    present: Iterable[str | TermId],
    excluded: Iterable[str | TermId] = (),
    *,
    case_id: str = "case",
    strict: bool = True,
    source: str = "",
    sex: Sex | str = Sex.UNKNOWN_SEX,
    onset: int | None = None,
) -> Query:
    """Parse HPO ids. ``strict``: unknown ids raise :class:`UnknownTermError`; else dropped.

    >>> q = query_from_ids(kb, ["HP:0001275"], ["HP:0001251"])  # an alt_id of Seizure
    >>> [kb.label(i) for i in q.present], q.notes
    (['Seizure'], ('HP:0001275 is an alternative id of HP:0001250',))
    """
    notes: list[str] = []
    dropped: list[str] = []
    phenotype = kb.subontology_mask(Subontology.PHENOTYPIC_ABNORMALITY)

    def parse(ids: Iterable[str | TermId]) -> list[int]:
        found: list[int] = []
        for ident in ids:
            if not strict and not kb.is_current(ident) and kb.remap_of(ident) is None:
                # unknown to this release: dropped without building the error and its
                # "did you mean" suggestions (thousands of ids in a corpus read)
                dropped.append(str(ident))
                continue
            try:
                index, remap = kb.resolve(str(ident), source=source)
            except UnknownTermError:
                if strict:
                    raise
                dropped.append(str(ident))
                continue
            if remap is not None:
                notes.append(remap.describe())
            if not phenotype[index]:
                notes.append(f"{kb.term_id(index)} ({kb.label(index)}) is not a phenotype; ignored")
                continue
            if index not in found:
                found.append(index)
        return found

    seen = parse(present)
    ruled_out = [i for i in parse(excluded) if i not in seen]
    if dropped:
        notes.append(f"{len(dropped)} id(s) unknown to HPO {kb.hpo_version} left out")
    return Query(
        case_id,
        np.array(seen, dtype=np.int64),
        np.array(ruled_out, dtype=np.int64),
        tuple(notes),
        tuple(dropped),
        _sex(sex),
        -1 if onset is None else onset,
    )


def query_from_case(
    kb: KnowledgeBase, case: Case, *, strict: bool = True, source: str = ""
) -> Query:
    """The query of a phenopacket's observed and excluded features, its subject's sex and its
    onset (a disease's, else the earliest feature's); errors name ``source`` (default: the
    case id)."""
    return query_from_ids(
        kb,
        [f.term.id for f in case.observed],
        [f.term.id for f in case.excluded],
        case_id=case.id,
        strict=strict,
        source=source or case.id,
        sex=case.subject.sex,
        onset=case_onset(kb, case),
    )


def case_onset(kb: KnowledgeBase, case: Case) -> int | None:
    """The onset class of a phenopacket: its first disease onset, else its earliest feature's."""
    for disease in case.diseases:
        if disease.onset is not None:
            found = onset_class(kb, disease.onset)
            if found is not None:
                return found
    classes = [
        k
        for f in case.observed
        if f.onset is not None and (k := onset_class(kb, f.onset)) is not None
    ]
    return min(classes) if classes else None


def _sex(value: Sex | str) -> Sex:
    """A sex as given ("female", "MALE", a Sex); anything else counts as unknown."""
    try:
        return Sex(str(value).upper())
    except ValueError:
        return Sex.UNKNOWN_SEX
