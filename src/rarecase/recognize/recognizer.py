"""From a Document to its mentions: names matched, abbreviations resolved, context judged.

A :class:`Recognizer` holds what is expensive to build (the lexicon, the compiled rules) and is
built once per knowledge base; :meth:`Recognizer.annotate` is then a pure function of the
document.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.recognize.actions import ActionVocabulary
from rarecase.recognize.context import Rules, SentenceContext, default_rules
from rarecase.recognize.discourse import carry_subjects, turn_back
from rarecase.recognize.lexicon import Entry, Kind, Lexicon
from rarecase.recognize.matcher import Match, match_sentence
from rarecase.recognize.mention import (
    Cue,
    Mention,
    Status,
    Subject,
    as_nested,
    make_mention,
    with_subject,
)
from rarecase.recognize.normalize import STOPWORDS, TOKEN
from rarecase.text.document import Document
from rarecase.text.sentences import split_sentences

# "long form (SF)": an abbreviation defined right after the words it stands for.
_DEFINITION = re.compile(r"\(\s*([A-Z][A-Za-z0-9-]{1,9}?)s?\s*[),;]")
# Negation cues that speak of a result, not of whether an action was done.
_RESULT_WORDS = re.compile(
    r"normal|unremarkable|negative|no evidence|did not (?:show|reveal)", re.I
)
_DEFAULT_SUBJECT = {
    "background": Subject.GENERIC,
    "discussion": Subject.GENERIC,
    "conclusion": Subject.GENERIC,
}


class Recognizer:
    """Phenotype and disease recognition with context, for one knowledge base.

    >>> from rarecase.text import read_source
    >>> recognizer = Recognizer(kb)
    >>> [doc] = read_source("Her brother had seizures. She had no ataxia.", name="note")
    >>> [(m.text, m.status.value, m.subject.value) for m in recognizer.annotate(doc)]
    [('seizures', 'present', 'family'), ('ataxia', 'excluded', 'patient')]
    """

    def __init__(
        self,
        kb: KnowledgeBase,
        *,
        lexicon: Lexicon | None = None,
        rules: Rules | None = None,
        actions: bool = True,
    ) -> None:
        self.kb = kb
        self.lexicon = lexicon if lexicon is not None else Lexicon.load(kb)
        # medical actions (MAxO), in the lexicon beside findings; ``actions=False`` leaves
        # their mentions out. See rarecase.recognize.actions.
        self.actions = ActionVocabulary.bundled()
        self.with_actions = actions
        self.rules = rules if rules is not None else default_rules()
        self._labels: dict[str, str] = {}
        self._term_names: dict[str, list[str]] = {}  # see _names

    def _names(self, term: str) -> list[str]:
        """A term's label and synonyms (for telling apart terms that match the same words)."""
        found = self._term_names.get(term)
        if found is None:
            index = self.kb.index(term)
            found = [self.kb.label(index), *(text for text, _, _ in self.kb.synonyms(index))]
            self._term_names[term] = found
        return found

    def annotate(self, document: Document) -> list[Mention]:
        text = document.text
        sentences = document.sentences or tuple(split_sentences(text))
        matches: list[tuple[Match, tuple[int, int]]] = []
        for start, end in sentences:
            matches += [(m, (start, end)) for m in match_sentence(text, start, end, self.lexicon)]
        extra, definitions = self._abbreviations(text, matches, sentences)
        # the short form in "long form (SF)" belongs to the long form's mention
        matches = [(m, s) for m, s in matches if m.start not in definitions] + extra
        contexts: dict[tuple[int, int], SentenceContext] = {}
        mentions = []
        seen: set[tuple[int, int, str]] = set()
        for match, sentence in matches:
            for kind, concepts, name in _readings(match, text, self._names):
                # the first reading of a span and id is the one kept: judge no later copy
                key = (match.start, match.end, concepts[0])
                if key not in seen:
                    seen.add(key)
                    mentions.append(
                        self._mention(document, match, sentence, contexts, kind, concepts, name)
                    )
        # "Her brother had seizures. He also had ataxia.": the ataxia is the brother's too
        mentions = turn_back(document.text, mentions, contexts)
        mentions = carry_subjects(document, sentences, mentions, contexts, self.rules)
        found = _mark_nested(_inside_disease_names(_dedupe(mentions)), self.kb)
        found = _technique_words(document.text, found)
        if not self.with_actions:
            return [m for m in found if m.kind is not Kind.ACTION]
        return found

    # -- abbreviations ------------------------------------------------------------------
    def _abbreviations(
        self,
        text: str,
        matches: list[tuple[Match, tuple[int, int]]],
        sentences: Iterable[tuple[int, int]],
    ) -> tuple[list[tuple[Match, tuple[int, int]]], set[int]]:
        """Uses of an abbreviation the text defines: "Townes-Brocks syndrome (TBS)" … "TBS",
        and the positions of the definitions themselves."""
        ends: dict[int, list[Match]] | None = None  # built at the first "(": most texts have none
        defined: dict[str, tuple[Entry, ...]] = {}
        definitions: set[int] = set()
        for found in _DEFINITION.finditer(text):
            if ends is None:
                ends = {}
                for match, _ in matches:
                    if match.how == "name":
                        ends.setdefault(match.end, []).append(match)
            # where text[: found.start()].rstrip() would end, without copying the whole prefix
            before = found.start()
            while before and text[before - 1].isspace():
                before -= 1
            candidates = ends.get(before, [])
            if candidates:
                longest = min(candidates, key=lambda m: m.start)
                short = found.group(1)
                if _initials_fit(short, text[longest.start : longest.end]):
                    defined[short] = longest.entries
                    definitions.add(found.start(1))
        if not defined:
            return [], definitions
        # a use is the short form as a whole word, or its plural ("A-T", "VSDs")
        uses = re.compile(
            r"(?<![\w-])("
            + "|".join(re.escape(short) for short in sorted(defined, key=len, reverse=True))
            + r")s?(?![\w-])"
        )
        extra: list[tuple[Match, tuple[int, int]]] = []
        for start, end in sentences:
            for use in uses.finditer(text, start, end):
                if use.start() not in definitions:
                    match = Match(use.start(), use.end(), defined[use.group(1)], "abbreviation")
                    extra.append((match, (start, end)))
        return extra, definitions

    # -- one mention ------------------------------------------------------------------------
    def _mention(
        self,
        document: Document,
        match: Match,
        sentence: tuple[int, int],
        contexts: dict[tuple[int, int], SentenceContext],
        kind: Kind,
        concepts: tuple[str, ...],
        name: str,
    ) -> Mention:
        label = self._labels.get(concepts[0]) if len(concepts) == 1 else name
        if label is None:
            if kind is Kind.PHENOTYPE:
                label = self.kb.label(concepts[0])
            elif kind is Kind.ACTION:
                label = self.actions.label(concepts[0])
            else:
                label = _readable(self.kb.disease(concepts[0]).name)
            self._labels[concepts[0]] = label
        context = contexts.get(sentence)
        if context is None:
            context = contexts[sentence] = SentenceContext(document.text, *sentence, self.rules)
            section = document.section_at(sentence[0])
            context.default_subject = (
                _DEFAULT_SUBJECT.get(section.kind, Subject.PATIENT) if section else Subject.PATIENT
            )
            # "… in two sisters", "… in a boy and his father": a title names the patient first
            context.relatives_count = section is None or section.kind != "title"
        if match.how == "normal":
            # "normal hearing" or "renal function was normal": the word "normal" is the cue
            status: Status = Status.EXCLUDED
            words = document.text[match.start : match.end]
            leading = words.lower().startswith("normal")
            cue = words.split(None, 1)[0] if leading else words.split()[-1]
            begin = match.start if leading else match.end - len(cue)
            status_cue: Cue | None = Cue(cue, begin, begin + len(cue))
        else:
            status, status_cue = context.status(match.start, match.end)
            if (
                kind is Kind.ACTION
                and status_cue is not None
                and _RESULT_WORDS.search(status_cue.text)
            ):
                # "the MRI was normal": the action was done; its result is what was normal
                status, status_cue = Status.PRESENT, None
        subject, subject_cue = context.subject(match.start, match.end, context.default_subject)
        return make_mention(
            match.start,
            match.end,
            document.text[match.start : match.end],
            kind,
            concepts,
            label,
            status,
            subject,
            sentence,
            status_cue,
            subject_cue,
            False,
            match.how,
        )


