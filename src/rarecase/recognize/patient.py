"""Facts about the patient a case report states in passing: age at presentation, sex, how long
the complaint had lasted, how long the patient was followed up, and how the course went
(recurrence or none, resolution, a complication, death), with its time when the sentence says.

Case reports say these in a few fixed shapes ("A 54-year-old woman presented with …", "at 5-year
follow-up", "over two years"), so patterns find them; the hard part is *whose* they are. An age
in "her 30-year-old brother" is a relative's, and one in "reported once before, in a 45-year-old
man on dialysis" is a cited patient's: an age is the patient's only when the noun it describes
is not a relative and its sentence does not cite another case. Every fact keeps the words it came
from, so a reader can check it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from rarecase.text.document import Document

NUMBER_WORDS: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70,
    "eighty": 80, "ninety": 90, "a": 1, "an": 1, "several": 0,
}  # fmt: skip
#: A count in digits or words ("12", "two", "twenty-one"), as the group ``n``.
NUMBER: Final = (
    r"(?P<n>\d{1,3}(?:\.\d)?|(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[- ](?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|"
    r"seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|"
    r"nineteen)"
)
#: A unit of time, as the group ``unit``.
UNIT: Final = r"(?P<unit>year|yr|month|mo|week|wk|day)s?"
_UNIT_CODE: Final = {"year": "Y", "yr": "Y", "month": "M", "mo": "M", "week": "W", "wk": "W",
                     "day": "D"}  # fmt: skip

FEMALE_NOUNS: Final = frozenset(
    {"woman", "female", "girl", "lady", "mother", "primigravida", "multigravida", "gravida"}
)
MALE_NOUNS: Final = frozenset({"man", "male", "boy", "gentleman"})
PERSON_NOUNS: Final = frozenset(
    {"patient", "child", "infant", "neonate", "newborn", "adolescent", "toddler", "individual",
     "subject", "case", "proband", "adult", "teenager", "baby"}
)  # fmt: skip
RELATIVE_NOUNS: Final = frozenset(
    {"brother", "sister", "son", "daughter", "sibling", "siblings", "cousin", "aunt", "uncle",
     "grandmother", "grandfather", "twin", "father", "husband", "wife", "niece", "nephew",
     "parent", "parents", "half-brother", "half-sister"}
)  # fmt: skip
# A sentence that cites another patient: its ages and sexes are not this patient's.
CITED: Final = re.compile(
    r"\b(?:reported|described|published|previous(?:ly)?|literature|prior (?:case|report)s?|"
    r"(?:has|have) been (?:seen|found)|et al)\b",
    re.IGNORECASE,
)
_AGE: Final = re.compile(
    rf"\b{NUMBER}[- ]{UNIT}[- ]old\b(?P<rest>(?:[- ][a-z]+){{0,3}})", re.IGNORECASE
)
_AGED: Final = re.compile(
    rf"\b(?:aged|at (?:the )?age of)\s+{NUMBER}(?:\s*{UNIT})?\b", re.IGNORECASE
)
_NOW: Final = re.compile(
    rf"\b(?:is|was) now\s+(?:aged\s+)?{NUMBER}(?:\s*{UNIT}(?:\s+old)?)?\b", re.IGNORECASE
)
# "at the age of 12 years, she developed …": an age at onset, not at presentation
_BEGAN: Final = re.compile(r"\b(?:develop|began|begin|start|notic|first|onset)", re.IGNORECASE)
_FOLLOW_UP: Final = (
    re.compile(rf"\b{NUMBER}[- ]{UNIT}[- ](?:of\s+)?follow[- ]?up\b", re.IGNORECASE),
    re.compile(
        rf"\bfollow[- ]?up\s+(?:period\s+)?of\s+(?:about\s+|nearly\s+|over\s+)?"
        rf"{NUMBER}\s+{UNIT}\b",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\bfollowed(?:[- ]up)?\s+(?:\w+\s+)?for\s+(?:about\s+|nearly\s+|over\s+)?{NUMBER}\s+"
        rf"{UNIT}\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\b(?:after|at)\s+{NUMBER}\s+{UNIT}\s+(?:of\s+)?follow[- ]?up\b", re.IGNORECASE),
)
_LONG_FOLLOW_UP: Final = re.compile(r"\blong[- ]term follow[- ]?up\b", re.IGNORECASE)
_ONSET_SINCE: Final = re.compile(
    r"\bsince (?P<when>birth|infancy|early childhood|childhood|adolescence|early adulthood)\b",
    re.IGNORECASE,
)
_ONSET_SPAN: Final = re.compile(
    rf"\b(?:over|for|during)\s+(?:the\s+(?:past|last|previous)\s+)?{NUMBER}\s+{UNIT}\b",
    re.IGNORECASE,
)
#: Onset phrases and the HPO onset class they name.
ONSET_CLASSES: Final = {
    "birth": ("HP:0003577", "Congenital onset"),
    "infancy": ("HP:0003593", "Infantile onset"),
    "early childhood": ("HP:0011463", "Childhood onset"),
    "childhood": ("HP:0011463", "Childhood onset"),
    "adolescence": ("HP:0003621", "Juvenile onset"),
    "early adulthood": ("HP:0011462", "Young adult onset"),
}
#: Words without which a sentence states no onset (a cheap test before the patterns).
_ONSET_WORDS: Final = ("since", "over", "for ", "during", "age", "develop", "began", "start",
                       "notic", "onset", "first")  # fmt: skip
_FEMALE_PRONOUNS: Final = re.compile(r"\b(?:she|her|hers|herself)\b", re.IGNORECASE)
_MALE_PRONOUNS: Final = re.compile(r"\b(?:he|his|him|himself)\b", re.IGNORECASE)
_SEX_NOUN: Final = re.compile(
    r"\b(?:a|an|the|this|our|one)\s+(?:(?:[a-z]+[- ]){0,3})"
    r"(?P<noun>woman|man|girl|boy|lady|gentleman|female|male)\b",
    re.IGNORECASE,
)


class OutcomeKind(StrEnum):
    """How the patient's course ended or stood at the last visit."""

    RECURRENCE = "recurrence"
    NO_RECURRENCE = "no_recurrence"
    RESOLUTION = "resolution"
    COMPLICATION = "complication"
    DEATH = "death"


