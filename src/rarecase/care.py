"""Case-report completeness: which items of the CARE guideline a text covers, with the sentences
that cover each, and what is missing.

CARE (Gagnier et al., 2013; care-statement.org) lists what a case report should tell. An author
checking a draft wants to know, item by item, where the draft says it, and what it never says.
The evidence comes from what the analysis already read: the patient's facts (age, sex, onset,
follow-up, outcomes), the patient's findings, the medical actions performed (diagnostic ones, by
their MAxO ancestry, apart from therapeutic ones), and a few phrases for the items that have no
coded form (a timeline, the patient's own perspective, informed consent).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from rarecase.pipeline import Analysis
from rarecase.recognize.actions import ActionVocabulary
from rarecase.recognize.lexicon import Kind
from rarecase.recognize.mention import Status, Subject
from rarecase.recognize.patient import CITED, RELATIVE_NOUNS

DIAGNOSTIC: Final = "MAXO:0000003"  # diagnostic procedure
THERAPEUTIC: Final = "MAXO:0000002"  # therapeutic procedure


class CareItem(StrEnum):
    """The CARE items rarecase checks, in the guideline's order."""

    TITLE = "title"
    PATIENT_INFORMATION = "patient_information"
    CLINICAL_FINDINGS = "clinical_findings"
    TIMELINE = "timeline"
    DIAGNOSTIC_ASSESSMENT = "diagnostic_assessment"
    THERAPEUTIC_INTERVENTION = "therapeutic_intervention"
    FOLLOW_UP_AND_OUTCOMES = "follow_up_and_outcomes"
    DISCUSSION = "discussion"
    PATIENT_PERSPECTIVE = "patient_perspective"
    INFORMED_CONSENT = "informed_consent"


#: What each item asks for, as shown to an author.
ASKS: Final = {
    CareItem.TITLE: 'the words "case report" in the title',
    CareItem.PATIENT_INFORMATION: "age, sex and other demographic information of the patient",
    CareItem.CLINICAL_FINDINGS: "the relevant findings of the clinical examination",
    CareItem.TIMELINE: "when things happened: onset, durations, dates or intervals",
    CareItem.DIAGNOSTIC_ASSESSMENT: "the diagnostic tests and methods (imaging, laboratory…)",
    CareItem.THERAPEUTIC_INTERVENTION: "the treatment given (surgery, drugs, other)",
    CareItem.FOLLOW_UP_AND_OUTCOMES: "the follow-up and the outcomes",
    CareItem.DISCUSSION: "a discussion of the case against the literature",
    CareItem.PATIENT_PERSPECTIVE: "the patient's own perspective on the treatment",
    CareItem.INFORMED_CONSENT: "that the patient gave informed consent",
}

