"""Medical actions: the MAxO vocabulary, matching, and the status and subject of each action."""

from __future__ import annotations

import pytest

from rarecase.recognize.actions import UNSPOKEN, ActionVocabulary
from rarecase.recognize.lexicon import Kind


@pytest.fixture(scope="module")
def vocabulary() -> ActionVocabulary:
    return ActionVocabulary.bundled()


def actions(annotate_text, text: str) -> list[tuple[str, str, str, str]]:
    return [
        (m.text, m.id, m.status.value, m.subject.value)
        for m in annotate_text(text)
        if m.kind is Kind.ACTION
    ]


def test_the_vocabulary_is_maxo_with_labels_synonyms_and_parents(vocabulary):
    assert len(vocabulary) > 1800 and vocabulary.release == "2024-07-29"
    resection = vocabulary.actions["MAXO:0000448"]
    assert resection.label == "surgical resection" and "resection" in resection.synonyms
    assert "MAXO:0000447" in resection.parents  # surgical excision
    assert all(a.id.startswith("MAXO:") for a in vocabulary.actions.values())


def test_names_too_general_to_be_an_action_are_left_out(vocabulary):
    assert "treatment" in UNSPOKEN
    names = {e.name.lower() for e in vocabulary.entries}
    assert "treatment" not in names and "medical action" not in names
    assert "surgical resection" in names


def test_a_procedure_on_the_patient_is_present_and_the_patients(annotate_text):
    found = actions(annotate_text, "The mass was resected. She underwent hemodialysis.")
    assert found == [
        ("resected", "MAXO:0000448", "present", "patient"),
        ("hemodialysis", "MAXO:0000602", "present", "patient"),
    ]


def test_abbreviations_match_as_written_only(annotate_text):
    assert actions(annotate_text, "CT showed a mass.")[0][1] == "MAXO:0000571"
    assert actions(annotate_text, "The ct value was high.") == []


def test_a_declined_or_refused_action_is_excluded(annotate_text):
    assert actions(annotate_text, "Surgery was declined.")[0][2] == "excluded"
    assert actions(annotate_text, "She refused hemodialysis.")[0][2] == "excluded"


def test_a_statement_about_treatment_in_general_is_generic(annotate_text):
    [found] = actions(annotate_text, "Surgical resection is the treatment of choice.")
    assert found[1:] == ("MAXO:0000448", "present", "generic")


def test_a_relatives_action_is_the_relatives(annotate_text):
    [found] = actions(annotate_text, "Her mother underwent hemodialysis.")
    assert found[3] == "family"


def test_an_action_inside_a_longer_one_is_not_another(annotate_text):
    found = actions(annotate_text, "She had a surgical resection of the mass.")
    assert [f[1] for f in found] == ["MAXO:0000448"]


def test_actions_reach_the_phenopacket_and_never_its_features(hpo, recognizer):
    from rarecase.phenopacket import dumps_phenopacket
    from rarecase.pipeline import analyze

    analysis = analyze(
        "A 40-year-old man had neck pain. The mass was resected. Hemodialysis was refused. "
        "Surgical resection is the treatment of choice.",
        recognizer=recognizer,
    )
    codes = [str(a.code.id) for a in analysis.case.actions if a.code is not None]
    assert codes == ["MAXO:0000448"]  # performed; the refused dialysis and the generic one not
    assert not any(str(f.term.id).startswith("MAXO:") for f in analysis.case.features)
    assert '"procedure"' in dumps_phenopacket(analysis.case)  # schema-checked on the way out


def test_a_normal_result_does_not_undo_the_action(annotate_text):
    [found] = actions(annotate_text, "Echocardiography was normal.")
    assert found[1:3] == ("MAXO:0010203", "present")


def test_every_clinical_action_name_points_at_the_maxo_term_it_says(vocabulary):
    from importlib import resources

    table = resources.files("rarecase.recognize").joinpath("data", "clinical_actions.tsv")
    rows = [
        line.split("\t")
        for line in table.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith(("#", "name\t"))
    ]
    assert len(rows) >= 10
    for name, ident, label in rows:
        assert vocabulary.label(ident) == label, name


def test_maxo_names_of_an_action_that_is_also_a_finding_give_both(annotate_text):
    kinds = {m.kind for m in annotate_text("She underwent hemodialysis and had a seizure.")}
    assert kinds == {Kind.ACTION, Kind.PHENOTYPE}


def test_actions_can_be_left_out(hpo):
    from rarecase.recognize.recognizer import Recognizer
    from rarecase.text import read_source

    [document] = read_source("The mass was resected. She had seizures.", name="t")
    kinds = {m.kind for m in Recognizer(hpo, actions=False).annotate(document)}
    assert kinds == {Kind.PHENOTYPE}


def test_an_avoided_action_is_excluded_and_a_possible_one_is_not_the_patients(annotate_text):
    [avoided] = actions(annotate_text, "The 70-year-old man preferred to avoid surgery.")
    assert avoided[2] == "excluded"
    [possible] = actions(annotate_text, "Liver transplantation may be considered in such cases.")
    assert possible[3] == "generic"


def test_the_technique_word_is_part_of_the_operation_it_names(annotate_text):
    mentions = [
        m
        for m in annotate_text("She had a laparoscopic cholecystectomy.")
        if m.kind is Kind.ACTION and not m.nested
    ]
    assert [m.id for m in mentions] == ["MAXO:0001039"]


def test_a_treatment_that_did_not_work_was_still_given(annotate_text):
    [given] = actions(annotate_text, "She did not respond to intravenous immunoglobulin.")
    assert given[1:] == ("MAXO:0001480", "present", "patient")
