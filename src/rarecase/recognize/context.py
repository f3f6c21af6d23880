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
from collections.abc import Iterable
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
# Regex syntax as the cue finder reads it (``_cue_finders``): what is not one literal character,
# and what may follow a token as its quantifier.
_SPECIAL = frozenset(".^$*+?{}[]|()\\")
_QUANTIFIERS = frozenset("*+?{")
# A rule alternative multiplied out into more pieces than this is kept whole: more would bloat
# the finder rather than speed it.
_MAX_PIECES = 64
# A comment or a verbose group may hide a parenthesis: such a rule is copied whole.
_OPAQUE = re.compile(r"\(\?(?:#|[a-zA-Z-]*x)")


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
    # (at 0, after a separator): where some cue starts; None for rules it cannot read
    finders: tuple[re.Pattern[str], re.Pattern[str]] | None = None

    def scan(self, lowered: str) -> list[re.Match[str]]:
        """The matches of ``combined_lower.finditer(lowered)``, found three times faster.

        finditer tries every alternative of every rule, some 400, at each word start. The
        finders hold the same alternatives merged on their leading characters, so one pass
        rejects most words at their first letter or two and lists the places where some cue
        starts; only there does ``combined_lower`` run, to choose the first rule in file order
        as finditer would. A place inside the cue just found is skipped, as finditer skips it.

        >>> rules = default_rules()
        >>> [(rules.rule_at[m.lastindex or 0].category.value, m.group())
        ...  for m in rules.scan("no increase in pain. no fever, not only cough")]
        [('pseudo', 'no increase'), ('negation', 'no'), ('pseudo', 'not only')]
        """
        combined = self.combined_lower
        if self.finders is None:
            return list(combined.finditer(lowered))
        at_start, after = self.finders
        starts = [m.end() for m in after.finditer(lowered)]
        if at_start.match(lowered) is not None:
            starts.insert(0, 0)
        found: list[re.Match[str]] = []
        end = 0
        for start in starts:
            if start >= end:
                match = combined.match(lowered, start)
                if match is None or match.end() == start:
                    # not with these rules; an empty cue would need finditer's own rule for
                    # where to look next
                    return list(combined.finditer(lowered))
                found.append(match)
                end = match.end()
        return found


def _compile(pattern: str, where: str) -> re.Pattern[str]:
    try:
        return re.compile(rf"(?<![\w-])(?:{pattern})(?![\w-])", re.IGNORECASE)
    except re.error as error:
        raise KnowledgeError(where, f"bad pattern {pattern!r}: {error}") from None


def _token_end(pattern: str, i: int) -> int:
    """Where the token at ``i`` (an escape, a class, a group or one character) ends; -1 where it
    does not end, and the pattern is left as it is."""
    c = pattern[i]
    if c == "\\":
        return i + 2 if i + 1 < len(pattern) else -1
    if c == "[":
        j = i + 1
        if pattern.startswith("^", j):
            j += 1
        if pattern.startswith("]", j):  # a "]" first is a member
            j += 1
        while j < len(pattern) and pattern[j] != "]":
            j += 2 if pattern[j] == "\\" else 1
        return j + 1 if j < len(pattern) else -1
    if c == "(":
        depth, j = 0, i
        while j < len(pattern):
            if pattern[j] in "\\[":
                j = _token_end(pattern, j)
                if j < 0:
                    return -1
                continue
            depth += (pattern[j] == "(") - (pattern[j] == ")")
            j += 1
            if depth == 0:
                return j
        return -1
    return i + 1


def _alternatives(pattern: str) -> list[str] | None:
    """The top-level alternatives of ``pattern``; None if it cannot be read."""
    found, start, i = [], 0, 0
    while i < len(pattern):
        if pattern[i] == "|":
            found.append(pattern[start:i])
            start = i = i + 1
        elif pattern[i] == ")":
            return None
        else:
            i = _token_end(pattern, i)
            if i < 0:
                return None
    return [*found, pattern[start:]]


def _literal_head(piece: str) -> tuple[str, str] | None:
    """``(character, rest)`` if ``piece`` begins with one literal character, unquantified."""
    end = _token_end(piece, 0) if piece else -1
    if end < 0 or piece[end : end + 1] in _QUANTIFIERS:
        return None
    token = piece[:end]
    if len(token) == 1 and token not in _SPECIAL:
        return token, piece[1:]
    if len(token) == 2 and token[0] == "\\" and token[1].isascii() and not token[1].isalnum():
        return token[1], piece[2:]  # an escaped punctuation mark: "\\?"
    return None


