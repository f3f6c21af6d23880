"""Reading cases into :class:`CaseRecord` values from whatever a user holds: a phenopacket-store
release ZIP or folder, phenopacket JSON or JSON lines, the compact JSON lines of the development
data, and text case reports (through the recognition pipeline; the patient's findings only).

A bad record never stops the others: a broken JSON file, a ZIP entry whose bytes are corrupt, a
phenopacket the schema refuses, a case with no term this HPO release knows — each becomes a
:class:`Rejection` naming where it was and why, and the rest is read. Ids are brought to the
current release here, once (alternative and obsolete ids with a replacement are mapped, ids the
release does not know are left out and counted), so the store holds what the index can use.
"""

from __future__ import annotations

import gzip
import json
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Final

from rarecase.corpus.records import CaseRecord, NamedDisease, normal_pmid
from rarecase.corpus.store import CaseStore, IngestReport, Rejection
from rarecase.errors import InputError
from rarecase.ontology.ids import Subontology
from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.phenopacket.json_io import case_from_dict, case_to_dict, diagnoses_of
from rarecase.phenopacket.model import Case

#: The bundled default corpus (derived from phenopacket-store; see README).
BUNDLED: Final = "published_cases.jsonl.gz"
BUNDLED_SOURCE: Final = f"bundled:{BUNDLED}"
#: Files read as JSON; anything else in a folder is read as a text case report.
JSON_SUFFIXES: Final = (".json", ".json.gz")
JSONL_SUFFIXES: Final = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
#: Files in a folder that are never case reports (a release's README, index tables).
SKIPPED_SUFFIXES: Final = (".md", ".tsv", ".csv", ".yaml", ".yml", ".py", ".ipynb", ".png")
MAX_ENTRY_BYTES: Final = 64 * 2**20

TextReader = Callable[[Path], list[Case]]


