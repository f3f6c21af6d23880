import pytest

from rarecase.errors import InputError
from rarecase.recognize.evaluate import Counts, evaluate, read_gold
from rarecase.recognize.lexicon import Kind
from tests.conftest import DATA

GOLD = DATA / "recognize"


def test_counts():
    c = Counts()
    c.add({1, 2, 3}, {2, 3, 4, 5})
    assert (c.tp, c.fp, c.fn) == (2, 1, 2)
    assert c.precision == pytest.approx(2 / 3) and c.recall == pytest.approx(0.5)
    assert c.f1 == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5))


def test_read_tsv_gold():
    docs = read_gold(GOLD / "gold_small.tsv")
    assert [d.id for d in docs] == ["1001", "1002"]
    assert docs[0].mentions[0].id == "HP:0001250" and docs[0].mentions[0].status is None


def test_tsv_alt_ids_are_mapped_before_comparing(recognizer):
    # gold 1002 uses HP:0000624, an alt_id of Epicanthus (HP:0000286)
    report = evaluate(read_gold(GOLD / "gold_small.tsv"), recognizer)
    assert report.documents == 2
    assert report.mention.fn == 0 and report.mention.tp == 4
    assert report.status_total == 0  # TSV gold has no context


def test_jsonl_gold_scores_context(recognizer):
    report = evaluate(read_gold(GOLD / "gold_small.jsonl"), recognizer)
    assert report.mention.tp == 4 and report.mention.fn == 0
    assert report.status_total == 4 and report.status_right == 4
    assert report.subject_right == 4
    data = report.to_json()
    assert data["status_accuracy"] == 1.0 and data["subject_accuracy"] == 1.0


def test_bad_gold_line(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "x"}\n')
    with pytest.raises(InputError, match=r"bad\.jsonl:1: not a gold record"):
        read_gold(path)
    path = tmp_path / "bad.tsv"
    path.write_text("1\ntext\nnot numbers\n")
    with pytest.raises(InputError, match=r"bad\.tsv:3"):
        read_gold(path)


def test_patient_present_findings_with_and_without_context(recognizer):
    report = evaluate(read_gold(GOLD / "gold_small.jsonl"), recognizer)
    with_context = report.patient_present
    assert (with_context.tp, with_context.fp, with_context.fn) == (1, 0, 0)
    without = report.patient_present_without_context
    assert (without.tp, without.fp, without.fn) == (1, 3, 0)  # excluded, family, generic


def test_full_text_gold_is_judged_per_document(recognizer):
    [gold] = read_gold(GOLD / "gold_fulltext.jsonl")
    assert gold.file is not None and gold.file.name == "jats_article.xml"
    report = evaluate([gold], recognizer)
    assert report.documents == 1 and report.mention.tp == 0  # no spans in this gold
    assert report.patient_present.tp >= 3
    assert report.patient_present.precision >= report.patient_present_without_context.precision


def test_disease_gold_in_mesh_is_scored_by_span(tmp_path, recognizer):
    text = "Marfan syndrome and a rare disorder of collagen were described."
    gold = tmp_path / "diseases.tsv"
    gold.write_text(
        f"1\n{text}\n0\t15\tMarfan syndrome\tMESH:D008382\n"
        "22\t47\trare disorder of collagen\tMESH:D1\n\n"
    )
    documents = read_gold(gold)
    assert [m.kind for m in documents[0].mentions] == ["disease", "disease"]
    report = evaluate(documents, recognizer, kinds=(Kind.PHENOTYPE, Kind.DISEASE))
    spans = report.disease_spans
    assert (spans.tp, spans.fn) == (1, 1)  # Marfan syndrome found, the paraphrase not
    assert report.mention.tp + report.mention.fp + report.mention.fn == 0  # no id comparison
    assert {m["text"] for m in report.misses if m["kind"] == "fn"} == {"rare disorder of collagen"}
