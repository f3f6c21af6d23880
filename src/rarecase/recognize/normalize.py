"""Tokens and their normal forms, shared by the lexicon and the text so both sides agree.

A phrase matches a term name when their *content stems* are the same bag, in any order:
"hypoplasia of the nails", "hypoplastic nails" and "nail hypoplasia" all reduce to
{hypoplas, nail}. The stemmer is ours, small and aimed at clinical morphology: it folds
British spellings (oedema, anaemia, tumour), plurals (tibiae, stenoses, anomalies), and pairs of
noun and adjective forms that general-purpose stemmers keep apart (hypoplasia/hypoplastic,
fibrosis/fibrotic, microcephaly/microcephalic, arthritis/arthritic).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Final, NamedTuple

# Words and numbers; a hyphen or slash between two words splits them (the matcher may join a
# hyphenated pair again, see Token.joined).
TOKEN: Final = re.compile(r"[^\W_]+(?:['\u2019][a-z]+)?", re.UNICODE)

# Words a phrase may drop or add without changing its meaning ("hypoplasia of the nails").
# Verbs and "with" are not among them: "papules are cutaneous" is no "cutaneous papule".
STOPWORDS: Final = frozenset(
    "a an the of in on at to its their this these those any "
    # laboratory names say where a quantity circulates; text seldom does
    "circulating serum both each".split()
)
CONJUNCTIONS: Final = frozenset({"and", "or", "nor", "and/or"})

# British to American spellings, applied to whole tokens by prefix/infix rules.
_BRITISH: Final[tuple[tuple[re.Pattern[str], str], ...]] = (
    (re.compile(r"^oes"), "es"),  # oesophagus, oestrogen
    (re.compile(r"^oe(?=d)"), "e"),  # oedema
    (re.compile(r"(?<=[a-z])oe(?=[a-z])"), "e"),  # dyspnoea, coeliac, foetal
    (re.compile(r"ae(?=[a-z])"), "e"),  # anaemia, haem-, paediatric, leukaemia, orthopaedic
    (re.compile(r"our$"), "or"),  # tumour, colour, humour
    (re.compile(r"ours$"), "ors"),
    (re.compile(r"(?<=[a-z]{3})is(?=ation|ed|e|ing)"), "iz"),  # hospitalised, localised
    (re.compile(r"(?<=[a-z]{2})tre$"), "ter"),  # centre, litre
    (re.compile(r"^sulph"), "sulf"),
)

# Plural endings, tried in order; the first that applies wins.
_PLURALS: Final[tuple[tuple[str, str], ...]] = (
    ("ies", "y"),
    ("omas", "oma"),  # neuromas, lipomas, hamartomas
    ("oses", "osis"),
    ("ases", "asis"),
    ("xes", "x"),
    ("ches", "ch"),
    ("sses", "ss"),
    ("ae", "a"),
    ("i", "us"),
)
_KEEP_S: Final = ("ss", "us", "is", "os", "as")
# Plurals the endings above would fold onto another word ("testes" onto "test", "testing").
_IRREGULAR_PLURALS: Final = {"testes": "testis"}

# Derivational endings reduced to a common stem; tried in order, at most twice.
_SUFFIXES: Final[tuple[tuple[str, str], ...]] = (
    ("ically", ""),
    ("ical", ""),
    ("atous", ""),  # edematous -> edem(a)
    ("stic", "s"),  # hypoplastic -> hypoplas(ia)
    ("otic", "o"),  # fibrotic -> fibro(sis)
    ("osis", "o"),
    ("itic", "it"),  # arthritic -> arthrit(is)
    ("itis", "it"),
    ("ation", ""),
    ("ition", ""),
    ("ion", ""),
    ("ment", ""),
    ("ness", ""),
    ("ity", ""),
    ("ied", "y"),
    ("ated", ""),  # duplicated -> duplic(ation), elongated -> elong(ation)
    ("ed", ""),
    ("ing", ""),
    ("ous", ""),
    ("ism", ""),
    ("ive", ""),
    ("ic", ""),
    ("ia", ""),
    ("al", ""),
    ("icular", "icl"),  # clavicular -> clavicl(e), ventricular -> ventricl(e)
    ("ar", ""),  # patellar -> patell(a)
    ("a", ""),  # patella, vertebra, occulta
    ("y", ""),
    ("e", ""),
)


def _by_last_letter(endings: tuple[tuple[str, str], ...]) -> dict[str, tuple[tuple[str, str], ...]]:
    grouped: dict[str, list[tuple[str, str]]] = {}
    for ending, replacement in endings:
        grouped.setdefault(ending[-1], []).append((ending, replacement))
    return {last: tuple(group) for last, group in grouped.items()}


_PLURALS_BY_LAST: Final = _by_last_letter(_PLURALS)
_SUFFIXES_BY_LAST: Final = _by_last_letter(_SUFFIXES)
_BRITISH_HINT: Final = re.compile("oe|ae|our|is|tre|sulph")


# Words that mean the same in a phenotype name: anatomical adjectives and their nouns, and the
# many ways of saying "abnormal". Keys and values are stems (see `stem`); every key maps to the
# stem of a plain noun so both sides of a match meet there.
_SAME_MEANING: Final[dict[str, tuple[str, ...]]] = {
    "kidney": ("renal", "nephric"),
    "eye": ("ocular", "ophthalmic", "ophthalmologic"),
    "ear": ("otic", "auricular", "aural"),
    "skin": ("cutaneous", "dermal", "dermatologic"),
    "heart": ("cardiac",),
    "lung": ("pulmonary",),
    "liver": ("hepatic",),
    "bone": ("osseous", "bony"),
    "joint": ("articular",),
    "tooth": ("teeth", "dental"),
    "nose": ("nasal",),
    "spine": ("spinal",),
    "vertebra": ("vertebral",),
    "muscle": ("muscular",),
    "stomach": ("gastric",),
    "intestine": ("intestinal", "bowel"),
    "lip": ("labial",),
    "face": ("facies", "facial"),
    "tongue": ("lingual",),
    "jaw": ("mandible", "mandibular"),
    "abnormality": (
        "anomaly",
        "anomalies",
        "abnormal",
        "malformation",
        "manifestation",
        "sign",
        "symptom",
    ),
    "hearing": ("auditory",),
    "fever": ("febrile",),
    "multiple": ("numerous", "many"),
    "increased": ("raised", "elevated", "high", "higher"),
    "decreased": ("reduced", "low", "lower", "diminished"),
    "morphology": ("shape",),
    "delay": ("delayed",),
    # ordinals as HPO writes them ("Short 4th metacarpal") and as text spells them
    "1st": ("first",),
    "2nd": ("second",),
    "3rd": ("third",),
    "4th": ("fourth",),
    "5th": ("fifth",),  # the second pass keeps delayed's "y": delay -> dela, delayed -> delay
}


def _build_synonymous() -> dict[str, str]:
    table: dict[str, str] = {}
    for noun, others in _SAME_MEANING.items():
        target = _raw_stem(noun)
        for other in others:
            source = _raw_stem(other)
            if source != target:
                table[source] = target
    return table


def fold(word: str) -> str:
    """Lower case, accents removed, British spelling made American.

    >>> fold("Oedema"), fold("anaemia"), fold("Café"), fold("tumours")
    ('edema', 'anemia', 'cafe', 'tumors')
    """
    text = word.lower()
    if not text.isascii():  # accents and curly apostrophes: ASCII has neither
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c)).replace("\u2019", "'")
    if _BRITISH_HINT.search(text):  # every British rule needs one of these letter pairs
        for pattern, replacement in _BRITISH:
            text = pattern.sub(replacement, text)
    return text


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The normal form of one word: :func:`_raw_stem`, then words of the same meaning merged.

    >>> [stem(w) for w in ("renal", "kidneys", "anomalies", "abnormality")]
    ['kidne', 'kidne', 'abnorm', 'abnorm']
    """
    raw = _raw_stem(word)
    return SYNONYMOUS_STEMS.get(raw, raw)


