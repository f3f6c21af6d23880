"""Numbered lines of an ontology text file, with read errors that name the file and the fix."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from rarecase.errors import OntologyFileError


def numbered_lines(path: Path) -> Iterator[tuple[int, str]]:
    """``(line number, line)`` pairs of a UTF-8 file, read lazily."""
    try:
        with path.open(encoding="utf-8") as handle:
            yield from enumerate(handle, start=1)
    except UnicodeDecodeError as error:
        raise OntologyFileError(
            str(path),
            f"not UTF-8 text ({error.reason} at byte {error.start})",
            f"point --hpo-dir at an official {path.name} release",
        ) from None
    except OSError as error:
        raise OntologyFileError(
            str(path), f"cannot read: {error.strerror}", "check the path given to --hpo-dir"
        ) from None
