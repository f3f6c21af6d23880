"""Whose findings a sentence reports when it names nobody and only says "he" or "they".

The cue rules judge one sentence at a time, so in "Her younger brother had seizures. He also
developed ataxia." the second sentence holds no relative and its ataxia would be the patient's.
Case reports turn to a relative or to a published patient in short runs, and a pronoun at the
head of the next sentence nearly always continues the run. This module hands the subject on,
sentence by sentence, until a sentence names someone itself (the patient, a relative, a cited
patient, "the boy"), a line or a section ends, or the pronoun cannot be that person ("Her
brother had seizures. She had ataxia.": *she* is the patient).

Only the sentence after one that speaks of a relative or a cited patient, and opens with a
pronoun, is looked at closely: a text that never leaves its patient costs one pass over its
mentions and a regex match after each sentence without findings.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from rarecase.recognize.context import Category, Rules, SentenceContext
from rarecase.recognize.mention import Cue, Mention, Subject, with_subject
from rarecase.text.document import Document

_HE, _SHE, _THEY = "he", "she", "they"
_ANYONE: Final = frozenset({_HE, _SHE, _THEY})
_ONE: Final = frozenset({_HE, _SHE})

_PRONOUN: Final = {
    "he": _HE, "his": _HE, "him": _HE,
    "she": _SHE, "her": _SHE,
    "they": _THEY, "their": _THEY, "them": _THEY,
}  # fmt: skip

# Relatives by the pronoun that can stand for them; read from the words of a family cue.
_RELATIVES: Final = {
    **dict.fromkeys(
        "father brother son uncle nephew grandfather husband half-brother grandson stepfather"
        .split(), frozenset({_HE})
    ),
    **dict.fromkeys(
        "mother sister daughter aunt niece grandmother wife half-sister granddaughter stepmother"
        .split(), frozenset({_SHE})
    ),
    **dict.fromkeys("sibling parent cousin child twin relative spouse partner".split(), _ONE),
    **dict.fromkeys(
        "siblings parents cousins children twins relatives grandparents brothers sisters sons"
        " daughters members sibs".split(), frozenset({_THEY})
    ),
}  # fmt: skip
_RELATIVE_NAMES: Final = "|".join(sorted(map(re.escape, _RELATIVES), key=len, reverse=True))
_RELATIVE_WORD: Final = re.compile(rf"\b(?:{_RELATIVE_NAMES})\b", re.IGNORECASE)
# "no relative", "neither parent": nobody a pronoun could stand for
_NOBODY: Final = re.compile(r"(?:no|neither|nobody|none|no one)\b", re.IGNORECASE)
# "her mother and maternal grandfather had nosebleeds": two people, so "they"
_AND_ANOTHER: Final = re.compile(
    r"\s*(?:,|and|&)\s+(?:(?:his|her|their|the|a|an|maternal|paternal|older|younger)\s+)*"
    rf"(?:{_RELATIVE_NAMES})\b",
    re.IGNORECASE,
)
# "his parents and sister had …": the cue names only the sister, the pronoun stands for all
_ANOTHER_AND: Final = re.compile(
    rf"\b(?:{_RELATIVE_NAMES})\s*(?:,|and|&)\s+(?:(?:his|her|their|the|a|an|maternal|paternal"
    r"|older|younger)\s+)*$",
    re.IGNORECASE,
)

# The people a report about other patients speaks of ("Smith et al. described a 9-year-old boy").
_CITED: Final = {
    **dict.fromkeys("boy man male gentleman".split(), frozenset({_HE})),
    **dict.fromkeys("girl woman female lady".split(), frozenset({_SHE})),
    **dict.fromkeys(
        "patient case child infant neonate newborn toddler adolescent adult individual proband"
        .split(), _ONE
    ),
    **dict.fromkeys(
        "patients cases children infants individuals siblings sibs families kindreds family kindred"
        " sibship boys girls men women twins brothers sisters".split(), frozenset({_THEY})
    ),
}  # fmt: skip
_CITED_WORD: Final = re.compile(rf"\b(?:{'|'.join(_CITED)})\b", re.IGNORECASE)

# A sentence that goes on about the same person: "He …", "His MRI …", "Later, she …",
# "At 4 years of age, he …"; a comparison ("Similarly, he …", "Unlike her, he …") is no
# continuation: it turns back to the patient.
_OPENING: Final = re.compile(  # cased by hand, the lead possessive: tried on many sentences
    r"(?:(?:[Ll]ater|[Tt]hen|[Ss]ubsequently|[Aa]lso|[Aa]fterwards|[Tt]hereafter|[Ee]ventually"
    r"|[Nn]ow|[Cc]urrently|[Rr]ecently|[Mm]eanwhile|[Aa]dditionally|[Ff]urthermore|[Mm]oreover"
    r"|[Ii]n addition|[Ss]adly|[Uu]nfortunately),?\s+|[A-Za-z0-9][^,.;:()]{0,40}+,\s+)?"
    r"(?P<pronoun>[Hh]e|[Hh]is|[Hh]im|[Ss]he|[Hh]er|[Tt]hey|[Tt]heir|[Tt]hem)\b"
)
_COMPARISON: Final = re.compile(
    r"(?:similarly|likewise|in contrast|by contrast|conversely|unlike|like|as in|whereas"
    r"|however|in comparison|compared)\b",
    re.IGNORECASE,
)
# words every cue of a cited patient holds one of: a cheap test before a sentence's cues are found
_CITING: Final = (
    "et al", "colleagues", "workers", "coauthors", "report", "describ", "publish", "document",
    "literature", "prior", "earlier", "previous", "other",
)  # fmt: skip
# cues that name somebody: the patient, a relative, a cited patient
_NAMING: Final = frozenset({Category.PATIENT, Category.FAMILY, Category.OTHER_PATIENT})


@dataclass(frozen=True, slots=True)
class Antecedent:
    """A relative or cited patient a later pronoun may stand for."""

    subject: Subject
    cue: Cue  # the words that named them
    pronouns: frozenset[str]  # "he", "she", "they": which can stand for them


def carry_subjects(
    document: Document,
    sentences: Sequence[tuple[int, int]],
    mentions: list[Mention],
    contexts: dict[tuple[int, int], SentenceContext],
    rules: Rules,
) -> list[Mention]:
    """``mentions`` with the subject of a relative or cited patient handed on to the sentences
    that continue about them with a pronoun; each carried mention's cue is that pronoun."""
    text = document.text
    heads = [
        n
        for n in _heads(text, sentences, mentions, contexts)
        if n + 1 < len(sentences) and _OPENING.match(text, *sentences[n + 1])
    ]
    if not heads:  # nearly every abstract: no relative or cited patient before a pronoun
        return mentions
    by_sentence: dict[tuple[int, int], list[int]] = {}
    for i, mention in enumerate(mentions):
        by_sentence.setdefault(mention.sentence, []).append(i)
    result = list(mentions)

    def context_of(sentence: tuple[int, int]) -> SentenceContext:
        # a sentence without findings has no context yet: built only when a run may pass it
        context = contexts.get(sentence)
        return context if context is not None else SentenceContext(text, *sentence, rules)

    walked = -1  # the last sentence a run reached
    for n in heads:
        if n <= walked:
            continue
        head = sentences[n]
        found = [mentions[i] for i in by_sentence.get(head, ())]
        antecedent = find_antecedent(text, found, context_of(head))
        while antecedent is not None and n + 1 < len(sentences):
            sentence = sentences[n + 1]
            if not (
                _OPENING.match(text, *sentence) and _same_stretch(document, sentences[n], sentence)
            ):
                break
            pronoun = _continuation(text, sentence, context_of(sentence), antecedent)
            if pronoun is None:
                break
            cue = Cue(f"{pronoun.text} ({antecedent.cue.text})", pronoun.start, pronoun.end)
            for i in by_sentence.get(sentence, ()):
                result[i] = _carried(result[i], antecedent.subject, cue)
            n += 1
        walked = n
    return result


