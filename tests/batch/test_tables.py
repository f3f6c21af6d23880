"""Partitions are put in place whole: an aborted writer leaves the last good partition."""

from __future__ import annotations

import pytest

from rarecase.batch.tables import ROW_GROUP, PartitionWriter, read_table, remove_temporary


def _row(doc: str) -> dict[str, object]:
    return {"doc_id": doc, "pmid": doc, "title": "t", "journal": "j", "year": 2020,
            "publication_types": ["Case Reports"], "case_report": True, "format": "pubmed_xml",
            "path": "p", "characters": 10, "mentions": 0}  # fmt: skip


def test_a_partition_is_replaced_whole_and_an_abort_changes_nothing(tmp_path, monkeypatch):
    monkeypatch.setitem(ROW_GROUP, "documents", 3)  # several row groups
    with PartitionWriter(tmp_path, "f1") as writer:
        for i in range(7):
            writer.add("documents", _row(f"a{i}"))
        writer.commit()
    assert read_table(tmp_path, "documents")["doc_id"].to_pylist() == [f"a{i}" for i in range(7)]
    with pytest.raises(RuntimeError), PartitionWriter(tmp_path, "f1") as writer:
        for i in range(5):
            writer.add("documents", _row(f"b{i}"))  # two row groups already on disk
        raise RuntimeError("the worker dies here")
    assert len(read_table(tmp_path, "documents")) == 7  # the earlier partition, untouched
    with PartitionWriter(tmp_path, "f1") as writer:
        writer.add("documents", _row("c0"))
        writer.commit()
    table = read_table(tmp_path, "documents")
    assert table["doc_id"].to_pylist() == ["c0"] and table["source"].to_pylist() == ["f1"]
    assert len(read_table(tmp_path, "mentions")) == 0  # empty tables are written too
    assert read_table(tmp_path, "cases", ["f1"]).num_rows == 0


def test_temporary_files_of_killed_tasks_are_ignored_then_removed(tmp_path):
    with PartitionWriter(tmp_path, "f2") as writer:
        writer.add("documents", _row("x"))
        writer.commit()
    stray = tmp_path / "documents" / "source=f2" / ".part-0.parquet.dead.tmp"
    stray.write_bytes(b"half a file")
    assert len(read_table(tmp_path, "documents")) == 1  # readers skip hidden files
    assert remove_temporary(tmp_path) == 1 and not stray.exists()
