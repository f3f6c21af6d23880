"""Where, on which side, when, and with what result: the details of an action done to the patient.

A phenopacket's procedure has a body site (UBERON) and a time performed, and its medical action
a response to treatment. Case reports state these around the action's words, in a few shapes:
the site after it ("resection of the mass at C1", "MRI of the cervical spine") or just before it
("left renal biopsy", "C1-C2 posterior fusion"); the side beside the site ("left", "bilateral");
the time as an age in the sentence ("at the age of 12 years"), as a distance from the
presentation ("two years later", "ten years earlier", "at 5-year follow-up"), or, for the
work-up and treatment of the presenting complaint, the age at presentation; the response in
the words that follow a therapy ("after which her symptoms resolved", "despite chemotherapy, the
disease progressed"). When the text names no site, the action's own name may ("nephrectomy" is
on the kidney): MAxO's definitions say which, and that site is given, marked implied.

Every detail keeps the words it was read from. Body sites come from the UBERON terms bundled in
MAxO (``data/body_sites.tsv.gz``, by scripts/make_body_sites.py) and a short table of the
adjectives clinicians use for them (``data/body_site_words.tsv``: "renal", "hepatic").
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Final

from rarecase.recognize.actions import ActionVocabulary
from rarecase.recognize.lexicon import Kind
from rarecase.recognize.mention import Mention, Status, Subject
from rarecase.recognize.patient import (
    NUMBER,
    UNIT,
    PatientFacts,
    add_durations,
    duration,
    subtract_durations,
)
from rarecase.text.document import Document

SITES: Final = "body_sites.tsv.gz"
WORDS: Final = "body_site_words.tsv"
DIAGNOSTIC: Final = "MAXO:0000003"  # diagnostic procedure: imaging and tests have no response
#: The HPO laterality modifiers (Right HP:0012834, Left HP:0012835, Bilateral HP:0012832).
LATERALITY: Final = {
    "left": ("HP:0012835", "Left"),
    "right": ("HP:0012834", "Right"),
    "bilateral": ("HP:0012832", "Bilateral"),
}
#: Responses to treatment, as phenopacket-store codes them (NCIt).
FAVORABLE: Final = ("NCIT:C123584", "Favorable Response")
UNFAVORABLE: Final = ("NCIT:C102561", "Unfavorable Response")

# Vertebral levels: C1-C7, T1-T12, L1-L5, S1-S5 ("C1-C2", "L4/L5", "T12-L1").
_LEVEL: Final = re.compile(
    r"\b(?P<a>[CTLS])(?P<an>\d{1,2})"
    r"(?:(?:\s*[-\u2013/]\s*|\s+to\s+)(?P<b>[CTLS])?(?P<bn>\d{1,2}))?\b"
    r"(?![-\u2013 ]?(?:weighted|w\b|hyper|hypo|signal|sequence|image))"
)
_LEVELS: Final = {"C": 7, "T": 12, "L": 5, "S": 5}
_VERTEBRA: Final = {
    "C": ("UBERON:0002413", "cervical vertebra"),
    "T": ("UBERON:0002347", "thoracic vertebra"),
    "L": ("UBERON:0002414", "lumbar vertebra"),
    "S": ("UBERON:0003690", "fused sacrum"),
}
_REGION: Final = {
    "C": ("UBERON:0006072", "cervical region of vertebral column"),
    "T": ("UBERON:0006073", "thoracic region of vertebral column"),
    "L": ("UBERON:0006074", "lumbar region of vertebral column"),
    "S": ("UBERON:0003690", "fused sacrum"),
}
_SPINE: Final = ("UBERON:0001130", "vertebral column")
_FIRST_LEVELS: Final = {
    "C1": ("UBERON:0001092", "vertebral bone 1"),
    "C2": ("UBERON:0001093", "vertebral bone 2"),
}
_WORD: Final = re.compile(r"[A-Za-z][A-Za-z'-]*")
# Where the words after an action stop being about it.
_CLAUSE_END: Final = re.compile(
    r"[.;:()\[\]]|,|\b(?:and|with|but|after|followed|which|because|where|due|while|then|"
    r"revealed|showed|demonstrated|confirmed|was|were)\b"
)
_CLAUSE_START: Final = re.compile(r"[.;:(),]|\b(?:and|but|then|after|which)\b")
_SIDE: Final = re.compile(r"\b(?P<side>left|right|bilateral)(?:ly)?(?:[- ]sided)?\b", re.IGNORECASE)
# Organ roots of operation names ("gastrostomy", "tracheostomy") whose MAxO definitions name
# no site: the organ the Greek or Latin root names (UBERON id, label as in body_sites.tsv.gz).
ORGAN_ROOTS: Final = {
    "gastr": ("UBERON:0000945", "stomach"),
    "trache": ("UBERON:0003126", "trachea"),
    "nephr": ("UBERON:0002113", "kidney"),
    "hepat": ("UBERON:0002107", "liver"),
    "splen": ("UBERON:0002106", "spleen"),
    "cholecyst": ("UBERON:0002110", "gallbladder"),
    "append": ("UBERON:0001154", "vermiform appendix"),
    "col": ("UBERON:0001155", "colon"),
    "thyroid": ("UBERON:0002046", "thyroid gland"),
    "thym": ("UBERON:0002370", "thymus"),
    "adrenal": ("UBERON:0002369", "adrenal gland"),
    "pneum": ("UBERON:0002048", "lung"),
}
_ROOTED: Final = re.compile(
    rf"^(?P<root>{'|'.join(sorted(ORGAN_ROOTS, key=len, reverse=True))})o?"
    r"(?:stomy|tomy|ectomy|scopy|plasty)$",
    re.IGNORECASE,
)
_SIDE_AFTER: Final = re.compile(
    r"\s+(?:of|from|on|to|in|at|over)\s+(?:the\s+|her\s+|his\s+)?(?P<side>left|right)\b",
    re.IGNORECASE,
)
# A verb form of the action ("the mass was resected"): its site is named before it.
_PASSIVE: Final = re.compile(r"(?:ed|en)$")
_AT_AGE: Final = (
    re.compile(
        rf"\b(?:(?:at|since) (?:the )?age (?:of )?|aged |when (?:she|he) was )\s*{NUMBER}"
        rf"(?:[- ]?{UNIT})?\b",
        re.IGNORECASE,
    ),
    re.compile(rf"\bat {NUMBER}[- ]{UNIT} of age\b", re.IGNORECASE),
)
_LATER: Final = re.compile(
    rf"\b{NUMBER}[- ]{UNIT}\s+(?:later|after (?:presentation|admission|diagnosis|the diagnosis|"
    rf"the first|initial))\b",
    re.IGNORECASE,
)
_EARLIER: Final = re.compile(
    rf"\b{NUMBER}[- ]{UNIT}\s+(?:earlier|ago|before(?: (?:presentation|admission))?|previously|"
    rf"prior)\b",
    re.IGNORECASE,
)
_FOLLOW_UP_AT: Final = (
    re.compile(rf"\b{NUMBER}[- ]{UNIT}[- ](?:of\s+)?follow[- ]?up\b", re.IGNORECASE),
    re.compile(rf"\bafter\s+{NUMBER}\s+{UNIT}\s+of\s+follow[- ]?up\b", re.IGNORECASE),
)
# An action of the past, at no stated time: its age is not the age at presentation.
_HISTORY: Final = re.compile(
    r"\b(?:had (?:previously |already )?(?:undergone|received|been treated)|previous(?:ly)?|"
    r"prior|history of|in (?:early )?childhood|as a child|in infancy|years? ago|in the past|"
    r"at birth|neonatal(?:ly)?|in the neonatal period)\b",
    re.IGNORECASE,
)
# Leftmost cue wins: "no improvement" is found at "no", before "improvement" could be.
_RESPONSE: Final = re.compile(
    r"(?P<bad>\bno (?:clinical |significant |further )?(?:improvement|response|benefit)\b|"
    r"\b(?:did not|failed to|does not|didn't) (?:improve|respond|resolve)|"
    r"\bwithout (?:any )?(?:improvement|response|benefit)\b|\bfailed\b|\bprogress(?:ed|ion)\b|"
    r"\bworsen(?:ed|ing)?\b|\bdeteriorat\w*|\brefractory\b|\bunsuccessful\b|\bdied\b|"
    r"\bpersist(?:ed|ent)\b|(?<!no )(?<!without )\brecurr(?:ed|ence)\b|\brelapsed?\b)"
    r"|(?P<good>\bno (?:local )?(?:recurrence|relapse)\b|\bwithout (?:any )?recurrence\b|"
    r"\b(?:recurrence|seizure|pain|disease|relapse|event)[- ]free\b|\bresol(?:ved|ution)\b|"
    r"\bimprov(?:ed|ement)\b|\breliev(?:ed)\b|"
    r"\brelief\b|\brecover(?:ed|y)\b|\bremission\b|\bdisappear(?:ed|ance)\b|"
    r"\bregress(?:ed|ion)\b|\basymptomatic\b|\bsymptom[- ]free\b|\bnormali[sz](?:ed|ation)\b|"
    r"\b(?:good|excellent|favou?rable|satisfactory|successful) (?:outcome|result|response|"
    r"recovery|clinical course)\b|\bresponded\b|\bsuccessfully\b|\bfree of (?:symptoms|disease)\b|"
    r"\buneventful(?:ly)?\b|\bremained (?:stable|well|asymptomatic|free)\b|\bfewer\b|"
    r"\b(?:marked|significant|dramatic|substantial) (?:reduction|decrease)\b|"
    r"\b(?:was|were) maintained\b|\bstabili[sz](?:ed|ation)\b|\b(?:is|was|remains) well\b)",
    re.IGNORECASE,
)
_BEFORE_RESPONSE: Final = re.compile(
    r"(?P<bad>\b(?:despite|in spite of|refractory to|resistant to|unresponsive to|failed|"
    r"(?:did not|failed to|didn't) respond to)\s+"
    r"(?:\w+\s+){0,3})$"
    r"|(?P<good>\b(?:responded (?:well |promptly |dramatically )?to|improved (?:\w+ )?"
    r"(?:with|after|following|on))\s+(?:\w+\s+){0,3})$",
    re.IGNORECASE,
)
# The next sentence speaks of the course after a treatment when it opens like this.
_AFTERWARDS: Final = re.compile(
    r"^\s*(?:post-?operatively|after|following|thereafter|subsequently|since then|her|his|she|he|"
    r"they|the "
    r"patient|symptoms|at \S+ follow|on follow|during follow|within)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Detail:
    """One stated detail: its value (an id, an ISO 8601 age, or a side), label and words."""

    value: str
    label: str
    text: str
    start: int
    end: int
    implied: bool = False  # the site of the action's own name, not stated apart

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.value,
            "label": self.label,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }
        if self.implied:
            data["implied"] = True
        return data


@dataclass(frozen=True, slots=True)
class ActionDetails:
    """What the text says about one action done to the patient; each None when it does not."""

    body_site: Detail | None = None
    laterality: Detail | None = None
    performed: Detail | None = None  # value: the patient's age, ISO 8601
    response: Detail | None = None

    def to_json(self) -> dict[str, Any]:
        performed = None
        if self.performed is not None:
            performed = {
                "age": self.performed.value,
                "text": self.performed.text,
                "start": self.performed.start,
                "end": self.performed.end,
            }
        return {
            "body_site": None if self.body_site is None else self.body_site.to_json(),
            "laterality": None if self.laterality is None else self.laterality.to_json(),
            "performed": performed,
            "response": None if self.response is None else self.response.to_json(),
        }


@dataclass(frozen=True, eq=False)
class BodySites:
    """Body-site names (lower case) to UBERON ids, and the sites MAxO actions imply.

    >>> sites = BodySites.bundled()
    >>> [(s.value, s.label) for s in sites.find("biopsy of the left kidney", 0)]
    [('UBERON:0002113', 'kidney')]
    """

    names: dict[str, tuple[str, str]]
    implied: dict[str, str]
    labels: dict[str, str]
    longest: int

    @classmethod
    @cache
    def bundled(cls) -> BodySites:
        """Read once per process (a few milliseconds), then shared."""
        folder = resources.files("rarecase.recognize").joinpath("data")
        text = gzip.decompress(folder.joinpath(SITES).read_bytes()).decode("utf-8")
        names: dict[str, tuple[str, str]] = {}
        implied: dict[str, str] = {}
        labels: dict[str, str] = {}
        for line in text.splitlines():
            if line.startswith("#"):
                continue
            row = line.split("\t")
            if row[0] == "implied":
                implied[row[1]] = row[2]
                continue
            _, ident, label, synonyms = row
            labels[ident] = label
            for name in synonyms.split("|"):
                # a term named by its label beats one that only has the name as a synonym
                if name not in names or name == label.lower():
                    names[name] = (ident, label)
        for line in folder.joinpath(WORDS).read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#") or line.startswith("word\t"):
                continue
            word, ident = line.split("\t")[:2]
            names[word.lower()] = (ident, labels.get(ident, word))
        longest = max(len(name.split()) for name in names)
        return cls(names, implied, labels, longest)

    def find(self, text: str, offset: int) -> list[Detail]:
        """The body sites named in ``text`` (which starts at ``offset`` in the document),
        longest name first at each place, left to right."""
        words = [(m.start(), m.end(), m.group(0).lower()) for m in _WORD.finditer(text)]
        found: list[Detail] = []
        i = 0
        while i < len(words):
            for k in range(min(self.longest, len(words) - i), 0, -1):
                start, end = words[i][0], words[i + k - 1][1]
                site = self.names.get(" ".join(w for _, _, w in words[i : i + k]))
                if site is not None and text[start:end].count(" ") == k - 1:
                    found.append(Detail(*site, text[start:end], offset + start, offset + end))
                    i += k
                    break
            else:
                i += 1
        for match in _LEVEL.finditer(text):
            level = _level_site(match)
            if level is not None:
                found.append(
                    Detail(*level, match.group(0), offset + match.start(), offset + match.end())
                )
        return sorted(found, key=lambda d: d.start)


def _level_site(match: re.Match[str]) -> tuple[str, str] | None:
    first, n = match.group("a"), int(match.group("an"))
    if not 1 <= n <= _LEVELS[first]:
        return None
    if match.group("bn") is None:
        return _FIRST_LEVELS.get(f"{first}{n}", _VERTEBRA[first])
    second, m = match.group("b") or first, int(match.group("bn"))
    if not 1 <= m <= _LEVELS[second]:
        return None
    return _REGION[first] if first == second else _SPINE


def action_details(
    document: Document,
    mentions: Sequence[Mention],
    patient: PatientFacts | None = None,
) -> dict[tuple[int, int], ActionDetails]:
    """The details of each action done to the patient (present, the patient's, not nested),
    by its span.

    >>> from rarecase.text import read_source
    >>> [doc] = read_source("A 54-year-old woman had a mass. She underwent resection of the "
    ...     "mass at C1, after which her neck pain resolved.", name="d")
    >>> start = doc.text.index("resection")
    >>> mention = Mention(start, start + 9, "resection", Kind.ACTION, ("MAXO:0000448",),
    ...     "surgical resection", Status.PRESENT, Subject.PATIENT, (32, len(doc.text)))
    >>> from rarecase.recognize.patient import patient_facts
    >>> found = action_details(doc, [mention], patient_facts(doc))[(start, start + 9)]
    >>> found.body_site.label, found.performed.value, found.response.label
    ('vertebral bone 1', 'P54Y', 'Favorable Response')
    """
    actions = [
        m
        for m in mentions
        if m.kind is Kind.ACTION
        and m.status is Status.PRESENT
        and m.subject is Subject.PATIENT
        and not m.nested
    ]
    if not actions:
        return {}
    sites = BodySites.bundled()
    vocabulary = ActionVocabulary.bundled()
    therapeutic = {m.start for m in actions if not _is_diagnostic(m.id, vocabulary)}
    spans = sorted((m.start, m.end) for m in actions)
    sentences = document.sentences or ((0, len(document.text)),)
    found: dict[tuple[int, int], ActionDetails] = {}
    for mention in actions:
        site = _site(document.text, mention, sites, spans)
        side = _side(document.text, mention, site)
        performed = _performed(document.text, mention, patient)
        response = None
        if mention.start in therapeutic:
            response = _response(document.text, mention, sentences, therapeutic)
        found[(mention.start, mention.end)] = ActionDetails(site, side, performed, response)
    return _merge_overlaps(found, actions)


def _merge_overlaps(
    found: dict[tuple[int, int], ActionDetails], actions: Sequence[Mention]
) -> dict[tuple[int, int], ActionDetails]:
    """Overlapping names of one action ("posterior fusion" and "fusion of C1-C2" in
    "posterior fusion of C1-C2") are one act: each gets what either says, a stated site
    before an implied one."""
    ordered = sorted(actions, key=lambda m: (m.start, m.end))
    groups: list[list[Mention]] = []
    for mention in ordered:
        last = groups[-1] if groups else None
        if last and mention.start < max(m.end for m in last) and mention.id == last[0].id:
            last.append(mention)
        else:
            groups.append([mention])
    for group in groups:
        if len(group) < 2:
            continue
        parts = [found[(m.start, m.end)] for m in group]
        stated = [p.body_site for p in parts if p.body_site and not p.body_site.implied]
        merged = ActionDetails(
            stated[0] if stated else next((p.body_site for p in parts if p.body_site), None),
            next((p.laterality for p in parts if p.laterality), None),
            next((p.performed for p in parts if p.performed), None),
            next((p.response for p in parts if p.response), None),
        )
        for mention in group:
            found[(mention.start, mention.end)] = merged
    return found


def _is_diagnostic(ident: str, vocabulary: ActionVocabulary) -> bool:
    seen: set[str] = set()
    todo = [ident]
    while todo:
        current = todo.pop()
        if current == DIAGNOSTIC:
            return True
        if current in seen or current not in vocabulary.actions:
            continue
        seen.add(current)
        todo.extend(vocabulary.actions[current].parents)
    return False


def _site(
    text: str, mention: Mention, sites: BodySites, spans: Iterable[tuple[int, int]]
) -> Detail | None:
    sentence_start, sentence_end = mention.sentence
    # after the action, to the end of its clause or the next action
    stop = min((s for s, _ in spans if s > mention.start), default=sentence_end)
    after = text[mention.end : min(stop, sentence_end, mention.end + 100)]
    cut = _CLAUSE_END.search(after, 1)
    if cut is not None and after[: cut.start()].strip():
        after = after[: cut.start()]
    # the site words themselves may hold a clause word ("C1-C2 and C3" is not a clause)
    found = sites.find(after, mention.end)
    if found and after.lstrip().lower().startswith(
        ("of", "on", "to", "in", "at", "from", "involving", "over", "along", "through", "via",
         "for", "into", "within", "under", "around", "the", "a ", "an ")
    ):  # fmt: skip
        return found[0]
    # in its own name: "fusion of C1-C2", "renal biopsy"
    found = sites.find(mention.text, mention.start)
    if found:
        return found[-1]
    # just before it: "left renal biopsy", "C1-C2 posterior fusion", "cervical MRI"
    before_start = max(sentence_start, mention.start - 40)
    before = text[before_start : mention.start]
    clause = [m.end() for m in _CLAUSE_START.finditer(before)]
    if clause:
        before_start += clause[-1]
        before = text[before_start : mention.start]
    found = sites.find(before, before_start)
    if found:
        nearest = found[-1]
        between = text[nearest.end : mention.start]
        if len(between.split()) <= 2 or _PASSIVE.search(mention.text.lower()):
            return nearest
    implied = sites.implied.get(mention.id)
    if implied is not None:
        return Detail(
            implied, sites.labels.get(implied, implied), mention.text, mention.start, mention.end,
            implied=True,
        )  # fmt: skip
    rooted = _ROOTED.match(mention.label or mention.text) or _ROOTED.match(mention.text)
    if rooted is not None:
        ident, label = ORGAN_ROOTS[rooted.group("root").lower()]
        return Detail(ident, label, mention.text, mention.start, mention.end, implied=True)
    return None


def _side(text: str, mention: Mention, site: Detail | None) -> Detail | None:
    """The side written nearest the site (when the text names one) or the action."""
    anchor = site if site is not None and not site.implied else None
    start = min(mention.start, anchor.start) if anchor else mention.start
    end = max(mention.end, anchor.end) if anchor else mention.end
    start = max(mention.sentence[0], start - 25)
    sides = list(_SIDE.finditer(text, start, end))
    inside = anchor is not None and mention.start <= anchor.start and anchor.end <= mention.end
    # "a muscle biopsy of the left quadriceps", "skin biopsy from the right forearm"
    if anchor is None or inside:
        after = _SIDE_AFTER.match(text, mention.end, min(mention.sentence[1], mention.end + 30))
        if after is not None:
            ident, label = LATERALITY[after.group("side").lower()]
            return Detail(ident, label, after.group("side"), after.start("side"), after.end("side"))
    if not sides:
        return None
    target = anchor.start if anchor else mention.start
    nearest = min(sides, key=lambda m: abs(target - m.end()))
    ident, label = LATERALITY[nearest.group("side").lower()]
    return Detail(ident, label, nearest.group(0), nearest.start(), nearest.end())


def _performed(text: str, mention: Mention, patient: PatientFacts | None) -> Detail | None:
    sentence_start, sentence_end = mention.sentence
    sentence = text[sentence_start:sentence_end]
    for pattern in _AT_AGE:
        at = pattern.search(sentence)
        if at is not None:
            age = duration(at.group("n"), at.group("unit"))
            if age is not None:
                return _time_detail(age, at, sentence_start)
    if patient is None or patient.age is None:
        return None
    # the patient's own age at presentation is in this sentence: that is the time
    presented = patient.age
    shifts = [(p, add_durations) for p in (*_FOLLOW_UP_AT, _LATER)]
    for pattern, shift in [*shifts, (_EARLIER, subtract_durations)]:
        match = pattern.search(sentence)
        if match is not None:
            delta = duration(match.group("n"), match.group("unit"))
            age = shift(presented.value, delta) if delta else None
            if age is not None:
                return _time_detail(age, match, sentence_start)
    if _HISTORY.search(sentence) or mention.sentence[1] <= presented.start:
        return None  # before the presentation, at no stated time
    return Detail(presented.value, "age at presentation", presented.text, presented.start,
                  presented.end)  # fmt: skip


def _time_detail(age: str, match: re.Match[str], offset: int) -> Detail:
    return Detail(age, "age", match.group(0), offset + match.start(), offset + match.end())


def _response(
    text: str,
    mention: Mention,
    sentences: Sequence[tuple[int, int]],
    therapeutic: set[int],
) -> Detail | None:
    sentence_start, sentence_end = mention.sentence
    window_start = max(sentence_start, mention.start - 60)
    before = _BEFORE_RESPONSE.search(text, window_start, mention.start)
    if before is not None:
        kind = FAVORABLE if before.group("good") else UNFAVORABLE
        words = before.group(0).rstrip()
        return Detail(*kind, words, before.start(), before.start() + len(words))
    # after it, to the next therapy in the sentence, then the next sentence when it speaks of
    # the course that followed
    # (not stopping at a later therapy of the sentence: "pneumonectomy followed by
    # radiotherapy, but the tumour recurred" is the outcome of both; leftmost cue wins, so
    # "X, which failed, then Y, which worked" still gives X its own)
    later = [s for s in therapeutic if s > mention.start]
    windows = [(mention.end, sentence_end)]
    following = next((s for s in sentences if s[0] >= sentence_end), None)
    if (
        following is not None
        and _AFTERWARDS.match(text[following[0] : following[1]])
        and not any(following[0] <= s < following[1] for s in later)
    ):
        windows.append(following)
    for start, end in windows:
        match = _RESPONSE.search(text, start, end)
        if match is not None:
            kind = FAVORABLE if match.group("good") else UNFAVORABLE
            return Detail(*kind, match.group(0), match.start(), match.end())
    return None