def _expand(piece: str, depth: int = 8) -> list[str]:
    """Pieces matching, together, the same strings as ``piece`` at the same places, with its
    leading group or quantified token multiplied out so that most begin with a letter:
    ``(?:a|b)c`` gives ``ac``, ``bc``; ``x?y`` gives ``xy``, ``y``; ``x+y`` gives ``xx*y``.
    Which piece matches first may change, so the pieces only say whether some cue matches."""
    end = _token_end(piece, 0) if piece and depth else -1
    if end < 0 or piece[0] in "|)":
        return [piece]
    token, rest = piece[:end], piece[end:]
    quantifier = rest[:1]
    if quantifier == "{" or (rest[1:2] == "+" and quantifier in ("?", "*", "+")):
        return [piece]  # a counted repeat, or a possessive one (it never gives back)
    if quantifier in ("?", "*", "+"):
        rest = rest[2:] if rest[1:2] == "?" else rest[1:]  # lazy or greedy: the same strings
    else:
        quantifier = ""
    if token.startswith("("):
        inner = _alternatives(token[3:-1]) if token.startswith("(?:") else None
        if inner is None or quantifier in ("*", "+"):
            return [piece]
        heads = [a + rest for a in inner] + ([rest] if quantifier == "?" else [])
    elif quantifier == "?":
        heads = [token + rest, rest]
    elif quantifier:  # "x+" is "xx*"; "x*" is that or nothing
        heads = [f"{token}{token}*{rest}"] + ([rest] if quantifier == "*" else [])
    else:
        return [piece]
    pieces = [p for head in heads for p in _expand(head, depth - 1)]
    return pieces if len(pieces) <= _MAX_PIECES else [piece]


class _Trie(dict[str, "_Trie"]):
    """Pieces after a shared literal beginning: by next character, and the rests of those
    whose literal beginning ends here."""

    def __init__(self) -> None:
        super().__init__()
        self.rests: set[str] = set()

    def alternatives(self) -> list[str]:
        """Alternatives matching what the pieces match after the beginning, in an order of
        their own: the pieces only say whether some cue matches."""
        found = []
        for character, child in sorted(self.items()):
            below = child.alternatives()
            found.append(
                re.escape(character) + (below[0] if len(below) == 1 else f"(?:{'|'.join(below)})")
            )
        return found + sorted(self.rests)


def _trie(pieces: list[str]) -> str:
    """One pattern matching what any of ``pieces`` matches, their leading literal characters
    shared, so that the regex engine rejects most words at their first character or two (it
    tries an alternative that begins with a literal only where that literal is)."""
    root = _Trie()
    for piece in pieces:
        node = root
        while (head := _literal_head(piece)) is not None:
            character, piece = head
            node = node.setdefault(character, _Trie())
        node.rests.add(piece)
    return "|".join(root.alternatives())