def _readable(name: str) -> str:
    """Some OMIM titles are in capitals ("OSTEOPOROSIS"); show them in sentence case."""
    return name.capitalize() if name.isupper() else name


def _readings(
    match: Match, text: str, names: Callable[[str], list[str]]
) -> list[tuple[Kind, tuple[str, ...], str]]:
    """What a matched name stands for: its best phenotype, and its disease(s), kept apart.

    Equally good disease names are pooled ("Waardenburg syndrome type 1" is both an OMIM and an
    Orphanet entry), OMIM first.
    """
    entries = match.entries
    if len(entries) == 1 and entries[0].kind is Kind.PHENOTYPE:  # most matches: one term name
        return [(Kind.PHENOTYPE, entries[0].concepts, entries[0].name)]
    readings: list[tuple[Kind, tuple[str, ...], str]] = []
    phenotype = None
    diseases = []
    action = None
    rivals = False
    for entry in entries:  # one pass: called for every match
        if entry.kind is Kind.PHENOTYPE:
            if phenotype is None:
                phenotype = entry
            elif entry.concepts != phenotype.concepts:
                rivals = True
        elif entry.kind is Kind.DISEASE:
            diseases.append(entry)
        elif match.how != "normal" and (action is None or entry.rank < action.rank):
            action = entry  # "normal X" negates findings, not what was done
    if rivals and phenotype is not None and match.how != "normal":
        phenotype = _closest_wording(text[match.start : match.end], phenotype, entries, names)
    if phenotype is not None:
        readings.append((Kind.PHENOTYPE, phenotype.concepts, phenotype.name))
    if diseases:
        best = min(e.rank for e in diseases)
        pooled = dict.fromkeys(c for e in diseases if e.rank == best for c in e.concepts)
        ordered = sorted(pooled, key=lambda c: (not c.startswith("OMIM:"), c))
        name = next(e.name for e in diseases if e.rank == best)
        readings.append((Kind.DISEASE, tuple(ordered), name))
    if action is not None:
        readings.append((Kind.ACTION, action.concepts, action.name))
    return readings


