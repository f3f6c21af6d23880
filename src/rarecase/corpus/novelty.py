"""The novelty check: has this combination of findings been reported before, and how often?

The question every case-report author answers by hand ("the first case without …", "reported only
once"). A *finding* is a present HPO term, an excluded one, or a diagnosis. A stored case *shows*

- a present finding ``t`` when it has ``t`` or a more specific term (``t`` is in the ancestor
  closure of its present terms);
- an excluded finding "without ``x``" when it records ``x`` absent: it excludes ``x`` or a term
  above ``x`` (lacking that, the patient lacks everything below), and does not have ``x`` present
  (which a consistent case cannot; an inconsistent one is counted as saying nothing);
- a disease finding when the disease id is among its diagnoses (the exact id).

*Key findings* are the case's findings less the implied ones: a present term above another present
term (every case showing the specific one shows it), an excluded term below another excluded term
(lacking the general one implies it), and an excluded term that is, or is above, a present one
(the case contradicts itself there, and the excluded side is dropped).

*Unprecedented* combinations are the minimal sets of key findings (up to ``max_size`` of them)
that at most ``rare`` stored cases show: no proper subset is as rare. Counts shrink as findings
are added, so a set is minimal when every set one finding smaller is shown by more than ``rare``
cases; the search runs level by level (as Apriori does) and extends only the common sets. Cases
are bitsets (Python ints, one bit a stored case), so every count is exact.

Reported first: the smallest combinations, unseen before once-seen, then those whose parts are the
most often reported (the surprise is largest when each part is common and the whole is unseen).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

import numpy as np

from rarecase.corpus.records import NamedDisease
from rarecase.corpus.similar import CaseIndex, TermInput, resolve_terms
from rarecase.errors import UnknownTermError
from rarecase.ontology.ids import PHENOTYPIC_ABNORMALITY

#: Combinations up to this many findings are searched.
MAX_SIZE: Final = 3
#: A combination shown by at most this many stored cases is unprecedented (0) or nearly (1).
RARE: Final = 1
#: Unprecedented combinations reported (all are counted).
REPORTED: Final = 10
#: PMIDs listed per count in the context of a combination.
LISTED: Final = 10


class FindingKind(StrEnum):
    PHENOTYPE = "phenotype"
    DISEASE = "disease"


@dataclass(frozen=True, slots=True)
class Finding:
    """One finding of the case: a present or excluded HPO term, or a diagnosis."""

    id: str
    label: str
    kind: FindingKind = FindingKind.PHENOTYPE
    excluded: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "kind": self.kind.value,
            "excluded": self.excluded,
        }

    @property
    def phrase(self) -> str:
        """The label as it reads inside a sentence ("ectopia lentis"; disease names and
        acronyms keep their capitals)."""
        label = self.label or self.id
        if self.kind is FindingKind.PHENOTYPE and len(label) > 1 and label[1].islower():
            return label[0].lower() + label[1:]
        return label


@dataclass(frozen=True, slots=True)
class PriorCase:
    """A stored case that shows a combination, and its publication."""

    id: str
    pmid: str

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "pmid": self.pmid}


@dataclass(frozen=True, slots=True)
class Shown:
    """How many stored cases show a combination, and some of their publications."""

    findings: tuple[Finding, ...]
    count: int
    pmids: tuple[str, ...]  # distinct, at most LISTED, in corpus order
    n_publications: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "findings": [f.to_json() for f in self.findings],
            "count": self.count,
            "pmids": list(self.pmids),
            "n_publications": self.n_publications,
        }


@dataclass(frozen=True, slots=True)
class Unprecedented:
    """A minimal combination of the case's findings that at most one stored case shows.

    ``without_each`` counts the combination less each one of its findings (each is shown by more
    cases, or the combination would not be minimal); ``present_instead`` counts it with an
    excluded finding turned present ("with arachnodactyly: 14")."""

    findings: tuple[Finding, ...]
    prior_cases: tuple[PriorCase, ...]
    without_each: tuple[Shown, ...]
    present_instead: tuple[Shown, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "findings": [f.to_json() for f in self.findings],
            "prior_cases": [c.to_json() for c in self.prior_cases],
            "without_each": [s.to_json() for s in self.without_each],
            "present_instead": [s.to_json() for s in self.present_instead],
        }


@dataclass(frozen=True, slots=True)
class NoveltyReport:
    """What the stored cases say about a case's combination of findings."""

    key_findings: tuple[Finding, ...]
    matching_cases: tuple[PriorCase, ...]
    unprecedented: tuple[Unprecedented, ...]
    n_cases: int  # stored cases compared (after leaving out publications)
    n_unprecedented: int  # minimal combinations found (``unprecedented`` holds the first few)
    corpus: str = ""
    max_size: int = MAX_SIZE

    def to_json(self) -> dict[str, Any]:
        """The report as JSON: exactly ``key_findings``, ``matching_cases`` and
        ``unprecedented`` (the corpus size and name are in :meth:`to_text`)."""
        return {
            "key_findings": [f.to_json() for f in self.key_findings],
            "matching_cases": [c.to_json() for c in self.matching_cases],
            "unprecedented": [u.to_json() for u in self.unprecedented],
        }

    def to_text(self) -> str:
        """Sentences an author can cite, counts and PMIDs included."""
        where = f" ({self.corpus})" if self.corpus else ""
        lines = [
            f"Of {self.n_cases:,} published cases in the store{where}, "
            f"{_count_phrase(len(self.matching_cases))} all of the case's key findings — "
            f"{_combination(self.key_findings)}"
            + _pmid_list([c.pmid or c.id for c in self.matching_cases])
            + "."
        ]
        for u in self.unprecedented:
            prior = [c.pmid or c.id for c in u.prior_cases]
            sentence = _count_phrase(len(u.prior_cases), "stored case").capitalize()
            sentence += f" {_combination(u.findings)}{_pmid_list(prior)}"
            parts = [
                f"{s.count:,} show {_combination(s.findings)}"
                + _pmid_list(s.pmids, s.n_publications)
                for s in u.without_each
                if s.findings
            ]
            parts += [
                f"with {s.findings[-1].phrase}: {s.count:,}{_pmid_list(s.pmids, s.n_publications)}"
                if s.count
                else f"with {s.findings[-1].phrase}: none"
                for s in u.present_instead
            ]
            lines.append(sentence + ("; " + "; ".join(parts) if parts else "") + ".")
        if self.n_unprecedented > len(self.unprecedented):
            lines.append(
                f"({self.n_unprecedented - len(self.unprecedented)} more combinations of up to "
                f"{self.max_size} findings are shown by at most one case.)"
            )
        return "\n".join(lines)