# Most specific first: "no recurrence" before "recurrence", "without complications" is no
# complication at all (left out), "uneventful" says nothing beyond that.
_OUTCOMES: Final = (
    (OutcomeKind.NO_RECURRENCE, re.compile(
        r"\b(?:no|without(?: any)?|free of|no evidence of|no signs? of)\s+(?:local\s+)?"
        r"(?:recurrence|relapse|recurrent disease)\b|\brecurrence[- ]free\b|"
        r"\b(?:has|had|did) not recur(?:red)?\b", re.IGNORECASE)),
    (OutcomeKind.RECURRENCE, re.compile(
        r"\b(?:recurred|relapsed|recurrence|relapse)\b", re.IGNORECASE)),
    (OutcomeKind.DEATH, re.compile(r"\b(?:died|passed away|death)\b", re.IGNORECASE)),
    (OutcomeKind.COMPLICATION, re.compile(
        r"\b(?:was|were|is) complicated by\b|\bdeveloped (?:a |an )?(?:postoperative|"
        r"post-operative|surgical)\b|\bcomplications? (?:occurred|developed)\b", re.IGNORECASE)),
    (OutcomeKind.RESOLUTION, re.compile(
        r"\b(?:resolved|resolution of|complete(?:ly)? (?:remission|recovery|recovered)|"
        r"symptom[- ]free|asymptomatic|fully recovered)\b", re.IGNORECASE)),
)  # fmt: skip
# A sentence about patients in general or other cases, not this patient's course.
_GENERAL: Final = re.compile(
    r"\b(?:patients|cases|rates?|up to|incidence|risk|literature|reported|usually|often|"
    r"typically|may|can)\b|%|\[\d",
    re.IGNORECASE,
)
_WHEN: Final = (
    re.compile(rf"\b{NUMBER}[- ]{UNIT}[- ](?:of\s+)?follow[- ]?up\b", re.IGNORECASE),
    re.compile(rf"\b(?:after|at|within)\s+{NUMBER}\s+{UNIT}\b", re.IGNORECASE),
    re.compile(rf"\b{NUMBER}\s+{UNIT}\s+later\b", re.IGNORECASE),
    re.compile(rf"\bfor\s+(?:over\s+|nearly\s+|about\s+)?{NUMBER}\s+{UNIT}\b", re.IGNORECASE),
)


