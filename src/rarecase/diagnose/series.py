"""Phenotypic series: OMIM entries that are one clinical picture with many genes.

"Retinitis pigmentosa 78" and "Retinitis pigmentosa 76" are told apart by their genes, rarely by
their phenotypes; a differential that lists thirty of them says less than one line "Retinitis
pigmentosa (series of 90)". OMIM's own series table is not in HPO's files, so a series here is
the set of OMIM diseases whose names agree once the member number, type and inheritance are
taken off ("Spastic paraplegia 76, autosomal recessive" -> "spastic paraplegia"). A name with
a single member stays on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import numpy as np

from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.ontology.model import Database

# ", autosomal recessive", ", X-linked dominant", "; digenic" at the end of an OMIM title
_INHERITANCE: Final = re.compile(
    r"(?:[,;]\s*(?:autosomal|x-linked|y-linked|mitochondrial|digenic)"
    r"(?:\s+(?:dominant|recessive|semidominant))?)+\s*$",
    re.IGNORECASE,
)
# " 76", " 2A", ", type IV", " type 1B", " X": the member number or letter
_MEMBER: Final = re.compile(
    r"(?:,?\s+(?:type\s+)?(?:[0-9]+[A-Za-z]?|[IVX]+[A-Za-z]?|[A-Z]))+\s*$", re.IGNORECASE
)


def series_name(name: str) -> str:
    """The name a member shares with its series, lower-cased.

    >>> series_name("Spastic paraplegia 76, autosomal recessive")
    'spastic paraplegia'
    >>> series_name("Ehlers-Danlos syndrome, type IV")
    'ehlers-danlos syndrome'
    """
    base = _INHERITANCE.sub("", name.strip())
    base = _MEMBER.sub("", base)
    return base.strip(" ,;").lower()


@dataclass(frozen=True, eq=False)
class PhenotypicSeries:
    """``of[d]`` is the series index of disease ``d``, or -1; ``names[s]`` a series' name (as
    its first member writes it) and ``sizes[s]`` its member count."""

    of: np.ndarray
    names: tuple[str, ...]
    sizes: np.ndarray

    @classmethod
    def build(cls, kb: KnowledgeBase) -> PhenotypicSeries:
        groups: dict[str, list[int]] = {}
        display: dict[str, str] = {}
        for disease in kb.diseases():
            if disease.database is not Database.OMIM:
                continue
            key = series_name(disease.name)
            if key and key != disease.name.lower():
                groups.setdefault(key, []).append(disease.index)
                display.setdefault(key, _display(disease.name))
        of = np.full(kb.n_diseases, -1, dtype=np.int64)
        names: list[str] = []
        sizes: list[int] = []
        for key, members in groups.items():
            if len(members) < 2:
                continue
            of[members] = len(names)
            names.append(display[key])
            sizes.append(len(members))
        return cls(of, tuple(names), np.array(sizes, dtype=np.int64))

    def describe(self, disease: int) -> tuple[str | None, int]:
        """The name and size of ``disease``'s series; (None, 0) outside any series."""
        s = int(self.of[disease])
        return (self.names[s], int(self.sizes[s])) if s >= 0 else (None, 0)

    def group(self, disease: int) -> int:
        """A key shared by the members of one series; a disease outside any series has its own."""
        s = int(self.of[disease])
        return s if s >= 0 else len(self.names) + disease


def _display(name: str) -> str:
    base = _MEMBER.sub("", _INHERITANCE.sub("", name.strip())).strip(" ,;")
    return base.capitalize() if base.isupper() else base
