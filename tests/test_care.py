"""The CARE checklist: items covered with their sentences, and what is missing."""

from __future__ import annotations

import json

from rarecase.care import CareItem, care_report
from rarecase.cli import run
from rarecase.pipeline import analyze

COMPLETE = (
    "Ectopia lentis in a young man: a case report\n"
    "A 19-year-old man presented with blurred vision over two months. "
    "Slit-lamp examination showed ectopia lentis. Echocardiography showed aortic root aneurysm. "
    "He underwent lensectomy and was treated with losartan. "
    "At 2-year follow-up there was no progression. "
    "The patient stated that his vision had much improved. "
    "Similar cases have been reported in the literature. "
    "Written informed consent was obtained from the patient."
)


def test_a_complete_report_covers_every_item(recognizer):
    report = care_report(analyze(COMPLETE, recognizer=recognizer))
    assert report.missing == ()
    by_item = {c.item: c for c in report.items}
    assert any("Echocardiography" in e[2] for e in by_item[CareItem.DIAGNOSTIC_ASSESSMENT].evidence)
    assert "consent" in by_item[CareItem.INFORMED_CONSENT].evidence[0][2]
    texts = [e[2] for e in by_item[CareItem.PATIENT_INFORMATION].evidence]
    assert any(t.startswith("A 19-year-old man") for t in texts)
    assert all(COMPLETE[a:b] == t for a, b, t in by_item[CareItem.TIMELINE].evidence)


def test_missing_items_are_named(recognizer):
    report = care_report(analyze("She had seizures and ataxia.", recognizer=recognizer))
    missing = set(report.missing)
    assert CareItem.CLINICAL_FINDINGS not in missing
    assert {
        CareItem.TITLE,
        CareItem.TIMELINE,
        CareItem.THERAPEUTIC_INTERVENTION,
        CareItem.FOLLOW_UP_AND_OUTCOMES,
        CareItem.PATIENT_PERSPECTIVE,
        CareItem.INFORMED_CONSENT,
    } <= missing


def test_a_relatives_treatment_is_not_the_patients_intervention(recognizer):
    report = care_report(
        analyze(
            "A 30-year-old woman had seizures. Her mother underwent hemodialysis.",
            recognizer=recognizer,
        )
    )
    assert CareItem.THERAPEUTIC_INTERVENTION in report.missing


def test_the_command_prints_json(request, hpo, capsys, tmp_path):
    path = tmp_path / "report.txt"
    path.write_text(COMPLETE)
    cache = request.config.cache.mkdir("rarecase-kb")
    code = run(["--cache-dir", str(cache), "care", str(path), "--format", "json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["covered"] == 10 and data["missing"] == []
    code = run(["--cache-dir", str(cache), "care", str(tmp_path / "nope.txt")])
    assert code == 2
