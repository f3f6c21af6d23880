from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToDict, ParseDict
from phenopackets.schema.v2.phenopackets_pb2 import Phenopacket

from rarecase.errors import InputError, InvalidPhenopacketError, UnsupportedFormatError
from rarecase.ontology.ids import TermId
from rarecase.phenopacket import (
    ActionKind,
    Case,
    OntologyClass,
    PhenotypicFeature,
    Sex,
    TimeElement,
    VitalStatus,
    case_from_dict,
    case_to_dict,
    check_v2_schema,
    dumps_phenopacket,
    json_io,
    load_json,
    parse_phenopacket,
    read_phenopacket,
    write_phenopacket,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "phenopackets"
EXAMPLES = DATA / "examples"
BROKEN = DATA / "broken"
EXAMPLE_FILES = sorted(EXAMPLES.glob("*.json"))


def example(prefix: str) -> Path:
    (path,) = (p for p in EXAMPLE_FILES if p.name.startswith(prefix + "__"))
    return path


def canonical(doc: dict) -> dict:
    return MessageToDict(ParseDict(doc, Phenopacket()))


def minimal(**changes) -> dict:
    doc = {
        "id": "p1",
        "subject": {"id": "s1", "sex": "FEMALE"},
        "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}}],
        "metaData": {
            "created": "2024-01-01T00:00:00Z",
            "createdBy": "test",
            "phenopacketSchemaVersion": "2.0",
        },
    }
    doc.update(changes)
    return doc


def test_all_examples_are_present():
    assert len(EXAMPLE_FILES) == 30
    with (EXAMPLES / "INDEX.tsv").open(encoding="utf-8") as handle:
        assert {row["file"] for row in csv.DictReader(handle, delimiter="\t")} == {
            p.name for p in EXAMPLE_FILES
        }


# --- v2 examples -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name.split("__")[0])
def test_example_round_trip_is_lossless_under_official_schema(path):
    original = json.loads(path.read_text(encoding="utf-8"))
    case = read_phenopacket(path)
    written = case_to_dict(case)
    assert canonical(written) == canonical(original)
    # and through text, reading back gives the same Case
    assert parse_phenopacket(dumps_phenopacket(case)) == case


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=lambda p: p.name.split("__")[0])
def test_reading_twice_gives_equal_cases(path):
    assert read_phenopacket(path) == parse_phenopacket(path.read_bytes(), source=path.name)