def _closest_wording(
    written: str, first: Entry, entries: tuple[Entry, ...], names: Callable[[str], list[str]]
) -> Entry:
    """Of terms whose names match the same stems, the one with a name (label or synonym) worded
    as the text is: stems join "malformation" with "abnormality", but "malformations of the
    kidney" is the synonym "Kidney malformation" (Abnormal renal morphology), not the label
    "Abnormality of the kidney". Ties go to the better-ranked name (entries come best first)."""
    words = _word_starts(written)
    phenotypes = [e for e in entries if e.kind is Kind.PHENOTYPE and e.rank <= _HPO_OWN_NAME]
    if len(phenotypes) < 2 or phenotypes[0] is not first:
        return first  # a name of our tables, chosen on purpose, stays
    return max(
        phenotypes,
        key=lambda e: max(len(words & _word_starts(name)) for name in names(e.concepts[0])),
    )


_HPO_OWN_NAME = 1  # ranks of HPO's labels and exact synonyms


def _word_starts(phrase: str) -> set[str]:
    """The first letters of each content word: enough to tell a plural from another word."""
    return {w[:5] for w in TOKEN.findall(phrase.lower()) if w not in STOPWORDS}


def _initials_fit(short: str, long: str) -> bool:
    """Loose check that ``short`` abbreviates ``long``: its letters appear in order in ``long``
    from the first one, or they are the initials of ``long``'s words in another order (the
    Latin "dystrophia myotonica" gives "myotonic dystrophy (DM)")."""
    letters = [c.lower() for c in short if c.isalpha()]
    text = long.lower()
    if not letters:
        return False
    initials = sorted(word[0] for word in TOKEN.findall(text))
    if len(letters) >= 2 and sorted(letters) == initials:
        return True
    position = 0
    for letter in letters:
        position = text.find(letter, position)
        if position < 0:
            return False
        position += 1
    return text[0] == letters[0]


