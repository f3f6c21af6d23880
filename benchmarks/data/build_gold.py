"""Build the rarecase development gold set from its hand-written sources.

Reads ``dev_cases.txt`` (synthetic case-report abstracts) and ``clinical_negation.txt``
(short clinical-note sentences), both marked up inline with
``{{surface words|ID|status|subject}}``, checks every annotation against the HPO release that
rarecase loads by default, and writes ``dev_cases.jsonl`` and ``clinical_negation.jsonl`` next
to them. See README.md in this folder for the conventions.

Run from the repository root::

    .venv/bin/python benchmarks/data/build_gold.py

On any problem it prints ``<file>:<line>: <problem>`` for each one and exits with status 1
without writing anything. Outputs are written atomically (temporary file + ``os.replace``).
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import rarecase

HERE = Path(__file__).resolve().parent
DEV_SOURCE = HERE / "dev_cases.txt"
DEV_OUTPUT = HERE / "dev_cases.jsonl"
NEG_SOURCE = HERE / "clinical_negation.txt"
NEG_OUTPUT = HERE / "clinical_negation.jsonl"

STATUSES = ("present", "excluded", "uncertain")
SUBJECTS = ("patient", "family", "other_patient", "generic")
TAGS = (
    "excluded",
    "family",
    "other_patient",
    "generic",
    "uncertain",
    "boilerplate",
    "abbreviation",
    "coordination",
    "spinal",
)
SPECIALTIES = (
    "neurology",
    "cardiology",
    "nephrology",
    "dermatology",
    "spine/orthopaedics",
    "ophthalmology",
    "endocrinology",
    "dysmorphology/genetics",
    "haematology",
    "pulmonology",
    "gastroenterology/hepatology",
    "immunology",
    "ENT/audiology",
    "oncology",
    "metabolic",
    "rheumatology",
)
DISEASE_PREFIXES = ("OMIM:", "ORPHA:", "DECIPHER:")
MIN_WORDS, MAX_WORDS = 120, 300

HEADER = re.compile(r"^=== (?P<id>\S+) \| (?P<specialty>[^|]+?) \| (?P<tags>[^|]*?)\s*$")
CASE_ID = re.compile(r"^dev\d{3}$")
MENTION = re.compile(r"\{\{([^{}|]+)\|([^{}|]+)\|([^{}|]+)\|([^{}|]+)\}\}")
EXTRA = re.compile(r"^@@ ([^{}|]+)\|([^{}|]+)\|([^{}|]+)\|([^{}|]+)$")
BOILER_OPEN = "<<boilerplate>>"
BOILER_CLOSE = "<</boilerplate>>"
LEFTOVER = ("{{", "}}", "@@", "<<", ">>")
WORD = re.compile(r"\S+")


class Problems:
    """Collects ``file:line: problem`` messages."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    def add(self, source: Path, line: int, message: str) -> None:
        self.messages.append(f"{source.name}:{line}: {message}")


@dataclass
class Mention:
    start: int
    end: int
    text: str
    id: str
    status: str
    subject: str
    line: int
    label: str = ""
    kind: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "id": self.id,
            "label": self.label,
            "kind": self.kind,
            "status": self.status,
            "subject": self.subject,
        }


@dataclass
class Line:
    """One physical source line after markup removal."""

    number: int
    text: str
    boilerplate: bool
    mentions: list[Mention] = field(default_factory=list)


@dataclass
class Case:
    id: str
    specialty: str
    tags: list[str]
    line: int
    lines: list[Line] = field(default_factory=list)


class Validator:
    """Checks ids, statuses and subjects against the knowledge base and fills labels."""

    def __init__(self, problems: Problems) -> None:
        self.kb = rarecase.load()
        self.problems = problems

    def check(self, source: Path, mention: Mention) -> None:
        where = mention.line
        if mention.status not in STATUSES:
            self.problems.add(source, where, f"unknown status {mention.status!r}")
        if mention.subject not in SUBJECTS:
            self.problems.add(source, where, f"unknown subject {mention.subject!r}")
        if mention.text != mention.text.strip() or not mention.text.strip():
            self.problems.add(source, where, f"mention {mention.text!r} has outer whitespace")
        term = mention.id
        if term.startswith("HP:"):
            mention.kind = "phenotype"
            if not self.kb.is_current(term):
                self.problems.add(source, where, f"{term} is not a current HPO term")
                return
            if self.kb.subontology(term).value != "phenotypic_abnormality":
                self.problems.add(
                    source, where, f"{term} ({self.kb.label(term)}) is not a phenotypic abnormality"
                )
                return
            mention.label = self.kb.label(term)
        elif term.startswith(DISEASE_PREFIXES):
            mention.kind = "disease"
            try:
                mention.label = self.kb.disease(term).name
            except Exception as error:  # rarecase raises UnknownTermError
                self.problems.add(source, where, f"{term}: {error}")
        else:
            self.problems.add(source, where, f"unrecognised id {term!r}")


