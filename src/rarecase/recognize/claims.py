"""Cited evidence: the sentences of a case report that state a quantitative or causal claim about
the disease and cite a source for it ("recurrence in up to a third of patients [2]",
"incomplete resection is associated with recurrence [3, 4]").

A reader comparing cases wants these apart from the patient's story: the figure, its unit, the
outcome it is about, the population it holds for, and the reference behind it. A claim is a
sentence with a citation marker (numbered brackets, superscript digits, or an author-year
parenthesis) and either a number or a causal phrase. Markers are resolved to the reference list
when the source has one (a numbered list left out of the text as ``references``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Final

from rarecase.text.document import Document

_SUPERSCRIPTS: Final = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
# hyphen and en dash (both used in reference ranges), escaped for a character class
_DASHES: Final = r"\-\u2013"
_BRACKET: Final = re.compile(rf"\[(\d+(?:\s*[{_DASHES},]\s*\d+)*)\]")
_SUPER: Final = re.compile(rf"(?<=[a-z\.\),])([⁰¹²³⁴⁵⁶⁷⁸⁹]+(?:[,{_DASHES}][⁰¹²³⁴⁵⁶⁷⁸⁹]+)*)")
_AUTHOR_YEAR: Final = re.compile(
    r"\(((?:[A-Z][A-Za-z'-]+(?: et al\.?| and [A-Z][A-Za-z'-]+)?,? (?:19|20)\d\d[a-z]?)"
    r"(?:;\s*[A-Z][A-Za-z'-]+(?: et al\.?| and [A-Z][A-Za-z'-]+)?,? (?:19|20)\d\d[a-z]?)*)\)"
)
_NUMBER: Final = re.compile(
    r"(?P<text>(?:n\s*=\s*(?P<n>\d+))|(?P<value>\d+(?:\.\d+)?)\s*(?P<unit>%|percent|per cent|"
    r"patients|cases|months|years|weeks|days|mg|g/dl|mmol/l)?|"
    r"(?P<fraction>half|a third|one third|two thirds|a quarter|one quarter|three quarters))",
    re.IGNORECASE,
)
_FRACTIONS: Final = {
    "half": 50.0,
    "a third": 33.3,
    "one third": 33.3,
    "two thirds": 66.7,
    "a quarter": 25.0,
    "one quarter": 25.0,
    "three quarters": 75.0,
}
_CAUSAL: Final = re.compile(
    r"\b(?:is|are|was|were) (?:strongly |significantly |closely )?(?:associated|linked|"
    r"correlated) with|\b(?:leads?|led) to\b|\bcauses?\b|\bresults? in\b|\brisk of\b|"
    r"\bpredispos\w+|\bpredicts?\b|\bincreases? the (?:risk|rate|likelihood)\b",
    re.IGNORECASE,
)
_OUTCOMES: Final = (
    "recurrence",
    "relapse",
    "mortality",
    "death",
    "survival",
    "remission",
    "complication",
    "complications",
    "morbidity",
    "malignant transformation",
    "metastasis",
    "progression",
    "response",
    "resolution",
)
_POPULATION: Final = re.compile(
    r"\b(?:in|among|of) (?:(?:up to|about|nearly|over|almost) )?(?:[\w%-]+ )?"
    r"(?:of )?(?:the )?(?P<who>(?:patients|cases|children|adults|women|men|individuals)"
    r"(?: (?:with|without|who|on|undergoing|treated)[^,.;\[(]{0,60})?)",
    re.IGNORECASE,
)
_QUALIFIER: Final = re.compile(r"\b(?:with|without) [a-z][^,.;\[(]{2,50}", re.IGNORECASE)
_REFERENCE_LINE: Final = re.compile(r"^\s*\[?(\d{1,3})[\].)]?\s+(\S.*)$")


@dataclass(frozen=True, slots=True)
class Quantity:
    """A number stated in a claim: its value (a share in percent for "a third"), its unit."""

    text: str
    value: float
    unit: str

    def to_json(self) -> dict[str, Any]:
        return {"text": self.text, "value": self.value, "unit": self.unit}


@dataclass(frozen=True, slots=True)
class Marker:
    """A citation marker, the reference numbers it stands for and, when the source lists its
    references, their text."""

    text: str
    start: int
    end: int
    numbers: tuple[int, ...]
    references: tuple[str, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "numbers": list(self.numbers),
            "references": list(self.references),
        }


@dataclass(frozen=True, slots=True)
class Claim:
    """A cited claim: its sentence span and text, numbers, outcome, population, markers."""

    start: int
    end: int
    text: str
    quantities: tuple[Quantity, ...]
    causal: str
    outcome: str
    population: str
    markers: tuple[Marker, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "quantities": [q.to_json() for q in self.quantities],
            "causal": self.causal,
            "outcome": self.outcome,
            "population": self.population,
            "markers": [m.to_json() for m in self.markers],
        }


def claims(document: Document) -> list[Claim]:
    """The cited quantitative or causal claims of ``document``.

    >>> from rarecase.text import read_source
    >>> [doc] = read_source("She had a mass. Recurrence occurs in up to a third of patients "
    ...     "with metabolic abnormalities [2, 3].", name="d")
    >>> [claim] = claims(doc)
    >>> claim.outcome, claim.quantities[0].value, claim.population, claim.markers[0].numbers
    ('recurrence', 33.3, 'patients with metabolic abnormalities', (2, 3))
    """
    references = reference_list(document)
    text = document.text
    found: list[Claim] = []
    for start, end in document.sentences or ((0, len(text)),):
        sentence = text[start:end]
        markers = _markers(sentence, start, references)
        if not markers:
            continue
        plain = _strip_markers(sentence)
        quantities = _quantities(plain)
        causal = _CAUSAL.search(plain)
        if not quantities and causal is None:
            continue
        lower = plain.lower()
        outcome = next((o for o in _OUTCOMES if re.search(rf"\b{o}\b", lower)), "")
        population = ""
        match = _POPULATION.search(plain)
        if match is not None:
            population = " ".join(match.group("who").split())
        elif (qualifier := _QUALIFIER.search(plain)) is not None:
            population = " ".join(qualifier.group(0).split())
        found.append(
            Claim(
                start,
                end,
                sentence,
                tuple(quantities),
                causal.group(0) if causal else "",
                outcome,
                population,
                tuple(markers),
            )
        )
    return found


def reference_list(document: Document) -> dict[int, str]:
    """Numbered references of the source, from the reference list left out of the text: its
    own numbers ("1.", "[2]") when it has them, else its order (JATS lists one ``<ref>`` a
    line; PubMed XML gives its ReferenceList in order)."""
    found: dict[int, str] = {}
    listed = document.extra.get("references")  # PubMed XML: its ReferenceList, in order
    if isinstance(listed, tuple | list):
        found.update((number, str(line)) for number, line in enumerate(listed, 1))
    for removed in document.removed:
        if removed.reason != "references":
            continue
        lines = [line.strip() for line in removed.text.splitlines() if line.strip()]
        numbered = [m for m in map(_REFERENCE_LINE.match, lines) if m is not None]
        if numbered:
            for match in numbered:
                found.setdefault(int(match.group(1)), match.group(2).strip())
        else:  # a JATS <ref-list>: one reference a line, numbered in order
            heading = bool(lines) and lines[0].lower().rstrip(":") in ("references", "bibliography")
            for number, line in enumerate(lines[1:] if heading else lines, 1):
                found.setdefault(number, line)
    return found


def _numbers(spec: str) -> tuple[int, ...]:
    """ "2, 3", "2-5", "2-4, 7" (hyphens or en dashes) as reference numbers."""
    found: list[int] = []
    for part in re.split(r"\s*,\s*", spec.translate(_SUPERSCRIPTS)):
        bounds = re.split(rf"\s*[{_DASHES}]\s*", part)
        if len(bounds) == 2 and all(b.isdigit() for b in bounds):
            low, high = int(bounds[0]), int(bounds[1])
            if 0 < high - low < 50:
                found += range(low, high + 1)
                continue
        found += [int(b) for b in bounds if b.isdigit()]
    return tuple(dict.fromkeys(found))


def _markers(sentence: str, offset: int, references: dict[int, str]) -> list[Marker]:
    markers = []
    for pattern in (_BRACKET, _SUPER):
        for match in pattern.finditer(sentence):
            numbers = _numbers(match.group(1))
            markers.append(
                Marker(
                    match.group(0),
                    offset + match.start(),
                    offset + match.end(),
                    numbers,
                    tuple(references[n] for n in numbers if n in references),
                )
            )
    for match in _AUTHOR_YEAR.finditer(sentence):
        markers.append(Marker(match.group(0), offset + match.start(), offset + match.end(), ()))
    return sorted(markers, key=lambda m: m.start)


def _strip_markers(sentence: str) -> str:
    """The sentence without its markers, so their digits are not read as figures."""
    for pattern in (_BRACKET, _SUPER, _AUTHOR_YEAR):
        sentence = pattern.sub(" ", sentence)
    return sentence


def _quantities(sentence: str) -> list[Quantity]:
    found = []
    for match in _NUMBER.finditer(sentence):
        if match.group("n"):
            found.append(Quantity(match.group(0), float(match.group("n")), "n"))
        elif match.group("fraction"):
            fraction = match.group("fraction").lower()
            found.append(Quantity(match.group(0), _FRACTIONS[fraction], "%"))
        elif match.group("value"):
            unit = (match.group("unit") or "").lower()
            if not unit:
                continue  # a bare number ("type 2", "C1") is no figure
            unit = "%" if unit in ("%", "percent", "per cent") else unit
            found.append(Quantity(match.group(0).strip(), float(match.group("value")), unit))
    return found
