"""Write the bundled body-site vocabulary, src/rarecase/recognize/data/body_sites.tsv.gz.

The Medical Action Ontology file (../shared/data/maxo/maxo.obo.gz, release 2024-07-29, CC BY 4.0)
carries the 1,700 UBERON anatomy terms its actions are defined with (UBERON, CC BY 3.0). Their
labels and exact synonyms are the names of body sites a procedure can be done on. The file also
records, for each MAxO action whose own name or definition names a site ("nephrectomy: the
surgical removal of part or all of kidney"; "biopsy of lip"), that site: an action's implied
body site when the text states no other. Rerun when that file changes:

    .venv/bin/python scripts/make_body_sites.py [SOURCE]
"""

from __future__ import annotations

import gzip
import re
import sys
from pathlib import Path

from make_maxo_actions import clean, read_maxo  # the same release, read the same way

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "src" / "rarecase" / "recognize" / "data" / "body_sites.tsv.gz"
HEADER = (
    "# UBERON anatomy terms as bundled in the Medical Action Ontology (MAxO), Monarch Initiative;\n"
    "# CC BY 4.0 (MAxO), CC BY 3.0 (UBERON); MAxO release {version}. Reduced by\n"
    "# scripts/make_body_sites.py.\n"
    "# site\tUBERON id\tlabel\tnames (|)   or   implied\tMAXO id\tUBERON id\n"
)
# Anatomy too general to be the site of a procedure ("tissue", "blood"): left out.
_GENERAL_WORDS = frozenset(
    {"tissue", "blood", "serum", "plasma", "cell", "organ", "body", "region", "entity", "system",
     "structure", "material", "substance", "fluid", "space", "surface", "part", "segment",
     "lamina", "projection", "layer", "element", "cavity", "wall", "lumen", "process", "gland",
     "valve", "cortex", "vessel", "duct", "tube", "septum", "septa", "lobule", "lobus", "sac",
     "pouch", "trunk", "viscus", "adults", "nerves", "mucosa"}
)  # fmt: skip
# Short names that are sites in clinical text; other names under five letters are mostly
# abbreviations of embryonic structures ("lpm") or common words ("life", "tear", "pit").
_SHORT = frozenset(
    {"nose", "skin", "head", "eye", "neck", "leg", "anus", "face", "arm", "hip", "knee", "toe",
     "vein", "ear", "jaw", "iris", "gum", "gums", "lip", "lung", "limb", "rib", "foot", "hand",
     "lens", "cns", "uvea", "hair", "bone", "bowel", "colon", "liver", "heart", "brain"}
)  # fmt: skip
# Anatomy of the embryo, or products of the body, which no procedure in a case report is on.
_NOT_SITES = re.compile(
    r"mesoderm|ectoderm|endoderm|neural crest|embryo|primordium|placode|life cycle|secretion|"
    r"\bmilk\b|\bpus\b|mesenchyme|pharyngeal arch|shaped body|enveloping layer|\bbud\b|anlage|"
    r"\bfluid\b|\burine\b|\bsemen\b|\bsaliva\b|\bsweat\b|\bfeces\b|\bbile\b|\bmucus\b|"
    r"adult organism|sputum|^lymph$|sebum|morula|somite|coelom|cloaca|midgut|amnion"
)
_SITE_PHRASE = re.compile(
    r"\b(?:of|on|to|in|into|from|through|within) (?:part or all of )?(?:the |an? )?([a-z][a-z -]+)"
)


def main() -> None:
    document = read_maxo(sys.argv)
    sites: dict[str, tuple[str, set[str]]] = {}
    by_name: dict[str, str] = {}
    for term in document.terms:
        if not term.id.startswith("UBERON:") or term.is_obsolete or not term.name:
            continue
        names = {clean(term.name).lower()}
        names |= {clean(text).lower() for text, scope, _ in term.synonyms if scope == "EXACT"}
        names = {n for n in names if (len(n) >= 5 or n in _SHORT) and n not in _GENERAL_WORDS}
        if clean(term.name).lower() in _GENERAL_WORDS or _NOT_SITES.search(term.name) or not names:
            continue
        sites[term.id] = (clean(term.name), names)
        for name in sorted(names, key=len):
            by_name.setdefault(name, term.id)
    rows = [
        f"site\t{ident}\t{label}\t{'|'.join(sorted(names))}\n"
        for ident, (label, names) in sorted(sites.items())
    ]
    implied = []
    for term in document.terms:
        if not term.id.startswith("MAXO:") or term.is_obsolete or not term.name:
            continue
        site = _named_site(term.name.lower(), by_name) or _named_site(
            (term.definition or "").lower(), by_name
        )
        if site is not None:
            implied.append(f"implied\t{term.id}\t{site}\n")
    text = HEADER.format(version=document.data_version or "unknown") + "".join(rows + implied)
    TARGET.write_bytes(gzip.compress(text.encode("utf-8"), mtime=0))
    print(f"wrote {TARGET} ({len(rows)} sites, {len(implied)} implied by actions, "
          f"{TARGET.stat().st_size:,} bytes)")  # fmt: skip


def _named_site(text: str, by_name: dict[str, str]) -> str | None:
    """The first site a phrase "of/on/in … X" names, X the longest site name at its start."""
    for match in _SITE_PHRASE.finditer(text):
        words = match.group(1).split()
        for k in range(min(5, len(words)), 0, -1):
            ident = by_name.get(" ".join(words[:k]))
            if ident is not None:
                return ident
    return None


if __name__ == "__main__":
    main()