def test_feature_counts_match_index():
    with (EXAMPLES / "INDEX.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == 30
    for row in rows:
        case = read_phenopacket(EXAMPLES / row["file"])
        assert case.id == row["id"]
        assert len(case.observed) == int(row["n_observed"]), row["file"]
        assert len(case.excluded) == int(row["n_excluded"]), row["file"]


def test_gestational_age_last_encounter():
    case = read_phenopacket(example("CIROZ"))
    assert case.subject.time_at_last_encounter == TimeElement(gestational_age=(17, None))
    assert case.subject.vital_status is VitalStatus.DECEASED
    assert case.subject.sex is Sex.MALE


def test_ontology_class_last_encounter():
    case = read_phenopacket(example("PPIB"))
    last = case.subject.time_at_last_encounter
    assert last is not None and last.ontology_class is not None
    assert str(last.ontology_class.id) == "HP:0034198"
    assert last.describe() == "Second trimester onset"


@pytest.mark.parametrize("cohort", ["DDX59", "FOXE1"])
def test_feature_onset_ontology_class(cohort):
    case = read_phenopacket(example(cohort))
    onsets = [f.onset for f in case.features if f.onset is not None]
    assert onsets
    assert any(
        o.ontology_class is not None and str(o.ontology_class.id) == "HP:0003577" for o in onsets
    )


def test_feature_onset_gestational_and_age():
    unc13a = read_phenopacket(example("UNC13A"))
    assert TimeElement(gestational_age=(32, None)) in [f.onset for f in unc13a.features]
    cntnap2 = read_phenopacket(example("CNTNAP2"))
    assert any(f.onset is not None and f.onset.age for f in cntnap2.features)


def test_disease_onsets():
    rpgrip1 = read_phenopacket(example("RPGRIP1"))
    onset = rpgrip1.diseases[0].onset
    assert onset is not None and onset.ontology_class is not None
    assert str(rpgrip1.diseases[0].term.id).startswith("OMIM:")
    pgbd5 = read_phenopacket(example("PGBD5"))
    assert any(d.onset is not None and d.onset.age for d in pgbd5.diseases)


@pytest.mark.parametrize("cohort", ["MPV17", "B2M", "PPIB", "UNC13A"])
def test_vital_status_deceased(cohort):
    assert read_phenopacket(example(cohort)).subject.vital_status is VitalStatus.DECEASED


def test_vital_status_absent_is_none():
    assert read_phenopacket(example("STXBP1")).subject.vital_status is None


def test_unknown_sex():
    assert read_phenopacket(example("SMAD4")).subject.sex is Sex.UNKNOWN_SEX


def test_severity():
    features = [
        f
        for cohort in ("CLN3", "ATP6V1B1")
        for f in read_phenopacket(example(cohort)).features
        if f.severity is not None
    ]
    assert features
    assert all(f.severity is not None and f.severity.id.is_hpo for f in features)


def test_pmids_from_examples():
    assert read_phenopacket(example("11q_terminal_deletion")).pmids == ("PMID:15266616",)
    for path in EXAMPLE_FILES:
        pmid = path.name.split("__")[1].split("_")[1]
        assert read_phenopacket(path).pmids == (f"PMID:{pmid}",), path.name


@pytest.mark.parametrize(
    ("cohort", "version"), [("PSMC3", "2"), ("11q_terminal_deletion", "2.0"), ("TBX5", "2.0.2")]
)
def test_schema_version_string_is_kept(cohort, version):
    case = read_phenopacket(example(cohort))
    assert case.meta is not None and case.meta.schema_version == version
    assert case_to_dict(case)["metaData"]["phenopacketSchemaVersion"] == version


def test_measurements_and_interpretations_kept_verbatim():
    path = example("CYP21A2")
    original = json.loads(path.read_text(encoding="utf-8"))
    case = read_phenopacket(path)
    assert case.extra["measurements"] == canonical(original)["measurements"]
    assert len(case.extra["interpretations"]) == len(original["interpretations"])
    assert case_to_dict(case)["measurements"] == case.extra["measurements"]


def test_case_shares_nothing_with_input_dict():
    doc = json.loads(example("NBAS").read_text(encoding="utf-8"))
    case = case_from_dict(doc, source="x")
    before = copy.deepcopy(case.extra["interpretations"])
    doc["interpretations"][0]["id"] = "changed"
    assert case.extra["interpretations"] == before


# --- pieces that the examples lack ---------------------------------------------------------


def test_medical_actions_round_trip():
    actions = [
        {
            "procedure": {
                "code": {"id": "NCIT:C28743", "label": "Punch Biopsy"},
                "bodySite": {"id": "UBERON:0003403", "label": "skin of forearm"},
                "performed": {"age": {"iso8601duration": "P2Y"}},
            },
            "treatmentTarget": {"id": "HP:0001250"},
        },
        {
            "treatment": {
                "agent": {"id": "DrugCentral:1234", "label": "levetiracetam"},
                "routeOfAdministration": {"id": "NCIT:C38288", "label": "Oral Route"},
                "drugType": "PRESCRIPTION",
                "doseIntervals": [
                    {
                        "quantity": {"unit": {"id": "UO:0000022"}, "value": 250.0},
                        "scheduleFrequency": {"id": "NCIT:C64496", "label": "Twice Daily"},
                        "interval": {
                            "start": "2020-01-01T00:00:00Z",
                            "end": "2021-01-01T00:00:00Z",
                        },
                    }
                ],
            },
            "responseToTreatment": {"id": "NCIT:C102560", "label": "Partial Response"},
            "adverseEvents": [{"id": "HP:0000737", "label": "Irritability"}],
        },
        {
            "radiationTherapy": {
                "modality": {"id": "NCIT:C28039", "label": "Carbon-Ion Radiotherapy"},
                "bodySite": {"id": "UBERON:0000955", "label": "brain"},
                "dosage": 20,
                "fractions": 4,
            }
        },
        {
            "therapeuticRegimen": {
                "externalReference": {"id": "NCT01234567", "reference": "https://example.org"},
                "startTime": {"age": {"iso8601duration": "P3Y"}},
                "regimenStatus": "STARTED",
            },
            "treatmentIntent": {"id": "NCIT:C62220", "label": "Cure"},
        },
    ]
    doc = minimal(medicalActions=actions)
    case = case_from_dict(doc, source="actions.json")
    kinds = [a.kind for a in case.actions]
    assert kinds == [
        ActionKind.PROCEDURE,
        ActionKind.TREATMENT,
        ActionKind.RADIATION_THERAPY,
        ActionKind.THERAPEUTIC_REGIMEN,
    ]
    procedure, treatment, radiation, regimen = case.actions
    assert procedure.performed == TimeElement(age="P2Y")
    assert procedure.body_site is not None and str(procedure.body_site.id) == "UBERON:0003403"
    assert procedure.extra == {"treatmentTarget": {"id": "HP:0001250"}}
    assert treatment.code is not None and treatment.code.label == "levetiracetam"
    assert treatment.response is not None and treatment.response.label == "Partial Response"
    assert treatment.extra["drugType"] == "PRESCRIPTION"
    assert "adverseEvents" in treatment.extra
    assert radiation.extra == {"dosage": 20, "fractions": 4}
    assert regimen.code is None
    assert regimen.extra["externalReference"]["id"] == "NCT01234567"
    assert canonical(case_to_dict(case)) == canonical(doc)


def test_subject_and_metadata_details_round_trip():
    doc = minimal(
        subject={
            "id": "s1",
            "alternateIds": ["a", "b"],
            "dateOfBirth": "2001-02-03T04:05:06Z",
            "timeAtLastEncounter": {"timestamp": "2020-01-01T00:00:00Z"},
            "vitalStatus": {
                "status": "DECEASED",
                "timeOfDeath": {"age": {"iso8601duration": "P19Y"}},
                "causeOfDeath": {"id": "MONDO:0005015", "label": "diabetes"},
                "survivalTimeInDays": 120,
            },
            "sex": "OTHER_SEX",
            "karyotypicSex": "XXY",
            "gender": {"id": "LOINC:LA22879-9", "label": "Identifies as female"},
            "taxonomy": {"id": "NCBITaxon:9606", "label": "Homo sapiens"},
        },
        phenotypicFeatures=[
            {
                "description": "worse at night",
                "type": {"id": "HP:0001250"},
                "severity": {"id": "HP:0012828"},
                "modifiers": [{"id": "HP:0012832"}],
                "onset": {"ageRange": {"start": {"iso8601duration": "P1Y"}}},
                "resolution": {
                    "interval": {"start": "2010-01-01T00:00:00Z", "end": "2011-01-01T00:00:00Z"}
                },
                "evidence": [
                    {"evidenceCode": {"id": "ECO:0000033"}, "reference": {"id": "PMID:9"}}
                ],
            }
        ],
        diseases=[
            {
                "term": {"id": "OMIM:1"},
                "excluded": True,
                "laterality": {"id": "HP:0012834", "label": "Right"},
            }
        ],
        metaData={
            "created": "2024-01-01T00:00:00.500Z",
            "createdBy": "test",
            "submittedBy": "someone",
            "updates": [{"timestamp": "2024-02-01T00:00:00Z", "comment": "fixed"}],
            "phenopacketSchemaVersion": "2.0",
            "externalReferences": [{"id": "PMID:9", "reference": "https://pubmed.gov/9"}],
        },
        files=[{"uri": "file:///x.vcf", "fileAttributes": {"genomeAssembly": "GRCh38"}}],
    )
    case = case_from_dict(doc, source="detail.json")
    assert case.subject.vital_status is VitalStatus.DECEASED
    assert case.subject.extra["vitalStatus"]["survivalTimeInDays"] == 120
    assert "status" not in case.subject.extra["vitalStatus"]
    assert case.subject.date_of_birth == "2001-02-03T04:05:06Z"
    feature = case.features[0]
    assert feature.onset == TimeElement(age_range=("P1Y", ""))
    assert feature.resolution is not None and feature.resolution.interval is not None
    assert feature.evidence[0].reference is not None
    assert feature.evidence[0].reference.pmid == "9"
    assert case.diseases[0].excluded
    assert "laterality" in case.diseases[0].extra
    assert case.meta is not None and case.meta.extra["submittedBy"] == "someone"
    assert case.pmids == ("PMID:9",)
    assert canonical(case_to_dict(case)) == canonical(doc)


def test_vital_status_without_status_reads_as_unknown():
    doc = minimal(subject={"vitalStatus": {"survivalTimeInDays": 3}})
    case = case_from_dict(doc, source="x")
    assert case.subject.vital_status is VitalStatus.UNKNOWN_STATUS
    assert canonical(case_to_dict(case)) == canonical(doc)


def test_snake_case_and_enum_numbers_are_accepted_as_protobuf_does():
    doc = {
        "id": "p1",
        "subject": {"sex": 1, "time_at_last_encounter": {"age": {"iso8601duration": "P1Y"}}},
        "phenotypic_features": [{"type": {"id": "HP:0001250"}, "excluded": True}],
        "meta_data": {"created_by": "x", "phenopacket_schema_version": "2.0"},
    }
    case = case_from_dict(doc, source="snake.json")
    assert case.subject.sex is Sex.FEMALE
    assert case.subject.time_at_last_encounter == TimeElement(age="P1Y")
    assert len(case.excluded) == 1


def test_ontology_ids_are_term_ids():
    case = read_phenopacket(example("TBX5"))
    assert all(isinstance(f.term.id, TermId) and f.term.id.is_hpo for f in case.features)


def test_missing_schema_version_without_v1_keys_reads_as_v2():
    doc = minimal()
    del doc["metaData"]["phenopacketSchemaVersion"]
    doc["phenotypicFeatures"][0]["excluded"] = True
    case = case_from_dict(doc, source="x")
    assert case.excluded and case.meta is not None
    assert case_to_dict(case)["metaData"]["phenopacketSchemaVersion"] == "2.0"


# --- v1 ------------------------------------------------------------------------------------


@pytest.fixture
def v1_doc():
    return json.loads((DATA / "v1_synthetic.json").read_text(encoding="utf-8"))


def test_v1_features_and_onsets(v1_doc):
    case = read_phenopacket(DATA / "v1_synthetic.json")
    assert [str(f.term.id) for f in case.excluded] == ["HP:0000252", "HP:0000486"]
    assert len(case.observed) == 4
    by_id = {str(f.term.id): f for f in case.features}
    assert by_id["HP:0001250"].onset == TimeElement(age="P4M")
    onset = by_id["HP:0001263"].onset
    assert onset is not None and onset.ontology_class is not None
    assert str(onset.ontology_class.id) == "HP:0003593"
    assert by_id["HP:0002376"].onset == TimeElement(age_range=("P2Y", "P3Y"))
    assert by_id["HP:0001252"].modifiers[0].label == "Bilateral"
    assert case.subject.time_at_last_encounter == TimeElement(age="P6Y4M")
    assert case.subject.extra["karyotypicSex"] == "XY"
    assert case.diseases[0].onset is not None
    assert case.diseases[0].onset.describe() == "Infantile onset"
    assert case.diseases[1].onset == TimeElement(age="P4M")
    assert case.diseases[1].extra["diseaseStage"][0]["id"] == "NCIT:C28554"
    assert case.meta is not None and case.meta.schema_version == "2.0"
    assert case.meta.extra == {"submittedBy": "rarecase tests"}


def test_v1_only_parts_kept_but_not_written(v1_doc):
    case = case_from_dict(v1_doc, source="v1.json")
    v1 = case.extra["v1"]
    assert v1["genes"][0]["symbol"] == "ARX"
    assert v1["variants"][0]["hgvsAllele"]["hgvs"] == "NM_139058.3:c.1058C>T"
    assert v1["htsFiles"][0]["htsFormat"] == "VCF"
    written = case_to_dict(case)
    assert not {"v1", "genes", "variants", "htsFiles"} & set(written)
    check_v2_schema(written)
    again = parse_phenopacket(dumps_phenopacket(case))
    assert again.features == case.features
    assert again.diseases == case.diseases
    assert "v1" not in again.extra


def test_v1_declared_version_is_read_as_v1(v1_doc):
    v1_doc["metaData"]["phenopacketSchemaVersion"] = "1.0"
    for feature in v1_doc["phenotypicFeatures"]:  # no v1-only keys left in the features
        feature.pop("negated", None)
    v1_doc["diseases"][1]["tnmFinding"] = [{"id": "NCIT:C48720", "label": "T1"}]
    case = case_from_dict(v1_doc, source="v1.json")
    assert not case.excluded
    assert case.meta is not None and case.meta.schema_version == "2.0"
    assert case.diseases[1].extra["clinicalTnmFinding"][0]["id"] == "NCIT:C48720"
    check_v2_schema(case_to_dict(case))


def test_v1_document_with_v2_key_is_rejected(v1_doc):
    v1_doc["phenotypicFeatures"][0]["excluded"] = True
    with pytest.raises(InvalidPhenopacketError, match=r'unknown field "excluded".*v1 schema'):
        case_from_dict(v1_doc, source="mixed.json")


# --- errors --------------------------------------------------------------------------------


def assert_one_line(err: pytest.ExceptionInfo, source: str) -> str:
    text = str(err.value)
    assert "\n" not in text
    assert text.startswith(f"{source}: ")
    assert err.value.source == source
    assert err.value.fix
    return text


def test_binary_bytes(tmp_path):
    path = tmp_path / "scan.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(UnsupportedFormatError) as err:
        read_phenopacket(path)
    assert "binary or not UTF-8" in assert_one_line(err, str(path))


def test_latin1_bytes():
    data = '{"id": "caf\u00e9"}'.encode("latin-1")
    with pytest.raises(UnsupportedFormatError) as err:
        parse_phenopacket(data, source="latin.json")
    text = assert_one_line(err, "latin.json")
    assert "not UTF-8" in text and "0xe9" in text


def test_utf8_bom_is_accepted():
    data = b"\xef\xbb\xbf" + json.dumps(minimal()).encode()
    assert parse_phenopacket(data).id == "p1"
    assert parse_phenopacket(data.decode("utf-8")).id == "p1"


def test_truncated_json_names_line_and_column():
    path = BROKEN / "truncated.json"
    with pytest.raises(UnsupportedFormatError) as err:
        read_phenopacket(path)
    text = assert_one_line(err, str(path))
    assert "line 5, column 12" in text


def test_empty_input():
    with pytest.raises(UnsupportedFormatError) as err:
        parse_phenopacket(b"  \n")
    assert "empty" in assert_one_line(err, "<text>")


def test_json_array():
    path = BROKEN / "array.json"
    with pytest.raises(InvalidPhenopacketError) as err:
        read_phenopacket(path)
    assert "an array, not an object" in assert_one_line(err, str(path))


def test_load_json_requires_object():
    with pytest.raises(InvalidPhenopacketError, match="a string, not an object"):
        load_json('"text"', source="s")
    assert load_json('{"a": [1]}', source="s") == {"a": [1]}


def test_unknown_field():
    path = BROKEN / "unknown_field.json"
    with pytest.raises(InvalidPhenopacketError) as err:
        read_phenopacket(path)
    text = assert_one_line(err, str(path))
    assert 'phenotypicFeatures[0]: unknown field "absent"' in text


def test_wrong_type():
    path = BROKEN / "wrong_type.json"
    with pytest.raises(InvalidPhenopacketError) as err:
        read_phenopacket(path)
    assert "phenotypicFeatures[1].excluded" in assert_one_line(err, str(path))


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_id(value):
    doc = minimal()
    if value is None:
        del doc["id"]
    else:
        doc["id"] = value
    with pytest.raises(InvalidPhenopacketError) as err:
        case_from_dict(doc, source="noid.json")
    assert "id: missing" in assert_one_line(err, "noid.json")


def test_feature_without_type():
    doc = minimal(phenotypicFeatures=[{"type": {"id": "HP:0001250"}}, {"excluded": True}])
    with pytest.raises(InvalidPhenopacketError) as err:
        case_from_dict(doc, source="case.json")
    text = assert_one_line(err, "case.json")
    assert "phenotypicFeatures[1].type: missing" in text
    assert "every feature needs a type" in text


def test_unparseable_term_id_names_the_path():
    doc = minimal(phenotypicFeatures=[{"type": {"id": "seizure"}}])
    with pytest.raises(InvalidPhenopacketError) as err:
        case_from_dict(doc, source="case.json")
    assert "phenotypicFeatures[0].type.id: 'seizure'" in assert_one_line(err, "case.json")


def test_missing_metadata():
    doc = minimal()
    del doc["metaData"]
    with pytest.raises(InvalidPhenopacketError) as err:
        case_from_dict(doc, source="nometa.json")
    assert "add metaData with created, createdBy" in assert_one_line(err, "nometa.json")


def test_unknown_schema_version():
    doc = minimal()
    doc["metaData"]["phenopacketSchemaVersion"] = "3.1"
    with pytest.raises(InvalidPhenopacketError) as err:
        case_from_dict(doc, source="v3.json")
    assert "'3.1'" in assert_one_line(err, "v3.json")


def test_family_document():
    path = BROKEN / "family.json"
    with pytest.raises(InvalidPhenopacketError) as err:
        read_phenopacket(path)
    assert "Family" in assert_one_line(err, str(path))


def test_cohort_document():
    doc = {"id": "c", "members": [minimal()], "metaData": minimal()["metaData"]}
    with pytest.raises(InvalidPhenopacketError) as err:
        case_from_dict(doc, source="cohort.json")
    assert "Cohort" in assert_one_line(err, "cohort.json")


def test_missing_file(tmp_path):
    path = tmp_path / "nope.json"
    with pytest.raises(InputError) as err:
        read_phenopacket(path)
    assert "cannot read" in assert_one_line(err, str(path))
    assert not isinstance(err.value, InvalidPhenopacketError | UnsupportedFormatError)


def test_directory(tmp_path):
    with pytest.raises(InputError) as err:
        read_phenopacket(tmp_path)
    assert "cannot read" in assert_one_line(err, str(tmp_path))


def test_source_is_the_path_as_given(monkeypatch):
    monkeypatch.chdir(DATA)
    with pytest.raises(InvalidPhenopacketError) as err:
        read_phenopacket("broken/array.json")
    assert str(err.value).startswith("broken/array.json: ")


def test_check_v2_schema_rejects_bad_timestamp():
    doc = minimal()
    doc["metaData"]["created"] = "yesterday"
    with pytest.raises(InvalidPhenopacketError) as err:
        check_v2_schema(doc, source="t.json")
    assert "metaData.created" in assert_one_line(err, "t.json")


def test_dumps_refuses_an_invalid_case():
    feature = PhenotypicFeature(
        OntologyClass(TermId.parse("HP:0001250")), onset=TimeElement(timestamp="last spring")
    )
    with pytest.raises(InvalidPhenopacketError, match=r"^p1: phenotypicFeatures\[0\]\.onset"):
        dumps_phenopacket(Case.new("p1", features=[feature]))


# --- writing -------------------------------------------------------------------------------


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_write_then_read_gives_the_same_case(tmp_path):
    case = read_phenopacket(example("LONP1"))
    target = tmp_path / "out.json"
    write_phenopacket(case, target)
    assert read_phenopacket(target) == case
    assert leftovers(tmp_path) == ["out.json"]
    assert target.read_text(encoding="utf-8").endswith("}\n")


def test_write_replaces_an_existing_file_wholly(tmp_path):
    target = tmp_path / "case.json"
    target.write_text("x" * 100_000, encoding="utf-8")
    target.chmod(0o640)
    case = Case.new("short")
    write_phenopacket(case, target)
    text = target.read_text(encoding="utf-8")
    assert "x" not in text
    assert json.loads(text)["id"] == "short"
    assert target.stat().st_mode & 0o777 == 0o640
    assert leftovers(tmp_path) == ["case.json"]


def test_failed_serialisation_leaves_old_file_untouched(tmp_path, monkeypatch):
    target = tmp_path / "case.json"
    target.write_text('{"old": true}', encoding="utf-8")

    def broken_dumps(*args, **kwargs):
        raise RuntimeError("disk of the mind is full")

    monkeypatch.setattr(json, "dumps", broken_dumps)
    with pytest.raises(RuntimeError):
        write_phenopacket(Case.new("new"), target)
    assert target.read_text(encoding="utf-8") == '{"old": true}'
    assert leftovers(tmp_path) == ["case.json"]


def test_failed_rename_removes_the_temporary_file(tmp_path, monkeypatch):
    target = tmp_path / "case.json"
    target.write_text('{"old": true}', encoding="utf-8")

    def broken_replace(self, other):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "replace", broken_replace)
    with pytest.raises(InputError) as err:
        write_phenopacket(Case.new("new"), target)
    assert "cannot write: Permission denied" in assert_one_line(err, str(target))
    assert target.read_text(encoding="utf-8") == '{"old": true}'
    assert leftovers(tmp_path) == ["case.json"]


