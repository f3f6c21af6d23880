"""Measure recognition against gold annotations.

Two gold formats: GSC+-style TSV blocks (PMID line, text line, ``start end text HPO-id`` lines,
blank line) and rarecase's own JSONL (``{"id", "text", "mentions": [{"start", "end", "id",
"status", "subject", ...}]}``, see benchmarks/data/README.md). Ids on both sides are mapped to
current HPO terms first (alt_ids and obsolete ids with a replacement), so an old gold release
does not count against a new ontology.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from pathlib import Path

from rarecase.errors import InputError, RarecaseError, UnknownTermError
from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.recognize.lexicon import Kind
from rarecase.recognize.mention import Mention
from rarecase.recognize.recognizer import Recognizer
from rarecase.text import read_path, read_source
from rarecase.text.document import Document, Format
from rarecase.text.sentences import split_sentences


@dataclass(frozen=True, slots=True)
class GoldMention:
    start: int
    end: int
    id: str
    kind: str = "phenotype"
    status: str | None = None
    subject: str | None = None


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """Gold for one text. ``page``, when present, is the text as pasted from a web page (with
    its boilerplate); ``text`` is what should remain after cleaning, and offsets point there."""

    id: str
    text: str
    mentions: tuple[GoldMention, ...]
    page: str | None = None
    # Document-level gold for a whole file (a full-text article): the patient's present and
    # excluded phenotypes, no spans.
    file: Path | None = None
    present: frozenset[str] = frozenset()
    excluded: frozenset[str] = frozenset()


def read_gold(path: Path) -> list[GoldDocument]:
    """GSC+-style TSV or rarecase JSONL, told apart by the first non-blank character."""
    try:
        text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(
            str(path), f"cannot read gold file: {error}", "give a UTF-8 file"
        ) from None
    if text.lstrip().startswith("{"):
        return list(_read_jsonl(text, str(path), path.parent))
    return list(_read_tsv(text, str(path)))


def _read_tsv(text: str, source: str) -> Iterator[GoldDocument]:
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if not lines[i].strip():
            i += 1
            continue
        if i + 1 >= len(lines):
            raise InputError(
                f"{source}:{i + 1}",
                "document id without a text line",
                "each block is: id line, text line, annotation lines, blank line",
            )
        ident, body = lines[i].strip(), lines[i + 1]
        i += 2
        mentions = []
        while i < len(lines) and lines[i].strip():
            fields = lines[i].split("\t")
            if len(fields) < 4 or not fields[0].isdigit() or not fields[1].isdigit():
                raise InputError(
                    f"{source}:{i + 1}",
                    "expected 'start<TAB>end<TAB>text<TAB>id'",
                    "fix the annotation line",
                )
            code = fields[3].strip()
            # GSC+ gives HPO ids; the NCBI Disease corpus MeSH or OMIM ids of diseases
            kind = "phenotype" if code.startswith("HP:") else "disease"
            mentions.append(GoldMention(int(fields[0]), int(fields[1]), code, kind))
            i += 1
        yield GoldDocument(ident, body, tuple(mentions))


def _read_jsonl(text: str, source: str, folder: Path) -> Iterator[GoldDocument]:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if "file" in record:  # a whole article, judged per document
                yield GoldDocument(
                    str(record["id"]),
                    "",
                    (),
                    None,
                    folder / record["file"],
                    frozenset(record.get("patient_present", [])),
                    frozenset(record.get("patient_excluded", [])),
                )
                continue
            clean = "clean" in record  # a pasted page: offsets point into its cleaned text
            yield GoldDocument(
                str(record["id"]),
                record["clean"] if clean else record["text"],
                tuple(
                    GoldMention(
                        int(m["clean_start" if clean else "start"]),
                        int(m["clean_end" if clean else "end"]),
                        str(m["id"]),
                        m.get("kind", "phenotype"),
                        m.get("status"),
                        m.get("subject"),
                    )
                    for m in record.get("mentions", [])
                ),
                record["text"] if clean else None,
            )
        except (ValueError, KeyError, TypeError) as error:
            raise InputError(
                f"{source}:{number}",
                f"not a gold record ({error})",
                'each line: {"id", "text", "mentions": [{"start","end","id"}]}',
            ) from None


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, predicted: AbstractSet[object], gold: AbstractSet[object]) -> None:
        self.tp += len(predicted & gold)
        self.fp += len(predicted - gold)
        self.fn += len(gold - predicted)

    def to_json(self) -> dict[str, float | int]:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass(slots=True)
class Report:
    documents: int = 0
    cleaning_mismatches: int = 0
    mention: Counts = field(default_factory=Counts)
    document: Counts = field(default_factory=Counts)
    # document level, the patient's present phenotypes only (gold with context); and the same
    # gold against every phenotype found, as a context-blind tool would report them
    patient_present: Counts = field(default_factory=Counts)
    patient_present_without_context: Counts = field(default_factory=Counts)
    patient_excluded: Counts = field(default_factory=Counts)
    # the same as patient_present, compared on every id rather than on the most specific ones
    patient_present_all_ids: Counts = field(default_factory=Counts)
    # disease mentions of gold coded in another vocabulary (MeSH): span against span
    disease_spans: Counts = field(default_factory=Counts)
    status_total: int = 0
    status_right: int = 0
    subject_total: int = 0
    subject_right: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)
    # recognition errors, for a curator to read: {"doc", "kind": "fp"|"fn", "text", "id", "label"}
    misses: list[dict[str, object]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "documents": self.documents,
            "cleaning_mismatches": self.cleaning_mismatches,
            "mention": self.mention.to_json(),
            "document": self.document.to_json(),
            "patient_present_document": self.patient_present.to_json()
            if self.patient_present.tp + self.patient_present.fn
            else None,
            "patient_present_document_all_ids": self.patient_present_all_ids.to_json()
            if self.patient_present.tp + self.patient_present.fn
            else None,
            "patient_excluded_document": self.patient_excluded.to_json()
            if self.patient_excluded.tp + self.patient_excluded.fn
            else None,
            "patient_present_document_without_context": (
                self.patient_present_without_context.to_json()
            )
            if self.patient_present.tp + self.patient_present.fn
            else None,
            "disease_mention_spans": self.disease_spans.to_json()
            if self.disease_spans.tp + self.disease_spans.fn
            else None,
            "status_accuracy": round(self.status_right / self.status_total, 4)
            if self.status_total
            else None,
            "subject_accuracy": round(self.subject_right / self.subject_total, 4)
            if self.subject_total
            else None,
            "status_subject_pairs": self.status_total,
        }


def evaluate(
    gold: Iterable[GoldDocument],
    recognizer: Recognizer,
    *,
    kinds: tuple[Kind, ...] = (Kind.PHENOTYPE,),
) -> Report:
    """Mention- and document-level micro P/R/F1, and context accuracy where gold has it.

    Context is judged on the mentions found with the right span and id.
    """
    kb = recognizer.kb
    report = Report()
    for doc in gold:
        if doc.file is not None:
            _evaluate_file(doc, recognizer, report)
            continue
        document, cleaned = _document(doc)
        report.cleaning_mismatches += not cleaned
        found = [m for m in recognizer.annotate(document) if m.kind in kinds and not m.nested]
        wanted = [g for g in doc.mentions if g.kind in {k.value for k in kinds}]
        # diseases coded in a vocabulary rarecase does not use (MeSH) are scored by their span,
        # all of a document's (a few NCBI Disease mentions carry OMIM ids among MeSH ones)
        foreign = [g for g in wanted if g.kind == "disease"]
        if not any(not _ours(g.id) for g in foreign):
            foreign = []
        if foreign:
            wanted = [g for g in wanted if g not in foreign]
            # such corpora call "disease" much that HPO calls a phenotype ("hemolytic anemia",
            # "breast cancer"): a mention of either kind counts
            found_spans = {(m.start, m.end): m.id for m in found}
            expected_spans = {(g.start, g.end): g.id for g in foreign}
            report.disease_spans.add(set(found_spans), set(expected_spans))
            for kind, side, other in (
                ("fp", found_spans, expected_spans),
                ("fn", expected_spans, found_spans),
            ):
                for start, end in sorted(set(side) - set(other)):
                    ident = side[start, end]
                    report.misses.append(_miss(kb, doc.id, kind, ident, doc.text[start:end]))
            found = []
        expected = {(g.start, g.end, _current(kb, g.id)) for g in wanted}
        gold_ids = {g[2] for g in expected}
        # a disease mention may name several equivalent entries (OMIM and Orphanet): it counts
        # under the one the gold chose, if any
        predicted = {(m.start, m.end, _pick(kb, m.concepts, gold_ids)) for m in found}
        report.documents += 1
        report.mention.add(predicted, expected)
        for kind, spans in (("fp", predicted - expected), ("fn", expected - predicted)):
            for start, end, ident in sorted(spans):
                report.misses.append(_miss(kb, doc.id, kind, ident, doc.text[start:end]))
        report.document.add({p[2] for p in predicted}, {g[2] for g in expected})
        gold_patient = {
            _current(kb, g.id)
            for g in wanted
            if g.status == "present" and g.subject == "patient" and g.kind == "phenotype"
        }
        if any(g.status is not None for g in wanted):
            found_patient = {
                _current(kb, m.id)
                for m in found
                if m.kind is Kind.PHENOTYPE
                and m.status.value == "present"
                and m.subject.value == "patient"
            }
            report.patient_present.add(
                _most_specific(kb, found_patient), _most_specific(kb, gold_patient)
            )
            report.patient_present_all_ids.add(found_patient, gold_patient)
            everything = {_current(kb, m.id) for m in found if m.kind is Kind.PHENOTYPE}
            report.patient_present_without_context.add(
                _most_specific(kb, everything), _most_specific(kb, gold_patient)
            )
        by_span: dict[tuple[int, int, str], Mention] = {
            (m.start, m.end, _pick(kb, m.concepts, gold_ids)): m for m in found
        }
        for g in wanted:
            m = by_span.get((g.start, g.end, _current(kb, g.id)))
            if m is None:
                continue
            if g.status is not None:
                report.status_total += 1
                report.status_right += m.status.value == g.status
            if g.subject is not None:
                report.subject_total += 1
                report.subject_right += m.subject.value == g.subject
            if (g.status and m.status.value != g.status) or (
                g.subject and m.subject.value != g.subject
            ):
                report.errors.append(
                    {
                        "doc": doc.id,
                        "text": doc.text[g.start : g.end],
                        "gold": [g.status, g.subject],
                        "found": [m.status.value, m.subject.value],
                        "cue": m.cue.text if m.cue else None,
                        "sentence": doc.text[m.sentence[0] : m.sentence[1]],
                    }
                )
    return report


def _evaluate_file(gold: GoldDocument, recognizer: Recognizer, report: Report) -> None:
    """A full-text article against the patient's present and excluded phenotypes."""
    assert gold.file is not None
    kb = recognizer.kb
    [document, *_] = read_path(gold.file)
    found = [m for m in recognizer.annotate(document) if m.kind is Kind.PHENOTYPE and not m.nested]
    present = {_current(kb, g) for g in gold.present}
    patient = [m for m in found if m.subject.value == "patient"]
    report.documents += 1
    found_present = {_current(kb, m.id) for m in patient if m.status.value == "present"}
    report.patient_present_all_ids.add(found_present, present)
    present = _most_specific(kb, present)
    report.patient_present.add(_most_specific(kb, found_present), present)
    report.patient_present_without_context.add(
        _most_specific(kb, {_current(kb, m.id) for m in found}), present
    )
    report.patient_excluded.add(
        {_current(kb, m.id) for m in patient if m.status.value == "excluded"},
        {_current(kb, g) for g in gold.excluded},
    )
    found_specific = _most_specific(kb, found_present)
    for kind, ids in (("fp", found_specific - present), ("fn", present - found_specific)):
        for ident in sorted(ids):
            report.misses.append(_miss(kb, gold.id, kind, ident, ""))