def novelty(
    index: CaseIndex,
    present: Sequence[TermInput],
    excluded: Sequence[TermInput] = (),
    diseases: Sequence[str | NamedDisease] = (),
    *,
    max_size: int = MAX_SIZE,
    rare: int = RARE,
    reported: int = REPORTED,
    exclude_pmids: Iterable[str] = (),
    strict: bool = True,
) -> NoveltyReport:
    """Which stored cases show the case's key findings, and which small combinations of them
    none or only one does (see the module docstring). Unknown term ids raise, or are left out
    when not ``strict``.

    >>> from rarecase.corpus import CaseRecord
    >>> index = CaseIndex.build(kb, [
    ...     CaseRecord("a", "PMID:1", present=("HP:0001250", "HP:0010646")),
    ...     CaseRecord("b", "PMID:2", present=("HP:0001250",)),
    ...     CaseRecord("c", "PMID:3", present=("HP:0010646",))])
    >>> report = novelty(index, ["HP:0001250", "HP:0010646"])
    >>> [c.id for c in report.matching_cases], report.unprecedented[0].prior_cases[0].pmid
    (['a'], 'PMID:1')
    """
    findings, bitsets = _key_findings(index, present, excluded, diseases, strict)
    left_out = set(exclude_pmids)
    keep = np.array([p not in left_out for p in index.pmids], dtype=bool)
    universe = _bits(np.flatnonzero(keep), len(index))
    bitsets = [b & universe for b in bitsets]
    n_cases = int(keep.sum())

    everything = universe
    for b in bitsets:
        everything &= b
    matching = _cases(index, everything)

    found, counts = _minimal_rare(bitsets, universe, max_size, rare)

    def subset_bits(combo: tuple[int, ...]) -> int:
        bits = universe
        for k in combo:
            bits &= bitsets[k]
        return bits

    def surprise(
        item: tuple[tuple[int, ...], int],
    ) -> tuple[int, int, int, int, tuple[int, ...]]:
        # Every set one finding smaller is common (the combination is minimal): its count is kept.
        combo, shown = item
        weakest = min(counts[combo[:k] + combo[k + 1 :]] for k in range(len(combo)))
        # A combination of absences alone ("without fever or asthenia") says least: last.
        absences_only = all(findings[k].excluded for k in combo)
        return (int(absences_only), len(combo), shown.bit_count(), -weakest, combo)

    first = heapq.nsmallest(reported, found, key=surprise)
    report = []
    for combo, shown in first:
        report.append(
            Unprecedented(
                tuple(findings[k] for k in combo),
                _cases(index, shown),
                tuple(
                    _shown(index, tuple(findings[k] for k in rest), subset_bits(rest))
                    for rest in (combo[:k] + combo[k + 1 :] for k in range(len(combo)))
                ),
                tuple(
                    _shown(
                        index,
                        (*(findings[o] for o in combo if o != k), _present_of(findings[k])),
                        subset_bits(tuple(o for o in combo if o != k))
                        & _bits(index.rows_with(index.kb.index(findings[k].id)), len(index)),
                    )
                    for k in combo
                    if findings[k].excluded
                ),
            )
        )
    return NoveltyReport(
        tuple(findings),
        matching,
        tuple(report),
        n_cases,
        len(found),
        index.name,
        max_size,
    )


