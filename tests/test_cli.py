"""The command line, run in-process through rarecase.cli.run (what the console script calls)."""

import json
import shutil
from pathlib import Path

import pytest

from rarecase import __version__
from rarecase.cli import run
from rarecase.phenopacket import read_phenopacket
from tests.conftest import MINI_HPO

EXAMPLES = Path(__file__).parents[1] / "examples"


def test_version(cli):
    code, out, _ = cli("--version")
    assert code == 0 and out.strip() == f"rarecase {__version__}"


def test_info_json(cli):
    code, out, _ = cli("info", "--json")
    facts = json.loads(out)
    assert code == 0
    assert facts["hpo_version"] == "2025-01-16"
    assert facts["terms_by_subontology"]["phenotypic_abnormality"] > 18_000
    assert facts["diseases_by_database"]["OMIM"] > 8_000
    assert facts["cache_state"] in ("loaded", "built now")


def test_info_on_another_release(capsys, tmp_path):
    code = run(["--hpo-dir", str(MINI_HPO), "--cache-dir", str(tmp_path), "info"])
    out = capsys.readouterr().out
    assert code == 0 and "2025-01-16-mini" in out and "built now" in out


def test_term_by_id(cli):
    code, out, _ = cli("term", "HP:0010646", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["label"] == "Cervical spine instability"
    assert data["parents"] == [{"id": "HP:0003319", "label": "Abnormality of the cervical spine"}]
    assert data["annotated_diseases"] > 0


def test_term_alt_id_is_shown_with_its_remap(cli):
    code, out, _ = cli("term", "HP:0001275")
    assert code == 0 and "Seizure" in out and "alternative id of HP:0001250" in out


@pytest.mark.parametrize(
    ("ident", "message"),
    [
        ("HP:0003494", "is obsolete in HPO 2025-01-16; consider HP:0000005"),
        ("HP:1999999", "HP:1999999 is not an HPO term"),
        ("seizure", "'seizure' is not an HPO id"),
    ],
)
def test_term_errors_are_one_line(cli, ident, message):
    code, out, err = cli("term", ident)
    assert code == 2 and out == ""
    assert message in err
    assert err.startswith("rarecase: error: ") and err.count("\n") == 1


def test_term_search(cli):
    code, out, _ = cli("term", "search", "cervical", "instab", "--json")
    hits = json.loads(out)
    assert code == 0
    assert "HP:0010646" in [h["id"] for h in hits[:3]]
    assert [h["rank"] for h in hits] == list(range(1, len(hits) + 1))


def test_term_search_without_words(cli):
    code, _, err = cli("term", "search")
    assert code == 2 and "no words to search for" in err


def test_validate_valid_example(cli):
    code, out, _ = cli("validate", str(EXAMPLES / "tumoral_calcinosis.json"))
    assert code == 0 and "valid (5 observed, 4 excluded)" in out


def test_validate_reports_problems_and_fails(cli):
    code, out, _ = cli("validate", "--json", str(EXAMPLES / "needs_curation.json"))
    [report] = json.loads(out)
    assert code == 1 and not report["valid"]
    kinds = {f["problem"] for f in report["findings"]}
    assert {"alt_id", "obsolete_term", "duplicate", "redundant_ancestor"} <= kinds


def test_validate_fix_writes_a_clean_copy(cli, tmp_path):
    code, out, _ = cli(
        "validate", "--fix", "--out", str(tmp_path), str(EXAMPLES / "needs_curation.json")
    )
    written = tmp_path / "needs_curation.fixed.json"
    assert code == 0 and str(written) in out
    fixed = read_phenopacket(written)
    assert [str(f.term.id) for f in fixed.observed] == ["HP:0001250", "HP:0001263", "HP:0000315"]
    assert [str(f.term.id) for f in fixed.excluded] == ["HP:0004322", "HP:0001251"]
    code, out, _ = cli("validate", str(written))
    assert code == 0 and "valid" in out and "warning" not in out


def test_validate_fix_refuses_when_a_curator_is_needed(cli, tmp_path):
    source = tmp_path / "conflict.json"
    doc = json.loads((EXAMPLES / "needs_curation.json").read_text())
    doc["phenotypicFeatures"].append({"type": {"id": "HP:0001263"}, "excluded": True})
    source.write_text(json.dumps(doc))
    code, out, _ = cli("validate", "--fix", str(source))
    assert code == 1 and "not written" in out
    assert not (tmp_path / "conflict.fixed.json").exists()


def test_validate_many_files_goes_on_after_a_broken_one(cli, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    good = tmp_path / "good.json"
    shutil.copy(EXAMPLES / "tumoral_calcinosis.json", good)
    code, out, _ = cli("validate", str(broken), str(good))
    assert code == 1
    assert f"{broken}: invalid" in out and f"{good}: valid" in out


def test_strict_makes_warnings_fail(cli, tmp_path):
    path = tmp_path / "redundant.json"
    doc = json.loads((EXAMPLES / "tumoral_calcinosis.json").read_text())
    doc["phenotypicFeatures"].append(
        {"type": {"id": "HP:0000118", "label": "Phenotypic abnormality"}}
    )
    path.write_text(json.dumps(doc))
    assert cli("validate", str(path))[0] == 0
    assert cli("validate", "--strict", str(path))[0] == 1


def test_show(cli):
    code, out, _ = cli("show", str(EXAMPLES / "tumoral_calcinosis.json"))
    assert code == 0
    assert "HP:0010646" not in out and "Atlantoaxial instability" in out
    assert "excluded (4)" in out and "surgical resection" in out


def test_show_json_is_a_phenopacket(cli):
    code, out, _ = cli("show", "--json", str(EXAMPLES / "tumoral_calcinosis.json"))
    assert code == 0 and json.loads(out)["id"] == "example-tumoral-calcinosis-1"


def test_missing_file(cli, tmp_path):
    code, _, err = cli("show", str(tmp_path / "absent.json"))
    assert code == 2 and "absent.json: cannot read" in err and err.count("\n") == 1


def test_bad_hpo_dir(capsys, tmp_path):
    code = run(["--hpo-dir", str(tmp_path), "info"])
    err = capsys.readouterr().err
    assert code == 3 and "hp.obo: missing from the HPO folder" in err


def test_usage_error_exit_code(cli):
    code, _, _ = cli("term")
    assert code == 2


def test_term_lists_diseases_annotated_with_it(cli):
    code, out, _ = cli("term", "HP:0010646", "--json")
    diseases = {d["id"]: d for d in json.loads(out)["diseases"]}
    assert code == 0
    assert diseases["OMIM:609192"]["name"] == "Loeys-Dietz syndrome 1"
    assert diseases["OMIM:609192"]["frequency"] == round(7 / 30, 4)


def test_validate_a_folder(cli, tmp_path):
    folder = tmp_path / "cases"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(EXAMPLES / "tumoral_calcinosis.json", folder / "a.json")
    shutil.copy(EXAMPLES / "needs_curation.json", folder / "sub" / "b.json")
    code, out, _ = cli("validate", "--json", str(folder))
    reports = json.loads(out)
    assert code == 1
    assert [Path(r["source"]).name for r in reports] == ["a.json", "b.json"]
    assert [r["valid"] for r in reports] == [True, False]
    empty = tmp_path / "empty"
    empty.mkdir()
    code, _, err = cli("validate", str(empty))
    assert code == 2 and "folder holds no *.json file" in err


# ------------------------------------------------------------------- annotate / analyze / eval
def test_annotate_jsonl_from_a_folder_with_a_bad_file(cli, tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "a.txt").write_text("The boy had seizures but no ataxia.")
    (folder / "b.bin").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00")
    (folder / "c.txt").write_text("Her brother had scoliosis.", encoding="latin-1")
    code, out, err = cli("annotate", str(folder))
    records = [json.loads(line) for line in out.splitlines()]
    assert code == 1
    assert [r["id"] for r in records] == ["a", "c"]
    assert "b.bin" in err and err.count("\n") == 1
    seizures = next(m for m in records[0]["mentions"] if m["id"] == "HP:0001250")
    assert seizures["status"] == "present" and seizures["subject"] == "patient"
    ataxia = next(m for m in records[0]["mentions"] if m["id"] == "HP:0001251")
    assert ataxia["status"] == "excluded" and ataxia["cue"] == "no"
    assert records[1]["mentions"][0]["subject"] == "family"


def test_annotate_pubtator_and_bioc(cli, tmp_path):
    path = tmp_path / "n.txt"
    path.write_text("She had no seizures.")
    code, out, _ = cli("annotate", "--format", "pubtator", str(path))
    assert code == 0 and "\tHP:0001250\texcluded\tpatient" in out
    target = tmp_path / "out.xml"
    code, _, _ = cli("annotate", "--format", "bioc", "--output", str(target), str(path))
    assert code == 0 and b"<collection>" in target.read_bytes()


def test_annotate_missing_file(cli, tmp_path):
    code, out, err = cli("annotate", str(tmp_path / "nope.txt"))
    assert code == 1 and out == "" and "nope.txt: cannot read" in err


def test_analyze_json_and_phenopacket(cli):
    code, out, _ = cli("analyze", "--format", "json", str(EXAMPLES / "pasted_case_report.txt"))
    data = json.loads(out)
    assert code == 0
    assert "Sign in" not in data["document"]["text"]
    assert any(r["reason"] == "cookie_notice" for r in data["document"]["removed"])
    observed = {
        f["type"]["id"] for f in data["phenopacket"]["phenotypicFeatures"] if not f.get("excluded")
    }
    assert "HP:0003467" in observed  # C1-C2 / atlantoaxial instability
    assert [d["rank"] for d in data["differential"]] == [1, 2, 3, 4, 5]
    assert all(d["matched"] for d in data["differential"])
    code, out, _ = cli(
        "analyze", "--format", "phenopacket", str(EXAMPLES / "pasted_case_report.txt")
    )
    assert code == 0 and json.loads(out)["metaData"]["phenopacketSchemaVersion"] == "2.0"


def test_analyze_text_view(cli):
    code, out, _ = cli("analyze", str(EXAMPLES / "pasted_case_report.txt"))
    assert code == 0
    assert "Patient: present" in out and "Patient: excluded" in out
    assert "family/present" in out and "other_patient/present" in out
    assert "Differential diagnosis" in out
    code, out, _ = cli("analyze", "--top", "0", str(EXAMPLES / "pasted_case_report.txt"))
    assert code == 0 and "Differential diagnosis" not in out


def test_analyze_empty_input(cli, tmp_path):
    path = tmp_path / "empty.txt"
    path.write_text("   \n")
    code, _, err = cli("analyze", str(path))
    assert code == 2 and "empty.txt" in err and "empty" in err


def test_eval_recognition(cli):
    gold = Path(__file__).parent / "data" / "recognize" / "gold_small.jsonl"
    code, out, _ = cli("eval", "recognition", "--gold", str(gold), "--json")
    data = json.loads(out)
    assert code == 0 and data["mention"]["f1"] == 1.0 and data["status_accuracy"] == 1.0


def test_analyze_html_page(cli):
    page = Path(__file__).parent / "data" / "text" / "article.html"
    code, out, _ = cli("analyze", "--format", "json", str(page))
    data = json.loads(out)
    assert code == 0 and data["document"]["format"] == "html"
    assert data["document"]["removed"], "page furniture is reported"
    assert any(m["kind"] == "phenotype" for m in data["mentions"])


def test_analyze_says_which_of_several_documents(cli):
    xml = Path(__file__).parent / "data" / "text" / "pubmed_two.xml"
    code, out, err = cli("analyze", "--format", "json", str(xml))
    assert code == 0 and "holds 2 documents; analysing the first" in err
    assert json.loads(out)["document"]["pmid"]


def test_eval_recognition_lists_misses(cli, tmp_path):
    # gold that names one finding the text has and one it lacks, and omits one it has
    text = "She had seizures and ataxia."
    line = {
        "id": "m1",
        "text": text,
        "mentions": [
            {"start": 8, "end": 16, "id": "HP:0001250"},
            {"start": 21, "end": 27, "id": "HP:0001252"},
        ],
    }
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps(line) + "\n", encoding="utf-8")
    code, out, _ = cli("eval", "recognition", "--gold", str(gold), "--misses", "5")
    assert code == 0
    found_part, _, missed_part = out.partition("in gold, not found:")
    assert "'ataxia' HP:0001251 Ataxia" in found_part
    assert "'ataxia' HP:0001252 Hypotonia" in missed_part


def test_diagnose_merges_series_and_learns_from_published_cases_unless_told_not_to(cli):
    terms = ("HP:0000662", "HP:0007737", "HP:0001133", "-HP:0000518")
    code, out, _ = cli("diagnose", *terms, "--merge-series", "--format", "json", "--top", "5")
    assert code == 0
    merged = json.loads(out)
    names = [d["series"]["name"] for d in merged if "series" in d]
    assert names and len(names) == len(set(names))
    code, out, _ = cli("diagnose", *terms, "--format", "json", "--top", "5")
    with_cases = json.loads(out)
    code, out, _ = cli("diagnose", *terms, "--no-published", "--format", "json", "--top", "5")
    without = json.loads(out)

    def relations(differential):
        return {m["relation"] for d in differential for m in d["matched"] + d["against"]}

    # only published cases say how often a disease's patients are recorded without cataract
    assert "excluded_in_published_cases" in relations(with_cases)
    assert "excluded_in_published_cases" not in relations(without)


def test_diagnose_sex_and_onset(cli):
    code, _, err = cli("diagnose", "HP:0001250", "--onset", "soon")
    assert code == 2 and "--onset" in err and "ISO 8601" in err
    terms = ("HP:0003560", "HP:0003707")  # muscular dystrophy, calf pseudohypertrophy
    code, out, _ = cli("diagnose", *terms, "--sex", "female", "--onset", "P4Y", "-f", "json")
    assert code == 0
    relations = {m["relation"] for d in json.loads(out) for m in d["matched"] + d["against"]}
    assert "onset" in relations


def test_analyze_text_view_shows_where_and_when_an_action_was_done(cli, tmp_path):
    path = tmp_path / "case.txt"
    path.write_text(
        "A 40-year-old man underwent biopsy of the left kidney. He later had a splenectomy, "
        "after which his platelet count normalized.\n"
    )
    code, out, _ = cli("analyze", "--top", "0", str(path))
    assert code == 0
    [biopsy] = [line for line in out.splitlines() if "biopsy" in line and "MAXO:" in line]
    assert "on kidney" in biopsy and "at P40Y" in biopsy
    [splenectomy] = [line for line in out.splitlines() if "MAXO:0001077" in line]
    assert "on spleen" in splenectomy and "favorable response" in splenectomy
