"""Section headings to the normalised ``Section.kind`` labels, shared by every reader.

Case reports name their parts in many ways ("Case presentation", "CASE REPORT", "Patient
concerns", "Lessons"); later stages only need to know which part is the patient's own story
(``case``) and which is background or discussion, where a phenotype is usually about other
patients. The mapping is by the heading's words, so it also serves PubMed labels, JATS
``<title>``s and BioC section types.
"""

from __future__ import annotations

import re
from typing import Final

KINDS: Final = (
    "title", "abstract", "background", "case", "methods", "results", "discussion", "conclusion",
    "other",
)  # fmt: skip

_BY_WORDS: Final[tuple[tuple[re.Pattern[str], str], ...]] = tuple(
    (re.compile(pattern, re.I), kind)
    for pattern, kind in (
        (r"^(?:abstract|summary)$", "abstract"),
        (r"\b(?:patients|subjects|materials) and methods\b", "methods"),
        (r"\bcase\b|\bpatients?\b|\bproband\b|\bclinical (?:presentation|report|history|"
         r"description|findings|course)\b|\bdiagnos[ie]s\b|\binterventions?\b|\boutcomes?\b"
         r"|\bconcerns\b|\bfamily\b|\bpedigree\b|\bobservations?\b", "case"),
        (r"\bbackground\b|\bintroduction\b|\bobjectives?\b|\baims?\b|\bpurpose\b|\brationale\b"
         r"|\bcontext\b|\bimportance\b", "background"),
        (r"\bmethods?\b|\bmaterials\b|\bdesign\b|\bsetting\b", "methods"),
        (r"\bresults?\b|\bfindings\b", "results"),
        (r"\bdiscussion\b|\bcomments?\b", "discussion"),
        (r"\bconclusions?\b|\blessons?\b|\btake-?away\b|\bsummary\b|\bimplications\b",
         "conclusion"),
    )
)  # fmt: skip

_NLM_CATEGORY: Final = {
    "BACKGROUND": "background",
    "OBJECTIVE": "background",
    "METHODS": "methods",
    "RESULTS": "results",
    "CONCLUSIONS": "conclusion",
}

_SEC_TYPE: Final = {
    "intro": "background", "introduction": "background", "background": "background",
    "cases": "case", "case": "case", "case-report": "case", "methods": "methods",
    "materials|methods": "methods", "materials": "methods", "results": "results",
    "discussion": "discussion", "conclusions": "conclusion", "conclusion": "conclusion",
    "results|discussion": "results",
}  # fmt: skip


def kind_for_heading(heading: str) -> str:
    """The section kind a heading names; ``other`` when it names none we know.

    >>> kind_for_heading("CASE PRESENTATION"), kind_for_heading("Conclusions:")
    ('case', 'conclusion')
    >>> kind_for_heading("Acknowledgements")
    'other'
    """
    words = heading.strip().strip(":.").replace("_", " ").strip()
    for pattern, kind in _BY_WORDS:
        if pattern.search(words):
            return kind
    return "other"


def kind_for_nlm(category: str, label: str) -> str:
    """PubMed's NlmCategory decides, except UNASSIGNED (and none), where the label does.

    >>> kind_for_nlm("UNASSIGNED", "CASE PRESENTATION"), kind_for_nlm("OBJECTIVE", "Aim")
    ('case', 'background')
    """
    return _NLM_CATEGORY.get(category.upper()) or kind_for_heading(label)


def kind_for_sec_type(sec_type: str, title: str) -> str:
    """JATS ``sec-type`` first, then the section title.

    >>> kind_for_sec_type("cases", ""), kind_for_sec_type("", "Case report")
    ('case', 'case')
    """
    return _SEC_TYPE.get(sec_type.strip().lower()) or kind_for_heading(title)