# "…, but she …": a turn in the sentence after which a pronoun may be somebody else
_TURN: Final = re.compile(r"\b(?:but|whereas|while|although|though|however)\b", re.IGNORECASE)


def turn_back(
    text: str, mentions: list[Mention], contexts: dict[tuple[int, int], SentenceContext]
) -> list[Mention]:
    """``mentions`` with the patient given back the findings that follow a turn and a pronoun
    that cannot be the relative or cited patient named before it: in "Her brother had seizures,
    but she had no ataxia" the ataxia is the patient's."""
    result = mentions
    for i, mention in enumerate(mentions):
        subject, cue = mention.subject, mention.subject_cue
        if cue is None or subject not in (Subject.FAMILY, Subject.OTHER_PATIENT):
            continue
        context = contexts.get(mention.sentence)
        if context is None:
            continue
        turn = _TURN.search(text, cue.end, mention.start)
        if turn is None:
            continue
        pronouns = (
            _relative_pronouns(text, cue)
            if subject is Subject.FAMILY
            else _cited_pronouns(text[context.start : context.end])
        )
        if not pronouns:
            continue
        for hit in context.hits:
            if not (turn.end() <= hit.start and hit.end <= mention.start):
                continue
            word = _PRONOUN.get(hit.text.lower())
            if hit.category is Category.PERSON and word is not None and word not in pronouns:
                if result is mentions:
                    result = list(mentions)
                result[i] = with_subject(mention, Subject.PATIENT, None)
                break
    return result


