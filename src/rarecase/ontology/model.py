"""Value types handed out by the knowledge base.

They are built on demand from the compiled arrays, so loading the knowledge base creates none of
them; a caller who asks for one term pays for one term.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rarecase.ontology.ids import Subontology, TermId


class SynonymScope(StrEnum):
    EXACT = "EXACT"
    RELATED = "RELATED"
    BROAD = "BROAD"
    NARROW = "NARROW"


@dataclass(frozen=True, slots=True)
class Synonym:
    """A synonym with its scope and, where HPO gives one, its type (``layperson``, ``abbreviation``,
    ``uk_spelling``, ``plural_form``, ``obsolete_synonym``…)."""

    text: str
    scope: SynonymScope
    type: str = ""


@dataclass(frozen=True, slots=True)
class Term:
    id: TermId
    label: str
    definition: str
    comment: str
    synonyms: tuple[Synonym, ...]
    xrefs: tuple[str, ...]
    parents: tuple[TermId, ...]
    children: tuple[TermId, ...]
    alt_ids: tuple[TermId, ...]
    subontology: Subontology
    information_content: float
    disease_count: int


class RemapKind(StrEnum):
    """Why an id was replaced: an alternative id of a current term, or a retired term."""

    ALT_ID = "alt_id"
    REPLACED_BY = "replaced_by"
    CONSIDER = "consider"
    UNRESOLVED = "unresolved"


@dataclass(frozen=True, slots=True)
class Remap:
    """``source`` was read as ``target`` (None when HPO names no single replacement).

    ``consider`` lists HPO's suggestions for an obsolete term without ``replaced_by``.
    """

    source: TermId
    target: TermId | None
    kind: RemapKind
    consider: tuple[TermId, ...] = ()
    where: str = ""

    def describe(self) -> str:
        if self.kind is RemapKind.ALT_ID:
            return f"{self.source} is an alternative id of {self.target}"
        if self.kind is RemapKind.REPLACED_BY:
            return f"{self.source} is obsolete, replaced by {self.target}"
        hint = ", ".join(str(t) for t in self.consider)
        if self.kind is RemapKind.CONSIDER:
            return f"{self.source} is obsolete; HPO suggests considering {hint}"
        return f"{self.source} is not in this HPO release"


class Database(StrEnum):
    OMIM = "OMIM"
    ORPHA = "ORPHA"
    DECIPHER = "DECIPHER"


@dataclass(frozen=True, slots=True)
class Disease:
    id: str
    name: str
    database: Database
    index: int


@dataclass(frozen=True, slots=True)
class Annotation:
    """One phenotype.hpoa row after ids were resolved to the current ontology.

    ``frequency`` is a proportion (None: the row gives none); ``negated`` is HPO's ``NOT``
    qualifier: the disease is known *not* to show the term.
    """

    disease: str
    term: TermId
    negated: bool
    frequency: float | None
    frequency_text: str
    onset: TermId | None
    sex: str
    evidence: str
    reference: str
    modifiers: tuple[TermId, ...]
    aspect: str