@dataclass
class CaseReader:
    """Collects records, rejections and notes over any number of sources.

    ``text_reader`` turns a text case report into the patient's cases; by default the
    recognition pipeline is built on first need (a text source is the only one that needs it).
    """

    kb: KnowledgeBase
    text_reader: TextReader | None = None
    records: list[CaseRecord] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    ignored: int = 0
    _mapped: Counter[str] = field(default_factory=Counter)
    _unknown: Counter[str] = field(default_factory=Counter)
    _not_phenotype: Counter[str] = field(default_factory=Counter)
    _resolved: dict[str, tuple[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._phenotype = self.kb.subontology_mask(Subontology.PHENOTYPIC_ABNORMALITY)

    # ------------------------------------------------------------------ sources
    def read(self, source: str | Path) -> None:
        """Read one file or folder; a path that does not exist raises (nothing is read)."""
        path = Path(source)
        if path.is_dir():
            inside = sorted(
                p
                for p in path.rglob("*")
                if p.is_file() and not any(s.startswith(".") for s in p.relative_to(path).parts)
            )
            if not inside:
                raise InputError(str(path), "folder holds no file", "give case files")
            for file in inside:
                if file.name.lower().endswith(SKIPPED_SUFFIXES):
                    self.ignored += 1
                    continue
                self._read_file(file)
            return
        if not path.is_file():
            raise InputError(str(path), "no such file or folder", "check the path")
        self._read_file(path)

    def read_bundled(self) -> None:
        bundled = resources.files("rarecase").joinpath("data", BUNDLED)
        with resources.as_file(bundled) as file:
            self._read_lines(file.read_bytes(), BUNDLED_SOURCE)

    def _read_file(self, path: Path) -> None:
        name = path.name.lower()
        where = str(path)
        try:
            if zipfile.is_zipfile(path):
                self._read_zip(path)
                return
            data = path.read_bytes()
        except (OSError, zipfile.BadZipFile) as error:
            self.rejected.append(Rejection(where, f"cannot read: {error}"))
            return
        if name.endswith(JSONL_SUFFIXES):
            self._read_lines(data, where)
        elif name.endswith(JSON_SUFFIXES):
            self._read_json(data, where)
        else:
            self._read_text(path)

    def _read_zip(self, path: Path) -> None:
        """Every JSON entry of a ZIP (a phenopacket-store release); other entries are ignored."""
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                where = f"{path}!{info.filename}"
                name = info.filename.lower()
                if info.is_dir():
                    continue
                if not name.endswith(JSON_SUFFIXES + JSONL_SUFFIXES) or "/." in f"/{name}":
                    self.ignored += 1
                    continue
                if info.file_size > MAX_ENTRY_BYTES:
                    self.rejected.append(
                        Rejection(where, f"entry is {info.file_size} bytes, over the limit")
                    )
                    continue
                try:
                    data = archive.read(info)
                except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as error:
                    self.rejected.append(Rejection(where, f"corrupt ZIP entry ({error})"))
                    continue
                if name.endswith(JSONL_SUFFIXES):
                    self._read_lines(data, where)
                else:
                    self._read_json(data, where)

    def read_json(self, data: bytes, where: str) -> None:
        """Cases from JSON bytes that came from no file (a request body): one phenopacket or
        compact record, or a list of them; what cannot be read is rejected, not raised."""
        self._read_json(data, where)

    def _read_json(self, data: bytes, where: str) -> None:
        doc = _parse_json(_gunzip(data, where), where)
        if isinstance(doc, Rejection):
            self.rejected.append(doc)
        elif isinstance(doc, list):
            for n, item in enumerate(doc):
                self._add(item, f"{where}[{n}]")
        else:
            self._add(doc, where)

    def _read_lines(self, data: bytes, where: str) -> None:
        raw = _gunzip(data, where)
        if isinstance(raw, Rejection):
            self.rejected.append(raw)
            return
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            self.rejected.append(Rejection(where, f"not UTF-8 text (offset {error.start})"))
            return
        for number, line in enumerate(text.splitlines(), 1):
            if line.strip():
                doc = _parse_json(line.encode("utf-8"), f"{where}:{number}")
                if isinstance(doc, Rejection):
                    self.rejected.append(doc)
                else:
                    self._add(doc, f"{where}:{number}")

    def _read_text(self, path: Path) -> None:
        reader = self.text_reader or _pipeline_reader(self.kb)
        self.text_reader = reader
        try:
            found = reader(path)
        except InputError as error:
            self.rejected.append(Rejection(str(path), error.problem))
            return
        if not found:
            self.rejected.append(Rejection(str(path), "holds no document"))
        for n, case in enumerate(found):
            where = str(path) if len(found) == 1 else f"{path}#{n + 1}"
            raw = json.dumps(case_to_dict(case), ensure_ascii=False)
            diseases = tuple(
                NamedDisease(str(d.term.id), d.term.label) for d in case.diseases if not d.excluded
            )
            self._finish(
                where,
                case.id,
                case.pmids[0] if case.pmids else "",
                diseases,
                case.observed_ids,
                case.excluded_ids,
                "",
                raw,
                empty="the text names no finding of the patient",
            )

    # ------------------------------------------------------------------ records
    def _add(self, doc: Any, where: str) -> None:
        if not isinstance(doc, dict):
            self.rejected.append(Rejection(where, "not a JSON object"))
            return
        raw = json.dumps(doc, ensure_ascii=False, separators=(",", ":"))
        if "observed" in doc or "excluded" in doc:
            self._add_compact(doc, where, raw)
            return
        try:
            case = case_from_dict(doc, source=where)
        except InputError as error:
            self.rejected.append(Rejection(where, error.problem))
            return
        self._finish(
            where,
            case.id,
            case.pmids[0] if case.pmids else "",
            tuple(NamedDisease(i, label) for i, label in diagnoses_of(doc)),
            case.observed_ids,
            case.excluded_ids,
            case.subject.sex.value,
            raw,
        )

    def _add_compact(self, doc: Mapping[str, Any], where: str, raw: str) -> None:
        ident = doc.get("id")
        if not isinstance(ident, str) or not ident.strip():
            self.rejected.append(Rejection(where, "no case id (an 'id' string)"))
            return
        lists = {k: doc.get(k, []) for k in ("observed", "excluded", "diseases")}
        for key, value in lists.items():
            if not isinstance(value, list):
                self.rejected.append(Rejection(where, f"{key!r} is not a list"))
                return
        if not all(isinstance(t, str) for t in (*lists["observed"], *lists["excluded"])):
            self.rejected.append(Rejection(where, "a term is not an id string"))
            return
        diseases = []
        for entry in lists["diseases"]:
            if isinstance(entry, str):
                entry = {"id": entry}
            if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
                self.rejected.append(Rejection(where, "a disease is not {'id': …}"))
                return
            diseases.append(NamedDisease(entry["id"], str(entry.get("label") or "")))
        pmid = doc.get("pmid") or ""
        self._finish(
            where,
            ident.strip(),
            str(pmid),
            tuple(diseases),
            lists["observed"],
            lists["excluded"],
            str(doc.get("sex") or ""),
            raw,
        )

    def _finish(
        self,
        where: str,
        ident: str,
        pmid: str,
        diseases: tuple[NamedDisease, ...],
        observed: Iterable[str],
        excluded: Iterable[str],
        sex: str,
        raw: str,
        *,
        empty: str = "",
    ) -> None:
        if not ident:
            self.rejected.append(Rejection(where, "no case id"))
            return
        observed, excluded = list(observed), list(excluded)
        present = self._current(observed, where)
        absent = [t for t in self._current(excluded, where) if t not in present]
        if not present and not absent:
            if not empty:
                empty = (
                    f"no phenotypic feature known to HPO {self.kb.hpo_version}"
                    if observed or excluded
                    else "has no phenotypic feature"
                )
            self.rejected.append(Rejection(where, empty))
            return
        named = tuple(
            d if d.label else NamedDisease(d.id, _disease_label(self.kb, d.id)) for d in diseases
        )
        self.records.append(
            CaseRecord(
                ident,
                normal_pmid(pmid),
                tuple(dict.fromkeys(named)),
                tuple(present),
                tuple(absent),
                "" if sex == "UNKNOWN_SEX" else sex,
                source=where,
                raw=raw,
            )
        )

    def _current(self, ids: Iterable[str], where: str) -> list[str]:
        """The ids as current phenotype terms, without repeats; the rest noted."""
        found: dict[str, None] = {}
        for ident in ids:
            resolved = self._resolved.get(ident)
            if resolved is None:
                resolved = self._resolved[ident] = self._resolve(ident, where)
            current, why = resolved
            if why == "unknown":
                self._unknown[ident] += 1
            elif why == "not_phenotype":
                self._not_phenotype[current] += 1
            else:
                if why == "mapped":
                    self._mapped[f"{ident} → {current}"] += 1
                found.setdefault(current, None)
        return list(found)

    def _resolve(self, ident: str, where: str) -> tuple[str, str]:
        """An id as (current id, how): resolved once per distinct id of a read."""
        try:
            index, remap = self.kb.resolve(ident.strip(), source=where)
        except InputError:
            return ident, "unknown"
        current = str(self.kb.term_id(index))
        if not self._phenotype[index]:
            return current, "not_phenotype"
        return current, "mapped" if remap is not None else ""

    def notes(self) -> list[str]:
        """What was mapped or left out, summed over every source read."""
        notes = []
        release = f"HPO {self.kb.hpo_version}"
        if self._mapped:
            shown = ", ".join(k for k, _ in self._mapped.most_common(3))
            notes.append(
                f"{sum(self._mapped.values())} alternative or obsolete id(s) mapped to the "
                f"current term (e.g. {shown})"
            )
        if self._unknown:
            shown = ", ".join(k for k, _ in self._unknown.most_common(3))
            notes.append(
                f"{sum(self._unknown.values())} occurrence(s) of {len(self._unknown)} id(s) "
                f"unknown to {release} left out (e.g. {shown})"
            )
        if self._not_phenotype:
            notes.append(
                f"{sum(self._not_phenotype.values())} term(s) outside Phenotypic abnormality "
                "(inheritance, onset, modifiers) left out"
            )
        if self.ignored:
            notes.append(f"{self.ignored} file(s) or entries that hold no case ignored")
        return notes


# ---------------------------------------------------------------------- the public functions
def add_sources(
    store: CaseStore,
    sources: Iterable[str | Path],
    kb: KnowledgeBase,
    *,
    strict: bool = False,
    text_reader: TextReader | None = None,
) -> IngestReport:
    """Read every source, then write what was read in one transaction.

    A source that does not exist raises before anything is written. With ``strict``, any
    rejected record leaves the store untouched.
    """
    reader = CaseReader(kb, text_reader)
    for source in sources:
        reader.read(source)
    return store.add(reader.records, rejected=reader.rejected, notes=reader.notes(), strict=strict)


def add_bundled(store: CaseStore, kb: KnowledgeBase) -> IngestReport:
    """Load the bundled corpus (8,404 phenopacket-store cases) and mark the store as seeded."""
    reader = CaseReader(kb)
    reader.read_bundled()
    return store.add(
        reader.records,
        rejected=reader.rejected,
        notes=reader.notes(),
        mark={"bundled": BUNDLED},
    )


def open_store(
    url: str | None, kb: KnowledgeBase, *, seed: bool = True
) -> tuple[CaseStore, IngestReport | None]:
    """Open a store; a store never seeded gets the bundled corpus first (``seed``).

    Seeding happens once: a store whose cases were later removed stays as its owner left it,
    and a store first opened with ``seed=False`` is never seeded.
    """
    store = CaseStore.open(url)
    try:
        with store.setting_up():  # another process may be seeding it now: wait, then look
            if store.info("bundled") is not None:
                return store, None
            if not seed:  # the owner wants this store without the bundled corpus, for good
                store.set_info("bundled", "declined")
                return store, None
            return store, add_bundled(store, kb)
    except BaseException:
        store.close()
        raise


# ---------------------------------------------------------------------- helpers
def _gunzip(data: bytes, where: str) -> bytes | Rejection:
    if not data.startswith(b"\x1f\x8b"):
        return data
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as error:
        return Rejection(where, f"corrupt gzip data ({error})")


def _parse_json(data: bytes | Rejection, where: str) -> Any:
    if isinstance(data, Rejection):
        return data
    if b"\x00" in data:
        return Rejection(where, "binary, not JSON text")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return Rejection(where, f"not UTF-8 text (byte 0x{data[error.start]:02x})")
    if not text.strip():
        return Rejection(where, "empty")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        return Rejection(
            where, f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
        )
    except RecursionError:
        return Rejection(where, "not valid JSON: nested too deeply")


def _disease_label(kb: KnowledgeBase, ident: str) -> str:
    try:
        return kb.disease(ident).name
    except (KeyError, LookupError, ValueError):
        return ""


def _pipeline_reader(kb: KnowledgeBase) -> TextReader:
    """Text case reports through recognition: the patient's present and excluded findings."""
    from rarecase.pipeline import annotate, case_from_mentions
    from rarecase.recognize.recognizer import Recognizer

    recognizer = Recognizer(kb)

    def read(path: Path) -> list[Case]:
        return [
            case_from_mentions(a.document, a.patient_mentions(), kb)[0]
            for a in annotate(path, recognizer=recognizer)
        ]

    return read


def corpus_name(store: CaseStore) -> str:
    """What the store's cases are, for citing: "phenopacket-store" for the bundled corpus, the
    files or releases the others came from."""
    names = []
    for origin, _ in store.stats(top=4).sources:
        names.append("phenopacket-store" if origin == BUNDLED_SOURCE else Path(origin).name)
    return ", ".join(names)
