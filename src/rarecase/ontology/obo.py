"""A reader for the OBO 1.2 flat file, enough of it for hp.obo.

Ours rather than a generic OBO library because we need only [Term] stanzas, the fields HPO uses,
speed (the whole file in about a second), and errors that name the file and line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from rarecase.errors import OntologyFileError
from rarecase.ontology.lines import numbered_lines

_QUOTED = re.compile(r'^"((?:[^"\\]|\\.)*)"\s*(.*)$')
_SYNONYM_TAIL = re.compile(
    r"^(EXACT|RELATED|BROAD|NARROW)(?:\s+([A-Za-z0-9_:-]+))?\s*(\[[^\]]*\])?\s*"
    r"(?:\{[^}]*\})?\s*$"  # OBO 1.4 trailing qualifiers, e.g. {RELATED="OMO:0003000"}
)


@dataclass(slots=True)
class OboTerm:
    """One [Term] stanza, with only the tags rarecase uses."""

    id: str
    line: int
    name: str = ""
    definition: str = ""
    comment: str = ""
    synonyms: list[tuple[str, str, str]] = field(default_factory=list)  # text, scope, type
    xrefs: list[str] = field(default_factory=list)
    is_a: list[str] = field(default_factory=list)
    alt_ids: list[str] = field(default_factory=list)
    is_obsolete: bool = False
    replaced_by: list[str] = field(default_factory=list)
    consider: list[str] = field(default_factory=list)


@dataclass(slots=True)
class OboDocument:
    """The header's release and every term stanza, in file order."""

    data_version: str
    terms: list[OboTerm]


def _unquote(value: str, path: Path, line: int) -> tuple[str, str]:
    match = _QUOTED.match(value)
    if match is None:
        raise OntologyFileError(
            f"{path}:{line}",
            f"expected a quoted string, found {value[:60]!r}",
            "the file is not valid OBO; use an official hp.obo release",
        )
    text = match.group(1).replace('\\"', '"').replace("\\\\", "\\")
    return text, match.group(2)


def _strip_comment(value: str) -> str:
    # "is_a: HP:0000118 ! Phenotypic abnormality" -> "HP:0000118"
    bang = value.find(" !")
    return (value[:bang] if bang >= 0 else value).strip()


def read_obo(path: Path) -> OboDocument:
    """Parse ``path``; raises :class:`OntologyFileError` naming the line of any malformed tag."""
    terms: list[OboTerm] = []
    data_version = ""
    current: OboTerm | None = None
    in_term = False
    saw_header = False
    for number, raw in numbered_lines(path):
        line = raw.strip()
        if not line or line.startswith("!"):
            continue
        if line.startswith("["):
            in_term = line == "[Term]"
            current = None
            continue
        tag, sep, value = line.partition(":")
        if not sep:
            raise OntologyFileError(
                f"{path}:{number}",
                f"expected 'tag: value', found {line[:60]!r}",
                "the file is not valid OBO; use an official hp.obo release",
            )
        value = value.strip()
        if not in_term:
            if tag in ("format-version", "data-version", "ontology"):
                saw_header = True
            if tag == "data-version":
                data_version = value
            continue
        if tag == "id":
            current = OboTerm(id=value, line=number)
            terms.append(current)
            continue
        if current is None:
            raise OntologyFileError(
                f"{path}:{number}",
                f"tag {tag!r} before the stanza's id",
                "the file is not valid OBO; use an official hp.obo release",
            )
        _apply_tag(current, tag, value, path, number)
    if not saw_header or not terms:
        raise OntologyFileError(
            str(path),
            "no OBO header or no [Term] stanza found",
            "the file is not hp.obo; use an official release",
        )
    return OboDocument(data_version=data_version, terms=terms)


def _apply_tag(term: OboTerm, tag: str, value: str, path: Path, number: int) -> None:
    if tag == "name":
        term.name = value
    elif tag == "def":
        term.definition, _ = _unquote(value, path, number)
    elif tag == "comment":
        term.comment = value
    elif tag == "synonym":
        text, rest = _unquote(value, path, number)
        tail = _SYNONYM_TAIL.match(rest)
        if tail is None:
            raise OntologyFileError(
                f"{path}:{number}",
                f"synonym scope missing or unknown in {rest[:40]!r}",
                "scope must be EXACT, RELATED, BROAD or NARROW",
            )
        term.synonyms.append((text, tail.group(1), tail.group(2) or ""))
    elif tag == "xref":
        term.xrefs.append(value.split(" ", 1)[0])
    elif tag == "is_a":
        term.is_a.append(_strip_comment(value))
    elif tag == "alt_id":
        term.alt_ids.append(value)
    elif tag == "is_obsolete":
        term.is_obsolete = value == "true"
    elif tag == "replaced_by":
        term.replaced_by.append(_strip_comment(value))
    elif tag == "consider":
        term.consider.append(_strip_comment(value))