@dataclass(frozen=True, slots=True)
class Outcome:
    """An outcome of the patient's course, its words and, when the sentence says, its time
    (an ISO 8601 duration: after presentation, or at follow-up)."""

    kind: OutcomeKind
    text: str
    start: int
    end: int
    time: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "time": self.time,
        }


class SexValue(StrEnum):
    FEMALE = "FEMALE"
    MALE = "MALE"


@dataclass(frozen=True, slots=True)
class Fact:
    """A stated fact: its value, the words it was read from and their span."""

    value: str
    text: str
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"value": self.value, "text": self.text, "start": self.start, "end": self.end}


@dataclass(frozen=True, slots=True)
class PatientFacts:
    """What the text says about the patient. Ages and durations are ISO 8601 (``P54Y``,
    ``P18M``); an onset is an HPO onset class id or a duration before presentation; a follow-up
    stated without a length ("long-term follow-up") has the value ``long-term``."""

    age: Fact | None = None
    sex: Fact | None = None
    onset: Fact | None = None
    follow_up: Fact | None = None
    outcomes: tuple[Outcome, ...] = ()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            name: None if fact is None else fact.to_json()
            for name, fact in (
                ("age", self.age),
                ("sex", self.sex),
                ("onset", self.onset),
                ("follow_up", self.follow_up),
            )
        }
        data["outcomes"] = [o.to_json() for o in self.outcomes]
        return data

    @property
    def onset_age(self) -> str | None:
        """The age at onset, when the text gives it ("at the age of 12 years") or it follows
        from the age at presentation and how long the complaint had lasted ("a 54-year-old …
        over two years": P52Y); None for an onset class or when it cannot be told."""
        onset = self.onset
        if onset is None or onset.value.startswith("HP:"):
            return None
        if re.match(r"(?:at|aged)\b", onset.text, re.IGNORECASE):
            return onset.value
        if self.age is None:
            return None
        return subtract_durations(self.age.value, onset.value)

    @property
    def age_at_last_encounter(self) -> str | None:
        """Age at presentation plus the follow-up, when both are known in whole units."""
        if self.age is None:
            return None
        if self.follow_up is None or self.follow_up.value == "long-term":
            return self.age.value
        return add_durations(self.age.value, self.follow_up.value)


def patient_facts(document: Document) -> PatientFacts:
    """Age, sex, onset and follow-up of the patient of ``document``.

    >>> from rarecase.text import read_source
    >>> [doc] = read_source("Her 30-year-old brother is well. A 54-year-old woman presented "
    ...     "with neck pain over two years. At 5-year follow-up there was no recurrence.", name="d")
    >>> facts = patient_facts(doc)
    >>> facts.age.value, facts.sex.value, facts.onset.value, facts.follow_up.value
    ('P54Y', 'FEMALE', 'P2Y', 'P5Y')
    >>> facts.age_at_last_encounter
    'P59Y'
    """
    text = document.text
    sentences = document.sentences or ((0, len(text)),)
    age: Fact | None = None
    sex: Fact | None = None
    onset: Fact | None = None
    follow_up: Fact | None = None
    outcomes: list[Outcome] = []
    for start, end in sentences:
        sentence = text[start:end]
        lower = sentence.lower()  # cheap tests first: most sentences state none of these
        cited = bool(CITED.search(sentence))
        if age is None and not cited and ("old" in lower or "age" in lower or "now" in lower):
            age, noun_sex = _age_in(sentence, start)
            if age is not None and sex is None and noun_sex is not None:
                sex = noun_sex
        if sex is None and not cited and ("man" in lower or "male" in lower or "boy" in lower
                                          or "girl" in lower or "lady" in lower):  # fmt: skip
            sex = _sex_noun_in(sentence, start)
        if onset is None and not cited and any(w in lower for w in _ONSET_WORDS):
            onset = _onset_in(sentence, start)
        if follow_up is None and "follow" in lower:
            follow_up = _follow_up_in(sentence, start)
        if not cited:
            outcomes += _outcomes_in(sentence, start)
    if sex is None:
        sex = _sex_from_pronouns(text)
    return PatientFacts(age, sex, onset, follow_up, tuple(outcomes))


