"""The novelty check: a hand-built corpus counted by reasoning, and a brute force over random
corpora on the full HPO."""

from __future__ import annotations

import itertools
import json
from collections import Counter

import numpy as np
import pytest

from rarecase.corpus import CaseRecord, NamedDisease
from rarecase.corpus.novelty import FindingKind, novelty
from rarecase.corpus.similar import CaseIndex
from rarecase.corpus.synthetic import synthetic_corpus
from rarecase.ontology import KnowledgeBase
from rarecase.ontology.ids import Subontology

SEIZURE = "HP:0001250"
FOCAL = "HP:0007359"
ATAXIA = "HP:0001251"
NERVOUS = "HP:0000707"
SHORT = "HP:0004322"
CATARACT = "HP:0000518"
# Marfan, Noonan, Rett, Angelman and Dravet syndromes, neurofibromatosis 1.
FEW_DISEASES = [
    "OMIM:154700",
    "OMIM:163950",
    "OMIM:312750",
    "OMIM:105830",
    "OMIM:607208",
    "OMIM:162200",
]


def record(ident, disease, present, excluded=()):
    return CaseRecord(ident, f"PMID:{ident[1:]}", (NamedDisease(disease),), present, excluded)


@pytest.fixture(scope="module")
def index(tiny_kb: KnowledgeBase) -> CaseIndex:
    return CaseIndex.build(
        tiny_kb,
        [
            record("c1", "OMIM:100001", (FOCAL, ATAXIA)),
            record("c2", "OMIM:100001", (FOCAL,), (ATAXIA,)),
            record("c3", "OMIM:100003", (SEIZURE,), (ATAXIA,)),
            record("c4", "OMIM:100004", (CATARACT, SHORT), (NERVOUS,)),  # so no ataxia
            record("c5", "ORPHA:1", (ATAXIA, CATARACT)),
        ],
        name="tiny",
    )


def as_keys(findings) -> tuple[tuple[str, bool], ...]:
    return tuple((f.id, f.excluded) for f in findings)


def test_key_findings_leave_out_implied_ones(index: CaseIndex):
    report = novelty(index, [SEIZURE, FOCAL, CATARACT], [ATAXIA])
    # Seizure is implied by Focal-onset seizure.
    assert as_keys(report.key_findings) == ((FOCAL, False), (CATARACT, False), (ATAXIA, True))
    # Lacking nervous-system abnormalities implies lacking ataxia.
    report = novelty(index, [CATARACT], [ATAXIA, NERVOUS])
    assert as_keys(report.key_findings) == ((CATARACT, False), (NERVOUS, True))
    # Excluding Seizure (or anything above it) while Focal-onset seizure is present contradicts
    # the case: the exclusion is dropped.
    report = novelty(index, [FOCAL], [SEIZURE, NERVOUS, ATAXIA])
    assert as_keys(report.key_findings) == ((FOCAL, False), (ATAXIA, True))


def test_counts_and_minimal_unprecedented_combinations(index: CaseIndex):
    report = novelty(index, [SEIZURE, FOCAL, CATARACT], [ATAXIA])
    # Focal seizure: c1, c2; cataract: c4, c5; without ataxia: c2, c3 and c4 (which lacks all
    # nervous-system abnormalities). No case shows all three; each pair is shown by at most one.
    assert report.matching_cases == ()
    found = [(as_keys(u.findings), [c.id for c in u.prior_cases]) for u in report.unprecedented]
    assert found == [
        (((FOCAL, False), (CATARACT, False)), []),
        (((FOCAL, False), (ATAXIA, True)), ["c2"]),
        (((CATARACT, False), (ATAXIA, True)), ["c4"]),
    ]
    assert report.n_unprecedented == 3
    focal_without_ataxia = report.unprecedented[1]
    assert [(as_keys(s.findings), s.count) for s in focal_without_ataxia.without_each] == [
        (((ATAXIA, True),), 3),
        (((FOCAL, False),), 2),
    ]
    # With ataxia present instead: c1.
    [instead] = focal_without_ataxia.present_instead
    assert (as_keys(instead.findings), instead.count, instead.pmids) == (
        ((FOCAL, False), (ATAXIA, False)),
        1,
        ("PMID:1",),
    )