def _heads(
    text: str,
    sentences: Sequence[tuple[int, int]],
    mentions: list[Mention],
    contexts: dict[tuple[int, int], SentenceContext],
) -> list[int]:
    """The sentences (their places in ``sentences``, in order) a run may start from: those with
    a finding of a relative or a cited patient, and those without findings that cite somebody
    ("Smith et al. described a 9-year-old boy with the same variant. He had …")."""
    family, other = Subject.FAMILY, Subject.OTHER_PATIENT
    # identity, not set membership: an Enum's hash is Python code, and this runs on every text
    heads = {m.sentence for m in mentions if m.subject is family or m.subject is other}
    places = [bisect_left(sentences, head) for head in heads]
    if len(contexts) < len(sentences):  # some sentence has no finding
        last = len(sentences) - 1
        for n, sentence in enumerate(sentences):
            if (
                n < last
                and sentence not in contexts
                and _OPENING.match(text, *sentences[n + 1])
                and _cites(text[sentence[0] : sentence[1]].lower())
            ):
                places.append(n)
    return sorted(places)


def _cites(sentence: str) -> bool:
    return any(word in sentence for word in _CITING)


def _carried(mention: Mention, subject: Subject, cue: Cue) -> Mention:
    """A generic statement keeps its subject ("They typically have …"); the rest is handed on."""
    if mention.subject is Subject.GENERIC and mention.subject_cue is not None:
        return mention
    return with_subject(mention, subject, cue)


def _same_stretch(document: Document, previous: tuple[int, int], sentence: tuple[int, int]) -> bool:
    """Whether two neighbouring sentences run on in one paragraph of one section.

    Any line break between them ends the run: readers of structured formats put each paragraph
    on its own line, and in plain text a new line more often starts a new topic than not.
    """
    if "\n" in document.text[previous[1] : sentence[0]]:
        return False
    return document.section_at(previous[0]) == document.section_at(sentence[0])


def find_antecedent(
    text: str, mentions: Sequence[Mention], context: SentenceContext
) -> Antecedent | None:
    """The relative or cited patient a sentence ends on, if a pronoun could stand for them.

    The sentence must end on them: in "His brother had seizures, but he had no ataxia" the
    last finding is the patient's, and so is whatever the next "He" says. A relative must hold
    a finding ("The variant came from his father. He had …" is about the patient); a cited
    patient may be introduced without one.
    """
    subject, cue = _last_person(mentions, context)
    if subject is Subject.FAMILY and cue is not None:
        pronouns = _relative_pronouns(text, cue)
    elif subject is Subject.OTHER_PATIENT and cue is not None:
        pronouns = _cited_pronouns(text[context.start : context.end])
    else:
        return None
    if not pronouns:
        return None
    for hit in context.hits:  # the patient spoken of after them: "…, but our patient had none"
        if hit.start < cue.end:
            continue
        if hit.category is Category.PATIENT:
            return None
        word = _PRONOUN.get(hit.text.lower())
        if hit.category is Category.PERSON and word is not None and word not in pronouns:
            return None
    return Antecedent(subject, cue, pronouns)


