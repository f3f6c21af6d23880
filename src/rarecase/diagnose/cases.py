"""Published cases read as queries: for evaluation, and as knowledge of what patients show.

Cases come as the compact JSON lines of ../shared/data/phenopackets/ (``observed``, ``excluded``,
``diseases``, ``pmid``) or as GA4GH phenopacket JSON lines, gzipped or not. Reading is lenient
about ids: those newer than the HPO release are dropped and counted (:attr:`Query.dropped`).
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rarecase.diagnose.onset import onset_class
from rarecase.diagnose.query import Query, query_from_case, query_from_ids
from rarecase.errors import InputError, UnsupportedFormatError
from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.phenopacket.json_io import case_from_dict, diagnoses_of


@dataclass(frozen=True, slots=True)
class EvalCase:
    """One published case: its terms as a query, its diagnoses and its publication."""

    query: Query
    diseases: tuple[str, ...]
    pmid: str


def _open_lines(path: Path) -> Iterator[tuple[int, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rt", encoding="utf-8") as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield number, line
    except (OSError, UnicodeDecodeError, EOFError) as error:
        raise UnsupportedFormatError(
            str(path), f"cannot read: {error}", "give JSON lines"
        ) from error


def read_cases(path: str | Path, kb: KnowledgeBase) -> Iterator[EvalCase]:
    """Cases of a JSON-lines file (gzipped or not), compact or phenopacket records.

    Term ids the release does not know are dropped (see :attr:`Query.dropped`).
    """
    path = Path(path)
    for number, line in _open_lines(path):
        where = f"{path}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            raise UnsupportedFormatError(
                where, f"not JSON ({error.msg})", "one object a line"
            ) from error
        if not isinstance(record, dict):
            raise InputError(where, "a line is not a JSON object", "one case a line")
        if "observed" in record:
            diseases = [d["id"] for d in record.get("diseases", []) if "id" in d]
            query = query_from_ids(
                kb,
                record["observed"],
                record.get("excluded", []),
                case_id=str(record.get("id", number)),
                strict=False,
                source=where,
                sex=str(record.get("sex") or ""),
                onset=_compact_onset(kb, record),
            )
            pmid = str(record.get("pmid", ""))
        else:
            case = case_from_dict(record, source=where)
            query = query_from_case(kb, case, strict=False, source=where)
            diseases = [ident for ident, _ in diagnoses_of(record)]
            pmid = case.pmids[0] if case.pmids else ""
        yield EvalCase(query, tuple(diseases), pmid)


def _compact_onset(kb: KnowledgeBase, record: dict[str, Any]) -> int | None:
    """The onset class of a compact case: its disease onset, else its earliest feature's."""
    for entry in record.get("disease_onset") or ():
        if isinstance(entry, dict) and entry.get("onset") is not None:
            found = onset_class(kb, entry["onset"])
            if found is not None:
                return found
    features = record.get("feature_onset") or {}
    classes = [k for v in features.values() if (k := onset_class(kb, v)) is not None]
    return min(classes) if classes else None
