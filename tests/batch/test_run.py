"""Batches on a real Dask LocalCluster of two worker processes: the same rows as one process,
damaged files reported while the rest completes, resume after an interruption, and a worker
killed mid-task, all without a duplicate row."""

from __future__ import annotations

import gzip
import json
import os
import signal
import threading
import time
from pathlib import Path

import pytest

from rarecase.batch.run import MANIFEST, Manifest, run_batch
from rarecase.batch.sources import plan
from rarecase.batch.tables import TABLES, read_table
from rarecase.batch.task import Options, UnitResult, process_unit


def single_process(sources: list[Path], out: Path, cache: str) -> None:
    """The reference: every unit run here, one after the other, without Dask."""
    for unit in plan(sources):
        result = process_unit(unit, Options(out=str(out), cache_dir=cache))
        assert result.error is None


def rows(out: Path, table: str) -> list[tuple[object, ...]]:
    """A table's rows, sorted, with each phenopacket's creation time left out."""
    data = read_table(out, table).to_pylist()
    for row in data:
        if "phenopacket" in row:
            packet = json.loads(row["phenopacket"])
            packet["metaData"].pop("created")
            row["phenopacket"] = json.dumps(packet, sort_keys=True)
    return sorted(tuple((k, repr(v)) for k, v in sorted(r.items())) for r in data)


def assert_no_duplicates(out: Path) -> None:
    documents = read_table(out, "documents")["doc_id"].to_pylist()
    assert len(documents) == len(set(documents))
    mentions = read_table(out, "mentions").select(["doc_id", "start", "end", "id"]).to_pylist()
    assert len(mentions) == len({tuple(m.values()) for m in mentions})


def test_two_workers_give_exactly_the_rows_of_one_process(medline, kb_cache, tmp_path):
    reference = tmp_path / "reference"
    single_process([medline], reference, kb_cache)
    summary, _ = run_batch([medline], tmp_path / "out", workers=2, cache_dir=kb_cache)
    assert (summary.inputs, summary.done, summary.failed, summary.workers) == (3, 3, 0, 2)
    assert summary.records == summary.documents == 240
    assert 0 < summary.cases <= summary.case_reports < summary.records
    for table in TABLES:
        assert rows(tmp_path / "out", table) == rows(reference, table), table
    assert summary.mentions == len(read_table(tmp_path / "out", "mentions"))
    statuses = set(read_table(tmp_path / "out", "mentions")["subject"].to_pylist())
    assert {"patient", "family", "generic"} <= statuses
    cases = read_table(tmp_path / "out", "cases")
    packet = json.loads(cases["phenopacket"][0].as_py())
    assert packet["metaData"]["phenopacketSchemaVersion"] == "2.0"
    assert summary.peak_worker_rss_mb > 50


