"""Find lexicon names in a sentence.

A candidate is a run of content words inside one clause (stop words skipped, punctuation and
conjunctions end it); it matches a name when its stems form the same bag as the name's, in any
order. On top of that:
- coordination: "aplastic or hypoplastic nails" also yields "aplastic nails", and "hypoplasia of
  the tibiae and fibulae" also "hypoplasia of the fibulae" (the mention spans the whole phrase);
- hyphenated pairs are read as one word when the lexicon knows the joined form
  ("atlanto-axial" -> atlantoaxial);
- spinal levels stand for their region ("C5-6" -> cervical, "C1-C2" -> atlantoaxial);
- abbreviations are matched case-sensitively ("VSD").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from itertools import accumulate, pairwise
from typing import Final, NamedTuple
from weakref import WeakKeyDictionary

from rarecase.recognize.lexicon import Entry, Lexicon, negating_words
from rarecase.recognize.normalize import (
    CONJUNCTIONS,
    STOPWORDS,
    TOKEN,
    adjectival_noun,
    fold,
    overstemmed,
    stem,
)

_DETERMINERS = frozenset({"a", "an", "the", "this", "these", "those", "its", "their"})
_BREAK = re.compile(r"[;:()\[\]{}.!?]")
_LIST_COMMA = re.compile(r"^\s*,\s*$")
_LEVEL = re.compile(r"^([CTLS])(\d{1,2})$", re.IGNORECASE)
_REGION = {"c": "cervical", "t": "thoracic", "l": "lumbar", "s": "sacral"}
_MAX_ITEMS = 6
_MAX_ITEM_WORDS = 3  # content words of one item of a list


class Match(NamedTuple):
    """A name found in the text: its span, the entries it matched, and how (a tuple: the
    matcher makes thousands, and a frozen dataclass costs several times more to build)."""

    start: int
    end: int
    entries: tuple[Entry, ...]
    how: str = "name"  # "name", "coordination", "normal" (normal X -> abnormal X excluded)


# What the lexicon knows of a stem (Lexicon.stem_info): the names it is alone, and the stems it
# shares longer names with; None for a stem no name holds.
_StemInfo = tuple[tuple[Entry, ...], frozenset[str]] | None


@dataclass(slots=True)
class _Word:
    start: int
    end: int
    stem: str
    text: str
    # looked up once, when the word is made: a word is scanned again by the coordination and
    # predicate rules, and the lookup is the scan's most frequent step
    info: _StemInfo
    determiner_before: bool = False  # "and a flat face": a new phrase, not a coordinated item
    region: str = ""  # for a spinal level: "cervical", "thoracic", "lumbar", "sacral"
    flags: int = 0  # which of the rarer rules the word calls for (_COPULA_WORD, …)
    # "seizure-free", "acrochordon-like": a suffix says the word names no finding of its own
    disowned: bool = False


# Flags of a word as written, found once per distinct word (see _word_info).
_STOP, _DETERMINER, _CONJUNCTION, _LEVEL_LIKE = 1, 2, 4, 8
_COPULA_WORD, _NORMAL_WORD, _TRAILING_WORD, _INTRODUCER, _NEGATING = 16, 32, 64, 128, 256
_NON = 512
_SPECIAL_HANDLING = _STOP | _CONJUNCTION | _LEVEL_LIKE | _INTRODUCER | _NON
# "seizure-free", "acrochordon-like": a word before one of these names no finding.
_DISOWNING: Final = frozenset({"free", "like"})
# Words that open a list of examples ("manifestations, including ophthalmic, orofacial and
# auditory ones"): a clause boundary, so no item pairs with the words before them. No HPO name
# holds one.
_INTRODUCERS: Final = frozenset(
    "including include includes particularly namely notably mainly mostly such".split()
)
_WORD_INFO: dict[str, tuple[str, int]] = {}
_WORD_INFO_LIMIT = 200_000
# The same pattern as TOKEN, captured: str.split then yields words and the gaps between them
# in one C-level pass, which is cheaper than a match object per word.
_SPLIT: Final = re.compile(f"({TOKEN.pattern})", TOKEN.flags)
# The same on ASCII text, where [^\W_] is [A-Za-z0-9] and no curly apostrophe occurs: an ASCII
# class is a third quicker to match than a Unicode category.
_SPLIT_ASCII: Final = re.compile(r"([A-Za-z0-9]+(?:'[a-z]+)?)", re.ASCII)


def _word_info(word: str) -> tuple[str, int]:
    """(stem, flags) of a word as written, cached: most words of a text were seen before."""
    info = _WORD_INFO.get(word)
    if info is not None:
        return info
    lower = word.lower()
    flags = (
        (_STOP if lower in STOPWORDS else 0)
        | (_DETERMINER if lower in _DETERMINERS else 0)
        | (_CONJUNCTION if lower in CONJUNCTIONS else 0)
        | (_LEVEL_LIKE if len(word) <= 3 and word[0] in "CTLS" and _LEVEL.match(word) else 0)
        | (_COPULA_WORD if lower in _COPULA else 0)
        | (_NORMAL_WORD if lower == "normal" else 0)
        | (_TRAILING_WORD if lower in TRAILING_NOUNS else 0)
        | (_INTRODUCER if lower in _INTRODUCERS else 0)
        | (_NEGATING if fold(lower) in negating_words() else 0)
        | (_NON if lower == "non" else 0)
    )
    info = (stem(word), flags)
    if len(_WORD_INFO) < _WORD_INFO_LIMIT:
        _WORD_INFO[word] = info
    return info


# (stem, flags, stem info) of a word as written, for each lexicon: one lookup per word of a text
# instead of two. Weak keys: a lexicon dropped takes its words with it.
_LEXICON_WORDS: WeakKeyDictionary[Lexicon, dict[str, tuple[str, int, _StemInfo]]] = (
    WeakKeyDictionary()
)


def _lexicon_word(
    word: str, lexicon: Lexicon, known: dict[str, tuple[str, int, _StemInfo]]
) -> tuple[str, int, _StemInfo]:
    """(stem, flags, stem info) of a word as written, remembered in ``known``."""
    word_stem, flags = _word_info(word)
    found = (word_stem, flags, lexicon.stem_info.get(word_stem))
    if len(known) < _WORD_INFO_LIMIT:
        known[word] = found
    return found


def _words(
    text: str, tokens: list[str], gaps: list[str], bounds: list[int], lexicon: Lexicon
) -> tuple[list[tuple[list[list[_Word]], list[bool]]], int]:
    """Content words (hyphen pairs and spinal levels merged) as clauses, split at punctuation,
    each as its runs, split at conjunctions and list commas, with for each run whether a real
    conjunction ("and", "or"), not only a comma, precedes it; and the union of the words'
    flags. Word ``k`` is ``tokens[k]`` at ``bounds[2k+1]:bounds[2k+2]``; ``gaps[k]`` is the
    text after it. The runs are built as the words come: no second pass over them."""
    run: list[_Word] = []
    runs, joins = [run], [False]
    clauses = [(runs, joins)]  # an empty clause or run is dropped at the end
    i = 0
    pending_break = determiner = False
    seen = 0
    count = len(tokens)
    vocabulary = lexicon.vocabulary
    info_get = _WORD_INFO.get
    stem_info = lexicon.stem_info.get
    known = _LEXICON_WORDS.get(lexicon)
    if known is None:
        known = _LEXICON_WORDS[lexicon] = {}
    known_get = known.get
    starts, ends = bounds[1::2], bounds[2::2]  # word k's span, no index sums on the hot path
    while i < count:
        word_text = tokens[i]
        # a single space, the common case, needs no look
        if i:
            gap = gaps[i - 1]
            if gap != " ":
                if _BREAK.search(gap):
                    pending_break = True
                elif run and _LIST_COMMA.match(gap):
                    # "ophthalmic, orofacial, and auditory manifestations": items (a comma
                    # where no run is under way changes nothing)
                    run = []
                    runs.append(run)
                    joins.append(False)
        word_stem, flags, word_info = known_get(word_text) or _lexicon_word(
            word_text, lexicon, known
        )
        seen |= flags
        if not flags & _SPECIAL_HANDLING and gaps[i] != "-":
            # most words: a content word standing alone
            if pending_break:
                run = []
                runs, joins = [run], [False]
                clauses.append((runs, joins))
                pending_break = False
            run.append(
                _Word(
                    starts[i],
                    ends[i],
                    word_stem,
                    word_text,
                    word_info,
                    determiner,
                    "",
                    flags,
                )
            )
            determiner = False
            i += 1
            continue
        if flags & _STOP and gaps[i] != "-":
            # the next most common: a stop word (no stop word is a level or an introducer)
            determiner = determiner or bool(flags & _DETERMINER)
            i += 1
            continue
        if flags & _INTRODUCER:
            pending_break = True
            determiner = False
            i += 1
            continue
        # the rarer kinds make ``word``; a conjunction leaves it None
        word: _Word | None = None
        if flags & _LEVEL_LIKE:
            # "C5", "C5-6", "C5-C6", "C1-2": one word standing for the region
            level = _LEVEL.match(word_text)
            assert level is not None
            end_index = i
            if i + 1 < count and gaps[i] in ("-", "\u2013", "/"):
                nxt = tokens[i + 1]
                if nxt.isdigit() or _LEVEL.match(nxt):
                    end_index = i + 1
            region = _REGION[level.group(1).lower()]
            last = tokens[end_index]
            if region == "cervical" and level.group(2) == "1" and last.lstrip("Cc") == "2":
                region = "atlantoaxial"
            region_stem = stem(region)
            word = _Word(
                bounds[2 * i + 1],
                bounds[2 * end_index + 2],
                region_stem,
                word_text,
                stem_info(region_stem),
                region=_REGION[level.group(1).lower()],
                flags=_LEVEL_LIKE,
            )
            i = end_index + 1
        elif i + 1 < count and gaps[i] == "-":
            # a hyphenated chain ("atlanto-axial", "cafe-au-lait") is one word when the lexicon
            # knows it joined, as name_keys indexes it; otherwise its parts are words
            chain_end = i + 1
            while chain_end + 1 < count and gaps[chain_end] == "-":
                chain_end += 1
            surface = "".join(tokens[i : chain_end + 1])
            joined = stem(surface)
            if joined in vocabulary:
                word = _Word(
                    bounds[2 * i + 1], bounds[2 * chain_end + 2], joined, surface, stem_info(joined)
                )
                i = chain_end + 1
            elif flags & _NON:
                # "non-bloody stools", "non-tender": the word after "non-" names no finding
                # ("non" joins the run under way; a clause break comes before the next word)
                run.append(
                    _Word(
                        bounds[2 * i + 1],
                        bounds[2 * i + 2],
                        word_stem,
                        word_text,
                        word_info,
                    )
                )
                following = tokens[i + 1]
                following_stem, following_flags = info_get(following) or _word_info(following)
                seen |= following_flags
                word = _Word(
                    bounds[2 * i + 3],
                    bounds[2 * i + 4],
                    following_stem,
                    following,
                    stem_info(following_stem),
                    flags=following_flags,
                    disowned=True,
                )
                determiner = False
                i += 2
        if word is None:
            if flags & _STOP:
                determiner = determiner or bool(flags & _DETERMINER)
                i += 1
                continue
            if not flags & _CONJUNCTION:
                word = _Word(
                    bounds[2 * i + 1],
                    bounds[2 * i + 2],
                    word_stem,
                    word_text,
                    word_info,
                    determiner,
                    "",
                    flags,
                    i + 1 < count and gaps[i] == "-" and tokens[i + 1].lower() in _DISOWNING,
                )
            determiner = False
            i += 1
        if pending_break:
            run = []
            runs, joins = [run], [False]
            clauses.append((runs, joins))
            pending_break = False
        if word is not None:
            run.append(word)
        else:  # a conjunction ends the run
            if run:
                run = []
                runs.append(run)
                joins.append(False)
            joins[-1] = True
    for runs, joins in clauses:
        if not runs[-1]:
            runs.pop()
            joins.pop()
    return clauses, seen


def _scan(
    words: list[_Word],
    lexicon: Lexicon,
    how: str,
    out: list[Match],
    must_include: int | None = None,
) -> None:
    """Every run ``words[i..j]`` whose stems are a name's; with ``must_include``, only runs of
    two or more words that hold that position. The hot loop of recognition: kept lean."""
    get = lexicon.entries_get
    count = len(words)
    limit = lexicon.max_length
    if must_include is not None:
        # A name found here holds the word at ``must_include`` and a neighbour of it (it has
        # two words at least), and two words of one name are partners: without a partner
        # beside it, nothing is found (most coordinations). Partners are symmetric.
        centre = words[must_include].info
        company = centre[1] if centre is not None else frozenset()
        if not (
            (must_include > 0 and words[must_include - 1].stem in company)
            or (must_include + 1 < count and words[must_include + 1].stem in company)
        ):
            return
    for i, word in enumerate(words):
        info = word.info
        if info is None:
            continue
        alone, company = info
        if must_include is None:
            if alone and not word.disowned and not _modifier_only(words, i):
                out.append(Match(word.start, word.end, alone, how))
        elif i > must_include:  # no later run holds that position
            return
        j = i + 1
        # most words start no longer name: settle that before building anything
        if not company or j == count or words[j].stem not in company:
            continue
        bag = [word.stem]
        stop = i + limit if i + limit < count else count
        while j < stop:
            # partners are stems of names, so a partner is known to the vocabulary
            following = words[j].stem
            if following not in company:
                break
            bag.append(following)
            if must_include is None or must_include <= j:
                found = get(tuple(sorted(bag)))
                if (
                    found
                    and not words[j].disowned
                    and not word.disowned
                    and not _noun_adjective_before(words, j)
                ):
                    out.append(Match(word.start, words[j].end, tuple(found), how))
            j += 1


_ADJECTIVE_ENDINGS = ("al", "ar", "ary")


def _common_words() -> frozenset[str]:
    text = resources.files("rarecase.recognize").joinpath("data/common_words.txt")
    lines = text.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and line[0] != "#")


COMMON_WORDS: Final = _common_words()


def _modifier_only(words: list[_Word], i: int) -> bool:
    """One word that is a stretched stem ("collecting" ~ collectionism), a common word that is
    also an HPO name ("fall", "sleep"), or an adjective qualifying the next word ("tumoral
    calcinosis" is no tumour, "renal cyst" no kidney finding): not a mention on its own."""
    word = words[i]
    if overstemmed(word.text) or word.text.lower() in COMMON_WORDS:
        return True
    return _qualifies_next(words, i)


def _noun_adjective_before(words: list[_Word], j: int) -> bool:
    """A phrase ending in an adjective that the stemmer reads as its noun ("facial" = face,
    "renal" = kidney), while a noun follows: "small facial angiofibromas" holds no "small face",
    "small renal cysts" no "small kidney"."""
    return _qualifies_next(words, j) and adjectival_noun(words[j].text)


def _qualifies_next(words: list[_Word], i: int) -> bool:
    """An adjective qualifying the next word (it ends like one, and a word follows)."""
    lower = words[i].text.lower()
    return (
        len(lower) > 4
        and lower.endswith(_ADJECTIVE_ENDINGS)
        and i + 1 < len(words)  # (no conjunction is a _Word: _words drops them)
    )


def match_sentence(text: str, start: int, end: int, lexicon: Lexicon) -> list[Match]:
    """Every lexicon name in ``text[start:end]``, nested and overlapping ones included.

    >>> from rarecase.recognize.lexicon import Lexicon
    >>> lex = Lexicon.build(kb)
    >>> sentence = "She had seizures and ataxia."
    >>> [sentence[m.start:m.end] for m in match_sentence(sentence, 0, len(sentence), lex)]
    ['seizures', 'ataxia']
    """
    sentence = text[start:end]
    parts = (_SPLIT_ASCII if sentence.isascii() else _SPLIT).split(sentence)
    tokens, gaps = parts[1::2], parts[2::2]
    if not tokens:
        return []
    # bounds[2k+1], bounds[2k+2]: where word k starts and ends in ``text``
    bounds = list(accumulate(map(len, parts), initial=start))
    found: list[Match] = []
    exact = lexicon.exact_names
    if not exact.isdisjoint(tokens):
        for k, word in enumerate(tokens):
            if word in exact:
                begin, finish = bounds[2 * k + 1], bounds[2 * k + 2]
                found += [Match(begin, finish, (e,)) for e in lexicon.lookup_exact(word)]
    clauses, seen = _words(text, tokens, gaps, bounds, lexicon)
    if seen & _NEGATING:
        # "afebrile", "normocalcaemic": the finding named absent, like "normal X"
        for k, word in enumerate(tokens):
            for entry in lexicon.negating.get(fold(word.lower()), ()):
                found.append(Match(bounds[2 * k + 1], bounds[2 * k + 2], (entry,), "normal"))
    for runs, joins in clauses:
        for run in runs:
            # the rarer rules run only on a run holding one of their words
            flags = 0
            if seen & _RARE_RULES:
                for word in run:
                    flags |= word.flags
            if flags & (_COPULA_WORD | _TRAILING_WORD):
                named: list[Match] = []
                _scan(run, lexicon, "name", named)
                if flags & _COPULA_WORD:
                    _predicate(run, lexicon, named)
                if flags & _LEVEL_LIKE:
                    _spinal(run, lexicon, named)
                found += _with_trailing_nouns(run, named) if flags & _TRAILING_WORD else named
            else:
                _scan(run, lexicon, "name", found)
                if flags & _LEVEL_LIKE:
                    _spinal(run, lexicon, found)
            if flags & _NORMAL_WORD:
                _normal(run, lexicon, found)
        if len(runs) > 1:
            _coordination(runs, joins, lexicon, found)
    return found


# Nouns that only count a finding ("seizure activity", "seizure episodes"): a match followed by
# one takes it into its span, unless the longer phrase is a name of its own.
TRAILING_NOUNS: Final = frozenset(
    "activity episode episodes event events attack attacks frequency spells".split()
)


def _with_trailing_nouns(run: list[_Word], matches: list[Match]) -> list[Match]:
    ends = {m.end for m in matches}
    following = {a.end: b for a, b in pairwise(run)}
    result = []
    for match in matches:
        after = following.get(match.end)
        if after is not None and after.text.lower() in TRAILING_NOUNS and after.end not in ends:
            match = Match(match.start, after.end, match.entries, match.how)
        result.append(match)
    return result


_COPULA = frozenset({"was", "were", "is", "are", "remained", "became", "appeared"})
_RARE_RULES: Final = _COPULA_WORD | _NORMAL_WORD | _TRAILING_WORD | _LEVEL_LIKE
_DEGREE = frozenset(
    {
        "markedly",
        "mildly",
        "slightly",
        "significantly",
        "very",
        "persistently",
        "severely",
        "moderately",
        "also",
        "still",
    }
)


def _predicate(run: list[_Word], lexicon: Lexicon, out: list[Match]) -> None:
    """ "C-reactive protein was raised", "her skin was soft": the subject and its predicate name
    one finding; "renal function was normal" names the abnormality, excluded."""
    for k, word in enumerate(run):
        if not word.flags & _COPULA_WORD or k == 0:  # the flag says text.lower() in _COPULA
            continue
        j = k + 1
        while j < len(run) and run[j].text.lower() in _DEGREE:
            j += 1
        if j >= len(run):
            continue
        normal = run[j].text.lower() in ("normal", "unremarkable")
        first = _adjective_of(run[j], lexicon)
        # a name holding the predicate holds the word before the copula too: partners, or none
        partners = lexicon.partners.get(run[k - 1].stem, ())
        if (_ABNORMAL if normal else first.stem) not in partners and run[j].stem not in partners:
            continue
        if not normal:
            # the predicate may be two words: "development was globally delayed"
            predicate = [first]
            after = j + 1
            while after < len(run) and run[after].text.lower() in _DEGREE:
                after += 1
            if after < len(run):
                predicate.append(run[after])
            subject = run[max(0, k - 6) : k]
            found: list[Match] = []
            _scan([*subject, *predicate], lexicon, "name", found, must_include=len(subject))
            out.extend(m for m in found if m.start < word.start)
        else:
            swapped = _Word(
                run[j].start, run[j].end, _ABNORMAL, run[j].text, lexicon.stem_info.get(_ABNORMAL)
            )
            sequence = [*run[max(0, k - 6) : k], swapped]
            found = []
            _scan(sequence, lexicon, "normal", found, must_include=len(sequence) - 1)
            out.extend(m for m in found if m.end == run[j].end)


def _adjective_of(word: _Word, lexicon: Lexicon) -> _Word:
    """An adverb in a predicate reads as its adjective ("globally delayed", "profoundly
    deaf"); the stemmer keeps "-ly", which names seldom hold."""
    text = word.text
    if len(text) > 5 and text.endswith("ly"):
        adjective = stem(text[:-2])
        return _Word(
            word.start,
            word.end,
            adjective,
            text,
            lexicon.stem_info.get(adjective),
            flags=word.flags,
        )
    return word


def _spinal(run: list[_Word], lexicon: Lexicon, out: list[Match]) -> None:
    """ "C5-6 stenosis", "L1-L4 stenosis": a level also stands for its part of the spinal canal."""
    for k, word in enumerate(run):
        if not word.region:
            continue
        parts = []
        for part in (word.region, "spinal", "canal"):
            part_stem = stem(part)
            parts.append(
                _Word(word.start, word.end, part_stem, part, lexicon.stem_info.get(part_stem))
            )
        sequence = [*run[:k], *parts, *run[k + 1 :]]
        found: list[Match] = []
        _scan(sequence, lexicon, "name", found, must_include=k)
        out.extend(m for m in found if m.end > word.end)


def _coordination(
    runs: list[list[_Word]], joins: list[bool], lexicon: Lexicon, out: list[Match]
) -> None:
    """Distribute shared words over coordinated items.

    In ``P1 … Pk X1 and X2 S1 … Sm`` an item may pair with the words after the last item
    ("aplastic or hypoplastic nails" -> aplastic nails) or before the first ("hypoplasia of the
    tibiae and fibulae" -> hypoplasia of the fibulae). Such a match spans from its first to its
    last word in the text, across the other item.
    """
    if len(runs) < 2 or len(runs) > _MAX_ITEMS + 1:
        return
    vocabulary = lexicon.vocabulary
    for k in range(len(runs) - 1):
        left, right = runs[k], runs[k + 1]
        # Both coordinated words must be words of some name: in "the right kidney, and a few
        # small renal cysts" the word after "and" is no item, and "kidney" shares nothing.
        if left[-1].stem not in vocabulary or right[0].stem not in vocabulary:
            continue
        if right[0].determiner_before:  # "… anomaly and a flat face": two phrases
            continue
        if len(right) >= 2:  # shared tail: left's last word takes the place of right's first
            found: list[Match] = []
            # left's words before it may join ("short fourth and fifth metacarpals" -> short
            # fourth metacarpal)
            _scan(left + right[1:], lexicon, "coordination", found, must_include=len(left) - 1)
            # ... but not by cutting a name of right's own short: in "axial hypotonia and poor
            # eye contact" the eye belongs to "poor eye contact", not to "hypotonia of the eye"
            if found:  # mostly none: then skip the look at out
                inner = [m.end for m in out if right[0].start <= m.start <= right[1].start]
                out.extend(match for match in found if not any(match.end < end for end in inner))
        # ... or of its first words, when the tail is the head noun ("low-set and posteriorly
        # rotated ears" -> low-set ears)
        head_end = right[-1].end
        # both kinds below end on right's head noun with left's word in: partners, or nothing
        if len(right) >= 2 and right[-1].stem in lexicon.partners.get(left[-1].stem, ()):
            # right must be a name of its own ending on its head ("posteriorly rotated ears"),
            # not a clause ("histology showed hamartomas")
            named = any(m.start == right[0].start and m.end == head_end for m in out)
            for m in range(2, min(len(right), 4) if named else 2):  # past two modifiers at most
                found = []
                _scan(left[-1:] + right[m:], lexicon, "coordination", found, must_include=0)
                out.extend(match for match in found if match.end == head_end)
        if not joins[k + 1] and len(right) >= 2:
            # coordinate adjectives: "a high, narrow palate (with crowding)" is also one phrase,
            # of three words at least: "cough, chronic" is two items
            partners = lexicon.partners.get(left[-1].stem, ())
            if right[0].stem in partners and right[1].stem in partners:
                found = []
                _scan(left[-1:] + right, lexicon, "name", found, must_include=0)
                out.extend(match for match in found if match.end > right[0].end)
        if len(left) >= 2 and len(right) == 1:  # shared head: "hypoplasia of the tibiae and
            # fibulae"; the second item is one word, or it is a phrase of its own
            _scan(left[:-1] + right[:1], lexicon, "coordination", out, must_include=len(left) - 1)

    # Longer lists ("A, B, C and D E"): every one-word item shares the tail of the last item or
    # the head of the first. A list ends at the run after a real conjunction: in "A, B and C
    # anomalies, caused by …" the words after the last comma are no item. The first item is the
    # last word of its run ("including ophthalmic, orofacial, and auditory manifestations").
    ends = [c for c in range(2, len(runs)) if joins[c]] if any(joins) else [len(runs) - 1]
    # items are short: a long run between the two words is a clause, not an item
    short = [len(run) <= _MAX_ITEM_WORDS for run in runs]
    for end in ends:
        begin = end - 1
        while begin > 0 and not joins[begin]:
            begin -= 1
        first, last = runs[begin], runs[end]
        for k in range(begin, end - 1):
            if (k == begin or len(runs[k]) == 1) and len(last) >= 2 and all(short[k + 1 : end]):
                _scan(runs[k][-1:] + last[1:], lexicon, "coordination", out, must_include=0)
            if len(runs[k + 2]) == 1 and len(first) >= 2 and all(short[begin + 1 : k + 2]):
                _scan(
                    first[:-1] + runs[k + 2],
                    lexicon,
                    "coordination",
                    out,
                    must_include=len(first) - 1,
                )


def _normal(run: list[_Word], lexicon: Lexicon, out: list[Match]) -> None:
    """ "normal renal function" names the term "Abnormal renal function", excluded."""
    for k, word in enumerate(run):
        if word.flags & _NORMAL_WORD and k + 1 < len(run):  # the word "normal"
            abnormal = _Word(
                word.start, word.end, _ABNORMAL, word.text, lexicon.stem_info.get(_ABNORMAL)
            )
            swapped = [*run[:k], abnormal, *run[k + 1 :]]
            found: list[Match] = []
            _scan(swapped, lexicon, "normal", found, must_include=k)
            # the phrase must end the run: "normal skeletal survey" says nothing of the skeleton
            out.extend(m for m in found if m.start == word.start and m.end == run[-1].end)


_ABNORMAL = stem("abnormal")