# ---------------------------------------------------------------------- the pieces
def _number(text: str) -> float | None:
    text = text.lower().replace("-", " ")
    try:
        return float(text)
    except ValueError:
        pass
    total = 0
    for word in text.split():
        if word not in NUMBER_WORDS:
            return None
        total += NUMBER_WORDS[word]
    return float(total) if total else None


def duration(number: str, unit: str | None) -> str | None:
    """The ISO 8601 duration of a count and unit as written ("two", "years": ``P2Y``); years
    when no unit is given."""
    value = _number(number)
    if value is None:
        return None
    code = _UNIT_CODE.get((unit or "year").lower().rstrip("s"), "Y")
    if value != int(value):  # "1.5 years": months are exact enough
        if code == "Y":
            return f"P{round(value * 12)}M"
        return None
    return f"P{int(value)}{code}"


def _age_in(sentence: str, offset: int) -> tuple[Fact | None, Fact | None]:
    """The patient's age in a sentence (and the sex of the noun it describes)."""
    for match in _AGE.finditer(sentence):
        words = [w.lower() for w in re.split(r"[- ]", match.group("rest")) if w]
        before = sentence[max(0, match.start() - 12) : match.start()].lower()
        if any(w in RELATIVE_NOUNS for w in words) or re.search(r"\b(?:his|her)\s*$", before):
            # "her 30-year-old brother"; "his 5-year-old" (a child of the patient)
            continue
        length = duration(match.group("n"), match.group("unit"))
        if length is None:
            continue
        # the words up to the noun the age describes ("54-year-old woman"), not beyond
        end = match.start("rest")
        nouns = FEMALE_NOUNS | MALE_NOUNS | PERSON_NOUNS
        rest = match.group("rest")
        for word in re.finditer(r"[a-z]+", rest, re.IGNORECASE):
            if word.group(0).lower() in nouns:
                end = match.start("rest") + word.end()
                break
        head = sentence[match.start() : end]
        age = Fact(length, head, offset + match.start(), offset + end)
        sex = None
        for w in words:
            value = _sex_of(w)
            if value is not None:
                sex = Fact(value, head, offset + match.start(), offset + end)
                break
        return age, sex
    for match in (*_AGED.finditer(sentence), *_NOW.finditer(sentence)):
        if match.re is _AGED and _BEGAN.search(sentence):
            continue  # an age at onset (see _onset_in)
        length = duration(match.group("n"), match.group("unit"))
        if length is not None:
            fact = Fact(length, match.group(0), offset + match.start(), offset + match.end())
            return fact, None
    return None, None


def _sex_of(word: str) -> str | None:
    if word in FEMALE_NOUNS - {"mother"}:
        return SexValue.FEMALE.value
    if word in MALE_NOUNS:
        return SexValue.MALE.value
    return None


def _sex_noun_in(sentence: str, offset: int) -> Fact | None:
    for match in _SEX_NOUN.finditer(sentence):
        value = _sex_of(match.group("noun").lower())
        if value is not None:
            return Fact(value, match.group(0), offset + match.start(), offset + match.end())
    return None


def _sex_from_pronouns(text: str) -> Fact | None:
    """Case reports speak of their patient as she or he: pronouns of one sex only, or a clear
    majority, decide."""
    female = list(_FEMALE_PRONOUNS.finditer(text))
    male = list(_MALE_PRONOUNS.finditer(text))
    for found, other, value in ((female, male, "FEMALE"), (male, female, "MALE")):
        if (found and not other) or (len(found) >= 2 and len(found) >= 3 * len(other)):
            first = found[0]
            return Fact(value, f"{first.group(0).lower()} ({len(found)} times)", first.start(),
                        first.end())  # fmt: skip
    return None


