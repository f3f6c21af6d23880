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
from typing import Any, NamedTuple

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
    rule_at: dict[int, Rule]  # group number in ``combined`` -> its rule


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
        {combined.groupindex[f"r{n}"]: rule for n, rule in enumerate(rules)},
    )


@cache
def default_rules() -> Rules:
    text = (
        resources.files("rarecase.recognize").joinpath("data/context_rules.json").read_text("utf-8")
    )
    return parse_rules(json.loads(text))


class _Hit(NamedTuple):  # a tuple: built for every cue found, several per sentence
    category: Category
    direction: Direction
    start: int
    end: int
    text: str


class SentenceContext:
    """The cues of one sentence, ready to judge each mention in it."""

    def __init__(self, text: str, start: int, end: int, rules: Rules) -> None:
        self.start, self.end = start, end
        self.text = text
        self.rules = rules
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
        # each judgement asks for a few categories: sorted once here, in sentence order
        self._status_hits: list[_Hit] = []
        self._family: list[_Hit] = []
        self._other_patient: list[_Hit] = []
        self._generic: list[_Hit] = []
        self._person: list[_Hit] = []  # patient or person cues
        self._strong: list[_Hit] = []  # patient cues
        groups = {
            Category.NEGATION: (self._status_hits,),
            Category.UNCERTAINTY: (self._status_hits,),
            Category.FAMILY: (self._family,),
            Category.OTHER_PATIENT: (self._other_patient,),
            Category.GENERIC: (self._generic,),
            Category.PATIENT: (self._person, self._strong),
            Category.PERSON: (self._person,),
        }
        rule_at = rules.rule_at
        for m in found:
            rule = rule_at[m.lastindex or 0]
            if rule.category is not Category.PSEUDO:
                a, b = m.span()
                hit = _Hit(rule.category, rule.direction, start + a, start + b, sentence[a:b])
                self.hits.append(hit)
                for group in groups[rule.category]:
                    group.append(hit)
        # clause bounds and stops: found when a scoped cue first needs them (most never do)
        self._terminators: list[int] | None = None
        self._backward_stops: list[int] | None = None
        self._forward_stops: list[int] | None = None

    @property
    def terminators(self) -> list[int]:
        if self._terminators is None:
            # finditer's matches come in order and do not overlap: starts and ends are sorted
            self._terminators = [
                self.start + m.start()
                for m in self.rules.terminator.finditer(self.text[self.start : self.end])
            ]
        return self._terminators

    @property
    def backward_stops(self) -> list[int]:
        if self._backward_stops is None:
            stop = self.rules.backward_stop
            sentence = self.text[self.start : self.end]
            self._backward_stops = (
                [self.start + m.end() for m in stop.finditer(sentence)] if stop else []
            )
        return self._backward_stops

    @property
    def forward_stops(self) -> list[int]:
        if self._forward_stops is None:
            stop = self.rules.forward_stop
            sentence = self.text[self.start : self.end]
            self._forward_stops = (
                [self.start + m.start() for m in stop.finditer(sentence)] if stop else []
            )
        return self._forward_stops

    def _clause(self, position: int) -> tuple[int, int]:
        terminators = self.terminators
        i = bisect_left(terminators, position)
        left = terminators[i - 1] if i else self.start
        right = terminators[i] if i < len(terminators) else self.end
        return left, right

    def _governs(self, hit: _Hit, start: int, end: int) -> bool:
        direction = hit.direction
        if direction is Direction.SENTENCE:
            return True
        if direction is Direction.REST:  # from the cue to the end of the sentence, or its clause
            if hit.end <= start:
                return True
            left, right = self._clause(hit.start)
            return left <= start and end <= right
        if hit.start < end and start < hit.end:  # a cue overlapping the mention is part of it
            return False
        if direction is Direction.FORWARD:
            if not (hit.end <= start and start - hit.end <= _MAX_REACH):
                return False
            if any(hit.end <= stop < start for stop in self.forward_stops):
                return False
            return end <= self._clause(hit.end)[1]
        if direction is Direction.BACKWARD:
            if not (end <= hit.start and hit.start - end <= _MAX_REACH):
                return False
            if any(end <= stop <= hit.start for stop in self.backward_stops):
                return False
            return self._clause(hit.start)[0] <= start
        left, right = self._clause(hit.start)  # CLAUSE: either side, same clause
        return left <= start and end <= right

    def _nearest(self, hits: list[_Hit], start: int, end: int) -> _Hit | None:
        """The governing hit closest to the mention; of equally close ones, the first."""
        best = None
        best_distance = 0
        for hit in hits:  # one pass, no list: called for every mention and category
            if self._governs(hit, start, end):
                distance = min(abs(hit.end - start), abs(end - hit.start))
                if best is None or distance < best_distance:
                    best, best_distance = hit, distance
        return best

    def status(self, start: int, end: int) -> tuple[Status, Cue | None]:
        hit = self._nearest(self._status_hits, start, end)
        if hit is None:
            return Status.PRESENT, None
        status = Status.EXCLUDED if hit.category is Category.NEGATION else Status.UNCERTAIN
        return status, Cue(hit.text, hit.start, hit.end)

    def subject(self, start: int, end: int, default: Subject) -> tuple[Subject, Cue | None]:
        for hits, subject in (
            (self._family, Subject.FAMILY),
            (self._other_patient, Subject.OTHER_PATIENT),
        ):
            hit = self._nearest(hits, start, end)
            if hit is not None and subject is Subject.FAMILY and not self.relatives_count:
                # a title's "in two sisters", "in a boy and his father": the patient among them
                before = self.text[max(self.start, hit.start - 14) : hit.start].lower()
                if " in " in f" {before}" or " and " in f" {before}":
                    hit = None
            # "a previously reported girl had X, but our patient had no Y": the patient again
            if hit is not None and not any(
                hit.end <= p.start and p.end <= start for p in self._strong
            ):
                return subject, Cue(hit.text, hit.start, hit.end)
        # a patient or person cue cancels a generic one; with neither, the section decides
        if any(self._governs(hit, start, end) for hit in self._person):
            return Subject.PATIENT, None
        generic = self._nearest(self._generic, start, end)
        if generic is not None:
            return Subject.GENERIC, Cue(generic.text, generic.start, generic.end)
        return default, None