def test_a_disease_counts_as_a_finding(index: CaseIndex):
    report = novelty(index, [FOCAL], diseases=["OMIM:100001"])
    assert report.key_findings[0].kind is FindingKind.DISEASE
    assert report.key_findings[0].label == "Seizure-ataxia syndrome"
    assert [c.id for c in report.matching_cases] == ["c1", "c2"]
    assert report.unprecedented == ()
    report = novelty(index, [CATARACT], diseases=["OMIM:100001"])
    assert [as_keys(u.findings) for u in report.unprecedented] == [
        (("OMIM:100001", False), (CATARACT, False))
    ]


def test_an_inconsistent_case_does_not_show_the_absence_of_what_it_has(tiny_kb: KnowledgeBase):
    index = CaseIndex.build(tiny_kb, [record("c1", "OMIM:1", (ATAXIA,), (NERVOUS,))])
    report = novelty(index, [CATARACT], [ATAXIA])
    [single] = [u for u in report.unprecedented if as_keys(u.findings) == ((ATAXIA, True),)]
    assert single.prior_cases == ()


def test_exclude_pmids_leaves_out_a_publication(index: CaseIndex):
    report = novelty(index, [FOCAL], [ATAXIA], exclude_pmids=["PMID:2"])
    assert report.n_cases == 4
    # Without c2, focal seizure alone is shown by one case (c1): that is the minimal
    # combination, and focal seizure without ataxia (now shown by none) is not minimal.
    [u] = report.unprecedented
    assert as_keys(u.findings) == ((FOCAL, False),)
    assert [c.id for c in u.prior_cases] == ["c1"]


def test_json_and_text(index: CaseIndex):
    report = novelty(index, [SEIZURE, FOCAL, CATARACT], [ATAXIA])
    data = json.loads(json.dumps(report.to_json()))
    assert set(data) == {"key_findings", "matching_cases", "unprecedented"}
    assert data["key_findings"][2] == {
        "id": ATAXIA,
        "label": "Ataxia",
        "kind": "phenotype",
        "excluded": True,
    }
    assert data["unprecedented"][1]["prior_cases"] == [{"id": "c2", "pmid": "PMID:2"}]
    assert {"findings", "prior_cases"} <= set(data["unprecedented"][0])
    text = report.to_text()
    assert text.startswith("Of 5 published cases in the store (tiny), none shows all")
    assert "No stored case shows focal-onset seizure and cataract" in text
    assert "Only one stored case shows focal-onset seizure without ataxia (PMID:2)" in text
    assert "with ataxia: 1 (PMID:1)" in text


# -- against brute force ---------------------------------------------------------------------


def brute_force(kb: KnowledgeBase, records, findings, max_size):
    """Which cases show each finding, by the definitions, with Python sets; then every
    combination of up to ``max_size`` findings."""

    def up(t: str) -> set[int]:
        return {int(a) for a in kb.ancestors(t)}

    shows = []
    for f in findings:
        cases = set()
        for r in records:
            closure = set().union(*(up(t) for t in r.present)) if r.present else set()
            if f.kind is FindingKind.DISEASE:
                ok = f.id in r.disease_ids
            elif f.excluded:
                ok = bool(up(f.id) & {kb.index(x) for x in r.excluded})
                ok = ok and kb.index(f.id) not in closure
            else:
                ok = kb.index(f.id) in closure
            if ok:
                cases.add(r.id)
        shows.append(cases)
    everyone = {r.id for r in records}

    def count(combo) -> set[str]:
        return everyone.intersection(*(shows[k] for k in combo))

    minimal = {}
    for size in range(1, max_size + 1):
        for combo in itertools.combinations(range(len(findings)), size):
            cases = count(combo)
            if len(cases) <= 1 and all(
                len(count(sub)) > 1
                for k in range(1, size)
                for sub in itertools.combinations(combo, k)
            ):
                minimal[combo] = cases
    return count(range(len(findings))), minimal


