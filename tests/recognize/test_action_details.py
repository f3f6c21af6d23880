"""The body site, side, time and response of the actions done to the patient."""

from __future__ import annotations

import gzip
from importlib import resources

import pytest

from rarecase.recognize.action_details import (
    FAVORABLE,
    UNFAVORABLE,
    ActionDetails,
    BodySites,
    action_details,
)
from rarecase.recognize.lexicon import Kind
from rarecase.recognize.patient import patient_facts
from rarecase.text import read_source


@pytest.fixture(scope="module")
def sites() -> BodySites:
    return BodySites.bundled()


def details(recognizer, text: str) -> dict[str, ActionDetails]:
    """The details of each action of the patient, by its words."""
    [document] = read_source(text, name="t")
    mentions = recognizer.annotate(document)
    found = action_details(document, mentions, patient_facts(document))
    by_span = {(m.start, m.end): m.text for m in mentions if m.kind is Kind.ACTION}
    return {by_span[span]: value for span, value in found.items()}


def site_of(found: ActionDetails) -> tuple[str, str] | None:
    return None if found.body_site is None else (found.body_site.value, found.body_site.text)


def test_every_site_has_a_uberon_id_and_label(sites):
    assert len(sites.labels) > 1000
    assert all(ident.startswith("UBERON:") for ident in sites.labels)
    assert all(ident in sites.labels for ident, _ in sites.names.values())
    assert all(site in sites.labels for site in sites.implied.values())


def test_the_adjective_table_names_sites_under_their_own_labels(sites):
    table = resources.files("rarecase.recognize").joinpath("data", "body_site_words.tsv")
    for line in table.read_text(encoding="utf-8").splitlines():
        if line.startswith(("#", "word\t")) or not line.strip():
            continue
        word, ident, label = line.split("\t")
        assert sites.labels.get(ident) == label, word


def test_the_bundled_file_says_where_it_came_from():
    data = resources.files("rarecase.recognize").joinpath("data", "body_sites.tsv.gz")
    head = gzip.decompress(data.read_bytes()).decode("utf-8").splitlines()[:2]
    assert "MAxO" in head[0] and "CC BY" in " ".join(head)


def test_sites_are_found_longest_first_with_their_spans(sites):
    [found] = sites.find("MRI of the cervical spine", 100)
    assert (found.value, found.text, found.start) == ("UBERON:0006072", "cervical spine", 111)
    assert [s.value for s in sites.find("left renal biopsy", 0)] == ["UBERON:0002113"]
    assert sites.find("an otherwise unremarkable day", 0) == []


def test_vertebral_levels_are_vertebrae_or_regions(sites):
    def ids(text: str) -> list[str]:
        return [s.value for s in sites.find(text, 0)]

    assert ids("at C1") == ["UBERON:0001092"]  # the atlas
    assert ids("at C5") == ["UBERON:0002413"]
    assert ids("from L4-L5") == ["UBERON:0006074"]
    assert ids("T12-L1") == ["UBERON:0001130"]  # crosses regions: the spine
    assert ids("T2-weighted images") == [] and ids("C9") == []


def test_the_site_after_the_action(recognizer):
    found = details(recognizer, "A 54-year-old woman underwent resection of the mass at C1.")
    assert site_of(found["resection"]) == ("UBERON:0001092", "C1")


def test_the_site_just_before_the_action_and_its_side(recognizer):
    found = details(recognizer, "A 40-year-old man underwent a left thigh biopsy.")
    [biopsy] = found.values()
    assert biopsy.body_site is not None and biopsy.body_site.text == "thigh"
    assert not biopsy.body_site.implied and biopsy.laterality is not None
    assert (biopsy.laterality.value, biopsy.laterality.text) == ("HP:0012835", "left")


def test_a_site_the_name_implies_is_marked_implied(recognizer):
    found = details(recognizer, "A 61-year-old man underwent right nephrectomy.")
    [nephrectomy] = found.values()
    assert nephrectomy.body_site is not None
    assert nephrectomy.body_site.value == "UBERON:0002113" and nephrectomy.body_site.implied
    assert nephrectomy.laterality is not None and nephrectomy.laterality.label == "Right"


def test_a_site_of_another_clause_is_not_the_actions(recognizer):
    found = details(recognizer, "She had a liver cyst, and an MRI was performed.")
    assert found["MRI"].body_site is None


def test_performed_at_the_age_stated_in_the_sentence(recognizer):
    found = details(
        recognizer,
        "A 30-year-old woman was seen. At the age of 12 years she underwent splenectomy.",
    )
    performed = found["splenectomy"].performed
    assert performed is not None and performed.value == "P12Y"
    assert performed.text == "At the age of 12 years"