def test_a_damaged_file_is_reported_and_the_rest_complete(medline, kb_cache, tmp_path):
    packed = (medline / "pubmed26n0002.xml.gz").read_bytes()
    (medline / "pubmed26n0009.xml.gz").write_bytes(packed[: len(packed) // 2])  # truncated
    (medline / "pubmed26n0010.xml.gz").write_bytes(b"<html>an error page</html>")
    out = tmp_path / "out"
    summary, _ = run_batch([medline], out, workers=2, cache_dir=kb_cache)
    assert (summary.done, summary.failed) == (3, 2)
    failures = {f["input"]: f["error"] for f in summary.failures}
    assert "damaged gzip data" in failures[str(medline / "pubmed26n0009.xml.gz")]
    assert "is named .gz but is not gzip data" in failures[str(medline / "pubmed26n0010.xml.gz")]
    manifest = Manifest(out).entries
    assert manifest["pubmed26n0009"]["status"] == "failed" and manifest["pubmed26n0009"]["error"]
    assert read_table(out, "documents").num_rows == 240  # nothing of the damaged files
    assert set(read_table(out, "documents")["source"].to_pylist()) == {
        "pubmed26n0001", "pubmed26n0002", "pubmed26n0003"}  # fmt: skip


class _StopAfterFirst:
    """A progress display whose user presses Ctrl-C once the first input is done."""

    def start(self, units: int, size: int) -> None:
        self.units = units

    def advance(self, unit: object, result: UnitResult) -> None:
        raise KeyboardInterrupt


def test_resume_after_an_interrupted_run_finishes_with_no_duplicate_rows(
    medline, kb_cache, tmp_path
):
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        run_batch([medline], out, workers=2, cache_dir=kb_cache, progress=_StopAfterFirst())
    done_first = [k for k, e in Manifest(out).entries.items() if e["status"] == "done"]
    assert len(done_first) >= 1
    # what a killed driver and killed workers leave: half a manifest line, a temporary file
    with (out / MANIFEST).open("a") as handle:
        handle.write('{"key": "pubmed26n0003", "sta')
    stray = out / "documents" / "source=pubmed26n0003" / ".part-0.parquet.killed.tmp"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"PAR1 half")
    summary, _ = run_batch([medline], out, workers=2, cache_dir=kb_cache, resume=True)
    assert summary.skipped == len(done_first) and summary.skipped + summary.done == 3
    assert summary.failed == 0 and not stray.exists()
    assert_no_duplicates(out)
    reference = tmp_path / "reference"
    single_process([medline], reference, kb_cache)
    for table in TABLES:
        assert rows(out, table) == rows(reference, table), table
    # and a changed input is done again on resume
    path = medline / "pubmed26n0001.xml.gz"
    os.utime(path, ns=(10**18, 10**18))
    again, _ = run_batch([medline], out, workers=2, cache_dir=kb_cache, resume=True)
    assert (again.skipped, again.done) == (2, 1)


def test_a_worker_killed_mid_task_is_retried_without_duplicate_rows(hpo, kb_cache, tmp_path):
    from distributed import Client, LocalCluster

    from rarecase.batch.synthetic import write_medline

    folder = tmp_path / "big"
    write_medline(hpo, folder, files=6, records=500, case_report_share=0.4, seed=11)
    killed: list[str] = []
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, scheduler_kwargs={"dashboard": False}
        ) as cluster,
        Client(cluster) as client,
    ):

        def kill_a_busy_worker() -> None:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not killed:
                busy = [w for w, keys in client.processing().items() if keys]
                if busy:
                    time.sleep(0.2)  # into the task (each takes about a second)
                    pids = client.run(os.getpid, workers=busy[:1])
                    for address, pid in pids.items():
                        if client.processing().get(address):
                            os.kill(pid, signal.SIGKILL)
                            killed.append(address)
                time.sleep(0.05)

        killer = threading.Thread(target=kill_a_busy_worker)
        killer.start()
        summary, _ = run_batch(
            [folder], tmp_path / "out", scheduler=cluster.scheduler_address, cache_dir=kb_cache
        )
        killer.join()
    assert killed, "no worker was busy to kill"
    assert (summary.done, summary.failed, summary.records) == (6, 0, 3000)
    assert_no_duplicates(tmp_path / "out")
    assert read_table(tmp_path / "out", "documents").num_rows == 3000
    counted = sum(
        len(gzip.decompress(p.read_bytes()).split(b"<PubmedArticle>")) - 1 for p in folder.iterdir()
    )
    assert counted == 3000


def test_a_folder_of_jats_and_text_files_keeps_case_reports_by_article_type(kb_cache, tmp_path):
    data = Path(__file__).parents[1] / "data" / "text"
    folder = tmp_path / "pmc"
    folder.mkdir()
    report = (data / "jats_article.xml").read_text("utf-8")
    (folder / "report.xml").write_text(report, "utf-8")
    research = report.replace('article-type="case-report"', 'article-type="research-article"')
    (folder / "research.xml").write_text(research, "utf-8")
    (folder / "note.txt").write_text("A 6-year-old boy had seizures and no fever.", "utf-8")
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02" * 100)
    out = tmp_path / "out"
    summary, _ = run_batch([folder], out, workers=1, cache_dir=kb_cache, case_reports_only=True)
    assert (summary.done, summary.failed) == (1, 0)  # a bad file in a folder is not a bad unit
    assert summary.failed_records == 1 and "broken.txt" in summary.problems[0]
    assert (summary.records, summary.case_reports) == (3, 2)
    documents = read_table(out, "documents").to_pylist()
    assert sorted(Path(d["path"]).name for d in documents) == ["note.txt", "report.xml"]
    assert {d["source"] for d in documents} == {"pmc.part00001"}
    seizures = [m for m in read_table(out, "mentions").to_pylist() if m["id"] == "HP:0001250"]
    assert seizures and seizures[0]["subject"] == "patient"
