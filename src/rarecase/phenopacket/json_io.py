"""GA4GH phenopacket JSON to :class:`~rarecase.phenopacket.model.Case` and back.

Reading trusts the official schema rather than a hand-written copy of it: every document is
parsed into the GA4GH protobuf classes (``phenopackets`` package) first, which rejects unknown
fields and wrong types with a message naming the field, and the protobuf's own canonical JSON is
what the Case is built from. That one step also accepts everything the protobuf JSON mapping
accepts (snake_case field names, enum numbers, any RFC 3339 offset) without special cases here.

v1 documents are read and turned into v2 cases; v1-only parts (genes, variants, biosamples,
htsFiles) are kept under ``case.extra["v1"]`` and are not written, because v2 has no place for them.
Writing always produces v2 JSON that the official v2 schema accepts.

Cost: about 1.5 ms for a typical case, four fifths of it in the official parser; that check is
the point of reading this way, so it is not skipped.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal, TypeVar

from google.protobuf import json_format
from phenopackets.schema.v1 import phenopackets_pb2 as v1_pb2
from phenopackets.schema.v2 import phenopackets_pb2 as v2_pb2

from rarecase._version import __version__
from rarecase.errors import InputError, InvalidPhenopacketError, UnsupportedFormatError
from rarecase.ontology.ids import TermId
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
)

JsonDict = dict[str, Any]
_E = TypeVar("_E", Sex, VitalStatus)

SCHEMA_DOCS: Final = "https://phenopacket-schema.readthedocs.io"

# Top-level v2 keys that Case keeps verbatim in ``extra`` (proto field order, for tidy output).
_CASE_EXTRA_BEFORE_DISEASES: Final = ("measurements", "biosamples", "interpretations")
_CASE_EXTRA_AFTER_ACTIONS: Final = ("files",)
_DISEASE_KNOWN: Final = frozenset({"term", "excluded", "onset"})
_SUBJECT_KNOWN: Final = frozenset(
    {"id", "sex", "dateOfBirth", "timeAtLastEncounter", "vitalStatus"}
)
_META_KNOWN: Final = frozenset(
    {"created", "createdBy", "phenopacketSchemaVersion", "resources", "externalReferences"}
)
# MedicalAction's own fields; every other key of MedicalAction.extra belongs to the inner action.
_ACTION_OUTER: Final = frozenset(
    {"treatmentTarget", "treatmentIntent", "adverseEvents", "treatmentTerminationReason"}
)
# The inner key that holds MedicalAction.code, per kind.
_ACTION_CODE_KEY: Final = {
    ActionKind.PROCEDURE: "code",
    ActionKind.TREATMENT: "agent",
    ActionKind.RADIATION_THERAPY: "modality",
    ActionKind.THERAPEUTIC_REGIMEN: "ontologyClass",
}

# Keys (camelCase and the snake_case the protobuf parser also accepts) that only v1 has.
_V1_TOP: Final = frozenset({"genes", "variants", "htsFiles", "hts_files"})
_V1_SUBJECT: Final = frozenset(
    {"ageAtCollection", "age_at_collection", "ageRangeAtCollection", "age_range_at_collection"}
)
_V1_ONSET: Final = frozenset(
    {
        "ageOfOnset",
        "age_of_onset",
        "ageRangeOfOnset",
        "age_range_of_onset",
        "classOfOnset",
        "class_of_onset",
    }
)
_V1_FEATURE: Final = _V1_ONSET | {"negated"}
_V1_DISEASE: Final = _V1_ONSET | {"tnmFinding", "tnm_finding"}
_V1_KEPT: Final = ("biosamples", "genes", "variants", "htsFiles")

_FIX_JSON: Final = "save the file as UTF-8 JSON text"
_FIX_SCHEMA: Final = f"correct that field as the GA4GH Phenopacket schema says ({SCHEMA_DOCS})"
_FIX_CURIE: Final = "write the id as PREFIX:ID, e.g. HP:0001250"


# --- text to dict --------------------------------------------------------------------------


def load_json(data: bytes | str, *, source: str) -> JsonDict:
    """Parse JSON text into the dict of one document, or say precisely why it is not one.

    >>> load_json(b'\\xef\\xbb\\xbf{"id": "p1"}', source="<text>")
    {'id': 'p1'}
    >>> load_json('{"id": ', source="case.json")
    Traceback (most recent call last):
    ...
    rarecase.errors.UnsupportedFormatError: case.json: not valid JSON: Expecting value (line 1, \
column 8); fix the JSON syntax (is the file truncated?)
    """
    if isinstance(data, bytes | bytearray | memoryview):
        raw = bytes(data)
        if b"\x00" in raw:
            raise UnsupportedFormatError(
                source, "is binary or not UTF-8 text (it contains NUL bytes)", _FIX_JSON
            )
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            raise UnsupportedFormatError(
                source,
                f"is binary or not UTF-8 text (byte 0x{raw[err.start]:02x} at offset {err.start})",
                _FIX_JSON,
            ) from None
    else:
        text = data.removeprefix("\ufeff")
        if "\x00" in text:
            raise UnsupportedFormatError(
                source, "is binary or not UTF-8 text (it contains NUL characters)", _FIX_JSON
            )
    if not text.strip():
        raise UnsupportedFormatError(source, "is empty", "give a phenopacket JSON object")
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as err:
        raise UnsupportedFormatError(
            source,
            f"not valid JSON: {err.msg} (line {err.lineno}, column {err.colno})",
            "fix the JSON syntax (is the file truncated?)",
        ) from None
    except RecursionError:
        raise UnsupportedFormatError(
            source, "not valid JSON: nested too deeply", "give a phenopacket JSON object"
        ) from None
    if not isinstance(doc, dict):
        raise InvalidPhenopacketError(
            source,
            f"the JSON is {_json_kind(doc)}, not an object",
            "a phenopacket file holds one JSON object {...}; give each phenopacket its own file",
        )
    return doc


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    return "null"


# --- the official schema -------------------------------------------------------------------

_NO_FIELD = re.compile(r'has no field named "([^"]+)" at "([^"]*)"')
_AT_PATH = re.compile(r"^(?P<body>.*?) at (?P<path>Phenopacket[\w.\[\]]*?)\.*$")
_FAILED_FIELD = re.compile(r"^(?:Failed to parse \w+ field: )+")


def _protobuf_problem(err: Exception) -> str:
    """The protobuf parser's complaint on one line, with its path in our JSON-path style."""
    lines = str(err).strip().splitlines()
    first = " ".join(lines[0].split()) if lines else type(err).__name__
    unknown = _NO_FIELD.search(first)
    if unknown:
        path = _json_path(unknown.group(2))
        return f'{path + ": " if path else ""}unknown field "{unknown.group(1)}"'
    located = _AT_PATH.match(first)
    if located:
        body = _FAILED_FIELD.sub("", located.group("body")).rstrip(".")
        path = _json_path(located.group("path"))
        return f"{path}: {body}" if path else body
    return first.rstrip(".")