def _ours(ident: str) -> bool:
    """Whether an id is of a vocabulary rarecase codes (HPO, OMIM, Orphanet)."""
    return ident.startswith(("HP:", "OMIM:", "ORPHA:"))


def _miss(kb: KnowledgeBase, doc: str, kind: str, ident: str, text: str) -> dict[str, object]:
    try:
        label = kb.label(ident) if ident.startswith("HP:") else kb.disease(ident).name
    except (KeyError, UnknownTermError):
        label = ""
    return {"doc": doc, "kind": kind, "text": text, "id": ident, "label": label}


def _document(gold: GoldDocument) -> tuple[Document, bool]:
    """The gold text read as a user's input would be (page cleaning, sections, sentences).

    When the reader does not reproduce the gold text exactly (boilerplate cut differently), the
    gold text itself is used, so that offsets still line up; the second value says which.
    """
    try:
        documents = read_source(gold.page if gold.page is not None else gold.text, name=gold.id)
    except RarecaseError:
        documents = []
    if documents and documents[0].text == gold.text:
        return documents[0], True
    fallback = Document(
        gold.id, gold.text, Format.TEXT, sentences=tuple(split_sentences(gold.text))
    )
    return fallback, gold.page is None and bool(documents)


def _pick(kb: KnowledgeBase, concepts: tuple[str, ...], gold: set[str]) -> str:
    current = [_current(kb, c) for c in concepts]
    return next((c for c in current if c in gold), current[0])


def _most_specific(kb: KnowledgeBase, ids: AbstractSet[str]) -> set[str]:
    """The ids that are not ancestors of another id of the set: a case lists "Posterior
    subcapsular cataract", not also "Cataract". Applied to both sides before comparing."""
    terms = [i for i in ids if i.startswith("HP:") and kb.is_current(i)]
    keep = {i for i in terms if not any(o != i and kb.is_ancestor(i, o) for o in terms)}
    return keep | {i for i in ids if i not in terms}


def _current(kb: KnowledgeBase, ident: str) -> str:
    if not ident.startswith("HP:"):
        return ident
    try:
        return str(kb.term_id(kb.resolve(ident)[0]))
    except UnknownTermError:
        return ident
