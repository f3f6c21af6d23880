"""The work of one unit, run in a Dask worker process: read, recognise, write the partition.

The knowledge base and recogniser are loaded once per worker process (the first task pays for
it) and kept for every later task. A damaged PubMed file fails its unit: its error is returned,
not raised, so Dask does not retry what would fail again, and its partition is removed, so the
output says nothing about a file that could not be read. In a unit of article files each bad
file is reported and the others are kept. A record the recogniser trips on is counted and
reported, and the rest of the file goes on.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rarecase.batch.sources import SourceKind, Unit
from rarecase.batch.tables import PartitionWriter, remove_partition
from rarecase.errors import RarecaseError
from rarecase.phenopacket.json_io import case_to_dict
from rarecase.pipeline import AnnotatedDocument, analysis_of
from rarecase.recognize.mention import Mention
from rarecase.recognize.recognizer import Recognizer
from rarecase.text import read_path
from rarecase.text.document import Document, Format
from rarecase.text.pubmed import stream_pubmed

#: Publication types (PubMed) and article types (JATS) that mark a case report.
CASE_REPORT_TYPES = frozenset({"case reports", "case report", "case-report"})
#: Problems kept per unit in the manifest (a broken folder of 10,000 files says the first few).
MAX_PROBLEMS = 20

#: What a unit counts, and a run sums.
COUNTS = ("records", "case_reports", "documents", "mentions", "cases", "failed_records")

_loaded: dict[tuple[str | None, str | None], Recognizer] = {}


@dataclass(frozen=True, slots=True)
class Options:
    """What every task needs to know, sent with it to the workers."""

    out: str
    hpo_dir: str | None = None
    cache_dir: str | None = None
    case_reports_only: bool = False
    created: str = ""  # the run's start, as every phenopacket's metaData.created


@dataclass(slots=True)
class UnitResult:
    """What one unit did; ``error`` is set when the whole unit failed (nothing written)."""

    key: str
    records: int = 0
    case_reports: int = 0
    documents: int = 0
    mentions: int = 0
    cases: int = 0
    failed_records: int = 0
    problems: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
    peak_rss_mb: float = 0.0

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


def is_case_report(document: Document) -> bool:
    """By publication type (PubMed) or article type (JATS); a text, HTML or other document
    that says nothing of its type is taken for the case report its owner gave."""
    if document.format in (Format.PUBMED_XML, Format.JATS) or document.publication_types:
        return any(t.strip().lower() in CASE_REPORT_TYPES for t in document.publication_types)
    return True


def recognizer_for(options: Options) -> Recognizer:
    """This process's recogniser, loaded on first use."""
    key = (options.hpo_dir, options.cache_dir)
    if key not in _loaded:
        from rarecase.ontology import load

        _loaded[key] = Recognizer(load(options.hpo_dir, cache_dir=options.cache_dir))
    return _loaded[key]


def process_unit(unit: Unit, options: Options) -> UnitResult:
    """Read every record of ``unit``, write its three tables' partition, say what happened."""
    began = time.perf_counter()
    result = UnitResult(unit.key)
    out = Path(options.out)
    recognizer = recognizer_for(options)
    try:
        with PartitionWriter(out, unit.key) as writer:
            for path, document in _documents(unit, result):
                result.records += 1
                case_report = is_case_report(document)
                result.case_reports += case_report
                if options.case_reports_only and not case_report:
                    continue
                try:
                    _write_document(writer, recognizer, document, path, case_report, options)
                except Exception as error:  # a bug on one record must not lose the file
                    result.failed_records += 1
                    _problem(result, f"{path}: record {document.id}: {type(error).__name__}: "
                             f"{error}")  # fmt: skip
            writer.commit()
            result.documents = writer.counts["documents"]
            result.mentions = writer.counts["mentions"]
            result.cases = writer.counts["cases"]
    except RarecaseError as error:
        remove_partition(out, unit.key)
        result.error = str(error)
    result.seconds = time.perf_counter() - began
    result.peak_rss_mb = _peak_rss_mb()
    return result


def _documents(unit: Unit, result: UnitResult) -> Iterator[tuple[str, Document]]:
    if unit.kind is SourceKind.PUBMED:
        for path in unit.paths:
            for document in stream_pubmed(path):  # a damaged file raises: the unit fails
                yield path, document
        return
    for path in unit.paths:
        try:
            documents = read_path(path)
        except RarecaseError as error:
            result.failed_records += 1
            _problem(result, str(error))
            continue
        for document in documents:
            yield path, document


def _write_document(
    writer: PartitionWriter,
    recognizer: Recognizer,
    document: Document,
    path: str,
    case_report: bool,
    options: Options,
) -> None:
    mentions = tuple(recognizer.annotate(document))
    doc_id = document.id or Path(path).name
    pmid = document.pmid or ""
    writer.add(
        "documents",
        {
            "doc_id": doc_id,
            "pmid": pmid,
            "title": document.title,
            "journal": document.journal,
            "year": document.year,
            "publication_types": list(document.publication_types),
            "case_report": case_report,
            "format": document.format.value,
            "path": path,
            "characters": len(document.text),
            "mentions": len(mentions),
        },
    )
    for mention in mentions:
        writer.add("mentions", _mention_row(document, doc_id, pmid, mention))
    if not case_report:
        return  # a review or a cohort study speaks of no one patient: no case
    analysis = analysis_of(AnnotatedDocument(document, mentions), recognizer.kb)
    case = analysis.case
    if not (case.observed_ids or case.excluded_ids or case.diagnosis_ids):
        return
    packet = case_to_dict(case)
    if options.created:
        packet["metaData"]["created"] = options.created
    writer.add(
        "cases",
        {
            "doc_id": doc_id,
            "pmid": pmid,
            "present": list(case.observed_ids),
            "excluded": list(case.excluded_ids),
            "diseases": list(case.diagnosis_ids),
            "sex": None if case.subject.sex.value == "UNKNOWN_SEX" else case.subject.sex.value,
            "age": analysis.patient.age.value if analysis.patient.age else None,
            "phenopacket": json.dumps(packet, ensure_ascii=False, separators=(",", ":")),
        },
    )


def _mention_row(document: Document, doc_id: str, pmid: str, mention: Mention) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "pmid": pmid,
        "start": mention.start,
        "end": mention.end,
        "text": mention.text,
        "kind": mention.kind.value,
        "id": mention.id,
        "ids": list(mention.concepts) if len(mention.concepts) > 1 else None,
        "label": mention.label,
        "status": mention.status.value,
        "subject": mention.subject.value,
        "cue": mention.cue.text if mention.cue else None,
        "nested": mention.nested,
        "section": _section_of(document, mention.start),
    }


def _section_of(document: Document, offset: int) -> str | None:
    """The kind of the innermost section holding ``offset`` (title, abstract, case…)."""
    found = None
    for section in document.sections:
        if section.start <= offset < section.end and (
            found is None or section.end - section.start <= found.end - found.start
        ):
            found = section
    return found.kind if found else None


def _problem(result: UnitResult, text: str) -> None:
    if len(result.problems) < MAX_PROBLEMS:
        result.problems.append(" ".join(text.split()))


def _peak_rss_mb() -> float:
    """The worker process's peak resident memory (0 where the platform does not say).

    On Linux from VmHWM, the high-water mark of this process's own memory: ``ru_maxrss``
    keeps the parent's peak across fork and exec, so a worker spawned by a big driver would
    report the driver's memory.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024