def _raw_stem(word: str) -> str:
    """The normal form of one word.

    >>> [stem(w) for w in ("hypoplastic", "hypoplasia", "nails", "tibiae", "microcephalic",
    ...                    "microcephaly", "fibrotic", "fibrosis", "Oedematous", "oedema")]
    ... # doctest: +NORMALIZE_WHITESPACE
    ['hypoplas', 'hypoplas', 'nail', 'tibi', 'microceph', 'microceph', 'fibro', 'fibro',
     'edem', 'edem']
    """
    w = fold(word)
    if w.endswith("'s"):  # a possessive: "Romberg's sign" is the Romberg sign
        w = w[:-2]
    if len(w) <= 3 or w.isdigit():
        return w
    w = _IRREGULAR_PLURALS.get(w, w)
    # only the endings that end in the word's last letter can match: tried in their order
    for ending, replacement in _PLURALS_BY_LAST.get(w[-1], ()):
        if w.endswith(ending) and len(w) - len(ending) >= 3:
            w = w[: len(w) - len(ending)] + replacement
            break
    else:
        if w.endswith("s") and not w.endswith(_KEEP_S) and len(w) > 3:
            w = w[:-1]
    for minimum in (4, 5):  # a second, more careful pass: "abnormality" -> abnormal -> abnorm
        for ending, replacement in _SUFFIXES_BY_LAST.get(w[-1], ()):
            if w.endswith(ending) and len(w) - len(ending) >= minimum:
                w = w[: len(w) - len(ending)] + replacement
                break
        else:
            break
    return w


