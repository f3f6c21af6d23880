"""Write the bundled medical-action vocabulary, src/rarecase/recognize/data/maxo_actions.tsv.gz.

It is ../shared/data/maxo/maxo.obo.gz, the Medical Action Ontology (release 2024-07-29; CC BY 4.0,
"Medical Action Ontology (MAxO), Monarch Initiative"; Carmody et al., Med 2023), reduced to what
recognition reads: for each current MAXO: term, its label, its exact and related synonyms, and
its MAXO: parents. Rerun when that file changes:

    .venv/bin/python scripts/make_maxo_actions.py [SOURCE]
"""

from __future__ import annotations

import gzip
import sys
import tempfile
from pathlib import Path

from rarecase.ontology.obo import OboDocument, read_obo

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT.parent / "shared" / "data" / "maxo" / "maxo.obo.gz"
TARGET = ROOT / "src" / "rarecase" / "recognize" / "data" / "maxo_actions.tsv.gz"
HEADER = (
    "# Medical Action Ontology (MAxO), Monarch Initiative; CC BY 4.0; release {version}.\n"
    "# Carmody LC, et al. Med 4(12):913-927 (2023). Reduced by scripts/make_maxo_actions.py.\n"
    "# id\tlabel\tsynonyms (|)\tparents (|)\n"
)


def clean(text: str) -> str:
    return " ".join(text.replace("\t", " ").replace("|", "/").split())


def read_maxo(argv: list[str]) -> OboDocument:
    """The MAxO release named on the command line, else the development copy (gzipped OBO;
    the OBO reader takes a plain file)."""
    source = Path(argv[1]) if len(argv) > 1 else SOURCE
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / "maxo.obo"
        plain.write_bytes(gzip.decompress(source.read_bytes()))
        return read_obo(plain)


def main() -> None:
    document = read_maxo(sys.argv)
    rows = []
    for term in document.terms:
        if not term.id.startswith("MAXO:") or term.is_obsolete or not term.name:
            continue
        synonyms = sorted(
            {clean(text) for text, scope, _ in term.synonyms if scope in ("EXACT", "RELATED")}
            - {clean(term.name)}
        )
        parents = [p for p in term.is_a if p.startswith("MAXO:")]
        rows.append(f"{term.id}\t{clean(term.name)}\t{'|'.join(synonyms)}\t{'|'.join(parents)}\n")
    text = HEADER.format(version=document.data_version or "unknown") + "".join(sorted(rows))
    TARGET.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"wrote {TARGET} ({len(rows)} actions, {TARGET.stat().st_size:,} bytes)")


if __name__ == "__main__":
    main()
