"""``rarecase batch`` and ``rarecase synthetic-medline`` from the command line (in-process)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from rarecase.corpus.store import CaseStore


def test_write_files_run_them_load_the_cases_and_resume(cli, tmp_path):
    code, out, _ = cli("synthetic-medline", str(tmp_path / "in"), "--files", "2",
                       "--records", "60", "--seed", "5")  # fmt: skip
    assert code == 0 and out.count("records (") == 2
    db = f"sqlite:///{tmp_path / 'cases.sqlite'}"
    args = ["batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"), "--workers", "2",
            "--case-reports-only", "--no-progress", "--json"]  # fmt: skip
    code, out, err = cli(*args, "--load", "--db", db)
    assert code == 0, err
    summary = json.loads(out)
    assert summary["records"] == 120 and summary["done"] == 2
    assert summary["documents"] == summary["case_reports"] < 120  # only case reports kept
    with CaseStore.open(db) as store:
        batch = [r for r in store.records() if r.source.startswith("batch:pubmed26n")]
        assert len(batch) == summary["loaded"]["added"] > 0
        assert all(r.pmid.startswith("PMID:9") and r.present for r in batch)
    code, out, _ = cli(*args, "--resume", "--load", "--db", db)
    again = json.loads(out)
    assert code == 0 and again["skipped"] == 2 and again["done"] == 0
    assert (
        again["loaded"]["added"] == 0 and again["loaded"]["unchanged"] == summary["loaded"]["added"]
    )


def test_a_damaged_input_makes_the_exit_status_1_and_is_named(cli, tmp_path):
    cli("synthetic-medline", str(tmp_path / "in"), "--files", "1", "--records", "20")
    (tmp_path / "in" / "pubmed26n0002.xml.gz").write_bytes(b"\x1f\x8b\x08\x00 cut")
    code, out, err = cli("batch", str(tmp_path / "in"), "--out", str(tmp_path / "out"),
                         "--workers", "1", "--no-progress")  # fmt: skip
    assert code == 1
    assert "failed: " in err and "pubmed26n0002.xml.gz" in err and "gzip" in err
    assert "records" in out and "20" in out


@pytest.mark.parametrize(
    ("setup", "args", "message"),
    [
        ("foreign", [], "holds files that are not rarecase batch output"),
        (None, ["--scheduler", "tcp://127.0.0.1:1", "--workers", "2"], "is for the local cluster"),
        (None, ["MISSING"], "does not exist"),
    ],
)
def test_bad_arguments_are_one_line_errors(cli, tmp_path, setup, args, message):
    out = tmp_path / "out"
    if setup == "foreign":
        out.mkdir()
        (out / "thesis.docx").write_bytes(b"mine")
    sources = [str(tmp_path / "nowhere.xml.gz")] if "MISSING" in args else [str(tmp_path)]
    extra = [a for a in args if a != "MISSING"]
    code, _, err = cli("batch", *sources, "--out", str(out), "--no-progress", *extra)
    assert code == 2
    assert message in err and err.count("\n") == 1
    assert not (Path(out) / "_manifest.jsonl").exists()