def _json_path(protobuf_path: str) -> str:
    head, _, rest = protobuf_path.partition(".")
    return rest if head == "Phenopacket" else protobuf_path


def _check(doc: Mapping[str, Any], version: Literal[1, 2], source: str) -> JsonDict:
    """Validate ``doc`` with the official classes and return its canonical protobuf JSON."""
    message = v2_pb2.Phenopacket() if version == 2 else v1_pb2.Phenopacket()
    try:
        json_format.ParseDict(doc, message)
    except (json_format.ParseError, TypeError, ValueError, AttributeError) as err:
        raise InvalidPhenopacketError(
            source,
            f"{_protobuf_problem(err)} (not valid under the Phenopacket v{version} schema)",
            _FIX_SCHEMA,
        ) from None
    canonical: JsonDict = json_format.MessageToDict(message)
    return canonical


def check_v2_schema(doc: Mapping[str, Any], *, source: str = "<dict>") -> None:
    """Raise InvalidPhenopacketError unless the official v2 schema accepts ``doc``.

    >>> check_v2_schema({"id": "p1", "subject": {"sex": "MALE"}})
    >>> check_v2_schema({"id": "p1", "subject": {"sex": "BOY"}})
    Traceback (most recent call last):
    ...
    rarecase.errors.InvalidPhenopacketError: <dict>: subject.sex: Invalid enum value BOY for \
enum type org.phenopackets.schema.v2.core.Sex (not valid under the Phenopacket v2 schema); \
correct that field as the GA4GH Phenopacket schema says (https://phenopacket-schema.readthedocs.io)
    """
    _check(doc, 2, source)


