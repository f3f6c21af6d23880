"""`rarecase diagnose` and `rarecase eval diagnosis`, in-process, on the synthetic tiny HPO."""

import gzip
import json

import pytest

from rarecase.cli import run
from rarecase.phenopacket import Case, dumps_phenopacket

from .conftest import TINY_HPO


@pytest.fixture
def cli(tmp_path_factory, capsys):
    cache = tmp_path_factory.getbasetemp() / "tiny-cli-cache"

    def invoke(*args: str) -> tuple[int, str, str]:
        code = run(["--hpo-dir", str(TINY_HPO), "--cache-dir", str(cache), "diagnose", *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def test_leading_dash_marks_an_excluded_term(cli):
    code, out, _ = cli(
        "-HP:0007359", "HP:0001251", "--format", "json", "--top", "6", "-m", "likelihood+excluded"
    )
    data = json.loads(out)
    assert code == 0
    syndrome = next(d for d in data if d["id"] == "OMIM:100001")
    assert [m["case_term"] for m in syndrome["against"]] == ["HP:0007359"]
    assert data[0]["id"] == "ORPHA:1"  # ataxia without the syndrome's obligate seizures


def test_not_prefix_and_dash_dash_work_too(cli):
    code_not, out_not, _ = cli("HP:0001251", "not:HP:0007359", "-f", "json")
    code_dd, out_dd, _ = cli("-f", "json", "--", "-HP:0007359", "HP:0001251")
    assert code_not == code_dd == 0
    assert json.loads(out_not) == json.loads(out_dd)


def test_text_output_names_reasons(cli):
    code, out, _ = cli("HP:0007359", "HP:0001251", "--top", "1")
    assert code == 0
    assert "OMIM:100001" in out and "Seizure-ataxia syndrome" in out
    assert "(exact" in out


def test_top_and_database(cli):
    code, out, _ = cli("HP:0001251", "--top", "2", "--database", "ORPHA", "-f", "json")
    assert code == 0 and [d["id"] for d in json.loads(out)] == ["ORPHA:1"]


def test_unknown_id_is_one_line_exit_2(cli):
    code, out, err = cli("HP:0001251", "HP:9999999")
    assert code == 2 and out == ""
    assert err.startswith("rarecase: error: ") and "HP:9999999" in err and err.count("\n") == 1


def test_alt_id_is_noted(cli):
    code, _, err = cli("HP:0001275", "-f", "json")
    assert code == 0 and "alternative id of HP:0001250" in err


@pytest.mark.parametrize("args", [(), ("HP:0001251", "--batch", "x.jsonl")])
def test_exactly_one_input(cli, args):
    code, _, err = cli(*args)
    assert code == 2 and "exactly one of" in err


def test_phenopacket_file(cli, tmp_path):
    path = tmp_path / "case.json"
    case = Case.new("p1", observed=["HP:0000518", "HP:0004322"])
    path.write_text(dumps_phenopacket(case), encoding="utf-8")
    code, out, _ = cli("--phenopacket", str(path), "-f", "json", "--top", "1")
    assert code == 0 and json.loads(out)[0]["id"] == "OMIM:100004"


def test_batch_streams_one_line_per_case_and_reports_bad_lines(cli, tmp_path):
    path = tmp_path / "cases.jsonl"
    lines = [
        dumps_phenopacket(Case.new("a", observed=["HP:0000518", "HP:0004322"])),
        "{not json",
        dumps_phenopacket(Case.new("b", observed=["HP:0002650"])),
        dumps_phenopacket(Case.new("c", observed=["HP:9999999"])),
    ]
    compact = [x if x == "{not json" else json.dumps(json.loads(x)) for x in lines]
    path.write_text("\n".join(compact) + "\n", encoding="utf-8")
    code, out, err = cli("--batch", str(path), "--top", "2")
    rows = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [r["id"] for r in rows] == ["a", "b"]
    assert rows[0]["differential"][0]["id"] == "OMIM:100004"
    assert list(rows[0]["differential"][0]) == ["rank", "id", "label", "score", "probability"]
    assert "cases.jsonl:2" in err and "cases.jsonl:4" in err


def test_eval_diagnosis(tmp_path, capsys):
    path = tmp_path / "cases.jsonl.gz"
    records = [
        # from the publication HPO cites for the disease: "all" only
        {
            "id": "x1",
            "pmid": "PMID:1",
            "diseases": [{"id": "OMIM:100001"}],
            "observed": ["HP:0007359", "HP:0001251"],
            "excluded": [],
        },
        # another publication: unseen too
        {
            "id": "x2",
            "pmid": "PMID:99",
            "diseases": [{"id": "OMIM:100004"}],
            "observed": ["HP:0000518", "HP:0004322", "HP:1234567"],
            "excluded": ["HP:0001251"],
        },
        # not annotated in hpoa: not evaluable
        {
            "id": "x3",
            "pmid": "PMID:98",
            "diseases": [{"id": "OMIM:999999"}],
            "observed": ["HP:0000518"],
            "excluded": [],
        },
    ]
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r) + "\n" for r in records)
    code = run(
        [
            "--hpo-dir",
            str(TINY_HPO),
            "--cache-dir",
            str(tmp_path / "c"),
            "eval",
            "diagnosis",
            "--cases",
            str(path),
            "--json",
        ]
    )
    data = json.loads(capsys.readouterr().out)
    assert code == 0
    assert data["cases"] == 3 and data["evaluable"] == 2
    assert data["dropped_term_occurrences"] == 1
    assert set(data["models"]) == {
        "likelihood",
        "likelihood-present",
        "likelihood+excluded",
        "phenomizer",
        "phenomizer-bma",
    }
    likelihood = data["models"]["likelihood"]
    assert likelihood["all"]["n"] == 2 and likelihood["unseen"]["n"] == 1
    assert likelihood["all"]["top1"] == 1.0 and likelihood["all"]["mrr"] == 1.0