def _cue_finders(patterns: list[str]) -> tuple[re.Pattern[str], re.Pattern[str]] | None:
    """Patterns finding where some rule matches: at 0, and after a character that is no word
    character or hyphen (the place is the match's end); found by one pass in C, whose search
    skips from separator to separator. None where the patterns cannot be read."""
    pieces = []
    for pattern in patterns:
        alternatives = None if _OPAQUE.search(pattern) else _alternatives(pattern)
        if alternatives is None:
            pieces.append(f"(?:{pattern})")
            continue
        for alternative in alternatives:
            pieces += _expand(alternative)
    body = _trie(pieces)
    try:
        return (
            re.compile(rf"(?:{body})(?![\w-])"),
            re.compile(rf"[^\w-](?=(?:{body})(?![\w-]))"),
        )
    except re.error:
        return None


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
    # with a group of their own, a rule's alternatives could not be copied into the finders
    readable = 0 < len(rules) == combined_lower.groups
    patterns = [r["pattern"] for r in data.get("rules", [])]
    return Rules(
        int(data.get("version", 0)),
        tuple(rules),
        terminator,
        optional("backward_stops"),
        optional("forward_stops"),
        combined,
        combined_lower,
        {combined.groupindex[f"r{n}"]: rule for n, rule in enumerate(rules)},
        _cue_finders(patterns) if readable else None,
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
        found: Iterable[re.Match[str]]
        if len(lowered) == len(sentence):  # offsets survive lower-casing (nearly always)
            found = rules.scan(lowered)
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
        rule_at = rules.rule_at
        for m in found:
            rule = rule_at[m.lastindex or 0]
            category = rule.category
            if category is Category.PSEUDO:
                continue
            a, b = m.span()
            hit = _Hit(category, rule.direction, start + a, start + b, sentence[a:b])
            self.hits.append(hit)
            # identity tests, not a dict by category: an Enum's hash runs Python code
            if category is Category.NEGATION or category is Category.UNCERTAINTY:
                self._status_hits.append(hit)
            elif category is Category.FAMILY:
                self._family.append(hit)
            elif category is Category.OTHER_PATIENT:
                self._other_patient.append(hit)
            elif category is Category.GENERIC:
                self._generic.append(hit)
            else:  # patient or person
                self._person.append(hit)
                if category is Category.PATIENT:
                    self._strong.append(hit)
        # clause bounds and stops: found when a scoped cue first needs them (most never do)
        self._terminators: list[int] | None = None
        self._backward_stops: list[int] | None = None
        self._forward_stops: list[int] | None = None

    @property
    def terminators(self) -> list[int]:
        if self._terminators is None:
            self._terminators = self._places(self.rules.terminator, at_end=False)
        return self._terminators

    @property
    def backward_stops(self) -> list[int]:
        if self._backward_stops is None:
            self._backward_stops = self._places(self.rules.backward_stop, at_end=True)
        return self._backward_stops

    @property
    def forward_stops(self) -> list[int]:
        if self._forward_stops is None:
            self._forward_stops = self._places(self.rules.forward_stop, at_end=False)
        return self._forward_stops

    def _places(self, pattern: re.Pattern[str] | None, *, at_end: bool) -> list[int]:
        """Where ``pattern`` matches in the sentence (each match's end or start): sorted, as
        finditer's matches come in order and do not overlap."""
        if pattern is None:
            return []
        sentence = self.text[self.start : self.end]
        return [self.start + (m.end() if at_end else m.start()) for m in pattern.finditer(sentence)]

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
        if not self._status_hits:  # most sentences: no negation or uncertainty cue at all
            return Status.PRESENT, None
        hit = self._nearest(self._status_hits, start, end)
        if hit is None:
            return Status.PRESENT, None
        status = Status.EXCLUDED if hit.category is Category.NEGATION else Status.UNCERTAIN
        return status, Cue(hit.text, hit.start, hit.end)

    def subject(self, start: int, end: int, default: Subject) -> tuple[Subject, Cue | None]:
        # each kind of cue is looked at only where the sentence has one: most have none
        if self._family:
            named = self._named(self._family, Subject.FAMILY, start, end)
            if named is not None:
                return named
        if self._other_patient:
            named = self._named(self._other_patient, Subject.OTHER_PATIENT, start, end)
            if named is not None:
                return named
        # a patient or person cue cancels a generic one; with neither, the section decides. In
        # a section about the disease (Discussion), it speaks only for its own clause: in "X,
        # which causes nystagmus, was excluded because our patient had normal hearing" the
        # nystagmus is X's
        if self._person:
            clause = None if default is Subject.PATIENT else self._clause(start)
            for hit in self._person:
                if self._governs(hit, start, end) and (
                    clause is None or self._clause(hit.start) == clause
                ):
                    return Subject.PATIENT, None
        if self._generic:
            generic = self._nearest(self._generic, start, end)
            if generic is not None:
                return Subject.GENERIC, Cue(generic.text, generic.start, generic.end)
        return default, None

    def _named(
        self, hits: list[_Hit], subject: Subject, start: int, end: int
    ) -> tuple[Subject, Cue] | None:
        """The relative (``hits`` are family cues) or cited patient (other-patient cues) whose
        finding the mention is, if one governs it."""
        hit = self._nearest(hits, start, end)
        if hit is None:
            return None
        if subject is Subject.FAMILY and not self.relatives_count:
            # a title's "in two sisters", "in a boy and his father": the patient among them
            before = self.text[max(self.start, hit.start - 14) : hit.start].lower()
            if " in " in f" {before}" or " and " in f" {before}":
                return None
        # "a previously reported girl had X, but our patient had no Y": the patient again
        if any(hit.end <= p.start and p.end <= start for p in self._strong):
            return None
        return subject, Cue(hit.text, hit.start, hit.end)
