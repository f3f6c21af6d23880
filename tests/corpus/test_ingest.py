"""Ingestion of every kind of source into the store, good and bad: phenopacket files, a folder, a
release ZIP with a corrupt entry, compact JSON lines, text reports, broken files, and the bundled
corpus on first use."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from rarecase.corpus.ingest import BUNDLED_SOURCE, CaseReader, add_sources, open_store
from rarecase.corpus.store import CaseStore
from rarecase.errors import InputError
from rarecase.ontology import KnowledgeBase

DATA = Path(__file__).parents[1] / "data"
EXAMPLES = DATA / "phenopackets" / "examples"
BROKEN = DATA / "phenopackets" / "broken"
CORPUS = DATA / "corpus"


def example_counts() -> dict[str, tuple[int, int]]:
    """Observed and excluded counts of the 30 phenopacket-store examples, from their INDEX."""
    lines = (EXAMPLES / "INDEX.tsv").read_text().splitlines()[1:]
    return {f[1]: (int(f[4]), int(f[5])) for f in (line.split("\t") for line in lines)}


def test_a_folder_of_phenopackets_ingests_every_case(hpo: KnowledgeBase, store: CaseStore):
    report = add_sources(store, [EXAMPLES], hpo)
    counts = example_counts()
    assert (report.added, report.n_rejected) == (len(counts), 0)
    assert any("hold no case ignored" in n for n in report.notes)  # INDEX.tsv
    for ident, (observed, excluded) in counts.items():
        record = store.get(ident)
        assert record is not None, ident
        # a term both observed and excluded, or newer than the release, may be left out
        assert len(record.present) <= observed and len(record.excluded) <= excluded
        assert len(record.present) + len(record.excluded) >= (observed + excluded) * 0.9
        assert record.pmid.startswith("PMID:") and record.pmid[5:] in ident
        assert record.diseases and record.raw.startswith("{")
    again = add_sources(store, [EXAMPLES], hpo)
    assert (again.added, again.updated, again.skipped) == (0, 0, len(counts))


def test_a_phenopacket_keeps_its_diagnosis_label_and_sex(hpo: KnowledgeBase, store: CaseStore):
    path = EXAMPLES / "TBX5__PMID_15710732_15_month_old_male_patient.json"
    doc = json.loads(path.read_text())
    add_sources(store, [path], hpo)
    record = store.get(doc["id"])
    disease = doc["interpretations"][0]["diagnosis"]["disease"]
    assert record.diseases[0].id == disease["id"]
    assert record.diseases[0].label == disease["label"]
    assert record.sex == doc["subject"]["sex"]
    observed = [f["type"]["id"] for f in doc["phenotypicFeatures"] if not f.get("excluded")]
    assert set(record.present) <= set(observed)


def corrupt_release(tmp_path: Path) -> tuple[Path, str]:
    """A release-like ZIP of the examples, with the compressed bytes of one entry damaged."""
    zip_path = tmp_path / "phenopacket-store.zip"
    files = sorted(EXAMPLES.glob("*.json"))
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("0.1.99/README.md", "not a case")
        for file in files:
            cohort = file.name.split("__")[0]
            archive.write(file, f"0.1.99/{cohort}/{file.name.split('__')[1]}")
    victim = f"0.1.99/{files[3].name.split('__')[0]}/{files[3].name.split('__')[1]}"
    with zipfile.ZipFile(zip_path) as archive:
        info = archive.getinfo(victim)
    data = bytearray(zip_path.read_bytes())
    header = info.header_offset
    name_length = int.from_bytes(data[header + 26 : header + 28], "little")
    extra_length = int.from_bytes(data[header + 28 : header + 30], "little")
    start = header + 30 + name_length + extra_length
    for k in range(start + 20, start + 60):  # inside the entry's deflated data
        data[k] ^= 0x5A
    zip_path.write_bytes(bytes(data))
    return zip_path, victim


def test_a_zip_with_one_corrupt_entry_ingests_the_rest(
    hpo: KnowledgeBase, store: CaseStore, tmp_path: Path
):
    zip_path, victim = corrupt_release(tmp_path)
    report = add_sources(store, [zip_path], hpo)
    [rejection] = report.rejected
    assert rejection.where == f"{zip_path}!{victim}"
    assert "corrupt" in rejection.reason or "JSON" in rejection.reason
    assert report.added == len(example_counts()) - 1
    assert store.count() == report.added
    assert dict(store.stats().sources) == {str(zip_path): report.added}
    assert all(r.source.startswith(f"{zip_path}!0.1.99/") for r in store.records())


def test_broken_phenopackets_are_rejected_each_with_its_reason(
    hpo: KnowledgeBase, store: CaseStore
):
    report = add_sources(store, [BROKEN], hpo)
    reasons = {Path(r.where).name: r.reason for r in report.rejected}
    # an array of phenopackets is read item by item; these two have no features
    assert set(reasons) == {p.name for p in BROKEN.glob("*.json")} - {"array.json"} | {
        "array.json[0]",
        "array.json[1]",
    }
    assert reasons["array.json[0]"] == "has no phenotypic feature"
    assert "JSON" in reasons["truncated.json"]
    assert "unknown field" in reasons["unknown_field.json"]
    assert "Family" in reasons["family.json"]
    assert report.added == 0 and store.count() == 0
    assert all("\n" not in reason for reason in reasons.values())


def test_compact_lines_map_ids_drop_unknown_ones_and_reject_bad_lines(
    hpo: KnowledgeBase, store: CaseStore
):
    path = CORPUS / "compact.jsonl"
    report = add_sources(store, [path], hpo)
    assert report.added == 3
    rejected = {r.where.rsplit(":", 1)[1]: r.reason for r in report.rejected}
    assert set(rejected) == {"3", "4", "6", "7", "9"}
    assert "no phenotypic feature known" in rejected["3"]
    assert "'observed' is not a list" in rejected["4"]
    assert "not valid JSON" in rejected["6"]
    assert "not a JSON object" in rejected["7"]
    assert "no case id" in rejected["9"]
    syn2 = store.get("syn-2")
    assert syn2.present == ("HP:0001250", "HP:0001083")  # HP:0001275 is an alt id of Seizure
    assert syn2.pmid == "PMID:90000002"
    assert syn2.diseases[0].label == "Marfan syndrome"  # filled from phenotype.hpoa
    syn5 = store.get("syn-5")
    assert syn5.present == ("HP:0001250",) and syn5.excluded == ("HP:0001251",)
    notes = " ".join(report.notes)
    assert "mapped" in notes and "HP:0001275" in notes
    assert "unknown to HPO" in notes and "HP:9999999" in notes
    assert "outside Phenotypic abnormality" in notes


def test_a_text_report_gives_the_patients_findings_only(
    hpo: KnowledgeBase, recognizer, store: CaseStore
):
    from rarecase.pipeline import annotate, case_from_mentions

    def read(path: Path):
        return [
            case_from_mentions(a.document, a.patient_mentions(), hpo)[0]
            for a in annotate(path, recognizer=recognizer)
        ]

    report = add_sources(store, [CORPUS / "report.txt"], hpo, text_reader=read)
    assert report.added == 1
    [record] = store.records()
    assert {"HP:0001083", "HP:0002616"} <= set(record.present)  # ectopia lentis, aortic root
    assert {"HP:0001166", "HP:0002650"} <= set(record.excluded)  # no arachnodactyly, scoliosis
    assert "HP:0000822" not in record.present  # the father's hypertension
    assert json.loads(store.get(record.id).raw)["phenotypicFeatures"]


def test_a_missing_source_raises_before_anything_is_written(hpo: KnowledgeBase,
                                                            store: CaseStore):
    with pytest.raises(InputError, match="no such file"):
        add_sources(store, [EXAMPLES, CORPUS / "nope.json"], hpo)
    assert store.count() == 0


def test_binary_and_empty_files_are_rejected(hpo: KnowledgeBase, tmp_path: Path):
    (tmp_path / "blob.json").write_bytes(b"\x00\x01\x02binary")
    (tmp_path / "empty.json").write_bytes(b"")
    (tmp_path / "bad.jsonl.gz").write_bytes(b"\x1f\x8bnot really gzip")
    reader = CaseReader(hpo)
    reader.read(tmp_path)
    reasons = {Path(r.where).name: r.reason for r in reader.rejected}
    assert reasons == {
        "blob.json": "binary, not JSON text",
        "empty.json": "empty",
        "bad.jsonl.gz": reasons["bad.jsonl.gz"],
    }
    assert "gzip" in reasons["bad.jsonl.gz"]
    assert reader.records == []


def test_strict_ingest_writes_nothing_when_a_record_is_bad(hpo: KnowledgeBase,
                                                           store: CaseStore):
    report = add_sources(store, [CORPUS / "compact.jsonl"], hpo, strict=True)
    assert not report.written and report.n_rejected == 5
    assert store.count() == 0


def test_the_bundled_corpus_seeds_a_new_store_once(hpo: KnowledgeBase, store_url: str):
    store, seeded = open_store(store_url, hpo)
    with store:
        assert seeded is not None and seeded.added > 8000
        assert seeded.n_rejected <= 2  # a case whose every term is newer than the release
        assert store.count() == seeded.added
        assert store.info("bundled")
        record = store.records()[0]
        assert record.source.startswith(BUNDLED_SOURCE) and record.pmid.startswith("PMID:")
        assert store.remove(everything=True) == seeded.added
    store, seeded = open_store(store_url, hpo)
    with store:
        assert seeded is None and store.count() == 0  # an emptied store stays empty


def _open_and_count(url: str, cache: str, start: float) -> tuple[bool, int]:
    """In a process of its own: wait for the common start, open (and maybe seed) the store."""
    import time

    from rarecase.ontology import load

    kb = load(cache_dir=cache)
    time.sleep(max(0.0, start - time.time()))
    store, seeded = open_store(url, kb)
    with store:
        return seeded is not None, store.count()


def test_processes_opening_one_new_store_together_seed_it_once(
    request: pytest.FixtureRequest, hpo: KnowledgeBase, store_url: str
):
    import multiprocessing
    import time
    from concurrent.futures import ProcessPoolExecutor

    cache = str(request.config.cache.mkdir("rarecase-kb"))
    start = time.time() + 4  # all processes up and their knowledge loaded by then
    with ProcessPoolExecutor(4, mp_context=multiprocessing.get_context("spawn")) as pool:
        outcomes = list(pool.map(_open_and_count, [store_url] * 4, [cache] * 4, [start] * 4))
    assert sorted(seeded for seeded, _ in outcomes) == [False, False, False, True]
    [count] = {count for _, count in outcomes}
    assert count > 8000
    with CaseStore.open(store_url) as store:
        assert store.count() == count


def test_a_store_first_opened_without_the_bundled_corpus_never_gets_it(
    hpo: KnowledgeBase, tmp_path: Path
):
    url = f"sqlite:///{tmp_path / 'mine.sqlite'}"
    store, seeded = open_store(url, hpo, seed=False)
    store.close()
    store, seeded_later = open_store(url, hpo)
    with store:
        assert seeded is None and seeded_later is None and store.count() == 0