def _onset_in(sentence: str, offset: int) -> Fact | None:
    if _BEGAN.search(sentence):
        for aged in _AGED.finditer(sentence):
            length = duration(aged.group("n"), aged.group("unit"))
            if length is not None:  # an age at onset: the value is that age
                return Fact(length, aged.group(0), offset + aged.start(), offset + aged.end())
    match = _ONSET_SINCE.search(sentence)
    if match is not None:
        ident, _ = ONSET_CLASSES[match.group("when").lower()]
        return Fact(ident, match.group(0), offset + match.start(), offset + match.end())
    if not re.search(
        r"\b(?:present|complain|history|progressive|since|noticed|had|has|suffer)", sentence, re.I
    ):
        return None
    match = _ONSET_SPAN.search(sentence)
    if match is not None:
        length = duration(match.group("n"), match.group("unit"))
        if length is not None:
            return Fact(length, match.group(0), offset + match.start(), offset + match.end())
    return None


def _outcomes_in(sentence: str, offset: int) -> list[Outcome]:
    """The outcomes a sentence states of this patient (none from a statement about patients in
    general: "recurrence occurs in up to a third of patients [2]")."""
    if _GENERAL.search(sentence):
        return []
    found: list[Outcome] = []
    taken: list[tuple[int, int]] = []
    when = None
    for pattern in _WHEN:
        hit = pattern.search(sentence)
        if hit is not None:
            when = duration(hit.group("n"), hit.group("unit"))
            break
    for kind, pattern in _OUTCOMES:
        for match in pattern.finditer(sentence):
            if any(a < match.end() and match.start() < b for a, b in taken):
                continue  # "no recurrence" already read; its "recurrence" is not another
            taken.append((match.start(), match.end()))
            found.append(
                Outcome(kind, match.group(0), offset + match.start(), offset + match.end(), when)
            )
    return sorted(found, key=lambda o: o.start)


def _follow_up_in(sentence: str, offset: int) -> Fact | None:
    for pattern in _FOLLOW_UP:
        match = pattern.search(sentence)
        if match is not None:
            length = duration(match.group("n"), match.group("unit"))
            if length is not None:
                return Fact(length, match.group(0), offset + match.start(), offset + match.end())
    match = _LONG_FOLLOW_UP.search(sentence)
    if match is not None:
        return Fact("long-term", match.group(0), offset + match.start(), offset + match.end())
    return None


_PART: Final = re.compile(r"(\d+)([YMWD])")


def add_durations(first: str, second: str) -> str | None:
    """The sum of two ISO 8601 durations in years, months, weeks and days, normalised to years
    and months when only those occur.

    >>> add_durations("P54Y", "P5Y"), add_durations("P3Y", "P18M"), add_durations("P2Y", "P3W")
    ('P59Y', 'P4Y6M', 'P2Y3W')
    """
    total: dict[str, int] = {}
    for value in (first, second):
        if not value.startswith("P") or "T" in value:
            return None
        for number, unit in _PART.findall(value):
            total[unit] = total.get(unit, 0) + int(number)
    if set(total) <= {"Y", "M"}:
        months = total.get("Y", 0) * 12 + total.get("M", 0)
        years, months = divmod(months, 12)
        return (
            "P" + (f"{years}Y" if years else "") + (f"{months}M" if months else "")
            if (years or months)
            else "P0Y"
        )
    return "P" + "".join(f"{total[u]}{u}" for u in "YMWD" if total.get(u))


def subtract_durations(first: str, second: str) -> str | None:
    """``first`` less ``second``, for durations in years and months only; None when not
    defined (other units, or a negative result).

    >>> subtract_durations("P54Y", "P2Y"), subtract_durations("P3Y", "P6M")
    ('P52Y', 'P2Y6M')
    >>> subtract_durations("P1Y", "P2Y") is None
    True
    """
    months = []
    for value in (first, second):
        parts = dict((u, int(n)) for n, u in _PART.findall(value))
        if not value.startswith("P") or "T" in value or not set(parts) <= {"Y", "M"} or not parts:
            return None
        months.append(parts.get("Y", 0) * 12 + parts.get("M", 0))
    left = months[0] - months[1]
    if left < 0:
        return None
    years, rest = divmod(left, 12)
    return "P" + (f"{years}Y" if years else "") + (f"{rest}M" if rest else "") if left else "P0Y"