SYNONYMOUS_STEMS: Final = _build_synonymous()


class Token(NamedTuple):
    """A word of the text: its span, surface form and stem (a tuple: made by the thousand)."""

    start: int
    end: int
    text: str
    stem: str

    @property
    def lower(self) -> str:
        return self.text.lower()


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Words of ``text[start:end]`` with offsets into ``text``.

    >>> [t.text for t in tokenize("Atlanto-axial instability (C1-2).")]
    ['Atlanto', 'axial', 'instability', 'C1', '2']
    """
    stop = len(text) if end is None else end
    return [
        Token(m.start(), m.end(), m.group(), stem(m.group()))
        for m in TOKEN.finditer(text, start, stop)
    ]


_HYPHEN_PAIR = re.compile(r"(?<=[A-Za-z])-(?=[A-Za-z])")


def name_keys(name: str) -> set[tuple[str, ...]]:
    """Every key under which a name is indexed: as written, and with hyphenated words joined
    ("End-stage renal disease" is also {endstag, kidne, diseas}), since the text matcher reads a
    hyphenated pair as one word when that word is known.

    >>> sorted(name_keys("End-stage renal disease"))
    [('diseas', 'end', 'kidne', 'stag'), ('diseas', 'endstag', 'kidne')]
    """
    keys = {name_stems(name)}
    if "-" in name:
        keys.add(name_stems(_HYPHEN_PAIR.sub("", name)))
    return keys


def name_stems(name: str) -> tuple[str, ...]:
    """The sorted content stems of a term name: the key a phrase must reproduce.

    >>> name_stems("Hypoplasia of the nails") == name_stems("hypoplastic nails")
    True
    """
    return tuple(sorted(t.stem for t in tokenize(name) if t.lower not in STOPWORDS))


@lru_cache(maxsize=100_000)
def overstemmed(word: str) -> bool:
    """True when stemming cut away most of a single word ("collectionism" -> collect), so a
    one-word match on it would rest on a shared root rather than a shared meaning."""
    whole = fold(word)
    if len(whole) > 4 and whole.endswith("s") and not whole.endswith(_KEEP_S):
        whole = whole[:-1]  # a plural ending cuts nothing of the meaning
    if whole.endswith("ation"):
        whole = whole[:-5]  # nor does a nominalising one ("hypopigmentation" ~ hypopigment)
    kept = len(_raw_stem(word))
    return len(whole) - kept >= 6 or kept < 0.5 * len(whole)


@lru_cache(maxsize=100_000)
def adjectival_noun(word: str) -> bool:
    """True for an adjective the stemmer maps to its noun ("renal" -> kidney, "facial" -> face).

    >>> adjectival_noun("renal"), adjectival_noun("kidney"), adjectival_noun("interval")
    (True, False, False)
    """
    return _raw_stem(word) in SYNONYMOUS_STEMS
