"""A mention: a phenotype or disease name found in the text, whether it holds, and for whom."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from rarecase.recognize.lexicon import Kind


class Status(StrEnum):
    PRESENT = "present"
    EXCLUDED = "excluded"
    UNCERTAIN = "uncertain"


class Subject(StrEnum):
    PATIENT = "patient"
    FAMILY = "family"
    OTHER_PATIENT = "other_patient"
    GENERIC = "generic"


@dataclass(frozen=True, slots=True)
class Cue:
    """The words that decided a status or a subject, with their span in the document text."""

    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Mention:
    """One recognised name. ``concepts`` holds one HPO id, or one or more disease ids (a
    family name such as "Loeys-Dietz syndrome" names every member). ``nested`` marks a mention
    inside a longer one of the same kind: reported, but left out of the case."""

    start: int
    end: int
    text: str
    kind: Kind
    concepts: tuple[str, ...]
    label: str
    status: Status
    subject: Subject
    sentence: tuple[int, int]
    status_cue: Cue | None = None
    subject_cue: Cue | None = None
    nested: bool = False
    how: str = "name"

    @property
    def id(self) -> str:
        return self.concepts[0]

    @property
    def cue(self) -> Cue | None:
        """The cue that made the mention other than a present finding of the patient."""
        return self.status_cue or self.subject_cue

    def to_json(self) -> dict[str, object]:
        data: dict[str, object] = {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "id": self.id,
            "label": self.label,
            "kind": self.kind.value,
            "status": self.status.value,
            "subject": self.subject.value,
            "cue": self.cue.text if self.cue else None,
            "sentence": list(self.sentence),
        }
        if len(self.concepts) > 1:
            data["ids"] = list(self.concepts)
        if self.status_cue and self.subject_cue:
            data["subject_cue"] = self.subject_cue.text
        if self.nested:
            data["nested"] = True
        if self.how != "name":
            data["how"] = self.how
        return data
