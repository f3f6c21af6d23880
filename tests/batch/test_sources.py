"""Units of work: one per PubMed file, groups of article files, keys that name partitions."""

from __future__ import annotations

import os

import pytest

from rarecase.batch.sources import SourceKind, plan
from rarecase.errors import InputError


def test_each_pubmed_file_is_a_unit_and_article_files_are_grouped(medline, tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    for i in range(5):
        (reports / f"case{i}.txt").write_text(f"Case {i}: a girl with seizures.")
    (reports / ".hidden.txt").write_text("not read")
    (reports / "notes.csv").write_text("not a case report")
    units = plan([medline, reports], files_per_unit=2)
    assert [(u.key, u.kind) for u in units] == [
        ("pubmed26n0001", SourceKind.PUBMED), ("pubmed26n0002", SourceKind.PUBMED),
        ("pubmed26n0003", SourceKind.PUBMED), ("reports.part00001", SourceKind.ARTICLES),
        ("reports.part00002", SourceKind.ARTICLES), ("reports.part00003", SourceKind.ARTICLES),
    ]  # fmt: skip
    assert [len(u.paths) for u in units[3:]] == [2, 2, 1]
    assert units[0].size == (medline / "pubmed26n0001.xml.gz").stat().st_size


def test_a_pubmed_file_is_known_by_its_content_whatever_its_name(medline, tmp_path):
    renamed = tmp_path / "my citations.xml.gz"
    (medline / "pubmed26n0001.xml.gz").rename(renamed)
    [unit] = plan([renamed])
    assert (unit.key, unit.kind) == ("my_citations", SourceKind.PUBMED)


def test_the_fingerprint_changes_with_the_file(medline):
    path = medline / "pubmed26n0001.xml.gz"
    before = plan([path])[0].fingerprint
    assert plan([path])[0].fingerprint == before
    os.utime(path, ns=(1, 1))
    assert plan([path])[0].fingerprint != before


def test_missing_sources_and_clashing_names_are_refused(medline, tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        plan([medline, tmp_path / "nowhere.xml.gz"])
    other = tmp_path / "other"
    other.mkdir()
    (other / "pubmed26n0001.xml.gz").write_bytes((medline / "pubmed26n0001.xml.gz").read_bytes())
    with pytest.raises(InputError, match=r"same output name \(pubmed26n0001\)"):
        plan([medline, other])
    with pytest.raises(InputError, match="no source"):
        plan([])
