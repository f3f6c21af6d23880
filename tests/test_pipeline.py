from rarecase.phenopacket import case_to_dict, check_v2_schema
from rarecase.pipeline import analyze, annotate

TEXT = (
    "Tumoral calcinosis with atlantoaxial instability: a case report\n"
    "Background: Tumoral calcinosis is a rare condition characterised by periarticular "
    "calcification.\n"
    "Case presentation: A 54-year-old woman presented with neck pain and atlantoaxial "
    "instability. She had no hyperphosphatemia and no chronic kidney disease. Her mother had "
    "osteoporosis. Possible myelopathy was considered. A previously reported patient on dialysis "
    "had secondary hyperparathyroidism [3]."
)


def test_annotate_accepts_text_and_paths(recognizer, tmp_path):
    path = tmp_path / "case.txt"
    path.write_text(TEXT, encoding="latin-1")
    from_text = annotate(TEXT, recognizer=recognizer)[0]
    from_path = annotate(path, recognizer=recognizer)[0]
    assert from_path.document.id == "case"
    assert [(m.start, m.id) for m in from_text.mentions] == [
        (m.start, m.id) for m in from_path.mentions
    ]


def test_a_long_one_line_text_is_read_as_text_not_a_file_name(recognizer):
    sentence = "A 54-year-old woman presented with neck pain and ataxia. " * 6  # > 255 bytes
    [result] = annotate(sentence.strip(), recognizer=recognizer)
    assert any(m.id == "HP:0001251" for m in result.mentions)


def test_analysis_keeps_only_the_patients_findings(recognizer):
    analysis = analyze(TEXT, recognizer=recognizer)
    observed = {str(f.term.id) for f in analysis.case.observed}
    excluded = {str(f.term.id) for f in analysis.case.excluded}
    assert {"HP:0030833", "HP:0003467"} <= observed  # neck pain, atlantoaxial instability
    assert {"HP:0002905", "HP:0012622"} <= excluded  # hyperphosphatemia, CKD
    assert "HP:0000939" not in observed  # the mother's osteoporosis
    assert "HP:0000867" not in observed  # the cited patient's hyperparathyroidism
    assert "HP:0002196" not in observed | excluded  # uncertain myelopathy
    assert "HP:0025477" not in observed  # generic background
    check_v2_schema(case_to_dict(analysis.case))


def test_features_carry_their_evidence_text(recognizer):
    analysis = analyze(TEXT, recognizer=recognizer)
    neck = next(f for f in analysis.case.features if str(f.term.id) == "HP:0030833")
    assert "'neck pain'" in neck.description and "presented with neck pain" in neck.description


def test_present_wins_over_excluded_and_redundant_ancestors_go(recognizer):
    analysis = analyze(
        "He had seizures. Later he had no seizures. He had focal seizures.", recognizer=recognizer
    )
    observed = [str(f.term.id) for f in analysis.case.observed]
    assert observed.count("HP:0007359") == 1
    assert "HP:0001250" not in observed  # implied by focal seizures
    assert not analysis.case.excluded


def test_json_shape(recognizer):
    data = analyze(TEXT, recognizer=recognizer).to_json()
    assert set(data) == {"document", "mentions", "patient", "claims", "phenopacket"}
    assert {"id", "title", "text", "removed"} <= set(data["document"])
    mention = data["mentions"][0]
    assert {
        "start",
        "end",
        "text",
        "id",
        "label",
        "kind",
        "status",
        "subject",
        "cue",
        "sentence",
    } <= set(mention)
    text = data["document"]["text"]
    assert all(text[m["start"] : m["end"]] == m["text"] for m in data["mentions"])


