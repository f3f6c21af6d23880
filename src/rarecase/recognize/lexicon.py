"""The recognition lexicon: every name of every phenotype and disease, keyed by its content stems.

Built once from a knowledge base (a second or so) and shared by every document. Phenotype names
come from the labels and synonyms of the phenotypic-abnormality branch; disease names from
phenotype.hpoa. A disease name ending in a number or type ("Loeys-Dietz syndrome 3",
"Ehlers-Danlos syndrome, type VII") is also indexed without it, so a text that names the family
("Loeys-Dietz syndrome") matches every member.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Iterator
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, NamedTuple

from rarecase.errors import UnknownTermError
from rarecase.ontology.ids import Subontology
from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.recognize import normalize as _normalize_module
from rarecase.recognize.normalize import STOPWORDS, fold, name_keys, overstemmed, tokenize


class Kind(StrEnum):
    PHENOTYPE = "phenotype"
    DISEASE = "disease"
    ACTION = "action"  # a medical action (MAxO): a procedure, therapy, imaging, monitoring


class Entry(NamedTuple):
    """One name of one concept (a tuple: some 60,000 are made at every start).

    ``rank`` orders competing names: label 0, exact synonym 1, other synonyms 2, a derived
    variant or a disease family name 3 (lower is better)."""

    kind: Kind
    concepts: tuple[str, ...]
    name: str
    rank: int
    case_sensitive: bool = False


# A trailing member number or type: "… syndrome 3", "…, type 2A", "… type IV", "…, X-linked".
_FAMILY_SUFFIX = re.compile(r"(?:,?\s+(?:type\s+)?(?:[0-9]+[A-Za-z]?|[IVX]+[A-Za-z]?|[A-Z]))+\s*$")
_MORPHOLOGY = re.compile(r"^(Abnormal .+) (?:morphology|physiology)$")
_QUANTITY = re.compile(
    r"^((?:Increased|Decreased|Elevated|Reduced|Abnormal|High|Low) .+?)"
    r" (?:concentration|level|levels|activity|count)$"
)
_ABBREVIATION = re.compile(r"^[A-Z0-9][A-Z0-9-]{1,7}$")
# Synonym types that are not names a text would use for the term.
_SKIP_SYNONYM_TYPES = frozenset({"obsolete_synonym", "allelic_requirement", "HP:0034334"})


class Lexicon:
    """Term and disease names by stem key; see :meth:`lookup`.

    >>> lex = Lexicon.build(kb)
    >>> [e.concepts for e in lex.lookup(("nail", "small"))]
    []
    >>> lex.lookup(("seizur",))[0].concepts
    ('HP:0001250',)
    """

    def __init__(
        self,
        entries: dict[tuple[str, ...], list[Entry]],
        exact: dict[str, list[Entry]],
        negating: dict[str, list[Entry]] | None = None,
    ) -> None:
        self._entries = entries
        self._exact = exact
        # "afebrile" -> Fever: one word that names a finding as absent, by its folded form
        self.negating = negating or {}
        self.exact_names = frozenset(exact)
        self.entries_get = entries.get  # the matcher's hot lookup, bound once
        self.max_length = max((len(k) for k in entries), default=0)
        self.vocabulary = frozenset(s for k in entries for s in k)
        # For each stem, the stems it shares a name with: a phrase holding two stems that never
        # meet in a name cannot match, so the matcher stops extending it.
        partners: dict[str, set[str]] = {}
        for key in entries:
            if len(key) > 1:
                for stem in key:
                    partners.setdefault(stem, set()).update(key)
        self.partners: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in partners.items()}
        # The matcher's first question about a word, answered in one lookup: the names that are
        # this stem alone, and the stems it shares longer names with; absent: an unknown stem.
        empty: frozenset[str] = frozenset()
        self.stem_info: dict[str, tuple[tuple[Entry, ...], frozenset[str]]] = {
            stem: (tuple(entries.get((stem,), ())), self.partners.get(stem, empty))
            for stem in self.vocabulary
        }

    @classmethod
    def from_entries(cls, named: Iterable[Entry]) -> Lexicon:
        """A lexicon of these names alone (the medical actions have one of their own)."""
        entries: dict[tuple[str, ...], list[Entry]] = {}
        exact: dict[str, list[Entry]] = {}
        for entry in named:
            _add(entries, exact, entry)
        for found in entries.values():
            found.sort(key=lambda e: e.rank)
        return cls(entries, exact)

    @classmethod
    def build(cls, kb: KnowledgeBase, *, diseases: bool = True, actions: bool = True) -> Lexicon:
        entries: dict[tuple[str, ...], list[Entry]] = {}
        exact: dict[str, list[Entry]] = {}

        def add(entry: Entry) -> None:
            _add(entries, exact, entry)

        mask = kb.subontology_mask(Subontology.PHENOTYPIC_ABNORMALITY)
        for index in map(int, mask.nonzero()[0]):
            term = str(kb.term_id(index))
            add(Entry(Kind.PHENOTYPE, (term,), kb.labels[index], 0))
            for text, scope, kind in kb.synonyms(int(index)):
                if kind in _SKIP_SYNONYM_TYPES:
                    continue
                if kind == "abbreviation" or _ABBREVIATION.match(text):
                    if len(text) >= 3:
                        add(Entry(Kind.PHENOTYPE, (term,), text, 1, case_sensitive=True))
                    continue
                # a broad synonym ("Aortic root dilatation" for the aneurysm) is still the name
                # a text uses; it loses to any closer name of the same words
                rank = {"EXACT": 1, "BROAD": 4}.get(scope, 2)
                add(Entry(Kind.PHENOTYPE, (term,), text, rank))
            # "Abnormal ear morphology" is written "abnormal ear" or "ear anomalies" in text,
            # "Increased circulating ferritin concentration" as "raised ferritin"
            for pattern in (_MORPHOLOGY, _QUANTITY):
                shorter = pattern.sub(r"\1", kb.labels[index])
                if shorter != kb.labels[index]:
                    add(Entry(Kind.PHENOTYPE, (term,), shorter, 3))
        # abbreviations with one dominant clinical reading ("ESRD"), matched as written;
        # phrases in common clinical use that HPO lacks ("skin lesions"), as non-exact synonyms
        for entry in _table_entries(kb, "clinical_abbreviations.tsv", rank=1, case_sensitive=True):
            add(entry)
        for entry in _table_entries(kb, "clinical_phrases.tsv", rank=2):
            add(entry)
        negating: dict[str, list[Entry]] = {}
        for entry in _table_entries(kb, "negating_words.tsv", rank=1):
            negating.setdefault(fold(entry.name), []).append(entry)
        if diseases:
            for entry in _disease_entries(kb):
                add(entry)
        if actions:  # medical actions (MAxO): matched in the same pass, read apart
            from rarecase.recognize.actions import ActionVocabulary

            for entry in ActionVocabulary.bundled().entries:
                add(entry)
        for found in entries.values():
            found.sort(key=lambda e: (e.kind != Kind.PHENOTYPE, e.rank))
        return cls(entries, exact, negating)

    @classmethod
    def load(cls, kb: KnowledgeBase) -> Lexicon:
        """The lexicon of ``kb``, from its cache folder when built before (a second saved per
        start), else built and stored there. The file name carries a fingerprint of the code
        that builds lexicons, so a changed stemmer never reads an old file."""
        path = kb.cache_path / f"lexicon-{_fingerprint()}.json" if kb.cache_path else None
        if path is not None and path.is_file():
            try:
                return cls._from_json(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError) as error:
                log.warning("lexicon cache %s unreadable (%s); rebuilding", path, error)
        lexicon = cls.build(kb)
        if path is not None:
            lexicon._store(path)
        return lexicon

    def _store(self, path: Path) -> None:
        data = {
            "entries": [[list(k), [_entry_json(e) for e in v]] for k, v in self._entries.items()],
            "exact": [[k, [_entry_json(e) for e in v]] for k, v in self._exact.items()],
            "negating": [[k, [_entry_json(e) for e in v]] for k, v in self.negating.items()],
        }
        try:
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out)
            Path(temporary).replace(path)
        except OSError as error:
            log.warning("cannot write lexicon cache %s (%s)", path, error)

    @classmethod
    def _from_json(cls, data: dict[str, Any]) -> Lexicon:
        entries = {tuple(k): [_entry_from(e) for e in v] for k, v in data["entries"]}
        exact = {str(k): [_entry_from(e) for e in v] for k, v in data["exact"]}
        negating = {str(k): [_entry_from(e) for e in v] for k, v in data["negating"]}
        return cls(entries, exact, negating)

    def lookup(self, key: tuple[str, ...]) -> list[Entry]:
        """Entries whose sorted content stems equal ``key`` (already sorted)."""
        return self._entries.get(key, [])

    def lookup_exact(self, text: str) -> list[Entry]:
        """Case-sensitive names (abbreviations such as ``VSD``) spelled exactly ``text``."""
        return self._exact.get(text, [])

    def __len__(self) -> int:
        return sum(len(v) for v in self._entries.values()) + sum(
            len(v) for v in self._exact.values()
        )


log = logging.getLogger(__name__)


def _add(
    entries: dict[tuple[str, ...], list[Entry]], exact: dict[str, list[Entry]], entry: Entry
) -> None:
    """File one name under each of its stem keys (case-sensitive names apart, as written)."""
    if entry.case_sensitive:
        exact.setdefault(entry.name, []).append(entry)
        return
    for key in name_keys(entry.name):
        if not key or all(len(s) < 3 for s in key):
            continue
        if len(key) == 1 and overstemmed(entry.name.strip()):
            continue
        found = entries.setdefault(key, [])
        if not any(e.concepts == entry.concepts and e.rank <= entry.rank for e in found):
            found.append(entry)


# The data tables a lexicon is built from: an edit to one must not be hidden by an old cache.
_TABLES = (
    "clinical_abbreviations.tsv",
    "clinical_phrases.tsv",
    "negating_words.tsv",
    "clinical_actions.tsv",
)
_BINARY_TABLES = ("maxo_actions.tsv.gz",)


def _fingerprint() -> str:
    code = "".join(
        Path(module.__file__ or "").read_text(encoding="utf-8")
        for module in (_normalize_module, __import__(__name__, fromlist=["_"]))
    )
    data = resources.files("rarecase.recognize").joinpath("data")
    code += "".join(data.joinpath(name).read_text(encoding="utf-8") for name in _TABLES)
    digest = hashlib.sha256(code.encode())
    for name in _BINARY_TABLES:
        digest.update(data.joinpath(name).read_bytes())
    return digest.hexdigest()[:12]


def _entry_json(entry: Entry) -> list[object]:
    return [entry.kind.value, list(entry.concepts), entry.name, entry.rank, entry.case_sensitive]


def _entry_from(data: list[Any]) -> Entry:
    kind, concepts, name, rank, case_sensitive = data
    return Entry(_KINDS[kind], tuple(concepts), name, rank, case_sensitive)


_KINDS = {kind.value: kind for kind in Kind}


def _table_rows(name: str) -> Iterator[tuple[int, str, str]]:
    """(line number, phrase, HPO id) of a ``phrase<TAB>HPO id[<TAB>label]`` table in data/."""
    text = resources.files("rarecase.recognize").joinpath(f"data/{name}")
    for number, line in enumerate(text.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            phrase, ident, *_ = line.split("\t")
            yield number, phrase.strip(), ident.strip()


@cache
def negating_words() -> frozenset[str]:
    """The folded words of data/negating_words.tsv, for the matcher's per-word flags."""
    return frozenset(fold(phrase) for _, phrase, _ in _table_rows("negating_words.tsv"))


