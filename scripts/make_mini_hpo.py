"""Write tests/data/mini_hpo: a small, consistent excerpt of the real HPO release.

Doctests and fast unit tests run against it. The chosen terms keep their real ids, labels,
synonyms and alt_ids; every ancestor of a chosen term is included so the hierarchy is whole;
annotation rows are real rows of the chosen diseases restricted to the included terms.

    .venv/bin/python scripts/make_mini_hpo.py
"""

from __future__ import annotations

import re
from pathlib import Path

from rarecase.ontology.sources import locate_sources

LEAVES = [
    "HP:0001250",
    "HP:0007359",
    "HP:0001251",
    "HP:0010646",
    "HP:0000286",
    "HP:0001263",
    "HP:0001249",
    "HP:0002650",
    "HP:0001166",
    "HP:0002616",
    "HP:0000316",
    "HP:0000193",
    "HP:0004322",
    "HP:0001382",
    "HP:0000006",
    "HP:0000007",
    "HP:0003577",
    "HP:0011463",
    "HP:0003581",
    "HP:0040280",
    "HP:0040281",
    "HP:0040282",
    "HP:0040283",
    "HP:0040284",
    "HP:0040285",
    "HP:0012828",
]
DISEASES = ["OMIM:609192", "OMIM:300989", "ORPHA:485", "OMIM:154700", "ORPHA:284963"]
OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "mini_hpo"


def stanzas(text: str) -> tuple[str, dict[str, str]]:
    head, *blocks = re.split(r"\n(?=\[)", text)
    terms = {}
    for block in blocks:
        if block.startswith("[Term]"):
            ident = re.search(r"^id: (\S+)", block, re.M)
            if ident:
                terms[ident.group(1)] = block.strip()
    return head, terms


def main() -> None:
    sources = locate_sources()
    head, terms = stanzas(sources.obo.read_text(encoding="utf-8"))
    parents = {t: re.findall(r"^is_a: (\S+)", b, re.M) for t, b in terms.items()}
    keep: set[str] = set()
    stack = list(LEAVES)
    while stack:
        t = stack.pop()
        if t not in keep:
            keep.add(t)
            stack += parents[t]
    # one obsolete term replaced by a kept term, and one that only says "consider"
    replaced = [
        t
        for t, b in terms.items()
        if "is_obsolete: true" in b
        and any(r in keep for r in re.findall(r"^replaced_by: (\S+)", b, re.M))
    ]
    consider = [
        t
        for t, b in terms.items()
        if "is_obsolete: true" in b
        and "replaced_by" not in b
        and re.findall(r"^consider: (\S+)", b, re.M)
        and all(c in keep for c in re.findall(r"^consider: (\S+)", b, re.M))
    ]
    obsolete = replaced[:1] + consider[:1]
    header = "\n".join(
        line if not line.startswith("data-version") else "data-version: hp/releases/2025-01-16-mini"
        for line in head.splitlines()
        if line.startswith(("format-version", "data-version", "synonymtypedef", "ontology"))
    )
    body = []
    for t in sorted(keep | set(obsolete)):
        block = "\n".join(
            line
            for line in terms[t].splitlines()
            if not line.startswith(("property_value", "subset", "created_by", "creation_date"))
            and not (line.startswith("consider") and t not in obsolete)
        )
        body.append(block)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "hp.obo").write_text(header + "\n\n" + "\n\n".join(body) + "\n", encoding="utf-8")

    lines = sources.hpoa.read_text(encoding="utf-8").splitlines()
    rows = [
        "#description: excerpt of phenotype.hpoa 2025-01-16 for rarecase tests",
        "#version: 2025-01-16-mini",
    ]
    rows.append(next(x for x in lines if x.startswith("database_id")))
    kept = negated = 0
    for line in lines:
        f = line.split("\t")
        if len(f) != 12 or f[3] not in keep or (f[6] and f[6] not in keep):
            continue
        if f[0] in DISEASES or (f[2] == "NOT" and negated < 2):
            rows.append(line)
            kept += 1
            negated += f[2] == "NOT"
    (OUT / "phenotype.hpoa").write_text("\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(keep)} terms, {len(obsolete)} obsolete, {kept} annotation rows -> {OUT}")


if __name__ == "__main__":
    main()