def test_with_a_ranker_the_analysis_ranks_diseases_for_the_patients_findings(recognizer, hpo):
    from rarecase.diagnose import DiseaseProfiles, make_ranker

    text = (
        "A 9-year-old boy had tall stature, arachnodactyly, ectopia lentis and dilatation of the "
        "aortic root. His father had myopia."
    )
    ranker = make_ranker(DiseaseProfiles.build(hpo))
    analysis = analyze(text, recognizer=recognizer, ranker=ranker, top=5)
    assert analysis.differential is not None
    names = [d.label for d in analysis.differential.diseases]
    assert any("Marfan" in name for name in names[:5]), names
    case_terms = {str(f.term.id) for f in analysis.case.observed}
    # the reasons name the patient's own findings, never the father's myopia
    reasons = {str(m.case_term) for d in analysis.differential.diseases for m in d.matched}
    assert reasons <= case_terms and "HP:0000545" not in reasons
    data = analysis.to_json()
    assert [d["rank"] for d in data["differential"]] == [1, 2, 3, 4, 5]


def test_without_present_findings_there_is_no_differential(recognizer, hpo):
    from rarecase.diagnose import DiseaseProfiles, make_ranker

    ranker = make_ranker(DiseaseProfiles.build(hpo))
    analysis = analyze("She had no seizures.", recognizer=recognizer, ranker=ranker)
    assert analysis.differential is None and "differential" not in analysis.to_json()


def test_the_patients_age_and_sex_reach_the_phenopacket(hpo):
    from rarecase.phenopacket.validate import validate_case
    from rarecase.pipeline import analyze

    analysis = analyze(
        "A 19-year-old man presented with ectopia lentis. His 50-year-old father had "
        "hypertension. At 2-year follow-up he was well.",
        kb=hpo,
    )
    assert analysis.patient.age.value == "P19Y"
    assert analysis.case.subject.sex.value == "MALE"
    assert analysis.case.subject.time_at_last_encounter.age == "P21Y"  # 19 + 2 years
    data = analysis.to_json()
    assert data["patient"]["follow_up"]["value"] == "P2Y"
    assert data["phenopacket"]["subject"]["sex"] == "MALE"
    assert not validate_case(analysis.case, hpo).errors


def test_a_stated_onset_dates_the_findings_of_its_sentence(hpo):
    from rarecase.pipeline import analyze

    analysis = analyze(
        "A 54-year-old woman presented with neck pain over two years. "
        "She also had ataxia. She had no fever.",
        kb=hpo,
    )
    onsets = {str(f.term.id): f.onset for f in analysis.case.features}
    assert onsets["HP:0030833"].age == "P52Y"  # neck pain: 54 years less two
    assert onsets["HP:0001251"] is None  # ataxia: another sentence, no onset said
    since = analyze("A 30-year-old man had seizures since childhood.", kb=hpo)
    [seizure] = [f for f in since.case.features if str(f.term.id) == "HP:0001250"]
    assert str(seizure.onset.ontology_class.id) == "HP:0011463"  # Childhood onset


def test_procedures_on_the_patient_become_medical_actions_with_their_details(hpo):
    from rarecase.pipeline import analyze

    analysis = analyze(
        "A 54-year-old woman presented with neck pain. CT of the cervical spine showed a "
        "calcified mass. She underwent posterior fusion of C1-C2. Postoperatively her pain "
        "resolved. Surgical resection is the treatment of choice for such lesions.",
        kb=hpo,
    )
    doc = case_to_dict(analysis.case)
    check_v2_schema(doc)
    actions = doc["medicalActions"]
    by_id = {a["procedure"]["code"]["id"]: a["procedure"] for a in actions}
    fusion = by_id["MAXO:0001288"]  # surgical repair of vertebra
    assert fusion["performed"]["age"]["iso8601duration"] == "P54Y"
    assert fusion["bodySite"]["id"] in {"UBERON:0001092", "UBERON:0001093", "UBERON:0006072"}
    response = next(a for a in actions if a["procedure"]["code"]["id"] == "MAXO:0001288")
    assert response["responseToTreatment"]["id"] == "NCIT:C123584"  # favourable
    # The generic sentence about resection is not the patient's action.
    assert "MAXO:0001025" not in by_id
    generic = [
        m
        for m in analysis.to_json()["mentions"]
        if m["kind"] == "action" and m["subject"] == "generic"
    ]
    assert generic, "the treatment-of-choice statement should be kept as generic"
