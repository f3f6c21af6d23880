"""Medical actions: the procedures, therapies, imaging and monitoring a case report names, coded
with the Medical Action Ontology (MAxO).

The vocabulary ships in the package (``data/maxo_actions.tsv.gz``, derived from MAxO release
2024-07-29 by scripts/make_maxo_actions.py; CC BY 4.0, "Medical Action Ontology (MAxO), Monarch
Initiative"). Their names join the recognition lexicon as entries of their own kind, so they are
matched in the same pass as phenotypes and diseases (at no extra cost) and read apart: a name
that is both a finding and an action gives two mentions, and an action inside a longer one
("resection" in "surgical resection") is nested. Each gets the status and subject of its place in
the text, like any mention: a resection *performed on this patient* is present and the
patient's; "surgical resection is the treatment of choice" is a generic statement; "surgery was
declined" is excluded.

A few names of MAxO are too general or too ambiguous to mean an action in running text (the
root "medical action"; "prevention"); they are left out (:data:`UNSPOKEN`).
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Final

from rarecase.recognize.lexicon import Entry, Kind

FILE: Final = "maxo_actions.tsv.gz"
#: Clinical names of actions that MAxO lacks (written for rarecase).
PHRASES: Final = "clinical_actions.tsv"
_ABBREVIATION: Final = re.compile(r"^[A-Z][A-Z0-9-]{1,5}$")
#: Names that, alone, do not say that something was done to a patient.
UNSPOKEN: Final = frozenset(
    {
        "medical action",
        "action",
        "therapeutic procedure",
        "diagnostic procedure",
        "prevention",
        "treatment",
        "therapy",
        "procedure",
        "management",
        "intervention",
        "assessment",
        "evaluation",
        "test",
        "testing",
        "study",
        "care",
        "support",
        "observation",
        "history",
        "examination",
        "physical examination",
    }
)


@dataclass(frozen=True, slots=True)
class Action:
    """One MAxO term: id, label, synonyms and MAxO parents."""

    id: str
    label: str
    synonyms: tuple[str, ...]
    parents: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class ActionVocabulary:
    """The bundled MAxO actions, by id, with a lexicon of their names.

    >>> vocabulary = ActionVocabulary.bundled()
    >>> vocabulary.label("MAXO:0000448"), len(vocabulary) > 1000
    ('surgical resection', True)
    """

    actions: dict[str, Action]
    #: every name of every action, as lexicon entries (they join the recognition lexicon)
    entries: tuple[Entry, ...]
    release: str

    @classmethod
    @cache
    def bundled(cls) -> ActionVocabulary:
        """Read once per process (a few milliseconds), then shared."""
        data = resources.files("rarecase.recognize").joinpath("data", FILE).read_bytes()
        text = gzip.decompress(data).decode("utf-8")
        actions: dict[str, Action] = {}
        release = ""
        for line in text.splitlines():
            if line.startswith("#"):
                if "release" in line:
                    release = line.rsplit("release", 1)[1].strip(" .").split("/")[-1]
                continue
            ident, label, synonyms, parents = line.split("\t")
            actions[ident] = Action(
                ident,
                label,
                tuple(s for s in synonyms.split("|") if s),
                tuple(p for p in parents.split("|") if p),
            )
        entries = _entries(actions.values())
        table = resources.files("rarecase.recognize").joinpath("data", PHRASES)
        for line in table.read_text(encoding="utf-8").splitlines()[1:]:
            if line.startswith("#") or line.startswith("name\t") or not line.strip():
                continue
            name, ident, _label = line.split("\t")
            if ident in actions:
                sensitive = bool(_ABBREVIATION.match(name))
                entries.append(Entry(Kind.ACTION, (ident,), name, 2, case_sensitive=sensitive))
        return cls(actions, tuple(entries), release)

    def __len__(self) -> int:
        return len(self.actions)

    def label(self, ident: str) -> str:
        return self.actions[ident].label


def _entries(actions: Iterable[Action]) -> list[Entry]:
    found = []
    for action in actions:
        for rank, name in ((0, action.label), *((1, s) for s in action.synonyms)):
            if name.lower() in UNSPOKEN:
                continue
            if _ABBREVIATION.match(name):  # "CT", "MRI": matched as written, never in lower case
                found.append(Entry(Kind.ACTION, (action.id,), name, rank, case_sensitive=True))
            elif len(name) >= 4:
                found.append(Entry(Kind.ACTION, (action.id,), name, rank))
    return found