def test_write_into_missing_directory(tmp_path):
    target = tmp_path / "missing" / "case.json"
    with pytest.raises(InputError) as err:
        write_phenopacket(Case.new("p1"), target)
    assert "cannot write" in assert_one_line(err, str(target))
    assert leftovers(tmp_path) == []


def test_write_uses_the_module_json(monkeypatch, tmp_path):
    # The atomicity test above relies on json_io calling json.dumps through the json module.
    assert json_io.json is json
    write_phenopacket(Case.new("p1"), tmp_path / "a.json")
    assert (tmp_path / "a.json").exists()


@pytest.mark.parametrize(
    ("subject", "path"),
    [({"sex": 7}, "subject.sex"), ({"vitalStatus": {"status": 9}}, "subject.vitalStatus.status")],
)
def test_unknown_enum_numbers_are_rejected(subject, path):
    # proto3 lets unknown enum numbers through; a Case cannot hold them
    with pytest.raises(InvalidPhenopacketError) as err:
        case_from_dict(minimal(subject=subject), source="enum.json")
    assert f"{path}: " in assert_one_line(err, "enum.json")


def test_huge_file_is_refused_before_reading(tmp_path, monkeypatch):
    import rarecase.phenopacket.json_io as json_io
    from rarecase.errors import InputError

    monkeypatch.setattr(json_io, "MAX_PHENOPACKET_BYTES", 1000)
    path = tmp_path / "huge.json"
    path.write_text('{"id": "p1", "pad": "' + "x" * 2000 + '"}')
    with pytest.raises(InputError, match=r"huge\.json: is 0 MB, too large for one phenopacket"):
        json_io.read_phenopacket(path)
