"""Validate the full-text gold set (``gold.jsonl`` and the ``ftNN.xml`` articles beside it).

Checks that every article parses with ``rarecase.text.read_path`` into one document with a
title, an abstract and body sections; that every HPO id is current and in the
phenotypic-abnormality subontology of the release rarecase loads by default; that no id is
listed twice or both present and excluded; and that no excluded id is an ancestor of a present
one (which would contradict it). Prints a table of counts; exits 1 on any problem.

Run from the repository root::

    .venv/bin/python benchmarks/data/fulltext/check_gold.py [--labels]
"""

from __future__ import annotations

import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import rarecase
from rarecase.text import read_path

HERE = Path(__file__).resolve().parent
GOLD = HERE / "gold.jsonl"
KEYS = ("id", "file", "patient_present", "patient_excluded", "notes")
HPO_ID = re.compile(r"^HP:\d{7}$")


def article_words(path: Path) -> int:
    """Words in the article title, abstract and body (not journal metadata or references)."""
    root = ET.parse(path).getroot()
    parts = [root.find(".//article-title"), root.find(".//abstract"), root.find("body")]
    return sum(len("".join(p.itertext()).split()) for p in parts if p is not None)


def check_record(record: dict, kb: rarecase.KnowledgeBase, problems: list[str]) -> None:
    rid = record.get("id", "?")
    if tuple(record) != KEYS:
        problems.append(f"{rid}: keys {list(record)} != {list(KEYS)}")
    present = record.get("patient_present", [])
    excluded = record.get("patient_excluded", [])
    for field, ids in (("patient_present", present), ("patient_excluded", excluded)):
        if len(set(ids)) != len(ids):
            problems.append(f"{rid}: duplicate ids in {field}")
        for term in ids:
            if not HPO_ID.match(term) or not kb.is_current(term):
                problems.append(f"{rid}: {term} in {field} is not a current HPO id")
            elif kb.subontology(term).value != "phenotypic_abnormality":
                problems.append(f"{rid}: {term} ({kb.label(term)}) is not a phenotypic abnormality")
    valid = [t for t in present + excluded if HPO_ID.match(t) and kb.is_current(t)]
    if set(valid) != set(present + excluded):
        return
    for term in sorted(set(present) & set(excluded)):
        problems.append(f"{rid}: {term} ({kb.label(term)}) is both present and excluded")
    for gone in excluded:
        for term in present:
            if gone != term and kb.is_ancestor(gone, term):
                problems.append(
                    f"{rid}: excluded {gone} ({kb.label(gone)}) is an ancestor of present {term}"
                )


def check_article(record: dict, problems: list[str]) -> int:
    rid = record.get("id", "?")
    path = HERE / record.get("file", "")
    if not path.is_file():
        problems.append(f"{rid}: missing file {path.name}")
        return 0
    docs = read_path(path)
    if len(docs) != 1:
        problems.append(f"{rid}: read_path gave {len(docs)} documents")
        return 0
    kinds = {section.kind for section in docs[0].sections}
    for kind in ("title", "abstract", "case", "discussion"):
        if kind not in kinds:
            problems.append(f"{rid}: no {kind!r} section (got {sorted(kinds)})")
    return article_words(path)


def main() -> int:
    show_labels = "--labels" in sys.argv[1:]
    kb = rarecase.load()
    problems: list[str] = []
    records = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line]
    ids = [r.get("id") for r in records]
    if len(set(ids)) != len(ids):
        problems.append("duplicate article ids")
    rows = []
    for record in records:
        check_record(record, kb, problems)
        words = check_article(record, problems)
        rows.append(
            (record["id"], words, len(record["patient_present"]), len(record["patient_excluded"]))
        )
        if show_labels:
            for field in ("patient_present", "patient_excluded"):
                for term in record[field]:
                    label = kb.label(term) if kb.is_current(term) else "?"
                    print(f"{record['id']}  {field[8:]:8}  {term}  {label}")
    print(f"{'article':8} {'words':>6} {'present':>8} {'excluded':>9}")
    for rid, words, n_present, n_excluded in rows:
        print(f"{rid:8} {words:6d} {n_present:8d} {n_excluded:9d}")
    print(
        f"{'total':8} {sum(r[1] for r in rows):6d} {sum(r[2] for r in rows):8d} "
        f"{sum(r[3] for r in rows):9d}"
    )
    for problem in problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
