import math
from pathlib import Path

import pytest

from rarecase.errors import OntologyFileError
from rarecase.ontology.hpoa import parse_frequency, read_hpoa
from tests.conftest import MINI_HPO

HEADER = (
    "database_id\tdisease_name\tqualifier\thpo_id\treference\tevidence\tonset\tfrequency\t"
    "sex\tmodifier\taspect\tbiocuration\n"
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("HP:0040280", 1.0),  # obligate
        ("HP:0040281", 0.895),  # very frequent, 80-99%
        ("HP:0040282", 0.545),  # frequent, 30-79%
        ("HP:0040283", 0.17),  # occasional, 5-29%
        ("HP:0040284", 0.025),  # very rare, 1-4%
        ("HP:0040285", 0.0),  # excluded
        ("7/30", 7 / 30),
        (" 1 / 4 ", 0.25),
        ("0/5", 0.0),
        ("45%", 0.45),
        ("12.5%", 0.125),
        ("", None),
    ],
)
def test_parse_frequency(text, expected):
    value = parse_frequency(text)
    if expected is None:
        assert value is None
    else:
        assert math.isclose(value, expected)


@pytest.mark.parametrize("text", ["5/0", "6/5", "150%", "often", "HP:0001250"])
def test_parse_frequency_rejects(text):
    with pytest.raises(ValueError, match="frequency"):
        parse_frequency(text)


def test_reads_rows_and_keeps_not_apart():
    hpoa = read_hpoa(MINI_HPO / "phenotype.hpoa")
    assert hpoa.version == "2025-01-16-mini"
    negated = [r for r in hpoa.rows if r.negated]
    assert {r.database_id for r in negated} == {"ORPHA:199310", "ORPHA:79405"}
    lds1 = [r for r in hpoa.rows if r.database_id == "OMIM:609192" and r.hpo_id == "HP:0010646"]
    assert len(lds1) == 1 and lds1[0].frequency_text == "7/30"
    assert math.isclose(lds1[0].frequency, 7 / 30)


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "phenotype.hpoa"
    path.write_text("#version: test\n" + HEADER + body, encoding="utf-8")
    return path


def test_wrong_column_count_names_the_line(tmp_path):
    path = _write(tmp_path, "OMIM:1\tX\t\tHP:0000118\n")
    with pytest.raises(OntologyFileError, match=r"phenotype\.hpoa:3: 4 columns where 12"):
        read_hpoa(path)


def test_bad_qualifier_and_frequency(tmp_path):
    row = "OMIM:1\tX\tMAYBE\tHP:0000118\tPMID:1\tPCS\t\t\t\t\tP\tx\n"
    with pytest.raises(OntologyFileError, match="qualifier 'MAYBE'"):
        read_hpoa(_write(tmp_path, row))
    row = "OMIM:1\tX\t\tHP:0000118\tPMID:1\tPCS\t\t9/4\t\t\tP\tx\n"
    with pytest.raises(OntologyFileError, match="9/4"):
        read_hpoa(_write(tmp_path, row))


def test_file_without_header(tmp_path):
    path = tmp_path / "phenotype.hpoa"
    path.write_text("hello\tworld\n", encoding="utf-8")
    with pytest.raises(OntologyFileError, match=r"not phenotype\.hpoa"):
        read_hpoa(path)
