"""Whether a finding holds, and whose it is: cue rules applied to each sentence.

In the spirit of NegEx/ConText: a cue phrase ("without", "her brother", "previously reported",
"is characterised by") governs the mentions in its scope — after it, before it, its clause, the
rest of its sentence, or the whole sentence — until a terminator ("but", "however", ";") ends
the scope. The rules are data (``data/context_rules.json``), checked when loaded. Each decision
keeps its cue, so a user can see why a finding was called excluded or assigned to a relative.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from rarecase.errors import KnowledgeError
from rarecase.recognize.mention import Cue, Status, Subject


class Category(StrEnum):
    PSEUDO = "pseudo"
    NEGATION = "negation"
    UNCERTAINTY = "uncertainty"
    FAMILY = "family"
    OTHER_PATIENT = "other_patient"
    GENERIC = "generic"
    PATIENT = "patient"
    PERSON = "person"


class Direction(StrEnum):
    FORWARD = "forward"
    BACKWARD = "backward"
    CLAUSE = "clause"
    REST = "rest"
    SENTENCE = "sentence"


_RULE_KEYS = frozenset({"category", "direction", "pattern"})
_TOP_KEYS = frozenset(
    {"version", "description", "terminators", "backward_stops", "forward_stops", "rules"}
)
# A forward or backward scope reaches at most this far (characters) from its cue.
_MAX_REACH = 160


@dataclass(frozen=True, slots=True)
class Rule:
    category: Category
    direction: Direction
    pattern: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class Rules:
    version: int
    rules: tuple[Rule, ...]
    terminator: re.Pattern[str]
    backward_stop: re.Pattern[str] | None
    forward_stop: re.Pattern[str] | None
    combined: re.Pattern[str]  # every rule in one pass; group rN is rule N
    # the same, case-sensitive, for lower-cased text: three times faster than IGNORECASE
    combined_lower: re.Pattern[str]


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE)
    except re.error as error:
        raise KnowledgeError(where, f"bad pattern {pattern!r}: {error}") from None


def parse_rules(data: dict[str, Any], where: str = "context_rules.json") -> Rules:
    """Validate and compile a rule document; unknown keys or values raise, naming the allowed."""
    unknown = set(data) - _TOP_KEYS
    if unknown:
        raise KnowledgeError(
            where, f"unknown keys {sorted(unknown)}", f"allowed: {sorted(_TOP_KEYS)}"
        )
    rules = []
    for n, raw in enumerate(data.get("rules", [])):
        spot = f"{where}: rules[{n}]"
        extra = set(raw) - _RULE_KEYS
        if extra or not set(raw) >= _RULE_KEYS:
            raise KnowledgeError(
                spot, f"keys must be exactly {sorted(_RULE_KEYS)}, found {sorted(raw)}"
            )
        try:
            category, direction = Category(raw["category"]), Direction(raw["direction"])
        except ValueError as error:
            raise KnowledgeError(
                spot,
                str(error),
                f"categories: {[c.value for c in Category]}, "
                f"directions: {[d.value for d in Direction]}",
            ) from None
        rules.append(Rule(category, direction, _compile(raw["pattern"], spot)))
    terms = "|".join(data.get("terminators", []))
    terminator = re.compile(rf"(?:(?<![\w-])(?:{terms})(?![\w-]))|[;:]", re.IGNORECASE)

    def optional(key: str) -> re.Pattern[str] | None:
        patterns = data.get(key, [])
        return re.compile("|".join(patterns), re.IGNORECASE) if patterns else None

    # One boundary check per position, then the rules in order, each as its own group.
    raw = "|".join(f"(?P<r{n}>{r['pattern']})" for n, r in enumerate(data.get("rules", [])))
    combined = re.compile(rf"(?<![\w-])(?:{raw})(?![\w-])", re.IGNORECASE)
    combined_lower = re.compile(rf"(?<![\w-])(?:{raw})(?![\w-])")
    return Rules(
        int(data.get("version", 0)),
        tuple(rules),
        terminator,
        optional("backward_stops"),
        optional("forward_stops"),
        combined,
        combined_lower,
    )


@cache
def default_rules() -> Rules:
    text = (
        resources.files("rarecase.recognize").joinpath("data/context_rules.json").read_text("utf-8")
    )
    return parse_rules(json.loads(text))


@dataclass(frozen=True, slots=True)
class _Hit:
    rule: Rule
    start: int
    end: int
    text: str


class SentenceContext:
    """The cues of one sentence, ready to judge each mention in it."""

    def __init__(self, text: str, start: int, end: int, rules: Rules) -> None:
        self.start, self.end = start, end
        self.text = text
        # whose a sentence's findings are when no cue says: set by the caller from the section
        self.default_subject = Subject.PATIENT
        self.relatives_count = True  # False in a title: its findings are the patient's
        sentence = text[start:end]
        # One pass over the sentence with every rule: at each place the first rule in file
        # order wins, so a pseudo-cue ("no increase in") hides the negation inside it.
        lowered = sentence.lower()
        if len(lowered) == len(sentence):  # offsets survive lower-casing (nearly always)
            found = rules.combined_lower.finditer(lowered)
        else:
            found = rules.combined.finditer(sentence)
        self.hits: list[_Hit] = []
        for m in found:
            rule = rules.rules[int(str(m.lastgroup)[1:])]
            if rule.category is not Category.PSEUDO:
                a, b = m.span()
                self.hits.append(_Hit(rule, start + a, start + b, sentence[a:b]))
        self.terminators = sorted(start + m.start() for m in rules.terminator.finditer(sentence))
        self.backward_stops = (
            sorted(start + m.end() for m in rules.backward_stop.finditer(sentence))
            if rules.backward_stop
            else []
        )
        self.forward_stops = (
            sorted(start + m.start() for m in rules.forward_stop.finditer(sentence))
            if rules.forward_stop
            else []
        )

    def _clause(self, position: int) -> tuple[int, int]:
        i = bisect_left(self.terminators, position)
        left = self.terminators[i - 1] if i else self.start
        right = self.terminators[i] if i < len(self.terminators) else self.end
        return left, right

    def _governs(self, hit: _Hit, start: int, end: int) -> bool:
        direction = hit.rule.direction
        if direction is Direction.SENTENCE:
            return True
        if direction is Direction.REST:  # from the cue to the end of the sentence, or its clause
            left, right = self._clause(hit.start)
            return hit.end <= start or (left <= start and end <= right)
        if hit.start < end and start < hit.end:  # a cue overlapping the mention is part of it
            return False
        if direction is Direction.FORWARD:
            left, right = self._clause(hit.end)
            if any(hit.end <= stop < start for stop in self.forward_stops):
                return False
            return hit.end <= start and end <= right and start - hit.end <= _MAX_REACH
        if direction is Direction.BACKWARD:
            left, right = self._clause(hit.start)
            if any(end <= stop <= hit.start for stop in self.backward_stops):
                return False
            return left <= start and end <= hit.start and hit.start - end <= _MAX_REACH
        left, right = self._clause(hit.start)  # CLAUSE: either side, same clause
        return left <= start and end <= right

    def _nearest(self, categories: tuple[Category, ...], start: int, end: int) -> _Hit | None:
        found = [
            h for h in self.hits if h.rule.category in categories and self._governs(h, start, end)
        ]
        if not found:
            return None
        return min(found, key=lambda h: min(abs(h.end - start), abs(end - h.start)))

    def status(self, start: int, end: int) -> tuple[Status, Cue | None]:
        hit = self._nearest((Category.NEGATION, Category.UNCERTAINTY), start, end)
        if hit is None:
            return Status.PRESENT, None
        status = Status.EXCLUDED if hit.rule.category is Category.NEGATION else Status.UNCERTAIN
        return status, Cue(hit.text, hit.start, hit.end)

    def subject(self, start: int, end: int, default: Subject) -> tuple[Subject, Cue | None]:
        strong = [h for h in self.hits if h.rule.category is Category.PATIENT]
        for category, subject in (
            (Category.FAMILY, Subject.FAMILY),
            (Category.OTHER_PATIENT, Subject.OTHER_PATIENT),
        ):
            hit = self._nearest((category,), start, end)
            if hit is not None and category is Category.FAMILY and not self.relatives_count:
                # a title's "in two sisters", "in a boy and his father": the patient among them
                before = self.text[max(self.start, hit.start - 14) : hit.start].lower()
                if " in " in f" {before}" or " and " in f" {before}":
                    hit = None
            # "a previously reported girl had X, but our patient had no Y": the patient again
            if hit is not None and not any(hit.end <= p.start and p.end <= start for p in strong):
                return subject, Cue(hit.text, hit.start, hit.end)
        generic = self._nearest((Category.GENERIC,), start, end)
        person = self._nearest((Category.PATIENT, Category.PERSON), start, end)
        if generic is not None and person is None:
            return Subject.GENERIC, Cue(generic.text, generic.start, generic.end)
        if person is None and default is not Subject.PATIENT:
            return default, None
        return Subject.PATIENT, None
