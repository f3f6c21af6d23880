"""``rarecase corpus …`` in-process, on stores in temporary folders (never the user's)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from rarecase.cli import run

DATA = Path(__file__).parent / "data"
COMPACT = DATA / "corpus" / "compact.jsonl"
EXAMPLES = DATA / "phenopackets" / "examples"


@pytest.fixture
def cli(request, hpo, capsys, tmp_path, monkeypatch):
    """Run a command on an empty store of this test (RARECASE_DB), full HPO release."""
    cache = request.config.cache.mkdir("rarecase-kb")
    monkeypatch.setenv("RARECASE_DB", str(tmp_path / "cases.sqlite"))

    def invoke(*args: str) -> tuple[int, str, str]:
        code = run(["--cache-dir", str(cache), *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return invoke


def test_add_reports_counts_and_each_rejection(cli):
    code, out, err = cli("corpus", "add", "--no-bundled", str(COMPACT))
    assert code == 1  # some lines were rejected; the others were added
    assert "3 added, 0 updated, 0 unchanged, 5 rejected" in out
    assert err.count("rarecase: rejected:") == 5
    assert f"{COMPACT}:6: not valid JSON" in err
    code, out, _ = cli("corpus", "stats", "--json")
    assert json.loads(out)["cases"] == 3
    code, out, _ = cli("corpus", "add", "--no-bundled", "--json", str(EXAMPLES))
    report = json.loads(out)
    assert code == 0 and report["added"] == 30 and report["rejected"] == 0


def test_strict_add_writes_nothing(cli):
    code, out, _ = cli("corpus", "add", "--no-bundled", "--strict", str(COMPACT))
    assert code == 1 and "(nothing written)" in out
    _, out, _ = cli("corpus", "stats", "--json")
    assert json.loads(out)["cases"] == 0


def test_list_show_and_remove(cli):
    cli("corpus", "add", "--no-bundled", str(EXAMPLES))
    code, out, _ = cli("corpus", "list", "--format", "json", "--limit", "100")
    listed = json.loads(out)
    assert code == 0 and len(listed) == 30
    ident = listed[0]["id"]
    code, out, _ = cli("corpus", "show", ident, "--format", "json")
    shown = json.loads(out)
    assert shown["id"] == ident and shown["record"]["id"] == ident
    assert all(t["label"] for t in shown["present"])
    code, out, _ = cli("corpus", "show", ident)
    assert code == 0 and ident in out and "present (" in out
    code, _, err = cli("corpus", "show", "no-such-case")
    assert code == 2 and "no-such-case: no such case" in err
    code, out, _ = cli("corpus", "remove", ident)
    assert code == 0 and "removed 1 case(s)" in out
    code, _, err = cli("corpus", "remove", ident)
    assert code == 1 and "no such case" in err
    code, _, err = cli("corpus", "remove")
    assert code == 2 and "give exactly one of" in err
    code, out, _ = cli("corpus", "remove", "--all")
    assert code == 0 and "removed 29 case(s)" in out


def test_list_by_term_resolves_alternative_ids(cli):
    cli("corpus", "add", "--no-bundled", str(COMPACT))
    # HP:0001275 is an alt id of Seizure; syn-2 and syn-5 record Seizure present
    code, out, _ = cli("corpus", "list", "--term", "HP:0001275", "--format", "json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == ["syn-2", "syn-5"]
    code, _, err = cli("corpus", "list", "--term", "HP:9999999")
    assert code == 2 and "HP:9999999" in err


def test_a_new_default_store_gets_the_bundled_corpus(cli):
    code, out, err = cli("corpus", "stats", "--json")
    stats = json.loads(out)
    assert code == 0 and stats["cases"] > 8000 and stats["publications"] > 1000
    assert "loaded the bundled corpus" in err
    code, out, err = cli("corpus", "stats", "--json")
    assert "loaded the bundled corpus" not in err  # once only


def test_a_bad_db_url_is_one_line(cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    code, _, err = cli("corpus", "stats", "--db", str(blocker / "x" / "cases.sqlite"))
    assert code == 3 and err.count("\n") == 1 and "cannot create" in err
    code, _, err = cli("corpus", "stats", "--db", "postgresql://u@h:notaport/db")
    assert code == 2 and "not a database URL" in err


def test_a_missing_source_is_an_input_error(cli, tmp_path):
    code, _, err = cli("corpus", "add", "--no-bundled", str(tmp_path / "nope.zip"))
    assert code == 2 and "no such file or folder" in err


def test_text_reports_are_added_with_patient_findings(cli, tmp_path):
    report = tmp_path / "reports"
    report.mkdir()
    shutil.copy(DATA / "corpus" / "report.txt", report / "lens.txt")
    code, out, _ = cli("corpus", "add", "--no-bundled", str(report))
    assert code == 0 and "1 added" in out
    _, out, _ = cli("corpus", "show", "lens", "--format", "json")
    shown = json.loads(out)
    assert "HP:0001083" in [t["id"] for t in shown["present"]]
    assert "HP:0001166" in [t["id"] for t in shown["excluded"]]


def test_similar_lists_hits_with_shared_and_conflicting_findings(cli):
    cli("corpus", "add", "--no-bundled", str(COMPACT))
    # ectopia lentis and aortic root aneurysm, without arachnodactyly: syn-1 has all three
    code, out, _ = cli(
        "similar", "HP:0001083", "HP:0002616", "-HP:0001166", "--format", "json", "--top", "3"
    )
    data = json.loads(out)
    assert code == 0 and data["cases"] == 3
    first = data["similar"][0]
    assert first["id"] == "syn-1" and first["pmid"] == "PMID:90000001"
    assert first["diseases"] == [{"id": "OMIM:154700", "label": "Marfan syndrome"}]
    assert {s["query"]["id"] for s in first["shared"]} == {"HP:0001083", "HP:0002616"}
    [conflict] = first["conflicts"]
    assert conflict["present"]["id"] == "HP:0001166" and conflict["side"] == "query_excludes"
    code, out, _ = cli("similar", "HP:0001083", "HP:0002616", "-HP:0001166")
    assert code == 0 and "PMID:90000001" in out and "Arachnodactyly" in out


def test_similar_and_novelty_refuse_bad_input(cli):
    code, _, err = cli("similar")
    assert code == 2 and "give exactly one of" in err
    code, _, err = cli("similar", "HP:9999999")
    assert code == 2 and "HP:9999999" in err and err.count("\n") == 1
    code, _, err = cli("similar", "-HP:0001166")
    assert code == 2 and "no present phenotype" in err


def test_novelty_counts_prior_cases_and_names_the_unprecedented(cli):
    cli("corpus", "add", "--no-bundled", str(COMPACT))
    code, out, _ = cli("novelty", "HP:0001083", "HP:0002616", "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert [f["id"] for f in data["key_findings"]] == ["HP:0001083", "HP:0002616"]
    assert [c["id"] for c in data["matching_cases"]] == ["syn-1"]  # only it has both
    # a disease given with a finding no stored Marfan case shows
    code, out, _ = cli("novelty", "OMIM:154700", "HP:0001250", "--format", "json")
    data = json.loads(out)
    kinds = {f["id"]: f["kind"] for f in data["key_findings"]}
    assert kinds == {"OMIM:154700": "disease", "HP:0001250": "phenotype"}
    combos = [{f["id"] for f in u["findings"]} for u in data["unprecedented"]]
    # syn-2 is the one Marfan case with a seizure: the pair is shown by one case only
    assert {"OMIM:154700", "HP:0001250"} in combos
    pair = data["unprecedented"][combos.index({"OMIM:154700", "HP:0001250"})]
    assert [c["id"] for c in pair["prior_cases"]] == ["syn-2"]
    code, out, _ = cli("novelty", "OMIM:154700", "HP:0001250")
    assert code == 0 and "PMID:90000002" in out


def test_a_case_reports_own_publication_is_left_out(cli, tmp_path):
    cli("corpus", "add", "--no-bundled", str(EXAMPLES))
    path = EXAMPLES / "TBX5__PMID_15710732_15_month_old_male_patient.json"
    code, out, err = cli("similar", "--phenopacket", str(path), "--format", "json")
    assert code == 0 and "PMID:15710732" in err and "left out" in err
    assert all(h["pmid"] != "PMID:15710732" for h in json.loads(out)["similar"])
    code, out, _ = cli(
        "similar", "--phenopacket", str(path), "--format", "json", "--include-own", "--top", "1"
    )
    assert json.loads(out)["similar"][0]["id"] == json.loads(path.read_text())["id"]


def test_analyze_json_gains_similar_and_novelty(cli):
    report = Path(__file__).parents[1] / "examples" / "pasted_case_report.txt"
    code, out, _ = cli("analyze", str(report), "--format", "json", "--similar", "3")
    data = json.loads(out)
    assert code == 0 and len(data["similar"]) == 3
    assert all(h["pmid"].startswith("PMID:") for h in data["similar"])
    assert set(data["novelty"]) == {"key_findings", "matching_cases", "unprecedented"}
    present = {f["type"]["id"] for f in data["phenopacket"]["phenotypicFeatures"]
               if not f.get("excluded")}
    assert {f["id"] for f in data["novelty"]["key_findings"] if not f["excluded"]
            and f["kind"] == "phenotype"} <= present
    code, out, _ = cli("analyze", str(report), "--format", "json", "--similar", "0")
    assert "similar" not in json.loads(out) and "novelty" not in json.loads(out)


def test_the_bundled_cases_can_be_added_to_a_store_made_without_them(cli):
    cli("corpus", "add", "--no-bundled", str(COMPACT))
    code, out, _ = cli("corpus", "add", "--bundled")
    assert code == 0 and "bundled phenopacket-store cases: 8403 added" in out
    code, out, _ = cli("corpus", "add", "--bundled")
    assert code == 0 and "0 added, 0 updated, 8403 unchanged" in out
    code, _, err = cli("corpus", "add")
    assert code == 2 and "nothing to add" in err


def test_similar_and_novelty_read_a_text_case_report(cli):
    cli("corpus", "add", "--no-bundled", str(COMPACT))
    report = DATA / "corpus" / "report.txt"
    code, out, _ = cli("similar", "--text", str(report), "--format", "json")
    data = json.loads(out)
    assert code == 0 and data["similar"][0]["id"] == "syn-1"  # ectopia lentis, aortic root
    assert "HP:0001166" in data["query"]["excluded"]  # "no arachnodactyly"
    code, out, _ = cli("novelty", "--text", str(report), "--format", "json")
    keys = {(f["id"], f["excluded"]) for f in json.loads(out)["key_findings"]}
    assert {("HP:0001083", False), ("HP:0001166", True)} <= keys
    assert ("HP:0000822", False) not in keys  # the father's hypertension


def test_the_commands_work_on_a_postgresql_store(cli, postgres_url):
    code, out, _ = cli("corpus", "add", "--no-bundled", "--db", postgres_url, str(COMPACT))
    assert code == 1 and "3 added" in out
    code, out, _ = cli("similar", "HP:0001083", "--db", postgres_url, "--format", "json")
    assert code == 0 and {h["id"] for h in json.loads(out)["similar"]} == {"syn-1", "syn-2"}
    code, out, _ = cli("corpus", "stats", "--db", postgres_url, "--json")
    assert json.loads(out)["cases"] == 3 and "postgresql" in json.loads(out)["store"]