def _table_entries(
    kb: KnowledgeBase, name: str, *, rank: int, case_sensitive: bool = False
) -> Iterable[Entry]:
    """Phenotype entries from one of our tables in data/; an id this HPO release does not know
    is skipped with a warning, a moved one is followed."""
    for number, phrase, ident in _table_rows(name):
        try:
            index, _ = kb.resolve(ident)
        except UnknownTermError:
            log.warning("%s:%d: %s unknown to HPO %s; skipped", name, number, ident, kb.hpo_version)
            continue
        yield Entry(Kind.PHENOTYPE, (str(kb.term_id(index)),), phrase, rank, case_sensitive)


def _disease_entries(kb: KnowledgeBase) -> Iterable[Entry]:
    families: dict[str, list[str]] = {}
    for disease in kb.diseases():
        name = _clean_disease_name(disease.name)
        if not name:
            continue
        yield Entry(Kind.DISEASE, (disease.id,), name, 0)
        family = _FAMILY_SUFFIX.sub("", name).strip(" ,;")
        if family and family != name and len(tokenize(family)) >= 2:
            families.setdefault(family.lower(), []).append(disease.id)
    for family, members in families.items():
        yield Entry(Kind.DISEASE, tuple(sorted(set(members))), family, 3)


def _clean_disease_name(name: str) -> str:
    # OMIM names carry qualifiers after a semicolon ("...; ABC") and sometimes a leading "#".
    name = name.split(";")[0].strip().lstrip("#%+").strip()
    words = [t.lower for t in tokenize(name)]
    if not words or all(w in STOPWORDS for w in words):
        return ""
    return name
