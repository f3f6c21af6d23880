"""A reader for HPO's disease annotation file, phenotype.hpoa.

Each row says that a disease shows (or, with qualifier ``NOT``, does not show) a term, how often,
from which onset, in which sex, on what evidence. Frequencies come in three notations (an HPO
frequency term, ``n/m``, ``x%``); :func:`parse_frequency` turns each into one number so that
ranking code can use them without knowing where they came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from rarecase.errors import OntologyFileError
from rarecase.ontology.lines import numbered_lines

# Midpoints of the ranges in the definitions of HPO's frequency terms (HP:0040279 subtree,
# hp.obo 2025-01-16): obligate 100%, very frequent 80-99%, frequent 30-79%, occasional 5-29%,
# very rare 1-4%, excluded 0%.
FREQUENCY_TERMS: Final[dict[str, float]] = {
    "HP:0040280": 1.0,
    "HP:0040281": 0.895,
    "HP:0040282": 0.545,
    "HP:0040283": 0.17,
    "HP:0040284": 0.025,
    "HP:0040285": 0.0,
}

_RATIO = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
_PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*%\s*$")

COLUMNS: Final = (
    "database_id",
    "disease_name",
    "qualifier",
    "hpo_id",
    "reference",
    "evidence",
    "onset",
    "frequency",
    "sex",
    "modifier",
    "aspect",
    "biocuration",
)


def parse_frequency(text: str) -> float | None:
    """The frequency of an annotation as a proportion, or None when the row gives none.

    >>> parse_frequency("HP:0040281"), parse_frequency("3/4"), parse_frequency("12.5%")
    (0.895, 0.75, 0.125)
    >>> parse_frequency("") is None
    True

    Raises ValueError for text in none of the three notations, or a ratio over 1.
    """
    text = text.strip()
    if not text:
        return None
    if text in FREQUENCY_TERMS:
        return FREQUENCY_TERMS[text]
    ratio = _RATIO.match(text)
    if ratio:
        numerator, denominator = int(ratio.group(1)), int(ratio.group(2))
        if denominator == 0 or numerator > denominator:
            raise ValueError(f"frequency {text!r} is not a proportion")
        return numerator / denominator
    percent = _PERCENT.match(text)
    if percent:
        value = float(percent.group(1)) / 100.0
        if value > 1.0:
            raise ValueError(f"frequency {text!r} is over 100%")
        return value
    raise ValueError(f"frequency {text!r} is not an HPO frequency term, n/m or x%")


@dataclass(frozen=True, slots=True)
class HpoaRow:
    """One annotation line, fields as strings; interpretation happens in the compiler."""

    line: int
    database_id: str
    disease_name: str
    negated: bool
    hpo_id: str
    reference: str
    evidence: str
    onset: str
    frequency: float | None
    frequency_text: str
    sex: str
    modifier: str
    aspect: str


@dataclass(frozen=True, slots=True)
class HpoaFile:
    version: str
    rows: list[HpoaRow]


def read_hpoa(path: Path) -> HpoaFile:
    """Parse ``path``; a malformed row raises :class:`OntologyFileError` naming its line."""
    version = ""
    rows: list[HpoaRow] = []
    header_seen = False
    for number, raw in numbered_lines(path):
        line = raw.rstrip("\r\n")
        if not line:
            continue
        if line.startswith("#"):
            key, _, value = line[1:].partition(":")
            if key.strip() == "version":
                version = value.strip()
            continue
        fields = line.split("\t")
        if not header_seen:
            if fields[0] != "database_id":
                raise OntologyFileError(
                    f"{path}:{number}",
                    "no 'database_id …' column header",
                    "the file is not phenotype.hpoa; use an official release",
                )
            header_seen = True
            continue
        if len(fields) != len(COLUMNS):
            raise OntologyFileError(
                f"{path}:{number}",
                f"{len(fields)} columns where {len(COLUMNS)} are expected",
                "the file is truncated or not phenotype.hpoa; use an official release",
            )
        try:
            frequency = parse_frequency(fields[7])
        except ValueError as error:
            raise OntologyFileError(f"{path}:{number}", str(error)) from None
        qualifier = fields[2].strip()
        if qualifier not in ("", "NOT"):
            raise OntologyFileError(
                f"{path}:{number}", f"qualifier {qualifier!r} is neither empty nor NOT"
            )
        rows.append(
            HpoaRow(
                line=number,
                database_id=fields[0].strip(),
                disease_name=fields[1].strip(),
                negated=qualifier == "NOT",
                hpo_id=fields[3].strip(),
                reference=fields[4].strip(),
                evidence=fields[5].strip(),
                onset=fields[6].strip(),
                frequency=frequency,
                frequency_text=fields[7].strip(),
                sex=fields[8].strip().upper(),
                modifier=fields[9].strip(),
                aspect=fields[10].strip(),
            )
        )
    if not header_seen:
        raise OntologyFileError(
            str(path),
            "no annotation header found",
            "the file is not phenotype.hpoa; use an official release",
        )
    return HpoaFile(version=version, rows=rows)
