"""Identifiers, parsed once at the boundary.

Inside rarecase an HPO term is an integer index into the knowledge-base arrays or a
:class:`TermId`; a loose string is only ever user input. The key ids are named here, once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from rarecase.errors import InputError

_CURIE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9._-]*)[:_]([^\s:][^\s]*?)\s*$")
_HPO = re.compile(r"^\s*(?:HP|hp|Hp)[:_](\d{7})\s*$")


@dataclass(frozen=True, slots=True, order=True)
class TermId:
    """A compact URI (``PREFIX:LOCAL``) such as ``HP:0010646`` or ``OMIM:154700``.

    >>> TermId.parse("HP_0010646")
    TermId('HP:0010646')
    >>> TermId.parse("OMIM:154700").prefix
    'OMIM'
    """

    prefix: str
    local: str

    @classmethod
    def parse(cls, text: str, *, source: str = "") -> TermId:
        """Read ``PREFIX:LOCAL`` (or OBO's ``PREFIX_LOCAL``); HPO prefixes are upper-cased."""
        if not isinstance(text, str):
            raise InputError(source, f"{text!r} is not an identifier", "write it as PREFIX:ID")
        hpo = _HPO.match(text)
        if hpo:
            return cls("HP", hpo.group(1))
        match = _CURIE.match(text) if ":" in text else None
        if match is None:
            raise InputError(
                source,
                f"{text!r} is not a compact identifier",
                "write it as PREFIX:ID, e.g. HP:0001250",
            )
        return cls(match.group(1), match.group(2))

    @property
    def is_hpo(self) -> bool:
        return self.prefix == "HP"

    def __str__(self) -> str:
        return f"{self.prefix}:{self.local}"

    def __repr__(self) -> str:
        return f"TermId('{self}')"


def hpo_number(text: str) -> int | None:
    """The numeric part of an HPO id, or None when ``text`` is not one.

    >>> hpo_number("HP:0000118"), hpo_number("OMIM:1")
    (118, None)
    """
    match = _HPO.match(text)
    return int(match.group(1)) if match else None


def hpo_id(number: int) -> str:
    """The canonical ``HP:NNNNNNN`` string of an HPO number.

    >>> hpo_id(118)
    'HP:0000118'
    """
    return f"HP:{number:07d}"


ROOT: Final = TermId("HP", "0000001")
PHENOTYPIC_ABNORMALITY: Final = TermId("HP", "0000118")
MODE_OF_INHERITANCE: Final = TermId("HP", "0000005")
CLINICAL_MODIFIER: Final = TermId("HP", "0012823")
FREQUENCY: Final = TermId("HP", "0040279")
ONSET: Final = TermId("HP", "0003674")


class Subontology(StrEnum):
    """The HPO branch a term belongs to; onset is a branch of clinical modifier, told apart."""

    PHENOTYPIC_ABNORMALITY = "phenotypic_abnormality"
    ONSET = "onset"
    MODE_OF_INHERITANCE = "mode_of_inheritance"
    CLINICAL_MODIFIER = "clinical_modifier"
    FREQUENCY = "frequency"
    OTHER = "other"


# Checked in this order: the first root among a term's ancestors names its branch, so onset
# (inside clinical modifier) wins over its parent branch.
SUBONTOLOGY_ROOTS: Final[tuple[tuple[Subontology, TermId], ...]] = (
    (Subontology.PHENOTYPIC_ABNORMALITY, PHENOTYPIC_ABNORMALITY),
    (Subontology.ONSET, ONSET),
    (Subontology.MODE_OF_INHERITANCE, MODE_OF_INHERITANCE),
    (Subontology.FREQUENCY, FREQUENCY),
    (Subontology.CLINICAL_MODIFIER, CLINICAL_MODIFIER),
)