def strip_markup(raw: str, number: int) -> tuple[str, list[Mention]]:
    """Remove ``{{...}}`` markup from one line; mention offsets are relative to the line."""
    parts: list[str] = []
    mentions: list[Mention] = []
    position = 0
    length = 0
    for match in MENTION.finditer(raw):
        before = raw[position : match.start()]
        parts.append(before)
        length += len(before)
        surface, term, status, subject = (group.strip() for group in match.groups())
        surface = match.group(1)
        mentions.append(
            Mention(length, length + len(surface), surface, term, status, subject, number)
        )
        parts.append(surface)
        length += len(surface)
        position = match.end()
    parts.append(raw[position:])
    return "".join(parts), mentions


def add_extra(line: Line, match: re.Match[str], number: int) -> Mention | None:
    """Place an ``@@`` annotation inside the preceding paragraph line.

    The first occurrence inside an existing mention of that line wins (the usual case: the
    contiguous part of a coordinated phrase); otherwise the first occurrence in the line.
    """
    surface, term, status, subject = (group.strip() for group in match.groups())
    candidates: list[int] = []
    start = line.text.find(surface)
    while start != -1:
        candidates.append(start)
        start = line.text.find(surface, start + 1)
    if not candidates:
        return None
    end = len(surface)
    spans = [(m.start, m.end) for m in line.mentions]
    inside = [c for c in candidates if any(a <= c and c + end <= b for a, b in spans)]
    chosen = (inside or candidates)[0]
    return Mention(chosen, chosen + len(surface), surface, term, status, subject, number)


def parse_lines(
    source: Path, raw_lines: list[tuple[int, str]], problems: Problems, *, allow_boiler: bool
) -> list[Line]:
    lines: list[Line] = []
    in_boiler = False
    last_text: Line | None = None
    for number, raw in raw_lines:
        stripped = raw.strip()
        if stripped == BOILER_OPEN:
            if not allow_boiler or in_boiler:
                problems.add(source, number, "unexpected <<boilerplate>>")
            in_boiler = True
            continue
        if stripped == BOILER_CLOSE:
            if not in_boiler:
                problems.add(source, number, "<</boilerplate>> without an opening block")
            in_boiler = False
            continue
        extra = EXTRA.match(raw.rstrip())
        if raw.startswith("@@"):
            if extra is None:
                problems.add(source, number, "malformed @@ line (want '@@ words|ID|status|subj')")
                continue
            if last_text is None:
                problems.add(source, number, "@@ line with no preceding paragraph")
                continue
            mention = add_extra(last_text, extra, number)
            if mention is None:
                problems.add(
                    source, number, f"@@ words {extra.group(1)!r} not found in preceding paragraph"
                )
                continue
            last_text.mentions.append(mention)
            continue
        text, mentions = strip_markup(raw.rstrip(), number)
        for token in LEFTOVER:
            if token in text:
                problems.add(source, number, f"leftover markup {token!r} in text")
        if in_boiler and mentions:
            problems.add(source, number, "mentions are not allowed inside boilerplate")
        line = Line(number, text, in_boiler, mentions)
        lines.append(line)
        if text.strip():
            last_text = line
    if in_boiler:
        problems.add(source, raw_lines[-1][0] if raw_lines else 0, "unclosed <<boilerplate>>")
    return lines


def assemble(lines: list[Line], *, clean: bool) -> tuple[str, list[tuple[Mention, int]]]:
    """Join lines with newlines (dropping boilerplate when ``clean``); return text and
    (mention, absolute start) pairs."""
    chosen = [line for line in lines if not (clean and line.boilerplate)]
    while chosen and not chosen[0].text.strip():
        chosen.pop(0)
    while chosen and not chosen[-1].text.strip():
        chosen.pop()
    pieces: list[str] = []
    placed: list[tuple[Mention, int]] = []
    offset = 0
    for index, line in enumerate(chosen):
        if index:
            pieces.append("\n")
            offset += 1
        pieces.append(line.text)
        placed.extend((mention, offset + mention.start) for mention in line.mentions)
        offset += len(line.text)
    return "".join(pieces), sorted(placed, key=lambda item: (item[1], -item[0].end))