def _last_person(
    mentions: Sequence[Mention], context: SentenceContext
) -> tuple[Subject | None, Cue | None]:
    """Whose the sentence's last finding is, and the cue that says so; with no finding, the
    last cue that names a cited patient."""
    if mentions:
        last = max(mentions, key=lambda m: m.start)
        return last.subject, last.subject_cue
    # "Smith et al. described two sisters …": the sisters are the cited patients, not relatives
    cited = [hit for hit in context.hits if hit.category is Category.OTHER_PATIENT]
    if cited:
        hit = cited[-1]
        return Subject.OTHER_PATIENT, Cue(hit.text, hit.start, hit.end)
    return None, None


def _relative_pronouns(text: str, cue: Cue) -> frozenset[str]:
    """Who can stand for the relatives a family cue names: none for "no relative" or "family
    history of", "they" for "her mother and maternal grandfather"."""
    if _NOBODY.match(cue.text):
        return frozenset()
    words = _RELATIVE_WORD.findall(cue.text)
    if not words:
        return frozenset()
    if _AND_ANOTHER.match(text, cue.end) or _ANOTHER_AND.search(
        text, max(0, cue.start - 40), cue.start
    ):
        return frozenset({_THEY})
    return _RELATIVES[words[-1].lower()]


def _cited_pronouns(sentence: str) -> frozenset[str]:
    """Who can stand for the people a sentence on published cases speaks of; a man or a woman
    named decides it, a boy and a girl together are "they".

    >>> sorted(_cited_pronouns("Smith et al. described a 9-year-old boy with the variant."))
    ['he']
    >>> sorted(_cited_pronouns("A boy and a girl with the variant were reported."))
    ['they']
    >>> sorted(_cited_pronouns("A patient reported by Chen et al. had it."))
    ['he', 'she']
    """
    found = {word.lower() for word in _CITED_WORD.findall(sentence)}
    if not found:
        return frozenset()
    kinds = [_CITED[word] for word in found]
    gendered = {pronoun for kind in kinds if len(kind) == 1 for pronoun in kind} - {_THEY}
    if len(gendered) == 1:
        return frozenset(gendered)
    if gendered:  # both
        return frozenset({_THEY})
    singular = any(kind == _ONE for kind in kinds)
    plural = any(kind == frozenset({_THEY}) for kind in kinds)
    if singular and plural:
        return _ANYONE
    return _ONE if singular else frozenset({_THEY})


def _continuation(
    text: str, sentence: tuple[int, int], context: SentenceContext, antecedent: Antecedent
) -> Cue | None:
    """The pronoun that opens a sentence going on about the antecedent, or None when the
    sentence is about someone else or names someone itself."""
    opening = _OPENING.match(text, sentence[0], sentence[1])
    if opening is None:
        return None
    if _COMPARISON.match(text, sentence[0], sentence[1]):
        return None
    word = opening.group("pronoun")
    if _PRONOUN[word.lower()] not in antecedent.pronouns:
        return None
    for hit in context.hits:
        if hit.category in _NAMING:
            return None
        if hit.category is Category.PERSON:
            lowered = hit.text.lower()
            if lowered.startswith("presented"):  # "He presented with …": still the same man
                continue
            pronoun = _PRONOUN.get(lowered)
            # "the boy", "a 5-year-old", "was referred": somebody named; "she" in a "he"
            # sentence: two people, and no telling which is whom
            if pronoun is None or pronoun not in antecedent.pronouns:
                return None
    return Cue(word, opening.start("pronoun"), opening.end("pronoun"))