def _schema_version(doc: Mapping[str, Any], source: str) -> Literal[1, 2]:
    """A declared version wins; an undeclared document is v1 only if it uses v1-only keys."""
    meta = doc.get("metaData", doc.get("meta_data"))
    declared = None
    if isinstance(meta, Mapping):
        declared = meta.get("phenopacketSchemaVersion", meta.get("phenopacket_schema_version"))
    if isinstance(declared, str) and declared.strip():
        number = declared.strip().lstrip("vV")
        if number.startswith("2"):
            return 2
        if number.startswith("1"):
            return 1
        raise InvalidPhenopacketError(
            source,
            f"metaData.phenopacketSchemaVersion: {declared!r} is not a schema version rarecase "
            "reads",
            'write "2.0" (or "1.0" for a v1 document)',
        )
    return 1 if _uses_v1_keys(doc) else 2


def _uses_v1_keys(doc: Mapping[str, Any]) -> bool:
    if not _V1_TOP.isdisjoint(doc):
        return True
    subject = doc.get("subject")
    if isinstance(subject, Mapping) and not _V1_SUBJECT.isdisjoint(subject):
        return True
    for key, v1_keys in (
        ("phenotypicFeatures", _V1_FEATURE),
        ("phenotypic_features", _V1_FEATURE),
        ("diseases", _V1_DISEASE),
    ):
        items = doc.get(key)
        if isinstance(items, list) and any(
            isinstance(item, Mapping) and not v1_keys.isdisjoint(item) for item in items
        ):
            return True
    return False


# --- dict to Case --------------------------------------------------------------------------


def case_from_dict(doc: Mapping[str, Any], *, source: str = "<dict>") -> Case:
    """Build a Case from a parsed phenopacket (v2, or v1 converted to v2), checking it first.

    The returned case shares nothing with ``doc``.

    >>> case = case_from_dict({
    ...     "id": "p1",
    ...     "phenotypicFeatures": [{"type": {"id": "HP:0001250", "label": "Seizure"}},
    ...                            {"type": {"id": "HP:0000252"}, "excluded": True}],
    ...     "metaData": {"created": "2024-05-01T00:00:00Z", "createdBy": "me",
    ...                  "phenopacketSchemaVersion": "2.0"}})
    >>> len(case.observed), len(case.excluded), case.meta.schema_version
    (1, 1, '2.0')
    """
    if not isinstance(doc, Mapping):
        raise InvalidPhenopacketError(
            source, f"the JSON is {_json_kind(doc)}, not an object", "give one JSON object"
        )
    _reject_collections(doc, source)
    if "metaData" not in doc and "meta_data" not in doc:
        raise InvalidPhenopacketError(
            source,
            "metaData: missing",
            "add metaData with created, createdBy, resources and phenopacketSchemaVersion",
        )
    version = _schema_version(doc, source)
    canonical = _check(doc, version, source)
    v1_extra: JsonDict = {}
    if version == 1:
        canonical, v1_extra = _v1_to_v2(canonical)
    case = _Reader(source).case(canonical)
    if v1_extra:
        case = Case(
            id=case.id,
            subject=case.subject,
            features=case.features,
            diseases=case.diseases,
            actions=case.actions,
            meta=case.meta,
            extra={**case.extra, "v1": v1_extra},
        )
    return case


