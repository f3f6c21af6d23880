"""Patient facts: whose age it is, the sex from a noun or the pronouns, onset and follow-up."""

from __future__ import annotations

import pytest

from rarecase.recognize.patient import PatientFacts, add_durations, patient_facts
from rarecase.text import read_source


def facts(text: str) -> PatientFacts:
    [document] = read_source(text, name="t")
    return patient_facts(document)


def value(fact) -> str | None:
    return None if fact is None else fact.value


@pytest.mark.parametrize(
    ("text", "age", "sex"),
    [
        ("A 61-year-old man presented with haematuria.", "P61Y", "MALE"),
        ("We report a 10-month-old girl with seizures.", "P10M", "FEMALE"),
        ("A twenty-two-year-old woman was admitted.", "P22Y", "FEMALE"),
        ("A 3-day-old male neonate had bilious vomiting.", "P3D", "MALE"),
        ("The patient, aged 44 years, had a cough. He smoked.", "P44Y", "MALE"),
        ("A 2.5-year-old boy was seen for limping.", "P30M", "MALE"),
    ],
)
def test_age_and_sex_of_the_patient(text: str, age: str, sex: str):
    found = facts(text)
    assert (value(found.age), value(found.sex)) == (age, sex)


def test_a_relatives_age_is_not_the_patients():
    found = facts(
        "Her 38-year-old sister had the same rash. A 35-year-old woman presented with blisters."
    )
    assert value(found.age) == "P35Y"
    assert found.age.text.startswith("35-year-old")


def test_a_cited_patients_age_and_sex_are_not_the_patients():
    found = facts(
        "This lesion was reported once before, in a 45-year-old man on dialysis. "
        "Our patient was 27 years old. She had no kidney disease."
    )
    assert value(found.age) == "P27Y"  # not the cited man's 45
    assert value(found.sex) == "FEMALE"  # nor his sex


def test_the_span_points_at_the_words():
    text = "Case report. A 54-year-old woman presented with neck pain."
    found = facts(text)
    assert text[found.age.start : found.age.end] == found.age.text == "54-year-old woman"


def test_sex_from_pronouns_when_no_noun_says_it():
    assert value(facts("The patient had fever. He was treated. His fever resolved.").sex) == "MALE"
    # pronouns of both sexes with no clear majority decide nothing
    assert facts("The child had fever. She and he were twins. His rash.").sex is None


@pytest.mark.parametrize(
    ("text", "follow_up"),
    [
        ("At 5-year follow-up she was well.", "P5Y"),
        ("After 18 months of follow-up there was no recurrence.", "P18M"),
        ("He was followed up for 7 years.", "P7Y"),
        ("A follow-up of nearly two years showed no change.", "P2Y"),
        ("Long-term follow-up is planned.", "long-term"),
        ("She was lost to follow-up.", None),
    ],
)
def test_follow_up(text: str, follow_up: str | None):
    assert value(facts(f"A 40-year-old woman had pain. {text}").follow_up) == follow_up


def test_onset_since_a_life_stage_or_for_a_time():
    since = facts("A 30-year-old man had seizures since childhood.")
    assert value(since.onset) == "HP:0011463"  # Childhood onset
    span = facts("A 30-year-old man presented with back pain over the past three months.")
    assert value(span.onset) == "P3M"
    at_age = facts("At the age of 12 years, she developed weakness. She is now 20.")
    assert (value(at_age.onset), value(at_age.age)) == ("P12Y", "P20Y")


def test_age_at_last_encounter_adds_the_follow_up():
    found = facts("A 2-year-old girl had jaundice. At 18 months of follow-up she was well.")
    assert found.age_at_last_encounter == "P3Y6M"
    assert facts("A 2-year-old girl had jaundice.").age_at_last_encounter == "P2Y"
    assert facts("She had jaundice.").age_at_last_encounter is None


def test_add_durations():
    assert add_durations("P11M", "P1M") == "P1Y"
    assert add_durations("P1Y", "P2D") == "P1Y2D"
    assert add_durations("PT3H", "P1Y") is None


def test_json_has_every_fact_with_its_words():
    data = facts("A 54-year-old woman presented. At 5-year follow-up she was well.").to_json()
    assert set(data) == {"age", "sex", "onset", "follow_up", "outcomes"}
    assert data["age"]["value"] == "P54Y" and data["onset"] is None
    assert data["follow_up"]["text"] == "5-year follow-up"


def outcomes(text: str) -> list[tuple[str, str | None]]:
    return [(o.kind.value, o.time) for o in facts(text).outcomes]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("At 5-year follow-up there was no recurrence.", [("no_recurrence", "P5Y")]),
        ("He has been recurrence-free for 3 years.", [("no_recurrence", "P3Y")]),
        ("The tumour recurred two years later.", [("recurrence", "P2Y")]),
        ("Her pain resolved after 3 months.", [("resolution", "P3M")]),
        ("Surgery was complicated by a wound infection.", [("complication", None)]),
        ("She died 2 weeks later of sepsis.", [("death", "P2W")]),
        ("The postoperative course was uneventful.", []),
    ],
)
def test_outcomes_of_the_patients_course(text: str, expected):
    assert outcomes(f"A 40-year-old woman had a mass. {text}") == expected


def test_outcomes_said_of_patients_in_general_or_cited_cases_are_not_the_patients():
    text = (
        "Recurrence occurs in up to a third of patients [2]. "
        "The patient reported previously died of sepsis. "
        "A 40-year-old woman underwent resection."
    )
    assert facts(text).outcomes == ()


def test_onset_age_from_the_age_and_the_duration():
    assert facts("A 54-year-old woman had neck pain over two years.").onset_age == "P52Y"
    assert facts("At the age of 12 years, she developed weakness.").onset_age == "P12Y"
    assert facts("A 30-year-old man had seizures since childhood.").onset_age is None
    assert facts("She had neck pain over two years.").onset_age is None  # no age to start from