def read_dev(problems: Problems) -> list[Case]:
    cases: list[Case] = []
    current: Case | None = None
    body: list[tuple[int, str]] = []
    bodies: list[list[tuple[int, str]]] = []
    for number, raw in enumerate(DEV_SOURCE.read_text(encoding="utf-8").splitlines(), 1):
        if raw.startswith("==="):
            header = HEADER.match(raw)
            if header is None:
                problems.add(DEV_SOURCE, number, "malformed header (want '=== id | field | tags')")
                continue
            if current is not None:
                bodies.append(body)
            tags = [tag.strip() for tag in header["tags"].split(",") if tag.strip()]
            current = Case(header["id"], header["specialty"].strip(), tags, number)
            cases.append(current)
            body = []
            continue
        if current is None:
            if raw.strip() and not raw.startswith("#"):
                problems.add(DEV_SOURCE, number, "text before the first '===' header")
            continue
        body.append((number, raw))
    if current is not None:
        bodies.append(body)
    for case, case_body in zip(cases, bodies, strict=True):
        case.lines = parse_lines(DEV_SOURCE, case_body, problems, allow_boiler=True)
    return cases


def check_case(case: Case, problems: Problems) -> None:
    src = DEV_SOURCE
    if not CASE_ID.match(case.id):
        problems.add(src, case.line, f"id {case.id!r} is not like 'dev001'")
    if case.specialty not in SPECIALTIES:
        problems.add(src, case.line, f"unknown specialty {case.specialty!r}")
    for tag in case.tags:
        if tag not in TAGS:
            problems.add(src, case.line, f"unknown tag {tag!r}")
    mentions = [m for line in case.lines for m in line.mentions]
    statuses = {m.status for m in mentions}
    subjects = {m.subject for m in mentions}
    implied = {
        "excluded": "excluded" in statuses,
        "uncertain": "uncertain" in statuses,
        "family": "family" in subjects,
        "other_patient": "other_patient" in subjects,
        "generic": "generic" in subjects,
        "boilerplate": any(line.boilerplate for line in case.lines),
    }
    for tag, has in implied.items():
        if has and tag not in case.tags:
            problems.add(src, case.line, f"{case.id}: tag {tag!r} missing")
        if not has and tag in case.tags:
            problems.add(src, case.line, f"{case.id}: tagged {tag!r} but nothing matches it")
    clean, _ = assemble(case.lines, clean=True)
    words = len(WORD.findall(clean))
    if not MIN_WORDS <= words <= MAX_WORDS:
        problems.add(src, case.line, f"{case.id}: {words} words (want {MIN_WORDS}-{MAX_WORDS})")


def case_record(case: Case) -> dict[str, Any]:
    text, placed = assemble(case.lines, clean=False)
    mentions: list[dict[str, Any]] = []
    for mention, start in placed:
        record = mention.as_json()
        record["start"], record["end"] = start, start + len(mention.text)
        mentions.append(record)
    record_out: dict[str, Any] = {
        "id": case.id,
        "specialty": case.specialty,
        "tags": case.tags,
        "text": text,
        "mentions": mentions,
    }
    if "boilerplate" in case.tags:
        clean, clean_placed = assemble(case.lines, clean=True)
        record_out["clean"] = clean
        for record, (mention, start) in zip(mentions, clean_placed, strict=True):
            record["clean_start"], record["clean_end"] = start, start + len(mention.text)
    return record_out


def read_negation(problems: Problems) -> list[tuple[int, Line]]:
    sentences: list[tuple[int, Line]] = []
    for number, raw in enumerate(NEG_SOURCE.read_text(encoding="utf-8").splitlines(), 1):
        if not raw.strip() or raw.startswith("#"):
            continue
        if raw.startswith("@@"):
            if not sentences:
                problems.add(NEG_SOURCE, number, "@@ line with no preceding sentence")
                continue
            extra = EXTRA.match(raw.rstrip())
            mention = add_extra(sentences[-1][1], extra, number) if extra else None
            if mention is None:
                problems.add(NEG_SOURCE, number, "malformed or unplaceable @@ line")
                continue
            sentences[-1][1].mentions.append(mention)
            continue
        text, mentions = strip_markup(raw.strip(), number)
        for token in LEFTOVER:
            if token in text:
                problems.add(NEG_SOURCE, number, f"leftover markup {token!r} in text")
        sentences.append((number, Line(number, text, False, mentions)))
    return sentences


