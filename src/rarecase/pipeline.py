"""The chain: source -> Document -> Mentions -> Case -> Differential, Similar cases, Novelty.

``annotate`` stops at the mentions (every document of a source); ``analyze`` goes on to the
patient's case and, given a ranker, its differential diagnosis; given a case index
(:class:`rarecase.corpus.similar.CaseIndex`), the closest published cases and the novelty check,
leaving out the cases of the document's own publication. Knowledge is passed in, never
loaded here: build a :class:`Recognizer` (and a ranker) once and reuse them across documents.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from rarecase.corpus.novelty import NoveltyReport, novelty
from rarecase.corpus.similar import CaseIndex, SimilarCase
from rarecase.diagnose.differential import Differential
from rarecase.diagnose.ranker import Ranker
from rarecase.errors import InputError
from rarecase.ontology.ids import TermId
from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.phenopacket.json_io import case_to_dict
from rarecase.phenopacket.model import (
    ActionKind,
    Case,
    Disease,
    ExternalReference,
    MedicalAction,
    OntologyClass,
    PhenotypicFeature,
    Sex,
    TimeElement,
)
from rarecase.phenopacket.model import Subject as Individual
from rarecase.phenopacket.validate import sanitize
from rarecase.recognize.action_details import ActionDetails, action_details
from rarecase.recognize.claims import Claim, claims
from rarecase.recognize.lexicon import Kind
from rarecase.recognize.mention import Mention, Status, Subject
from rarecase.recognize.patient import PatientFacts, patient_facts
from rarecase.recognize.recognizer import Recognizer
from rarecase.text import read_path, read_source
from rarecase.text.document import Document

Source = str | os.PathLike[str] | bytes | Document


@dataclass(frozen=True, slots=True)
class AnnotatedDocument:
    """A document and every mention found in it."""

    document: Document
    mentions: tuple[Mention, ...]

    def patient_mentions(self) -> list[Mention]:
        """The mentions that describe the patient: present or excluded, not nested."""
        return [
            m
            for m in self.mentions
            if m.subject is Subject.PATIENT
            and not m.nested
            and m.status in (Status.PRESENT, Status.EXCLUDED)
        ]

    def to_json(self) -> dict[str, object]:
        """The JSON-lines record of ``rarecase annotate``."""
        return {
            "id": self.document.id,
            "mentions": [m.to_json() for m in self.mentions],
            "removed": [r.to_json() for r in self.document.removed],
        }


@dataclass(frozen=True, slots=True)
class Analysis:
    """The whole chain for one document: its mentions and the patient's case."""

    annotated: AnnotatedDocument
    case: Case
    changes: tuple[str, ...] = ()
    # the diseases ranked for the patient's findings; None when no ranker was given, or the
    # case has no present finding to rank by
    differential: Differential | None = None
    # the closest stored cases and the novelty check; None when no case index was given
    similar: tuple[SimilarCase, ...] | None = None
    novelty: NoveltyReport | None = None
    # age, sex, onset and follow-up as the text states them, with their words
    patient: PatientFacts = field(default_factory=PatientFacts)
    # cited quantitative or causal statements about the disease, with their references
    claims: tuple[Claim, ...] = ()
    # body site, side, time and response of each action done to the patient, by its span
    action_details: Mapping[tuple[int, int], ActionDetails] = field(default_factory=dict)

    @property
    def document(self) -> Document:
        return self.annotated.document

    @property
    def mentions(self) -> tuple[Mention, ...]:
        return self.annotated.mentions

    def to_json(self) -> dict[str, object]:
        doc = self.document
        return {
            "document": {
                "id": doc.id,
                "title": doc.title,
                "text": doc.text,
                "format": doc.format.value,
                "pmid": doc.pmid,
                "sections": [
                    {"title": s.title, "kind": s.kind, "start": s.start, "end": s.end}
                    for s in doc.sections
                ],
                "removed": [r.to_json() for r in doc.removed],
            },
            "mentions": [self._mention_json(m) for m in self.mentions],
            "patient": self.patient.to_json(),
            "claims": [c.to_json() for c in self.claims],
            "phenopacket": case_to_dict(self.case),
            **(
                {"differential": self.differential.to_json()}
                if self.differential is not None
                else {}
            ),
            **(
                {"similar": [s.to_json() for s in self.similar]} if self.similar is not None else {}
            ),
            **({"novelty": self.novelty.to_json()} if self.novelty is not None else {}),
        }

    def _mention_json(self, mention: Mention) -> dict[str, object]:
        data = mention.to_json()
        details = self.action_details.get((mention.start, mention.end))
        if details is not None:
            data.update(details.to_json())
        return data