def _dedupe(mentions: list[Mention]) -> list[Mention]:
    best: dict[tuple[int, int, str], Mention] = {}
    for mention in mentions:
        key = (mention.start, mention.end, mention.id)
        if key not in best:
            best[key] = mention
    return sorted(best.values(), key=lambda m: (m.start, -m.end, m.id))


def _inside_disease_names(mentions: list[Mention]) -> list[Mention]:
    """Phenotypes named inside a longer disease name ("granulomatous" in "chronic granulomatous
    disease") are no finding of anyone: they are reported, as benchmarks count them, with the
    disease name as the cue that makes them generic, and kept out of the patient's case."""
    phenotype_spans = {(m.start, m.end) for m in mentions if m.kind is Kind.PHENOTYPE}
    # a name that is also a phenotype's ("cystoid macular oedema") names the finding too
    diseases = [
        m
        for m in mentions
        if m.kind is Kind.DISEASE and m.how == "name" and (m.start, m.end) not in phenotype_spans
    ]
    if not diseases:
        return mentions
    result = []
    for mention in mentions:
        if mention.kind is Kind.PHENOTYPE:
            start, end = mention.start, mention.end
            name = next(
                (
                    d
                    for d in diseases
                    if d.start <= start and end <= d.end and d.end - d.start > end - start
                ),
                None,
            )
            if name is not None:
                cue = Cue(name.text, name.start, name.end)
                mention = with_subject(mention, Subject.GENERIC, cue)
        result.append(mention)
    return result


def _technique_words(text: str, mentions: list[Mention]) -> list[Mention]:
    """An adjective naming how an action was done ("laparoscopic cholecystectomy",
    "endoscopic biopsy") is part of the action it precedes, not a second one: it becomes
    nested."""
    starts = {m.start for m in mentions if m.kind is Kind.ACTION}
    out = []
    for mention in mentions:
        if (
            mention.kind is Kind.ACTION
            and not mention.nested
            and " " not in mention.text
            and mention.text.lower().endswith(("ic", "al"))
        ):
            after = mention.end
            while after < len(text) and text[after] in " -":
                after += 1
            if after > mention.end and after in starts:
                mention = as_nested(mention)
        out.append(mention)
    return out


def _mark_nested(mentions: list[Mention], kb: KnowledgeBase) -> list[Mention]:
    """Flag mentions lying inside a longer one of the same kind.

    Not flagged: the parts of a coordination, and a head word naming an ancestor of the longer
    mention's term ("colitis" in "ulcerative colitis"): both are mentions in their own right.
    """
    # One sweep by start, longest first, so that every container of a mention comes before it;
    # only mentions still open at its start are compared, not all pairs (long texts).
    order = sorted(range(len(mentions)), key=lambda i: (mentions[i].start, -mentions[i].end))
    nested = [False] * len(mentions)
    open_: list[Mention] = []  # possible containers: not coordinations, not yet ended
    for i in order:
        mention = mentions[i]
        start, end = mention.start, mention.end
        open_ = [other for other in open_ if other.end >= start]
        containers = [
            other
            for other in open_
            if other.kind is mention.kind
            and end <= other.end
            and (other.end - other.start) > (end - start)
        ]
        if containers:
            nested[i] = not any(
                other.end == end
                and mention.kind is Kind.PHENOTYPE
                and other.id != mention.id
                and kb.is_ancestor(mention.id, other.id)
                for other in containers
            )
        if mention.how != "coordination":
            open_.append(mention)
    return [as_nested(m) if flag else m for m, flag in zip(mentions, nested, strict=True)]
