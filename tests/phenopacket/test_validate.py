import json

import pytest

from rarecase.phenopacket import read_phenopacket
from rarecase.phenopacket.terms import case_from_terms
from rarecase.phenopacket.validate import Problem, Severity, sanitize, validate_case, validate_file
from tests.conftest import DATA

EXAMPLES = sorted((DATA / "phenopackets" / "examples").glob("*.json"))


def problems(report):
    return sorted(f.problem for f in report.findings)


def test_clean_case_is_valid(hpo):
    case = case_from_terms(["HP:0010646", "HP:0030833"], ["HP:0002905"], kb=hpo)
    report = validate_case(case, hpo)
    assert report.valid and report.findings == ()


def test_alt_and_obsolete_ids_are_errors_that_fix_can_repair(hpo):
    report = validate_case(case_from_terms(["HP:0001275", "HP:0000284"]), hpo)
    assert problems(report) == [Problem.ALT_ID, Problem.OBSOLETE_TERM]
    assert all(f.severity is Severity.ERROR and f.fixable for f in report.findings)
    assert "HP:0000315" in report.findings[1].message


def test_unknown_and_non_hpo_ids_are_unfixable_errors(hpo):
    case = case_from_terms(["HP:1999999", "MONDO:0007947", "HP:0003494"])
    report = validate_case(case, hpo)
    assert problems(report) == [Problem.NOT_HPO, Problem.OBSOLETE_TERM, Problem.UNKNOWN_TERM]
    assert not any(f.fixable for f in report.findings)
    consider = next(f for f in report.findings if f.problem is Problem.OBSOLETE_TERM)
    assert "consider HP:0000005" in consider.message


def test_observed_and_excluded_is_a_contradiction(hpo):
    report = validate_case(case_from_terms(["HP:0001250"], ["HP:0001250"]), hpo)
    assert problems(report) == [Problem.OBSERVED_AND_EXCLUDED]
    assert not report.valid


def test_observed_under_an_excluded_ancestor(hpo):
    # Focal-onset seizure observed while Seizure is excluded
    report = validate_case(case_from_terms(["HP:0007359"], ["HP:0001250"]), hpo)
    assert problems(report) == [Problem.OBSERVED_UNDER_EXCLUDED]


def test_redundancy_and_duplicates_are_warnings(hpo):
    case = case_from_terms(
        ["HP:0001250", "HP:0012638", "HP:0001250"], ["HP:0004322", "HP:0003502"], kb=hpo
    )
    report = validate_case(case, hpo)
    assert report.valid
    assert problems(report) == [
        Problem.DUPLICATE,
        Problem.REDUNDANT_ANCESTOR,
        Problem.REDUNDANT_EXCLUDED_DESCENDANT,
    ]


def test_label_mismatch_and_wrong_branch(hpo):
    case = case_from_terms(["HP:0001250", "HP:0000006"], kb=hpo)
    stale = case.features[0].term.__class__(case.features[0].term.id, "Seizures")
    case = case.with_features([case.features[0].__class__(stale), case.features[1]])
    report = validate_case(case, hpo)
    assert problems(report) == [Problem.LABEL_MISMATCH, Problem.WRONG_BRANCH]
    assert "mode of inheritance term" in report.findings[1].message


def test_sanitize_maps_ids_and_removes_redundancy(hpo):
    case = case_from_terms(
        ["HP:0001275", "HP:0012638", "HP:0001263", "HP:0001263", "HP:0000284"],
        ["HP:0004322", "HP:0003502"],
    )
    fixed, changes = sanitize(case, hpo)
    assert [str(f.term.id) for f in fixed.observed] == ["HP:0001250", "HP:0001263", "HP:0000315"]
    assert [str(f.term.id) for f in fixed.excluded] == ["HP:0004322"]
    assert all(f.term.label for f in fixed.features)
    assert len(changes) >= 5
    assert validate_case(fixed, hpo).findings == ()


def test_sanitize_leaves_what_needs_a_curator(hpo):
    fixed, _ = sanitize(case_from_terms(["HP:0001250", "HP:1999999"], ["HP:0001250"]), hpo)
    assert [str(f.term.id) for f in fixed.features] == ["HP:0001250", "HP:1999999", "HP:0001250"]
    assert not validate_case(fixed, hpo).valid


def test_unreadable_file_is_a_finding(hpo, tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"id": ')
    report = validate_file(path, hpo)
    assert not report.valid and report.case is None
    assert report.findings[0].problem is Problem.UNREADABLE
    assert str(path) in report.findings[0].message


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name.split("__")[0])
def test_published_examples_have_only_expected_errors(hpo, path):
    """Curated phenopacket-store examples: the only errors are ids newer than HPO 2025-01-16 and
    observed terms under an excluded ancestor (see the TBX5 test)."""
    report = validate_file(path, hpo)
    assert report.case is not None
    expected = {Problem.UNKNOWN_TERM, Problem.OBSERVED_UNDER_EXCLUDED}
    assert {f.problem for f in report.errors} <= expected
    report_json = report.to_json()
    assert json.loads(json.dumps(report_json))["observed"] == len(read_phenopacket(path).observed)


def test_conflict_found_in_a_published_case(hpo):
    # The TBX5 example observes Patent foramen ovale but excludes Atrial septal defect, which
    # HPO makes its ancestor: a real curation conflict the validator should point out.
    path = next(p for p in EXAMPLES if p.name.startswith("TBX5__"))
    conflict = [
        f for f in validate_file(path, hpo).errors if f.problem is Problem.OBSERVED_UNDER_EXCLUDED
    ]
    assert len(conflict) == 1
    assert "HP:0001655" in conflict[0].message and "HP:0001631" in conflict[0].message