def _documents(source: Source, name: str | None) -> list[Document]:
    if isinstance(source, Document):
        return [source]
    if isinstance(source, bytes):
        return read_source(source, name=name or "input")
    if isinstance(source, os.PathLike):
        return read_path(source)
    if "\n" not in source and len(source) < 4096 and _is_file(source):
        return read_path(source)
    return read_source(source, name=name or "text")


def _is_file(text: str) -> bool:
    """Whether a one-line string names a file; a sentence longer than a file name may be
    (the system refuses to look it up) is text."""
    try:
        return Path(text).is_file()
    except (OSError, ValueError):  # name too long, or a NUL byte
        return False


def annotate(
    source: Source,
    *,
    kb: KnowledgeBase | None = None,
    recognizer: Recognizer | None = None,
    name: str | None = None,
) -> list[AnnotatedDocument]:
    """Every document of ``source`` (text, bytes, a path or a Document) with its mentions.

    >>> [result] = annotate("No seizures. Her mother had ataxia.", kb=kb)
    >>> [(m.text, m.status.value, m.subject.value) for m in result.mentions]
    [('seizures', 'excluded', 'patient'), ('ataxia', 'present', 'family')]
    """
    recognizer = _recognizer(kb, recognizer)
    return [
        AnnotatedDocument(doc, tuple(recognizer.annotate(doc))) for doc in _documents(source, name)
    ]


def analyze(
    source: Source,
    *,
    kb: KnowledgeBase | None = None,
    recognizer: Recognizer | None = None,
    ranker: Ranker | None = None,
    top: int = 10,
    name: str | None = None,
    index: CaseIndex | None = None,
    similar_top: int = 5,
) -> Analysis:
    """The patient's case from one document (the first, when a source holds several), and,
    with a ``ranker`` (:func:`rarecase.diagnose.make_ranker`), its ``top`` diagnoses; with an
    ``index``, its ``similar_top`` closest stored cases and the novelty check."""
    recognizer = _recognizer(kb, recognizer)
    results = annotate(source, recognizer=recognizer, name=name)
    if not results:
        raise InputError(name or "input", "holds no document", "give a case report")
    return analysis_of(
        results[0], recognizer.kb, ranker=ranker, top=top, index=index, similar_top=similar_top
    )


def analysis_of(
    annotated: AnnotatedDocument,
    kb: KnowledgeBase,
    *,
    ranker: Ranker | None = None,
    top: int = 10,
    index: CaseIndex | None = None,
    similar_top: int = 5,
) -> Analysis:
    facts = patient_facts(annotated.document)
    details = action_details(annotated.document, annotated.mentions, facts)
    case, changes = case_from_mentions(
        annotated.document, annotated.patient_mentions(), kb, patient=facts, details=details
    )
    differential = None
    if ranker is not None and case.observed:
        differential = ranker.rank(case, top=top)
    similar: tuple[SimilarCase, ...] | None = None
    report: NoveltyReport | None = None
    if index is not None:
        own = (f"PMID:{annotated.document.pmid}",) if annotated.document.pmid else ()
        present, excluded, diseases = case.observed_ids, case.excluded_ids, case.diagnosis_ids
        similar = ()
        if present and similar_top:
            similar = tuple(index.search(present, excluded, top=similar_top, exclude_pmids=own))
        if present or excluded or diseases:
            report = novelty(index, present, excluded, diseases, exclude_pmids=own)
    cited = tuple(claims(annotated.document))
    return Analysis(
        annotated, case, tuple(changes), differential, similar, report, facts, cited, details
    )


