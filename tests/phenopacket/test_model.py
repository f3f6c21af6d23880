from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

import pytest
from google.protobuf.json_format import ParseDict
from phenopackets.schema.v2.phenopackets_pb2 import Phenopacket

from rarecase._version import __version__
from rarecase.ontology.ids import TermId
from rarecase.phenopacket import (
    ActionKind,
    Case,
    Disease,
    ExternalReference,
    MedicalAction,
    MetaData,
    OntologyClass,
    PhenotypicFeature,
    Sex,
    Subject,
    TimeElement,
    case_to_dict,
)


def term(curie: str, label: str = "") -> OntologyClass:
    return OntologyClass(TermId.parse(curie), label)


SEIZURE = PhenotypicFeature(term("HP:0001250", "Seizure"))
NO_MICROCEPHALY = PhenotypicFeature(term("HP:0000252", "Microcephaly"), excluded=True)


def test_time_element_needs_exactly_one_kind():
    with pytest.raises(ValueError, match="exactly one"):
        TimeElement()
    with pytest.raises(ValueError, match="exactly one"):
        TimeElement(age="P1Y", timestamp="2020-01-01T00:00:00Z")


@pytest.mark.parametrize(
    ("element", "text"),
    [
        (TimeElement(age="P3Y"), "P3Y"),
        (TimeElement(ontology_class=term("HP:0003577", "Congenital onset")), "Congenital onset"),
        (TimeElement(ontology_class=term("HP:0003577")), "HP:0003577"),
        (TimeElement(gestational_age=(32, None)), "gestational age 32w"),
        (TimeElement(gestational_age=(32, 4)), "gestational age 32w 4d"),
        (TimeElement(age_range=("P1Y", "P2Y")), "P1Y to P2Y"),
        (TimeElement(interval=("2020-01-01T00:00:00Z", "")), "2020-01-01T00:00:00Z to ?"),
    ],
)
def test_time_element_describe(element, text):
    assert element.describe() == text


@pytest.mark.parametrize(
    ("ref_id", "pmid"),
    [("PMID:15266616", "15266616"), ("pmid:42", "42"), ("DOI:10.1/x", None), ("PMID:", None)],
)
def test_external_reference_pmid(ref_id, pmid):
    assert ExternalReference(ref_id).pmid == pmid


def test_observed_and_excluded_split_features_in_order():
    other = PhenotypicFeature(term("HP:0001263"))
    case = Case("c", Subject(), features=(SEIZURE, NO_MICROCEPHALY, other))
    assert case.observed == (SEIZURE, other)
    assert case.excluded == (NO_MICROCEPHALY,)


def test_pmids_are_full_ids_without_repeats():
    meta = MetaData(
        created="",
        created_by="",
        external_references=(
            ExternalReference("PMID:2"),
            ExternalReference("DOI:10.1/abc"),
            ExternalReference("PMID:1"),
            ExternalReference("PMID:2"),
        ),
    )
    assert Case("c", Subject(), meta=meta).pmids == ("PMID:2", "PMID:1")
    assert Case("c", Subject()).pmids == ()


def test_with_features_returns_new_case_and_keeps_the_old():
    case = Case("c", Subject(), features=(SEIZURE,))
    changed = case.with_features([NO_MICROCEPHALY])
    assert changed.features == (NO_MICROCEPHALY,)
    assert case.features == (SEIZURE,)
    assert changed.id == case.id and changed.subject == case.subject


def test_frozen():
    case = Case("c", Subject())
    with pytest.raises(dataclasses.FrozenInstanceError):
        case.id = "d"  # type: ignore[misc]


def test_extra_takes_part_in_equality_but_not_hash():
    a = Disease(term("OMIM:1"), extra={"primarySite": {"id": "UBERON:1"}})
    b = Disease(term("OMIM:1"), extra={"primarySite": {"id": "UBERON:1"}})
    c = Disease(term("OMIM:1"), extra={"primarySite": {"id": "UBERON:2"}})
    assert a == b
    assert a != c
    assert hash(a) == hash(b) == hash(c)
    assert len({a, b}) == 1


def test_medical_action_rejects_fields_its_kind_lacks():
    with pytest.raises(ValueError, match="body site"):
        MedicalAction(ActionKind.TREATMENT, term("DrugCentral:1"), body_site=term("UBERON:1"))
    with pytest.raises(ValueError, match="performed"):
        MedicalAction(ActionKind.TREATMENT, None, performed=TimeElement(age="P1Y"))
    radiation = MedicalAction(ActionKind.RADIATION_THERAPY, None, body_site=term("UBERON:1"))
    assert radiation.body_site == term("UBERON:1")


def test_new_fills_metadata():
    moment = datetime(2024, 5, 1, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    case = Case.new("p1", features=[SEIZURE], hpo_version="2025-01-16", now=moment)
    assert case.meta is not None
    assert case.meta.created == "2024-05-01T10:30:00Z"
    assert case.meta.created_by == f"rarecase {__version__}"
    assert case.meta.schema_version == "2.0"
    assert [r["namespacePrefix"] for r in case.meta.resources] == ["HP"]
    assert case.features == (SEIZURE,)
    assert case.subject == Subject()


def test_new_without_hpo_version_has_no_resources_and_is_created_now():
    before = datetime.now(UTC).replace(microsecond=0)
    case = Case.new("p1")
    assert case.meta is not None
    assert case.meta.resources == ()
    created = datetime.strptime(case.meta.created, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert before <= created <= datetime.now(UTC)


def test_new_case_is_valid_under_the_official_schema():
    case = Case.new(
        "p1",
        subject=Subject(id="s1", sex=Sex.FEMALE, time_at_last_encounter=TimeElement(age="P4Y")),
        features=[SEIZURE, NO_MICROCEPHALY],
        diseases=[Disease(term("OMIM:308350"), onset=TimeElement(gestational_age=(30, 2)))],
        actions=[MedicalAction(ActionKind.PROCEDURE, term("NCIT:C5189"), term("UBERON:0000948"))],
        hpo_version="2025-01-16",
        external_references=[ExternalReference("PMID:1")],
    )
    message = ParseDict(case_to_dict(case), Phenopacket())
    assert message.id == "p1"
    assert message.meta_data.resources[0].namespace_prefix == "HP"
    assert [f.excluded for f in message.phenotypic_features] == [False, True]
    assert message.diseases[0].onset.gestational_age.days == 2
    assert message.medical_actions[0].procedure.body_site.id == "UBERON:0000948"


def test_new_shorthand_for_observed_and_excluded():
    case = Case.new(
        "p1",
        features=[SEIZURE],
        observed=["HP:0001263", TermId.parse("HP:0001252")],
        excluded=[term("HP:0000252", "Microcephaly")],
    )
    assert [str(f.term.id) for f in case.observed] == ["HP:0001250", "HP:0001263", "HP:0001252"]
    assert case.excluded == (NO_MICROCEPHALY,)
