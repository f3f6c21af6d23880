"""The Case: one individual's phenotype, as rarecase reasons about it.

The classes follow the GA4GH Phenopacket v2 schema closely enough that a phenopacket survives a
read and a write unchanged (see :mod:`rarecase.phenopacket.json_io`), but model only what rarecase
uses: phenotypic features, diseases, time elements, medical actions. Everything else a file holds
(interpretations, measurements, biosamples, a subject's taxonomy, ...) rides along verbatim in an
``extra`` mapping of protobuf-JSON values, so nothing is lost by passing a case through rarecase.

All classes are frozen. ``extra`` mappings are plain dicts, for cheap equality and JSON output
(a MappingProxyType would need copying on every write); treat them as read-only. Reading builds them
fresh, but :func:`~rarecase.phenopacket.json_io.case_to_dict` hands them out shared, not copied.
They take part in ``==`` but not in ``hash()``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from rarecase._version import __version__
from rarecase.ontology.ids import TermId

HPO_RESOURCE_IRI = "http://purl.obolibrary.org/obo/HP_"


def _no_extra() -> Mapping[str, Any]:
    return {}


def _extra() -> Any:
    """An ``extra`` field: compared by value, left out of the hash (dicts are unhashable)."""
    return field(default_factory=_no_extra, hash=False)


@dataclass(frozen=True, slots=True)
class OntologyClass:
    """A term from an ontology: the id we reason with, the label we show.

    >>> OntologyClass(TermId.parse("HP:0001250"), "Seizure")
    OntologyClass(id=TermId('HP:0001250'), label='Seizure')
    """

    id: TermId
    label: str = ""

    def __str__(self) -> str:
        return f"{self.id} {self.label}" if self.label else str(self.id)


@dataclass(frozen=True, slots=True)
class TimeElement:
    """When something happened, in exactly one of the six ways the v2 schema allows.

    Strings are kept as written (ISO 8601 durations such as ``P3Y2M``, RFC 3339 timestamps), so
    no precision is invented or lost.

    >>> TimeElement(age="P3Y").describe()
    'P3Y'
    >>> TimeElement(gestational_age=(32, None)).describe()
    'gestational age 32w'
    """

    age: str | None = None
    age_range: tuple[str, str] | None = None
    gestational_age: tuple[int, int | None] | None = None
    ontology_class: OntologyClass | None = None
    timestamp: str | None = None
    interval: tuple[str, str] | None = None

    def __post_init__(self) -> None:
        given = sum(
            value is not None
            for value in (
                self.age,
                self.age_range,
                self.gestational_age,
                self.ontology_class,
                self.timestamp,
                self.interval,
            )
        )
        if given != 1:
            raise ValueError(f"a TimeElement needs exactly one kind of time, got {given}")

    def describe(self) -> str:
        """Short text for people: ``P3Y``, ``Congenital onset``, ``gestational age 32w 3d``."""
        if self.age is not None:
            return self.age
        if self.age_range is not None:
            return f"{self.age_range[0] or '?'} to {self.age_range[1] or '?'}"
        if self.gestational_age is not None:
            weeks, days = self.gestational_age
            return f"gestational age {weeks}w" + (f" {days}d" if days else "")
        if self.ontology_class is not None:
            return self.ontology_class.label or str(self.ontology_class.id)
        if self.timestamp is not None:
            return self.timestamp
        assert self.interval is not None
        return f"{self.interval[0] or '?'} to {self.interval[1] or '?'}"


@dataclass(frozen=True, slots=True)
class ExternalReference:
    """A citation or link, most often the publication a case was taken from.

    >>> ExternalReference("PMID:15266616").pmid
    '15266616'
    """

    id: str
    reference: str = ""
    description: str = ""

    @property
    def pmid(self) -> str | None:
        """The PubMed number when the id is ``PMID:<n>``, else None."""
        prefix, _, local = self.id.partition(":")
        return local.strip() if prefix.strip().upper() == "PMID" and local.strip() else None


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why a feature is asserted (an ECO code) and where."""

    code: OntologyClass
    reference: ExternalReference | None = None


