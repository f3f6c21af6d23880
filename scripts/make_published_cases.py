"""Write the bundled corpus of published cases, src/rarecase/data/published_cases.jsonl.gz.

It is ../shared/data/phenopackets/dev.jsonl.gz (phenopacket-store, BSD-3-Clause; Danis et al.,
HGG Advances 2025) reduced to what ranking and similar-case search read: id, PMID, diagnoses,
observed and excluded HPO ids. Rerun when that file changes:

    .venv/bin/python scripts/make_published_cases.py [SOURCE]
"""

from __future__ import annotations

import gzip
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "phenopackets" / "dev.jsonl.gz"
TARGET = ROOT / "src" / "rarecase" / "data" / "published_cases.jsonl.gz"
FIELDS = ("id", "pmid", "diseases", "observed", "excluded")


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    lines = []
    with gzip.open(source, "rt", encoding="utf-8") as handle:
        for line in handle:
            if not line.strip():
                continue
            record = json.loads(line)
            compact = {key: record.get(key) for key in FIELDS}
            compact["diseases"] = [{"id": d["id"]} for d in record.get("diseases", [])]
            lines.append(json.dumps(compact, separators=(",", ":")))
    # mtime 0: the same input gives the same bytes
    with gzip.GzipFile(TARGET, "wb", mtime=0) as out:
        out.write(("\n".join(lines) + "\n").encode("utf-8"))
    print(f"{TARGET}: {len(lines)} cases from {source}")


if __name__ == "__main__":
    main()