_TIMELINE: Final = re.compile(
    r"\b(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten)\s+(?:days?|weeks?|months?|"
    r"years?)\s+(?:later|after|before|earlier|ago)\b|\b(?:on|at) (?:day|week|month) \d+\b|"
    r"\b(?:19|20)\d\d\b|\bsince (?:birth|infancy|childhood)\b|\bover (?:the )?(?:past |last )?"
    r"(?:\d+|one|two|three|four|five|six) (?:days|weeks|months|years)\b",
    re.IGNORECASE,
)
_PERSPECTIVE: Final = re.compile(
    r"\b(?:patient(?:'s)? perspective|in (?:his|her|their) own words|the patient (?:stated|said|"
    r"felt|reported feeling|was satisfied)|(?:she|he) (?:stated|said|felt) that)\b",
    re.IGNORECASE,
)
# Treatments MAxO does not name (drugs are ChEBI's): the verbs that say one was given.
_THERAPY: Final = re.compile(
    r"\b(?:was|were) (?:treated|managed) (?:with|by)\b|\b(?:underwent|received)\b|"
    r"\b(?:was|were) started on\b|\b(?:was|were) (?:operated|prescribed|given)\b",
    re.IGNORECASE,
)
# a sentence about a relative (the patient's facts' relatives, and a mother) is not the patient's
_RELATIVE: Final = re.compile(
    r"\b(?:" + "|".join(sorted(RELATIVE_NOUNS | {"mother", "relative", "relatives"})) + r")\b",
    re.IGNORECASE,
)
_CONSENT: Final = re.compile(r"\b(?:informed|written) consent\b", re.IGNORECASE)
_DISCUSSION: Final = re.compile(
    r"\b(?:to (?:the best of )?our knowledge|has been reported|have been reported|"
    r"in the literature|previously (?:reported|described))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Coverage:
    """One CARE item: whether the text covers it, and the sentences (spans and text) that do."""

    item: CareItem
    covered: bool
    evidence: tuple[tuple[int, int, str], ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item.value,
            "asks": ASKS[self.item],
            "covered": self.covered,
            "evidence": [{"start": a, "end": b, "text": t} for a, b, t in self.evidence],
        }


@dataclass(frozen=True, slots=True)
class CareReport:
    items: tuple[Coverage, ...]

    @property
    def missing(self) -> tuple[CareItem, ...]:
        return tuple(c.item for c in self.items if not c.covered)

    def to_json(self) -> dict[str, Any]:
        return {
            "items": [c.to_json() for c in self.items],
            "covered": sum(c.covered for c in self.items),
            "missing": [m.value for m in self.missing],
        }


def care_report(analysis: Analysis) -> CareReport:
    """Which CARE items the analysed text covers, and where.

    >>> from rarecase.pipeline import analyze
    >>> analysis = analyze("A case report\\nA 7-year-old boy had seizures. Informed consent "
    ...     "was obtained.", kb=kb)
    >>> [item.value for item in care_report(analysis).missing][:3]
    ['timeline', 'diagnostic_assessment', 'therapeutic_intervention']
    """
    document = analysis.document
    text = document.text
    sentences = document.sentences or ((0, len(text)),)
    vocabulary = ActionVocabulary.bundled()
    found: dict[CareItem, list[tuple[int, int]]] = {item: [] for item in CareItem}

    def add(item: CareItem, offset: int) -> None:
        for start, end in sentences:
            if start <= offset < end and (start, end) not in found[item]:
                found[item].append((start, end))
                return

    title = document.title or text[: sentences[0][1]]
    if re.search(r"\bcase (?:report|study|presentation)\b", title, re.IGNORECASE):
        found[CareItem.TITLE].append((0, len(title)) if not document.title else sentences[0])
    facts = analysis.patient
    for fact in (facts.age, facts.sex):
        if fact is not None:
            add(CareItem.PATIENT_INFORMATION, fact.start)
    for fact in (facts.onset, facts.follow_up):
        if fact is not None:
            add(CareItem.TIMELINE, fact.start)
    if facts.follow_up is not None:
        add(CareItem.FOLLOW_UP_AND_OUTCOMES, facts.follow_up.start)
    for outcome in facts.outcomes:
        add(CareItem.FOLLOW_UP_AND_OUTCOMES, outcome.start)
    for mention in analysis.mentions:
        mine = (
            mention.subject is Subject.PATIENT
            and mention.status in (Status.PRESENT, Status.EXCLUDED)
            and not mention.nested
        )
        if not mine:
            continue
        if mention.kind is Kind.PHENOTYPE:
            add(CareItem.CLINICAL_FINDINGS, mention.start)
        elif mention.kind is Kind.ACTION and mention.status is Status.PRESENT:
            lineage = _ancestors(vocabulary, mention.id)
            if DIAGNOSTIC in lineage:
                add(CareItem.DIAGNOSTIC_ASSESSMENT, mention.start)
            if THERAPEUTIC in lineage or DIAGNOSTIC not in lineage:
                add(CareItem.THERAPEUTIC_INTERVENTION, mention.start)
    for pattern, item in (
        (_TIMELINE, CareItem.TIMELINE),
        (_PERSPECTIVE, CareItem.PATIENT_PERSPECTIVE),
        (_CONSENT, CareItem.INFORMED_CONSENT),
        (_DISCUSSION, CareItem.DISCUSSION),
    ):
        for match in pattern.finditer(text):
            add(item, match.start())
    for start, end in sentences:  # "underwent", "was treated with": the patient's, not kin's
        sentence = text[start:end]
        about_others = _RELATIVE.search(sentence) or CITED.search(sentence)
        if _THERAPY.search(sentence) and not about_others:
            add(CareItem.THERAPEUTIC_INTERVENTION, start)
    for section in document.sections:
        if section.kind == "discussion":
            add(CareItem.DISCUSSION, section.start)
    items = tuple(
        Coverage(item, bool(spans), tuple((a, b, text[a:b]) for a, b in sorted(spans)[:5]))
        for item, spans in found.items()
    )
    return CareReport(items)


def _ancestors(vocabulary: ActionVocabulary, ident: str) -> set[str]:
    seen: set[str] = set()
    stack = [ident]
    while stack:
        current = stack.pop()
        if current in seen or current not in vocabulary.actions:
            continue
        seen.add(current)
        stack.extend(vocabulary.actions[current].parents)
    return seen