def _minimal_rare(
    bitsets: Sequence[int], universe: int, max_size: int, rare: int
) -> tuple[list[tuple[tuple[int, ...], int]], dict[tuple[int, ...], int]]:
    """Every minimal combination (positions, up to ``max_size``) whose cases number at most
    ``rare``, with its cases' bits; and the count of every common combination met on the way.

    Level by level: a combination of ``k`` findings is tried only when all its subsets of
    ``k - 1`` are common (shown by more than ``rare`` cases), which is what minimal means, as
    counts only shrink when findings are added.
    """
    found: list[tuple[tuple[int, ...], int]] = []
    counts: dict[tuple[int, ...], int] = {(): universe.bit_count()}
    level: dict[tuple[int, ...], int] = {(): universe}
    singles: list[int] = []  # the common single findings: only they can extend a combination
    partners: dict[int, set[int]] = {}  # per finding, those it makes a common pair with
    for size in range(1, max_size + 1):
        following: dict[tuple[int, ...], int] = {}
        for base, bits in level.items():
            if size == 1:
                extensions: Iterable[int] = range(len(bitsets))
            elif size == 2:
                extensions = (j for j in singles if j > base[-1])
            else:  # each pair in the combination must be common: a set intersection
                common = set.intersection(*(partners.get(e, set()) for e in base))
                extensions = sorted(j for j in common if j > base[-1])
            for j in extensions:
                combo = (*base, j)
                if size > 3 and any(
                    combo[:k] + combo[k + 1 :] not in counts for k in range(size - 1)
                ):
                    continue  # a smaller subset is rare: not minimal
                shown = bits & bitsets[j]
                count = shown.bit_count()
                if count <= rare:
                    found.append((combo, shown))
                else:
                    following[combo] = shown
                    counts[combo] = count
        if size == 1:
            singles = [j for (j,) in following]
        if size == 2:
            for a, b in following:
                partners.setdefault(a, set()).add(b)
                partners.setdefault(b, set()).add(a)
        if not following:
            break
        level = following
    return found, counts


def _present_of(finding: Finding) -> Finding:
    return Finding(finding.id, finding.label, finding.kind, excluded=False)


