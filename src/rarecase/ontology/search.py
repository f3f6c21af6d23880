"""Ranked fuzzy search over term labels and synonyms ("cervical instab" -> Cervical spine
instability).

Two stages keep it fast on ~70,000 names: every query word must begin a word of the name
(a prefix index over the vocabulary narrows the field to a few hundred names), then rapidfuzz
scores the survivors. Only when too few names survive (a typo: "sezure") is the whole list
scored by rapidfuzz, with a penalty so that exact prefix matches still rank first.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from rapidfuzz import fuzz, process

from rarecase.ontology.ids import TermId, hpo_number
from rarecase.ontology.knowledge import KnowledgeBase

_NON_WORD = re.compile(r"[^0-9a-z]+")
_TYPO_PENALTY = 12.0
_LABEL_BONUS = 3.0


def normalize(text: str) -> str:
    """Lower-case words separated by single spaces.

    >>> normalize("  Cervical-spine  INSTABILITY ")
    'cervical spine instability'
    """
    return " ".join(_NON_WORD.split(text.lower())).strip()


@dataclass(frozen=True, slots=True)
class SearchHit:
    term: TermId
    label: str
    matched: str
    score: float

    @property
    def via_synonym(self) -> bool:
        return self.matched != self.label


class TermSearch:
    """A search index over one knowledge base; build once, query many times.

    >>> [hit.label for hit in TermSearch(kb).search("cervical instab", limit=2)]
    ['Cervical spine instability']
    >>> TermSearch(kb).search("sezure", limit=1)[0].label
    'Seizure'
    """

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb

    @cached_property
    def _names(self) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
        """(normalised names, display names, owning term index, is-label flag)."""
        normal: list[str] = []
        shown: list[str] = []
        owner: list[int] = []
        is_label: list[bool] = []
        seen: set[tuple[int, str]] = set()
        for i, label in enumerate(self.kb.labels):
            candidates = [(label, True)] + [
                (text, False) for text, _, kind in self.kb.synonyms(i) if kind != "obsolete_synonym"
            ]
            for text, flag in candidates:
                key = normalize(text)
                if key and (i, key) not in seen:
                    seen.add((i, key))
                    normal.append(key)
                    shown.append(text)
                    owner.append(i)
                    is_label.append(flag)
        return normal, shown, np.array(owner, dtype=np.int32), np.array(is_label, dtype=bool)

    @cached_property
    def _vocabulary(self) -> tuple[list[str], list[np.ndarray]]:
        """Sorted words and, for each, the names containing it."""
        postings: dict[str, list[int]] = {}
        for n, name in enumerate(self._names[0]):
            for word in set(name.split()):
                postings.setdefault(word, []).append(n)
        words = sorted(postings)
        return words, [np.array(postings[w], dtype=np.int32) for w in words]

    def _word_names(self, token: str) -> tuple[np.ndarray, bool]:
        """Names with a word that starts with ``token``; failing that (a typo), names with a
        word close to it. The flag says whether the match was only approximate."""
        words, postings = self._vocabulary
        # A plural query word also finds the singular ("joints" -> "joint", "joints").
        stem = token[:-1] if len(token) > 3 and token.endswith("s") else token
        lo = bisect.bisect_left(words, stem)
        hi = bisect.bisect_left(words, token + "\uffff")
        found = [
            postings[k] for k in range(lo, hi) if words[k].startswith(token) or words[k] == stem
        ]
        if found:
            return np.unique(np.concatenate(found)), False
        if len(token) < 4:
            return np.empty(0, dtype=np.int32), True
        close = process.extract(
            token, words, scorer=fuzz.ratio, limit=8, score_cutoff=80, processor=None
        )
        if not close:
            return np.empty(0, dtype=np.int32), True
        return np.unique(np.concatenate([postings[k] for _, _, k in close])), True

    @cached_property
    def _name_lengths(self) -> np.ndarray:
        return np.array([len(n) for n in self._names[0]], dtype=np.float32)

    def _query_variants(self, query: str) -> list[str]:
        """The query, and with hyphenated words joined ("atlanto-axial" -> "atlantoaxial")."""
        variants = [normalize(query)]
        if "-" in query:
            variants.append(normalize(re.sub(r"(?<=\w)-(?=\w)", "", query)))
        return [v for v in dict.fromkeys(variants) if v]

    def search(self, query: str, *, limit: int = 10) -> list[SearchHit]:
        """Best ``limit`` terms for ``query``, one hit per term, best first."""
        if hpo_number(query) is not None and self.kb.is_current(query):
            i = self.kb.index(query)
            return [SearchHit(self.kb.term_id(i), self.kb.labels[i], self.kb.labels[i], 100.0)]
        normal, shown, owner, is_label = self._names
        best: dict[int, tuple[float, int]] = {}
        for text in self._query_variants(query):
            tokens = text.split()
            matched = np.zeros(len(normal), dtype=np.int16)
            approximate = np.zeros(len(normal), dtype=np.int16)
            for token in dict.fromkeys(tokens):
                names, fuzzy = self._word_names(token)
                matched[names] += 1
                if fuzzy:
                    approximate[names] += 1
            top = int(matched.max(initial=0))
            if top == 0:
                continue
            candidates = np.flatnonzero(matched == top)
            # How much of each name the query covers; keep the best few hundred for rapidfuzz.
            coverage = 100.0 * len(text) / np.maximum(self._name_lengths[candidates], len(text))
            if len(candidates) > 400:
                keep = np.argpartition(-coverage, 400)[:400]
                candidates, coverage = candidates[keep], coverage[keep]
            similarity = process.cdist(
                [text],
                [normal[n] for n in candidates],
                scorer=fuzz.token_set_ratio,
                processor=None,
            )[0]
            penalty = (
                _TYPO_PENALTY * approximate[candidates]
                + 2 * _TYPO_PENALTY * (len(set(tokens)) - top)
                - _LABEL_BONUS * is_label[candidates]
            )
            scores = 0.5 * similarity + 0.5 * coverage - penalty
            for name, score in zip(candidates.tolist(), scores.tolist(), strict=True):
                term = int(owner[name])
                if term not in best or score > best[term][0]:
                    best[term] = (score, name)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], len(normal[item[1][1]])))
        return [
            SearchHit(
                self.kb.term_id(term),
                self.kb.labels[term],
                shown[name],
                round(max(min(score, 100.0), 0.0), 1),
            )
            for term, (score, name) in ranked[:limit]
        ]