def check_offsets(
    source: Path, records: list[dict[str, Any]], problems: Problems, line_of: dict[str, int]
) -> None:
    for record in records:
        for mention in record["mentions"]:
            if record["text"][mention["start"] : mention["end"]] != mention["text"]:
                problems.add(source, line_of[record["id"]], f"offset mismatch {mention['text']!r}")
            if "clean" in record:
                span = record["clean"][mention["clean_start"] : mention["clean_end"]]
                if span != mention["text"]:
                    problems.add(source, line_of[record["id"]], "clean offset mismatch")


def check_consistency(source: Path, mentions: list[Mention], problems: Problems) -> None:
    """The same words (case-insensitive) must get the same id everywhere in one file."""
    seen: dict[str, tuple[str, int]] = {}
    for mention in mentions:
        key = " ".join(mention.text.lower().split())
        if key in seen and seen[key][0] != mention.id:
            first_id, first_line = seen[key]
            problems.add(
                source,
                mention.line,
                f"{mention.text!r} is {mention.id} here but {first_id} on line {first_line}",
            )
        seen.setdefault(key, (mention.id, mention.line))


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        Path(temporary).chmod(0o644)  # mkstemp creates 0600 files
        Path(temporary).replace(path)  # atomic, same as os.replace
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def table(title: str, counts: Counter[str], order: tuple[str, ...] = ()) -> list[str]:
    keys = [key for key in order if key in counts] + sorted(k for k in counts if k not in order)
    rows = [f"  {title}"]
    rows.extend(f"    {key:<28} {counts[key]:>5}" for key in keys)
    return rows


def summary(cases: list[dict[str, Any]], negation: list[dict[str, Any]]) -> str:
    mentions = [m for case in cases for m in case["mentions"]]
    rows = [
        "dev_cases.jsonl",
        f"  abstracts                    {len(cases):>5}",
        f"  mentions                     {len(mentions):>5}",
    ]
    rows += table("by kind", Counter(m["kind"] for m in mentions), ("phenotype", "disease"))
    rows += table("by status", Counter(m["status"] for m in mentions), STATUSES)
    rows += table("by subject", Counter(m["subject"] for m in mentions), SUBJECTS)
    rows += table("abstracts per tag", Counter(t for case in cases for t in case["tags"]), TAGS)
    rows += table("abstracts per specialty", Counter(case["specialty"] for case in cases))
    neg_mentions = [m for sentence in negation for m in sentence["mentions"]]
    rows += [
        "clinical_negation.jsonl",
        f"  sentences                    {len(negation):>5}",
        f"  mentions                     {len(neg_mentions):>5}",
    ]
    rows += table("by status", Counter(m["status"] for m in neg_mentions), STATUSES)
    rows += table("by subject", Counter(m["subject"] for m in neg_mentions), SUBJECTS)
    return "\n".join(rows)


def main() -> int:
    problems = Problems()
    validator = Validator(problems)

    cases = read_dev(problems)
    ids = Counter(case.id for case in cases)
    for case in cases:
        if ids[case.id] > 1:
            problems.add(DEV_SOURCE, case.line, f"duplicate id {case.id!r}")
        check_case(case, problems)
        for line in case.lines:
            for mention in line.mentions:
                validator.check(DEV_SOURCE, mention)
    dev_mentions = [m for case in cases for line in case.lines for m in line.mentions]
    check_consistency(DEV_SOURCE, dev_mentions, problems)
    dev_records = [case_record(case) for case in cases]
    check_offsets(DEV_SOURCE, dev_records, problems, {case.id: case.line for case in cases})

    sentences = read_negation(problems)
    neg_records: list[dict[str, Any]] = []
    neg_lines: dict[str, int] = {}
    for index, (number, line) in enumerate(sentences, 1):
        if not line.mentions:
            problems.add(NEG_SOURCE, number, "sentence without any mention")
        for mention in line.mentions:
            validator.check(NEG_SOURCE, mention)
        sentence_id = f"neg{index:03d}"
        neg_lines[sentence_id] = number
        neg_records.append(
            {
                "id": sentence_id,
                "text": line.text,
                "mentions": [
                    m.as_json() for m in sorted(line.mentions, key=lambda m: (m.start, -m.end))
                ],
            }
        )
    check_consistency(NEG_SOURCE, [m for _, line in sentences for m in line.mentions], problems)
    check_offsets(NEG_SOURCE, neg_records, problems, neg_lines)

    if problems.messages:
        for message in problems.messages:
            print(message, file=sys.stderr)
        print(f"{len(problems.messages)} problem(s); nothing written", file=sys.stderr)
        return 1
    write_jsonl(DEV_OUTPUT, dev_records)
    write_jsonl(NEG_OUTPUT, neg_records)
    print(summary(dev_records, neg_records))
    return 0


if __name__ == "__main__":
    sys.exit(main())