def independent_key_findings(kb: KnowledgeBase, present, excluded):
    mask = kb.subontology_mask(Subontology.PHENOTYPIC_ABNORMALITY)
    root = kb.index("HP:0000118")
    p = [kb.index(t) for t in dict.fromkeys(present) if mask[kb.index(t)] and kb.index(t) != root]
    x = [kb.index(t) for t in dict.fromkeys(excluded) if mask[kb.index(t)]]

    def up(t):
        return set(kb.ancestors(t).tolist())

    key_p = [t for t in p if not any(t in up(o) for o in p if o != t)]
    consistent = [t for t in x if not any(t in up(o) for o in p)]
    key_x = [t for t in consistent if not any(o in up(t) for o in consistent if o != t)]
    return [(str(kb.term_id(t)), False) for t in key_p] + [
        (str(kb.term_id(t)), True) for t in key_x
    ]


@pytest.mark.parametrize(("seed", "max_size"), [(11, 3), (12, 4)])
def test_novelty_equals_brute_force(hpo: KnowledgeBase, seed: int, max_size: int):
    # Few diseases, many cases each: combinations of two and three findings are shown by several
    # cases, so the search has to go past single findings.
    corpus = synthetic_corpus(hpo, 200, seed=seed, diseases=FEW_DISEASES)
    records = corpus.records(hpo)
    index = CaseIndex.build(hpo, records)
    rng = np.random.default_rng(seed)
    sizes: Counter[int] = Counter()
    # Queries: real cases of the corpus (so that combinations are shown by several cases),
    # with their diagnosis, some findings of another case mixed in.
    for q in rng.choice(len(records), size=6, replace=False).tolist():
        other = records[(q + 1) % len(records)]
        present = list(records[q].present[:6]) + list(other.present[:2])
        excluded = list(records[q].excluded[:3]) + list(other.excluded[:1])
        diseases = list(records[q].disease_ids)
        report = novelty(index, present, excluded, diseases, max_size=max_size, reported=10**6)
        assert as_keys(report.key_findings) == tuple(
            [(d, False) for d in diseases] + independent_key_findings(hpo, present, excluded)
        )
        matching, minimal = brute_force(hpo, records, report.key_findings, max_size)
        assert {c.id for c in report.matching_cases} == matching
        found = {
            tuple(report.key_findings.index(f) for f in u.findings): {c.id for c in u.prior_cases}
            for u in report.unprecedented
        }
        assert found == minimal
        assert report.n_unprecedented == len(minimal)
        sizes.update(len(u.findings) for u in report.unprecedented)
    assert set(range(2, max_size + 1)) <= set(sizes)  # not only single findings were checked


def test_combinations_of_absences_alone_are_reported_last(tiny_kb: KnowledgeBase):
    # Nobody records short stature absent (an absence alone, one finding), and one case has
    # cataract without ataxia (two findings, one present): the pair is reported first.
    idx = CaseIndex.build(
        tiny_kb,
        [
            record("c1", "OMIM:100001", (CATARACT,), (SEIZURE,)),
            record("c2", "OMIM:100001", (CATARACT,), (SEIZURE,)),
            record("c3", "OMIM:100003", (CATARACT,), (ATAXIA,)),
            record("c4", "OMIM:100003", (CATARACT,), ()),
            record("c5", "OMIM:100004", (SHORT,), (SEIZURE, ATAXIA)),
            record("c6", "OMIM:100004", (SHORT,), ()),
        ],
    )
    report = novelty(idx, [CATARACT], [SEIZURE, ATAXIA, SHORT])
    combos = [as_keys(u.findings) for u in report.unprecedented]
    assert combos.index(((CATARACT, False), (ATAXIA, True))) < combos.index(((SHORT, True),))
    kinds = [all(f.excluded for f in u.findings) for u in report.unprecedented]
    assert kinds == sorted(kinds)  # every combination with a present finding first
