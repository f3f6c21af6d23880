"""Cases and GA4GH phenopackets: the :class:`Case` model and v2 JSON in, v1 or v2 JSON out.

>>> case = parse_phenopacket('{"id": "p1", "metaData": {"phenopacketSchemaVersion": "2.0"}}')
>>> case.id, case.features
('p1', ())
"""

from rarecase.phenopacket.json_io import (
    case_from_dict,
    case_to_dict,
    check_v2_schema,
    diagnoses_of,
    dumps_phenopacket,
    load_json,
    parse_phenopacket,
    read_phenopacket,
    write_phenopacket,
)
from rarecase.phenopacket.model import (
    ActionKind,
    Case,
    Disease,
    Evidence,
    ExternalReference,
    MedicalAction,
    MetaData,
    OntologyClass,
    PhenotypicFeature,
    Sex,
    Subject,
    TimeElement,
    VitalStatus,
    hpo_resource,
)

__all__ = [
    "ActionKind",
    "Case",
    "Disease",
    "Evidence",
    "ExternalReference",
    "MedicalAction",
    "MetaData",
    "OntologyClass",
    "PhenotypicFeature",
    "Sex",
    "Subject",
    "TimeElement",
    "VitalStatus",
    "case_from_dict",
    "case_to_dict",
    "check_v2_schema",
    "diagnoses_of",
    "dumps_phenopacket",
    "hpo_resource",
    "load_json",
    "parse_phenopacket",
    "read_phenopacket",
    "write_phenopacket",
]
