"""Benchmark cited-claim extraction on rarecase's own development sentences: recall of the
cited quantitative or causal statements, and whether their numbers and markers are exact.

    .venv/bin/python benchmarks/bench_claims.py [--data benchmarks/data/claims.jsonl] [--errors]

Target (issue 6): recall >= 0.85 of cited quantitative statements, with numbers and markers
exact. A claim is matched to the gold claim of its snippet in order.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rarecase.recognize.claims import claims
from rarecase.text import read_source

DEFAULT = Path(__file__).parent / "data" / "claims.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--data", type=Path, default=DEFAULT)
    parser.add_argument("--errors", action="store_true")
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.read_text().splitlines() if line.strip()]
    gold_n = found_n = matched = exact_numbers = exact_markers = 0
    errors = []
    for row in rows:
        [document] = read_source(row["text"], name=row["id"])
        found = claims(document)
        gold = row["claims"]
        gold_n += len(gold)
        found_n += len(found)
        for wanted, got in zip(gold, found, strict=False):
            matched += 1
            numbers = [[q.value, q.unit] for q in got.quantities]
            markers = [list(m.numbers) for m in got.markers]
            exact_numbers += numbers == wanted["numbers"]
            exact_markers += markers == wanted["markers"]
            if numbers != wanted["numbers"] or markers != wanted["markers"]:
                errors.append((row["id"], wanted, {"numbers": numbers, "markers": markers}))
        if len(found) != len(gold):
            errors.append((row["id"], f"{len(gold)} claims", f"{len(found)} found"))
    print(f"Cited claims on {args.data.name}: {len(rows)} snippets, {gold_n} gold claims\n")
    print("| measure | value | target |\n|---|---|---|")
    print(f"| recall | {matched / max(gold_n, 1):.3f} ({matched}/{gold_n}) | >= 0.85 |")
    print(f"| precision | {matched / max(found_n, 1):.3f} ({matched}/{found_n}) | |")
    for name, count in (("numbers exact", exact_numbers), ("markers exact", exact_markers)):
        print(f"| {name} | {count / max(matched, 1):.3f} ({count}/{matched}) | all |")
    if args.errors:
        for error in errors:
            print(error)


if __name__ == "__main__":
    main()
