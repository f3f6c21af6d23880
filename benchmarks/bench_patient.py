"""Benchmark the patient facts (age at presentation, sex, follow-up length) on rarecase's own
development set of synthetic case-report snippets with gold values, and their cost beside
recognition.

    .venv/bin/python benchmarks/bench_patient.py [--data benchmarks/data/patient_facts.jsonl]
        [--errors]

Prints a Markdown table for benchmarks/RESULTS.md; the target (issue 6) is accuracy >= 0.95 for
age, sex and follow-up. A fact the gold leaves empty must be left empty too.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from rarecase.recognize.patient import patient_facts
from rarecase.text import read_source

DEFAULT = Path(__file__).parent / "data" / "patient_facts.jsonl"
FIELDS = ("age", "sex", "follow_up")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--errors", action="store_true", help="list every wrong value")
    parser.add_argument(
        "--rounds", type=int, default=20, help="timing rounds over the snippets (both ways)"
    )
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text().splitlines() if line.strip()]
    right = dict.fromkeys(FIELDS, 0)
    errors = []
    started = time.perf_counter()
    for row in rows:
        [document] = read_source(row["text"], name=row["id"])
        facts = patient_facts(document)
        for name in FIELDS:
            fact = getattr(facts, name)
            found = None if fact is None else fact.value
            if found == row[name]:
                right[name] += 1
            else:
                errors.append((row["id"], name, row[name], found))
    elapsed = (time.perf_counter() - started) / max(len(rows), 1) * 1000
    print(f"Patient facts on {args.data.name}: {len(rows)} snippets\n")
    print("| fact | accuracy | target |\n|---|---|---|")
    for name in FIELDS:
        print(f"| {name.replace('_', ' ')} | {right[name] / len(rows):.3f} "
              f"({right[name]}/{len(rows)}) | >= 0.95 |")  # fmt: skip
    print(f"\n{elapsed:.2f} ms per snippet, reading included (first pass)")
    # Its cost beside recognition, in the same process: facts alone, recognition alone.
    from rarecase.ontology import load
    from rarecase.recognize.recognizer import Recognizer

    recognizer = Recognizer(load())
    documents = [read_source(row["text"], name=row["id"])[0] for row in rows]
    facts_s = recognition_s = 0.0
    for _ in range(args.rounds):
        started = time.perf_counter()
        for document in documents:
            patient_facts(document)
        facts_s += time.perf_counter() - started
        started = time.perf_counter()
        for document in documents:
            recognizer.annotate(document)
        recognition_s += time.perf_counter() - started
    n = args.rounds * len(documents)
    print(
        f"facts {facts_s / n * 1000:.3f} ms and recognition {recognition_s / n * 1000:.3f} ms "
        f"per snippet: facts add {facts_s / recognition_s:.1%} to recognition"
    )
    if args.errors and errors:
        print("\n| id | fact | gold | found |\n|---|---|---|---|")
        for ident, name, gold, found in errors:
            print(f"| {ident} | {name} | {gold} | {found} |")


if __name__ == "__main__":
    main()