@dataclass(frozen=True, slots=True)
class PhenotypicFeature:
    """One HPO term observed in, or explicitly ruled out for (``excluded``), the individual."""

    term: OntologyClass
    excluded: bool = False
    onset: TimeElement | None = None
    resolution: TimeElement | None = None
    severity: OntologyClass | None = None
    modifiers: tuple[OntologyClass, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class Disease:
    """A diagnosis; ``extra`` keeps resolution, diseaseStage, clinicalTnmFinding, primarySite and
    laterality as protobuf JSON because rarecase does not reason with them."""

    term: OntologyClass
    excluded: bool = False
    onset: TimeElement | None = None
    extra: Mapping[str, Any] = _extra()


class Sex(StrEnum):
    """Phenotypic sex, as in the v2 schema (values are the protobuf enum names)."""

    UNKNOWN_SEX = "UNKNOWN_SEX"
    FEMALE = "FEMALE"
    MALE = "MALE"
    OTHER_SEX = "OTHER_SEX"


class VitalStatus(StrEnum):
    """Alive or deceased at the last encounter (values are the protobuf enum names)."""

    UNKNOWN_STATUS = "UNKNOWN_STATUS"
    ALIVE = "ALIVE"
    DECEASED = "DECEASED"


@dataclass(frozen=True, slots=True)
class Subject:
    """The individual. ``vital_status`` is None when the file has no ``vitalStatus`` at all.

    ``extra`` holds the other ``subject`` keys verbatim (alternateIds, karyotypicSex, gender,
    taxonomy); the parts of ``vitalStatus`` other than its status (timeOfDeath, causeOfDeath,
    survivalTimeInDays) are kept as a dict under ``extra["vitalStatus"]``, without ``status``.
    """

    id: str = ""
    sex: Sex = Sex.UNKNOWN_SEX
    date_of_birth: str | None = None
    time_at_last_encounter: TimeElement | None = None
    vital_status: VitalStatus | None = None
    extra: Mapping[str, Any] = _extra()


class ActionKind(StrEnum):
    """Which of the four v2 medical actions a :class:`MedicalAction` is."""

    PROCEDURE = "procedure"
    TREATMENT = "treatment"
    RADIATION_THERAPY = "radiationTherapy"
    THERAPEUTIC_REGIMEN = "therapeuticRegimen"


@dataclass(frozen=True, slots=True)
class MedicalAction:
    """Something done to the patient, reduced to what it is (``code``) and where and when.

    ``code`` is the procedure's code, the treatment's agent, the radiation modality or the
    regimen's ontologyClass. ``body_site`` exists for procedures and radiation, ``performed`` for
    procedures only. ``extra`` is one flat dict of every other key, from the action itself
    (treatmentTarget, treatmentIntent, adverseEvents, treatmentTerminationReason) or from the
    inner message (routeOfAdministration, doseIntervals, drugType, cumulativeDose, dosage,
    fractions, externalReference, startTime, endTime, regimenStatus): the names do not clash, so
    writing puts each back where it belongs.
    """

    kind: ActionKind
    code: OntologyClass | None
    body_site: OntologyClass | None = None
    performed: TimeElement | None = None
    response: OntologyClass | None = None
    extra: Mapping[str, Any] = _extra()

    def __post_init__(self) -> None:
        if self.body_site is not None and self.kind not in (
            ActionKind.PROCEDURE,
            ActionKind.RADIATION_THERAPY,
        ):
            raise ValueError(f"a {self.kind} has no body site")
        if self.performed is not None and self.kind is not ActionKind.PROCEDURE:
            raise ValueError(f"a {self.kind} has no 'performed' time; only procedures do")


@dataclass(frozen=True, slots=True)
class MetaData:
    """Provenance. ``resources`` are the v2 Resource objects as JSON; ``extra`` keeps
    submittedBy and updates."""

    created: str
    created_by: str
    schema_version: str = "2.0"
    resources: tuple[Mapping[str, Any], ...] = field(default=(), hash=False)
    external_references: tuple[ExternalReference, ...] = ()
    extra: Mapping[str, Any] = _extra()


def hpo_resource(version: str) -> dict[str, str]:
    """The metaData resource entry that says which HPO release the terms come from.

    >>> hpo_resource("2025-01-16")["namespacePrefix"]
    'HP'
    """
    return {
        "id": "hp",
        "name": "human phenotype ontology",
        "url": "http://purl.obolibrary.org/obo/hp.owl",
        "version": version,
        "namespacePrefix": "HP",
        "iriPrefix": HPO_RESOURCE_IRI,
    }


@dataclass(frozen=True, slots=True)
class Case:
    """One individual's phenopacket.

    ``extra`` keeps the top-level v2 keys rarecase does not model (interpretations,
    measurements, biosamples, files) verbatim. A case read from a v1 file also keeps the v1-only
    parts (genes, variants, biosamples, htsFiles) under ``extra["v1"]``; keys of ``extra`` that are
    not v2 Phenopacket fields are never written out.

    >>> case = Case.new("p1", features=[
    ...     PhenotypicFeature(OntologyClass(TermId.parse("HP:0001250"), "Seizure")),
    ...     PhenotypicFeature(OntologyClass(TermId.parse("HP:0000252")), excluded=True)])
    >>> [str(f.term.id) for f in case.observed], [str(f.term.id) for f in case.excluded]
    (['HP:0001250'], ['HP:0000252'])
    """

    id: str
    subject: Subject
    features: tuple[PhenotypicFeature, ...] = ()
    diseases: tuple[Disease, ...] = ()
    actions: tuple[MedicalAction, ...] = ()
    meta: MetaData | None = None
    extra: Mapping[str, Any] = _extra()

    @property
    def observed(self) -> tuple[PhenotypicFeature, ...]:
        """Features present in the individual."""
        return tuple(f for f in self.features if not f.excluded)

    @property
    def excluded(self) -> tuple[PhenotypicFeature, ...]:
        """Features explicitly reported absent; as informative for diagnosis as present ones."""
        return tuple(f for f in self.features if f.excluded)

    @property
    def observed_ids(self) -> tuple[str, ...]:
        """The ids of the features present, as written (what a query or a store takes)."""
        return tuple(str(f.term.id) for f in self.observed)

    @property
    def excluded_ids(self) -> tuple[str, ...]:
        return tuple(str(f.term.id) for f in self.excluded)

    @property
    def diagnosis_ids(self) -> tuple[str, ...]:
        """The ids of the diseases the individual has (not the excluded ones)."""
        return tuple(str(d.term.id) for d in self.diseases if not d.excluded)

    @property
    def pmids(self) -> tuple[str, ...]:
        """The publications of the case as full ``PMID:<n>`` ids, in file order, without repeats.

        Full ids rather than bare numbers, so they can be written back or compared with other
        CURIEs as they are; :attr:`ExternalReference.pmid` gives the number.
        """
        if self.meta is None:
            return ()
        seen: dict[str, None] = {}
        for ref in self.meta.external_references:
            if ref.pmid is not None:
                seen.setdefault(f"PMID:{ref.pmid}", None)
        return tuple(seen)

    def with_features(self, features: Iterable[PhenotypicFeature]) -> Case:
        """The same case with its features replaced (the case itself is frozen)."""
        return dataclasses.replace(self, features=tuple(features))

    @classmethod
    def new(
        cls,
        id: str,
        *,
        subject: Subject | None = None,
        features: Iterable[PhenotypicFeature] = (),
        observed: Iterable[str | TermId | OntologyClass] = (),
        excluded: Iterable[str | TermId | OntologyClass] = (),
        diseases: Iterable[Disease] = (),
        actions: Iterable[MedicalAction] = (),
        hpo_version: str | None = None,
        external_references: Iterable[ExternalReference] = (),
        now: datetime | None = None,
    ) -> Case:
        """A case built by hand, with fresh metadata saying rarecase made it and when.

        ``observed`` and ``excluded`` are a shorthand for plain features (ids such as
        ``"HP:0001250"``, TermIds or OntologyClasses), appended after ``features`` in that order.
        ``hpo_version`` (e.g. ``"2025-01-16"``) adds the HPO resource entry; a case that uses HP
        terms should name it. ``now`` fixes the creation time (UTC) for reproducible output.

        >>> case = Case.new("p1", observed=["HP:0001250"], excluded=["HP:0000252"])
        >>> [(str(f.term.id), f.excluded) for f in case.features]
        [('HP:0001250', False), ('HP:0000252', True)]
        """
        moment = (now or datetime.now(UTC)).astimezone(UTC)
        meta = MetaData(
            created=moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            created_by=f"rarecase {__version__}",
            schema_version="2.0",
            resources=(hpo_resource(hpo_version),) if hpo_version is not None else (),
            external_references=tuple(external_references),
        )
        return cls(
            id=id,
            subject=subject if subject is not None else Subject(),
            features=(
                *features,
                *(PhenotypicFeature(_as_class(t)) for t in observed),
                *(PhenotypicFeature(_as_class(t), excluded=True) for t in excluded),
            ),
            diseases=tuple(diseases),
            actions=tuple(actions),
            meta=meta,
        )


def _as_class(term: str | TermId | OntologyClass) -> OntologyClass:
    if isinstance(term, OntologyClass):
        return term
    return OntologyClass(term if isinstance(term, TermId) else TermId.parse(term))
