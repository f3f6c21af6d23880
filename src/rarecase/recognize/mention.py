"""A mention: a phenotype or disease name found in the text, whether it holds, and for whom."""

from __future__ import annotations

from dataclasses import dataclass, fields
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


# Mention's slot descriptors, in field order. Setting a field through its descriptor skips the
# frozen class's __setattr__, as the dataclass __init__ does with object.__setattr__, at half
# its cost: recognition makes a Mention for every name found, and remakes some of them.
(
    _set_start,
    _set_end,
    _set_text,
    _set_kind,
    _set_concepts,
    _set_label,
    _set_status,
    _set_subject,
    _set_sentence,
    _set_status_cue,
    _set_subject_cue,
    _set_nested,
    _set_how,
) = (Mention.__dict__[field.name].__set__ for field in fields(Mention))
_new = object.__new__


def make_mention(
    start: int,
    end: int,
    text: str,
    kind: Kind,
    concepts: tuple[str, ...],
    label: str,
    status: Status,
    subject: Subject,
    sentence: tuple[int, int],
    status_cue: Cue | None,
    subject_cue: Cue | None,
    nested: bool,
    how: str,
) -> Mention:
    """``Mention(start, end, …, how)``, every field given, built at half the cost."""
    mention = _new(Mention)
    _set_start(mention, start)
    _set_end(mention, end)
    _set_text(mention, text)
    _set_kind(mention, kind)
    _set_concepts(mention, concepts)
    _set_label(mention, label)
    _set_status(mention, status)
    _set_subject(mention, subject)
    _set_sentence(mention, sentence)
    _set_status_cue(mention, status_cue)
    _set_subject_cue(mention, subject_cue)
    _set_nested(mention, nested)
    _set_how(mention, how)
    return mention


def with_subject(mention: Mention, subject: Subject, subject_cue: Cue | None) -> Mention:
    """``dataclasses.replace(mention, subject=subject, subject_cue=subject_cue)``, faster."""
    m = mention
    return make_mention(
        m.start, m.end, m.text, m.kind, m.concepts, m.label, m.status, subject, m.sentence,
        m.status_cue, subject_cue, m.nested, m.how,
    )  # fmt: skip


def as_nested(mention: Mention) -> Mention:
    """``dataclasses.replace(mention, nested=True)``, faster."""
    m = mention
    return make_mention(
        m.start, m.end, m.text, m.kind, m.concepts, m.label, m.status, m.subject, m.sentence,
        m.status_cue, m.subject_cue, True, m.how,
    )  # fmt: skip