def _key_findings(
    index: CaseIndex,
    present: Sequence[TermInput],
    excluded: Sequence[TermInput],
    diseases: Sequence[str | NamedDisease],
    strict: bool,
) -> tuple[list[Finding], list[int]]:
    """The key findings (see the module docstring) and, per finding, the bitset of the cases
    that show it."""
    kb, w = index.kb, index.weights
    n = len(index)

    def indices(terms: Sequence[TermInput], keep_root: bool) -> list[int]:
        found = [
            i
            for i in resolve_terms(kb, terms, strict=strict)
            if w[i] > 0 or (keep_root and kb.term_id(i) == PHENOTYPIC_ABNORMALITY)
        ]
        return list(dict.fromkeys(found))

    p = indices(present, False)
    x = indices(excluded, True)
    p_ancestors = {t: set(kb.ancestors(t).tolist()) for t in p}
    x_ancestors = {t: set(kb.ancestors(t).tolist()) for t in x}
    key_p = [t for t in p if not any(t in p_ancestors[o] for o in p if o != t)]
    above_present = set().union(*p_ancestors.values()) if p else set()
    # Contradictions go first, so that a dropped exclusion does not make another one redundant.
    consistent = [t for t in x if t not in above_present]
    key_x = [t for t in consistent if not any(o in x_ancestors[t] for o in consistent if o != t)]
    findings: list[Finding] = []
    bitsets: list[int] = []
    for d in diseases:
        ident = d.id if isinstance(d, NamedDisease) else d
        label = d.label if isinstance(d, NamedDisease) else ""
        if not label:
            try:
                label = kb.disease(ident).name
            except UnknownTermError:
                label = ident
        findings.append(Finding(ident, label, FindingKind.DISEASE))
        bitsets.append(_bits(index.rows_with_disease(ident), n))
    for t in key_p:
        findings.append(Finding(str(kb.term_id(t)), kb.label(t)))
        bitsets.append(_bits(index.rows_with(t), n))
    for t in key_x:
        findings.append(Finding(str(kb.term_id(t)), kb.label(t), excluded=True))
        bitsets.append(_bits(index.rows_without(t), n))
    return findings, bitsets


def _bits(rows: np.ndarray, n: int) -> int:
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


def _rows(bits: int, n: int) -> np.ndarray:
    raw = np.frombuffer(bits.to_bytes((n + 7) // 8, "little"), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(raw, bitorder="little")[:n])


def _cases(index: CaseIndex, bits: int) -> tuple[PriorCase, ...]:
    return tuple(PriorCase(index.ids[r], index.pmids[r]) for r in _rows(bits, len(index)).tolist())


def _shown(index: CaseIndex, findings: tuple[Finding, ...], bits: int) -> Shown:
    rows = _rows(bits, len(index)).tolist()
    pmids = list(dict.fromkeys(index.pmids[r] or index.ids[r] for r in rows))
    return Shown(findings, len(rows), tuple(pmids[:LISTED]), len(pmids))


def _count_phrase(count: int, noun: str = "") -> str:
    """ "none shows", "only one stored case shows", "14 stored cases show"."""
    if count == 0:
        return f"no {noun} shows" if noun else "none shows"
    if count == 1:
        return f"only one {noun} shows" if noun else "only one shows"
    return f"{count:,} {noun}s show" if noun else f"{count:,} show"


def _join(words: Sequence[str], word: str = "and") -> str:
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + f" {word} " + words[-1]


def _combination(findings: Sequence[Finding]) -> str:
    """The combination as a phrase: "Marfan syndrome with ectopia lentis without arachnodactyly"."""
    diseases = [f.phrase for f in findings if f.kind is FindingKind.DISEASE]
    present = [f.phrase for f in findings if f.kind is FindingKind.PHENOTYPE and not f.excluded]
    absent = [f.phrase for f in findings if f.excluded]
    text = _join(diseases)
    if present:
        text += (" with " if text else "") + _join(present)
    if absent:
        text += (" without " + _join(absent, "or")) if text else "the absence of " + _join(absent)
    return text or "no findings"


def _pmid_list(pmids: Sequence[str], publications: int | None = None) -> str:
    """The first LISTED distinct PMIDs, as " (PMID:1, PMID:2 and 3 more publications)"."""
    distinct = list(dict.fromkeys(pmids))
    if not distinct:
        return ""
    total = len(distinct) if publications is None else publications
    shown = distinct[:LISTED]
    rest = total - len(shown)
    more = f" and {rest} more publication{'s' if rest > 1 else ''}" if rest > 0 else ""
    return " (" + ", ".join(shown) + more + ")"