def case_from_mentions(
    document: Document,
    mentions: Sequence[Mention],
    kb: KnowledgeBase,
    *,
    patient: PatientFacts | None = None,
    details: Mapping[tuple[int, int], ActionDetails] | None = None,
) -> tuple[Case, list[str]]:
    """The patient's phenopacket: present and excluded phenotypes, the diagnoses named (with
    the stated onset), the medical actions performed on the patient (MAxO procedures, with
    the body site, age performed and response to treatment of ``details``), and,
    from ``patient``, the subject's sex and age at the last encounter (presentation plus
    follow-up). An action done twice at different ages is two actions.

    A finding both present and excluded in one text keeps its present mention (the text
    mentions it as seen somewhere); redundant ancestors are dropped, as ``validate --fix`` does.
    """
    features: dict[tuple[str, bool], PhenotypicFeature] = {}
    present = {m.id for m in mentions if m.kind is Kind.PHENOTYPE and m.status is Status.PRESENT}
    diseases: dict[str, Disease] = {}
    actions: dict[tuple[str, str | None], MedicalAction] = {}
    onset = _disease_onset(patient, kb)
    for mention in mentions:
        if mention.kind is Kind.ACTION:
            # done to this patient: a procedure coded with MAxO (a declined one is no action)
            if mention.status is Status.PRESENT:
                action = _action(mention, (details or {}).get((mention.start, mention.end)))
                when = action.performed.age if action.performed is not None else None
                if (mention.id, when) not in actions:
                    actions[(mention.id, when)] = action
            continue
        if mention.kind is Kind.DISEASE:
            if len(mention.concepts) == 1 and mention.id not in diseases:
                excluded = mention.status is Status.EXCLUDED
                diseases[mention.id] = Disease(
                    OntologyClass(TermId.parse(mention.id), mention.label),
                    excluded=excluded,
                    onset=None if excluded else onset,
                )
            continue
        excluded = mention.status is Status.EXCLUDED
        if excluded and mention.id in present:
            continue
        key = (mention.id, excluded)
        if key not in features:
            sentence = document.text[mention.sentence[0] : mention.sentence[1]]
            features[key] = PhenotypicFeature(
                OntologyClass(TermId.parse(mention.id), mention.label),
                excluded=excluded,
                onset=None if excluded else _onset_in_sentence(patient, mention, kb),
                description=f"{mention.text!r} at {mention.start}-{mention.end}: {sentence}"[:500],
            )
    references = (
        (ExternalReference(f"PMID:{document.pmid}", description=document.title[:200]),)
        if document.pmid
        else ()
    )
    case = Case.new(
        document.id,
        subject=_individual(patient),
        features=list(features.values()),
        diseases=list(diseases.values()),
        actions=list(actions.values()),
        hpo_version=kb.hpo_version,
        external_references=references,
    )
    fixed, changes = sanitize(case, kb)
    return fixed, changes


def _action(mention: Mention, details: ActionDetails | None) -> MedicalAction:
    code = OntologyClass(TermId.parse(mention.id), mention.label)
    if details is None:
        return MedicalAction(ActionKind.PROCEDURE, code)
    site = details.body_site
    return MedicalAction(
        ActionKind.PROCEDURE,
        code,
        body_site=OntologyClass(TermId.parse(site.value), site.label) if site else None,
        performed=TimeElement(age=details.performed.value) if details.performed else None,
        response=(
            OntologyClass(TermId.parse(details.response.value), details.response.label)
            if details.response
            else None
        ),
    )


def _disease_onset(patient: PatientFacts | None, kb: KnowledgeBase) -> TimeElement | None:
    """The disease began when its first complaint did: the stated onset, as an age or an HPO
    onset class."""
    if patient is None or patient.onset is None:
        return None
    if patient.onset.value.startswith("HP:"):
        ident = TermId.parse(patient.onset.value)
        return TimeElement(ontology_class=OntologyClass(ident, kb.label(kb.index(ident))))
    age = patient.onset_age
    return TimeElement(age=age) if age else None


def _onset_in_sentence(
    patient: PatientFacts | None, mention: Mention, kb: KnowledgeBase
) -> TimeElement | None:
    """The stated onset, for the findings of the sentence that states it ("progressive neck
    pain over two years": the neck pain began at 52)."""
    if patient is None or patient.onset is None:
        return None
    start, end = mention.sentence
    if not start <= patient.onset.start < end:
        return None
    return _disease_onset(patient, kb)


def _individual(patient: PatientFacts | None) -> Individual | None:
    if patient is None or (patient.sex is None and patient.age is None):
        return None
    sex = Sex(patient.sex.value) if patient.sex is not None else Sex.UNKNOWN_SEX
    age = patient.age_at_last_encounter
    return Individual(
        id="patient",
        sex=sex,
        time_at_last_encounter=TimeElement(age=age) if age else None,
    )


def _recognizer(kb: KnowledgeBase | None, recognizer: Recognizer | None) -> Recognizer:
    if recognizer is not None:
        return recognizer
    if kb is None:
        raise TypeError("pass kb= (rarecase.load()) or recognizer=")
    return Recognizer(kb)
