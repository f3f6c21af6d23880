"""What a batch reads, cut into units of work: one task per PubMed file, one per group of
article or text files.

A PubMed baseline file (~30,000 citations) is a natural task: big enough that scheduling costs
nothing beside it, small enough that 1,300 of them keep any cluster busy. PMC articles and text
case reports come one per file, so they are grouped (``files_per_unit``) to give tasks of a
similar size. Each unit has a key, made from its file or folder name, that names its output
partition: a re-run of one input replaces exactly its own rows.
"""

from __future__ import annotations

import gzip
import hashlib
import re
import zlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Final

from rarecase.errors import InputError

#: Article or text files per unit of work.
FILES_PER_UNIT: Final = 200
#: File name endings read as text case reports when found in a folder.
TEXT_SUFFIXES: Final = (".txt", ".text", ".md", ".html", ".htm")
_XML_SUFFIXES: Final = (".xml", ".xml.gz", ".nxml", ".nxml.gz")
_UNSAFE: Final = re.compile(r"[^A-Za-z0-9._-]+")


class SourceKind(StrEnum):
    PUBMED = "pubmed"  # a PubMed baseline or update file: many citations, streamed
    ARTICLES = "articles"  # PMC JATS files or text case reports: one document (or a few) each


@dataclass(frozen=True, slots=True)
class Unit:
    """One task: its key (the output partition), what it reads, and a fingerprint of those files
    (sizes and modification times), so a resumed run can tell an input changed since."""

    key: str
    kind: SourceKind
    paths: tuple[str, ...]
    size: int
    fingerprint: str


def plan(sources: Sequence[str | Path], *, files_per_unit: int = FILES_PER_UNIT) -> list[Unit]:
    """The units for ``sources`` (files and folders, searched recursively), in a stable order.

    Every source must exist; two inputs that would share a key are refused, since their output
    would overwrite each other's.
    """
    if not sources:
        raise InputError("batch", "no source given", "name PubMed .xml.gz files or folders")
    units: list[Unit] = []
    for source in sources:
        path = Path(source)
        if not path.exists():
            raise InputError(str(source), "does not exist")
        if path.is_dir():
            units.extend(_folder_units(path, files_per_unit))
        elif _is_pubmed(path):
            units.append(_unit(_key(_stem(path)), SourceKind.PUBMED, [path]))
        else:
            units.append(_unit(_key(_stem(path)), SourceKind.ARTICLES, [path]))
    seen: dict[str, Unit] = {}
    for unit in units:
        if unit.key in seen:
            raise InputError(
                unit.paths[0],
                f"has the same output name ({unit.key}) as {seen[unit.key].paths[0]}",
                "rename one of them or run them apart with different --out",
            )
        seen[unit.key] = unit
    return units


def _folder_units(folder: Path, files_per_unit: int) -> list[Unit]:
    units: list[Unit] = []
    articles: list[Path] = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.name.lower()
        if any(part.startswith((".", "_")) for part in path.relative_to(folder).parts):
            continue  # hidden files, and batch output (_manifest.jsonl) if pointed at
        if name.endswith(_XML_SUFFIXES) and _is_pubmed(path):
            units.append(_unit(_key(_stem(path)), SourceKind.PUBMED, [path]))
        elif name.endswith(_XML_SUFFIXES + TEXT_SUFFIXES):
            articles.append(path)
    for number, start in enumerate(range(0, len(articles), files_per_unit), 1):
        group = articles[start : start + files_per_unit]
        units.append(_unit(_key(f"{folder.name}.part{number:05d}"), SourceKind.ARTICLES, group))
    return units


def _unit(key: str, kind: SourceKind, paths: Iterable[Path]) -> Unit:
    files = list(paths)
    stats = [p.stat() for p in files]
    digest = hashlib.sha256()
    for path, stat in zip(files, stats, strict=True):
        digest.update(f"{path.name}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return Unit(
        key=key,
        kind=kind,
        paths=tuple(str(p.absolute()) for p in files),  # workers elsewhere have another cwd
        size=sum(s.st_size for s in stats),
        fingerprint=digest.hexdigest()[:16],
    )


def _is_pubmed(path: Path) -> bool:
    """Whether the file is a PubMed citation set: named as the baseline and update files are
    (``pubmed26n0001.xml.gz``; a damaged one is then said so when read), or opening with one."""
    if path.name.lower().startswith("pubmed") and path.name.lower().endswith(_XML_SUFFIXES):
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(2)
            handle.seek(0)
            if head == b"\x1f\x8b":
                with gzip.GzipFile(fileobj=handle) as unzipped:
                    start = unzipped.read(4096)
            else:
                start = handle.read(4096)
    except (OSError, EOFError, zlib.error):
        return False
    return b"<PubmedArticleSet" in start or b"<!DOCTYPE PubmedArticleSet" in start


def _stem(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".xml", ".nxml", *TEXT_SUFFIXES):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return name or path.name


def _key(name: str) -> str:
    return _UNSAFE.sub("_", name).strip("._") or "input"