def diagnoses_of(doc: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A phenopacket's diagnoses as (id, label): its diseases not excluded, then its
    interpretations' diagnoses, without repeats (a label found later fills an empty one).

    >>> diagnoses_of({"diseases": [{"term": {"id": "OMIM:154700"}}],
    ...               "interpretations": [{"diagnosis": {"disease": {
    ...                   "id": "OMIM:154700", "label": "Marfan syndrome"}}}]})
    [('OMIM:154700', 'Marfan syndrome')]
    """
    found: dict[str, str] = {}
    for disease in doc.get("diseases") or ():
        term = disease.get("term") if isinstance(disease, Mapping) else None
        if isinstance(term, Mapping) and term.get("id") and not disease.get("excluded"):
            found.setdefault(str(term["id"]), str(term.get("label") or ""))
    for interpretation in doc.get("interpretations") or ():
        diagnosis = interpretation.get("diagnosis") if isinstance(interpretation, Mapping) else None
        term = diagnosis.get("disease") if isinstance(diagnosis, Mapping) else None
        if isinstance(term, Mapping) and term.get("id"):
            key = str(term["id"])
            if not found.get(key):
                found[key] = str(term.get("label") or "")
    return list(found.items())


def _reject_collections(doc: Mapping[str, Any], source: str) -> None:
    if "proband" in doc or "relatives" in doc or "pedigree" in doc:
        kind = "a Family"
    elif "members" in doc:
        kind = "a Cohort"
    else:
        return
    raise InvalidPhenopacketError(
        source,
        f"is {kind} document; only single Phenopacket documents are read",
        "give each member's phenopacket (e.g. the family's 'proband') as a file of its own",
    )


class _Reader:
    """Builds model objects from canonical v2 JSON, naming the JSON path of any problem."""

    __slots__ = ("source",)

    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, path: str, problem: str, fix: str) -> InvalidPhenopacketError:
        return InvalidPhenopacketError(self.source, f"{path}: {problem}", fix)

    def case(self, doc: JsonDict) -> Case:
        case_id = doc.get("id", "")
        if not case_id.strip():
            raise self.fail(
                "id", "missing or empty", "give the phenopacket a unique id, e.g. PMID_123_P1"
            )
        if "metaData" not in doc:  # dropped by the canonical form when it was {}
            raise InvalidPhenopacketError(
                self.source,
                "metaData: empty",
                "add metaData with created, createdBy, resources and phenopacketSchemaVersion",
            )
        extra: JsonDict = {
            key: doc[key]
            for key in (*_CASE_EXTRA_BEFORE_DISEASES, *_CASE_EXTRA_AFTER_ACTIONS)
            if key in doc
        }
        return Case(
            id=case_id,
            subject=self.subject(doc.get("subject", {})),
            features=tuple(
                self.feature(item, f"phenotypicFeatures[{i}]")
                for i, item in enumerate(doc.get("phenotypicFeatures", ()))
            ),
            diseases=tuple(
                self.disease(item, f"diseases[{i}]")
                for i, item in enumerate(doc.get("diseases", ()))
            ),
            actions=tuple(
                self.action(item, f"medicalActions[{i}]")
                for i, item in enumerate(doc.get("medicalActions", ()))
            ),
            meta=self.meta(doc["metaData"]),
            extra=extra,
        )

    def term(self, obj: Mapping[str, Any], path: str) -> OntologyClass:
        text = obj.get("id", "")
        if not text:
            raise self.fail(f"{path}.id", "missing", _FIX_CURIE)
        try:
            tid = TermId.parse(text, source=self.source)
        except InputError:
            problem = f"{text!r} is not a compact identifier"
            raise self.fail(f"{path}.id", problem, _FIX_CURIE) from None
        return OntologyClass(tid, obj.get("label", ""))

    def optional_term(self, obj: Mapping[str, Any], key: str, path: str) -> OntologyClass | None:
        value = obj.get(key)
        return None if value is None else self.term(value, f"{path}.{key}")

    def time(self, obj: Mapping[str, Any], key: str, path: str) -> TimeElement | None:
        value = obj.get(key)
        if not value:  # absent, or an empty TimeElement that says nothing
            return None
        if "age" in value:
            return TimeElement(age=value["age"].get("iso8601duration", ""))
        if "ageRange" in value:
            age_range = value["ageRange"]
            return TimeElement(
                age_range=(
                    age_range.get("start", {}).get("iso8601duration", ""),
                    age_range.get("end", {}).get("iso8601duration", ""),
                )
            )
        if "gestationalAge" in value:
            gestation = value["gestationalAge"]
            return TimeElement(gestational_age=(gestation.get("weeks", 0), gestation.get("days")))
        if "ontologyClass" in value:
            return TimeElement(
                ontology_class=self.term(value["ontologyClass"], f"{path}.{key}.ontologyClass")
            )
        if "timestamp" in value:
            return TimeElement(timestamp=value["timestamp"])
        interval = value["interval"]
        return TimeElement(interval=(interval.get("start", ""), interval.get("end", "")))

    def feature(self, obj: Mapping[str, Any], path: str) -> PhenotypicFeature:
        if "type" not in obj:
            raise self.fail(
                f"{path}.type",
                "missing",
                'every feature needs a type {"id": "HP:…", "label": …}',
            )
        return PhenotypicFeature(
            term=self.term(obj["type"], f"{path}.type"),
            excluded=obj.get("excluded", False),
            onset=self.time(obj, "onset", path),
            resolution=self.time(obj, "resolution", path),
            severity=self.optional_term(obj, "severity", path),
            modifiers=tuple(
                self.term(item, f"{path}.modifiers[{i}]")
                for i, item in enumerate(obj.get("modifiers", ()))
            ),
            evidence=tuple(
                self.evidence(item, f"{path}.evidence[{i}]")
                for i, item in enumerate(obj.get("evidence", ()))
            ),
            description=obj.get("description", ""),
        )

    def evidence(self, obj: Mapping[str, Any], path: str) -> Evidence:
        if "evidenceCode" not in obj:
            raise self.fail(f"{path}.evidenceCode", "missing", "give an ECO code, e.g. ECO:0000033")
        reference = obj.get("reference")
        return Evidence(
            code=self.term(obj["evidenceCode"], f"{path}.evidenceCode"),
            reference=None if reference is None else _external_reference(reference),
        )

    def disease(self, obj: Mapping[str, Any], path: str) -> Disease:
        if "term" not in obj:
            raise self.fail(
                f"{path}.term", "missing", 'every disease needs a term {"id": "OMIM:…", ...}'
            )
        return Disease(
            term=self.term(obj["term"], f"{path}.term"),
            excluded=obj.get("excluded", False),
            onset=self.time(obj, "onset", path),
            extra={key: value for key, value in obj.items() if key not in _DISEASE_KNOWN},
        )

    def subject(self, obj: Mapping[str, Any]) -> Subject:
        extra = {key: value for key, value in obj.items() if key not in _SUBJECT_KNOWN}
        vital = obj.get("vitalStatus")
        status: VitalStatus | None = None
        if vital is not None:
            status = self.enum(VitalStatus, vital, "status", "subject.vitalStatus")
            rest = {key: value for key, value in vital.items() if key != "status"}
            if rest:
                extra["vitalStatus"] = rest
        return Subject(
            id=obj.get("id", ""),
            sex=self.enum(Sex, obj, "sex", "subject"),
            date_of_birth=obj.get("dateOfBirth"),
            time_at_last_encounter=self.time(obj, "timeAtLastEncounter", "subject"),
            vital_status=status,
            extra=extra,
        )

    def enum(self, kind: type[_E], obj: Mapping[str, Any], key: str, path: str) -> _E:
        """The protobuf parser lets unknown enum numbers through (proto3); we do not."""
        value = obj.get(key)
        if value is None:
            return next(iter(kind))
        try:
            return kind(value)
        except ValueError:
            raise self.fail(
                f"{path}.{key}",
                f"{value!r} is not one of {', '.join(kind)}",
                "use one of those names",
            ) from None

    def action(self, obj: Mapping[str, Any], path: str) -> MedicalAction:
        kind = next((k for k in ActionKind if k.value in obj), None)
        if kind is None:
            raise self.fail(
                path,
                "no procedure, treatment, radiationTherapy or therapeuticRegimen",
                "give the action one of those four",
            )
        inner: Mapping[str, Any] = obj[kind.value]
        inner_path = f"{path}.{kind.value}"
        code_key = _ACTION_CODE_KEY[kind]
        modelled = {code_key, "bodySite", "performed"}
        extra = {key: value for key, value in obj.items() if key in _ACTION_OUTER}
        extra.update((key, value) for key, value in inner.items() if key not in modelled)
        return MedicalAction(
            kind=kind,
            code=self.optional_term(inner, code_key, inner_path),
            body_site=self.optional_term(inner, "bodySite", inner_path),
            performed=self.time(inner, "performed", inner_path),
            response=self.optional_term(obj, "responseToTreatment", path),
            extra=extra,
        )

    def meta(self, obj: Mapping[str, Any]) -> MetaData:
        return MetaData(
            created=obj.get("created", ""),
            created_by=obj.get("createdBy", ""),
            schema_version=obj.get("phenopacketSchemaVersion", "2.0"),
            resources=tuple(obj.get("resources", ())),
            external_references=tuple(
                _external_reference(item) for item in obj.get("externalReferences", ())
            ),
            extra={key: value for key, value in obj.items() if key not in _META_KNOWN},
        )


def _external_reference(obj: Mapping[str, Any]) -> ExternalReference:
    return ExternalReference(
        id=obj.get("id", ""),
        reference=obj.get("reference", ""),
        description=obj.get("description", ""),
    )


# --- v1 to v2 ------------------------------------------------------------------------------


def _v1_to_v2(doc: JsonDict) -> tuple[JsonDict, JsonDict]:
    """Canonical v1 JSON as canonical v2 JSON, plus the v1-only parts v2 cannot hold."""
    out: JsonDict = {"id": doc.get("id", "")}
    if "subject" in doc:
        subject = dict(doc["subject"])
        when = _v1_time(subject, "ageAtCollection", "ageRangeAtCollection", None)
        if when:
            subject["timeAtLastEncounter"] = when
        out["subject"] = subject
    if "phenotypicFeatures" in doc:
        out["phenotypicFeatures"] = [_v1_feature(item) for item in doc["phenotypicFeatures"]]
    if "diseases" in doc:
        out["diseases"] = [_v1_disease(item) for item in doc["diseases"]]
    meta = dict(doc.get("metaData", {}))
    meta["phenopacketSchemaVersion"] = "2.0"
    out["metaData"] = meta
    kept: JsonDict = {key: doc[key] for key in _V1_KEPT if key in doc}
    return out, kept


def _v1_time(obj: JsonDict, age_key: str, range_key: str, class_key: str | None) -> JsonDict | None:
    """Pop v1's onset-style fields from ``obj`` and return the equivalent v2 TimeElement."""
    age = obj.pop(age_key, None)
    age_range = obj.pop(range_key, None)
    onset_class = obj.pop(class_key, None) if class_key else None
    if age is not None:
        return {"age": _v1_age(age)}
    if age_range is not None:
        return {"ageRange": {key: _v1_age(value) for key, value in age_range.items()}}
    if onset_class is not None:
        return {"ontologyClass": onset_class}
    return None


def _v1_age(age: Mapping[str, Any]) -> JsonDict:
    return {"iso8601duration": age["age"]} if age.get("age") else {}


def _v1_feature(item: Mapping[str, Any]) -> JsonDict:
    feature = dict(item)
    if feature.pop("negated", False):
        feature["excluded"] = True
    onset = _v1_time(feature, "ageOfOnset", "ageRangeOfOnset", "classOfOnset")
    if onset:
        feature["onset"] = onset
    return feature


def _v1_disease(item: Mapping[str, Any]) -> JsonDict:
    disease = dict(item)
    onset = _v1_time(disease, "ageOfOnset", "ageRangeOfOnset", "classOfOnset")
    if onset:
        disease["onset"] = onset
    if "tnmFinding" in disease:
        disease["clinicalTnmFinding"] = disease.pop("tnmFinding")
    return disease


# --- Case to dict --------------------------------------------------------------------------


def case_to_dict(case: Case) -> JsonDict:
    """The case as v2 phenopacket JSON (protobuf JSON mapping, defaults left out).

    ``extra`` values are merged back as they are, shared rather than copied: copy the result
    before mutating it. A case without metadata gets fresh rarecase metadata, since a
    phenopacket must say who made it.

    >>> case = Case.new("p1", now=datetime(2024, 5, 1, tzinfo=UTC), features=[
    ...     PhenotypicFeature(OntologyClass(TermId.parse("HP:0001250"), "Seizure"),
    ...                       onset=TimeElement(age="P3Y"))])
    >>> case_to_dict(case)["phenotypicFeatures"][0]["onset"]
    {'age': {'iso8601duration': 'P3Y'}}
    """
    out: JsonDict = {"id": case.id}
    subject = _subject_dict(case.subject)
    if subject:
        out["subject"] = subject
    if case.features:
        out["phenotypicFeatures"] = [_feature_dict(f) for f in case.features]
    _copy_keys(case.extra, _CASE_EXTRA_BEFORE_DISEASES, out)
    if case.diseases:
        out["diseases"] = [_disease_dict(d) for d in case.diseases]
    if case.actions:
        out["medicalActions"] = [_action_dict(a) for a in case.actions]
    _copy_keys(case.extra, _CASE_EXTRA_AFTER_ACTIONS, out)
    out["metaData"] = _meta_dict(case.meta if case.meta is not None else _fresh_meta())
    return out


def _copy_keys(source: Mapping[str, Any], keys: Sequence[str], out: JsonDict) -> None:
    for key in keys:
        if key in source:
            out[key] = source[key]


def _fresh_meta() -> MetaData:
    return MetaData(
        created=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        created_by=f"rarecase {__version__}",
    )


def _term_dict(term: OntologyClass) -> JsonDict:
    out: JsonDict = {"id": str(term.id)}
    if term.label:
        out["label"] = term.label
    return out


def _put_term(out: JsonDict, key: str, term: OntologyClass | None) -> None:
    if term is not None:
        out[key] = _term_dict(term)


def _put_time(out: JsonDict, key: str, time: TimeElement | None) -> None:
    if time is not None:
        out[key] = _time_dict(time)


def _age_dict(duration: str) -> JsonDict:
    return {"iso8601duration": duration} if duration else {}


def _span(start: str, end: str, wrap: Callable[[str], object]) -> JsonDict:
    out: JsonDict = {}
    if start:
        out["start"] = wrap(start)
    if end:
        out["end"] = wrap(end)
    return out


def _time_dict(time: TimeElement) -> JsonDict:
    if time.age is not None:
        return {"age": _age_dict(time.age)}
    if time.age_range is not None:
        return {"ageRange": _span(*time.age_range, _age_dict)}
    if time.gestational_age is not None:
        weeks, days = time.gestational_age
        gestation: JsonDict = {"weeks": weeks} if weeks else {}
        if days:
            gestation["days"] = days
        return {"gestationalAge": gestation}
    if time.ontology_class is not None:
        return {"ontologyClass": _term_dict(time.ontology_class)}
    if time.timestamp is not None:
        return {"timestamp": time.timestamp}
    assert time.interval is not None
    return {"interval": _span(*time.interval, str)}


def _reference_dict(ref: ExternalReference) -> JsonDict:
    out: JsonDict = {}
    for key, value in (
        ("id", ref.id),
        ("reference", ref.reference),
        ("description", ref.description),
    ):
        if value:
            out[key] = value
    return out


def _feature_dict(feature: PhenotypicFeature) -> JsonDict:
    out: JsonDict = {}
    if feature.description:
        out["description"] = feature.description
    out["type"] = _term_dict(feature.term)
    if feature.excluded:
        out["excluded"] = True
    _put_term(out, "severity", feature.severity)
    if feature.modifiers:
        out["modifiers"] = [_term_dict(m) for m in feature.modifiers]
    _put_time(out, "onset", feature.onset)
    _put_time(out, "resolution", feature.resolution)
    if feature.evidence:
        out["evidence"] = [_evidence_dict(e) for e in feature.evidence]
    return out


def _evidence_dict(evidence: Evidence) -> JsonDict:
    out: JsonDict = {"evidenceCode": _term_dict(evidence.code)}
    if evidence.reference is not None:
        out["reference"] = _reference_dict(evidence.reference)
    return out


def _disease_dict(disease: Disease) -> JsonDict:
    out: JsonDict = {"term": _term_dict(disease.term)}
    if disease.excluded:
        out["excluded"] = True
    _put_time(out, "onset", disease.onset)
    out.update(disease.extra)
    return out


def _subject_dict(subject: Subject) -> JsonDict:
    out: JsonDict = {}
    if subject.id:
        out["id"] = subject.id
    if subject.date_of_birth:
        out["dateOfBirth"] = subject.date_of_birth
    _put_time(out, "timeAtLastEncounter", subject.time_at_last_encounter)
    extra = dict(subject.extra)
    vital_rest = extra.pop("vitalStatus", None)
    if subject.vital_status is not None or vital_rest:
        vital: JsonDict = {}
        if subject.vital_status not in (None, VitalStatus.UNKNOWN_STATUS):
            vital["status"] = str(subject.vital_status)
        if vital_rest:
            vital.update(vital_rest)
        out["vitalStatus"] = vital
    if subject.sex is not Sex.UNKNOWN_SEX:
        out["sex"] = str(subject.sex)
    out.update(extra)
    return out


def _action_dict(action: MedicalAction) -> JsonDict:
    inner: JsonDict = {}
    _put_term(inner, _ACTION_CODE_KEY[action.kind], action.code)
    _put_term(inner, "bodySite", action.body_site)
    _put_time(inner, "performed", action.performed)
    outer: JsonDict = {}
    for key, value in action.extra.items():
        (outer if key in _ACTION_OUTER else inner)[key] = value
    out: JsonDict = {action.kind.value: inner}
    _put_term(out, "responseToTreatment", action.response)
    out.update(outer)
    return out


def _meta_dict(meta: MetaData) -> JsonDict:
    out: JsonDict = {}
    if meta.created:
        out["created"] = meta.created
    if meta.created_by:
        out["createdBy"] = meta.created_by
    if meta.resources:
        out["resources"] = list(meta.resources)
    if meta.schema_version:
        out["phenopacketSchemaVersion"] = meta.schema_version
    if meta.external_references:
        out["externalReferences"] = [_reference_dict(r) for r in meta.external_references]
    out.update(meta.extra)
    return out


# --- files ---------------------------------------------------------------------------------


def parse_phenopacket(data: bytes | str, *, source: str = "<text>") -> Case:
    """Read one phenopacket (v2 or v1) from JSON text or bytes.

    >>> parse_phenopacket('{"id": "p1", "metaData": {"phenopacketSchemaVersion": "2.0"}}').id
    'p1'
    """
    return case_from_dict(load_json(data, source=source), source=source)


# One phenopacket is kilobytes; the largest in phenopacket-store is under 100 kB. Anything far
# larger is a wrong file (a genome, a database dump), refused before it is read into memory.
MAX_PHENOPACKET_BYTES: Final = 20 * 1024 * 1024


def read_phenopacket(path: str | os.PathLike[str]) -> Case:
    """Read one phenopacket file; errors name the path as the caller gave it."""
    source = os.fspath(path)
    try:
        size = Path(path).stat().st_size
        if size > MAX_PHENOPACKET_BYTES:
            raise InputError(
                source,
                f"is {size / 1e6:.0f} MB, too large for one phenopacket "
                f"(limit {MAX_PHENOPACKET_BYTES // (1024 * 1024)} MiB)",
                "give one phenopacket JSON object per file",
            )
        data = Path(path).read_bytes()
    except OSError as err:
        raise InputError(
            source,
            f"cannot read: {err.strerror or err}",
            "check that the path exists, is a file and is readable",
        ) from None
    return parse_phenopacket(data, source=source)


def dumps_phenopacket(case: Case, *, indent: int | None = 2, source: str | None = None) -> str:
    """The case as v2 JSON text, checked against the official schema so nothing invalid leaves.

    >>> text = dumps_phenopacket(Case.new("p1", now=datetime(2024, 5, 1, tzinfo=UTC)), indent=None)
    >>> text[:60]
    '{"id": "p1", "metaData": {"created": "2024-05-01T00:00:00Z",'
    """
    doc = case_to_dict(case)
    _check(doc, 2, source if source is not None else case.id)
    return json.dumps(doc, indent=indent, ensure_ascii=False) + "\n"


def write_phenopacket(case: Case, path: str | os.PathLike[str]) -> None:
    """Write the case as v2 JSON, atomically: readers see the old file or the new, never half.

    The text is made before any file is touched, then written to a temporary file beside the
    target and renamed over it; on any failure the temporary file is removed.
    """
    source = os.fspath(path)
    target = Path(path)
    text = dumps_phenopacket(case, source=source)
    try:
        mode = target.stat().st_mode & 0o7777
    except OSError:
        mode = 0o644
    try:
        fd, temp_name = tempfile.mkstemp(
            dir=target.parent, prefix=f".{target.name}.", suffix=".tmp"
        )
    except OSError as err:
        raise InputError(
            source,
            f"cannot write: {err.strerror or err}",
            "check that the directory exists and is writable",
        ) from None
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(mode)
        temp.replace(target)
    except BaseException as err:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(err, OSError):
            raise InputError(
                source,
                f"cannot write: {err.strerror or err}",
                "check that the directory is writable and has free space",
            ) from None
        raise