def test_performed_relative_to_the_presentation(recognizer):
    text = (
        "A 54-year-old woman presented with neck pain. The mass was resected. Two years later "
        "she underwent a laminectomy. At 5-year follow-up, MRI showed no recurrence."
    )
    found = details(recognizer, text)
    assert found["resected"].performed is not None
    assert found["resected"].performed.value == "P54Y"  # the presenting work-up
    assert found["laminectomy"].performed is not None
    assert found["laminectomy"].performed.value == "P56Y"
    assert found["MRI"].performed is not None and found["MRI"].performed.value == "P59Y"


def test_a_past_action_at_no_stated_time_has_no_age(recognizer):
    found = details(
        recognizer, "A 54-year-old woman presented with pain. She had previously undergone "
        "thyroidectomy."
    )  # fmt: skip
    assert found["thyroidectomy"].performed is None


def test_no_age_without_the_patients_age(recognizer):
    found = details(recognizer, "The mass was resected.")
    assert found["resected"].performed is None


def test_a_favourable_response_after_a_therapy(recognizer):
    found = details(
        recognizer, "She was treated with hemodialysis, after which her symptoms resolved."
    )
    response = found["hemodialysis"].response
    assert response is not None and (response.value, response.text) == (FAVORABLE[0], "resolved")


def test_no_improvement_is_unfavourable_not_improvement(recognizer):
    found = details(recognizer, "He received chemotherapy with no improvement.")
    response = found["chemotherapy"].response
    assert response is not None and response.value == UNFAVORABLE[0]
    assert response.text == "no improvement"


def test_despite_a_therapy_is_unfavourable(recognizer):
    found = details(recognizer, "Despite chemotherapy, the tumour progressed.")
    response = found["chemotherapy"].response
    assert response is not None and response.value == UNFAVORABLE[0]
    assert response.text.lower().startswith("despite")


def test_the_course_in_the_next_sentence_is_the_response(recognizer):
    found = details(recognizer, "The mass was resected. Postoperatively, her neck pain resolved.")
    response = found["resected"].response
    assert response is not None and response.value == FAVORABLE[0]


def test_imaging_has_no_response(recognizer):
    found = details(recognizer, "An MRI was performed and her symptoms resolved.")
    assert found["MRI"].response is None


def test_actions_not_done_to_the_patient_get_no_details(recognizer):
    found = details(
        recognizer, "Surgery was declined. Her brother underwent splenectomy at the age of 4."
    )
    assert found == {}


def test_details_serialise_with_their_words(recognizer):
    found = details(recognizer, "A 40-year-old man underwent a left renal biopsy.")
    data = next(iter(found.values())).to_json()
    # the site is written in the action's own name, so it is stated, not implied
    assert data["body_site"]["id"] == "UBERON:0002113" and "implied" not in data["body_site"]
    assert data["laterality"]["label"] == "Left"
    assert data["performed"]["age"] == "P40Y" and data["response"] is None


def test_an_operation_named_for_its_organ_implies_the_organ(recognizer):
    found = details(recognizer, "A 2-month-old boy underwent tracheostomy and gastrostomy.")
    assert found["tracheostomy"].body_site.label == "trachea"
    assert found["gastrostomy"].body_site.value == "UBERON:0000945"
    assert found["gastrostomy"].body_site.implied


def test_the_side_may_follow_the_action(recognizer):
    found = details(recognizer, "A 10-year-old girl had a skin biopsy from the right forearm.")
    assert found["skin biopsy"].laterality.label == "Right"


def test_a_range_of_levels_across_regions_is_the_vertebral_column(recognizer):
    found = details(recognizer, "A 14-year-old girl underwent spinal fusion from T4 to L2.")
    assert found["spinal fusion"].body_site.value == "UBERON:0001130"


def test_treatment_since_an_age_was_started_at_that_age(recognizer):
    found = details(
        recognizer, "A 5-year-old boy has received enzyme replacement therapy since the age of 2."
    )
    assert found["enzyme replacement therapy"].performed.value == "P2Y"


def test_an_outcome_after_treatments_in_sequence_is_the_outcome_of_each(recognizer):
    found = details(
        recognizer,
        "A 63-year-old woman underwent pneumonectomy followed by radiotherapy, "
        "but the tumour recurred.",
    )
    assert found["pneumonectomy"].response.value == UNFAVORABLE[0]
    assert found["radiotherapy"].response.value == UNFAVORABLE[0]
    first_own = details(
        recognizer,
        "A 9-year-old girl received corticosteroids, which failed, and then underwent "
        "splenectomy, after which the platelet count normalized.",
    )
    assert first_own["corticosteroids"].response.value == UNFAVORABLE[0]
    assert first_own["splenectomy"].response.value == FAVORABLE[0]
