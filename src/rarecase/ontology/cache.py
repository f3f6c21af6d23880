"""The versioned on-disk cache of compiled knowledge bases.

A cache entry is a folder named by the cache format and a hash of the two source files' bytes,
so a new HPO release (or a changed compiler, via :data:`CACHE_FORMAT`) gets a new entry and an
old one is never read by mistake. Entries are written to a temporary folder and renamed into
place, so concurrent builders (Dask workers starting together) never see half an entry.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import tempfile
from pathlib import Path

import numpy as np

from rarecase.ontology.compile import Compiled
from rarecase.ontology.sources import HpoSources

# Bump whenever compile.py changes what it stores or how.
CACHE_FORMAT = 2

_ARRAYS = "arrays.npz"
_TEXTS = "texts.json"
_MANIFEST = "manifest.json"

log = logging.getLogger(__name__)


def _digest(path: Path) -> str:
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            hasher.update(chunk)
    return hasher.hexdigest()


def source_hashes(sources: HpoSources) -> dict[str, str]:
    return {"obo": _digest(sources.obo), "hpoa": _digest(sources.hpoa)}


def entry_path(cache_dir: Path, hashes: dict[str, str]) -> Path:
    key = hashlib.sha256(f"{hashes['obo']}:{hashes['hpoa']}".encode()).hexdigest()[:16]
    return cache_dir / f"kb-v{CACHE_FORMAT}-{key}"


def read_entry(entry: Path) -> Compiled | None:
    """The compiled knowledge in ``entry``, or None when absent or unreadable (then rebuilt)."""
    if not (entry / _MANIFEST).is_file():
        return None
    try:
        with np.load(entry / _ARRAYS, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        texts = json.loads((entry / _TEXTS).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError) as error:
        log.warning("knowledge cache %s is unreadable (%s); rebuilding it", entry, error)
        return None
    return Compiled(arrays=arrays, texts=texts)


def write_entry(entry: Path, compiled: Compiled, manifest: dict[str, object]) -> None:
    """Write ``compiled`` into ``entry`` atomically; a failure to write only costs speed."""
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".building-", dir=entry.parent))
    except OSError as error:
        log.warning("cannot create knowledge cache in %s (%s); continuing without", entry, error)
        return
    try:
        np.savez(staging / _ARRAYS, **compiled.arrays)  # type: ignore[arg-type]
        (staging / _TEXTS).write_text(json.dumps(compiled.texts), encoding="utf-8")
        (staging / _MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        staging.rename(entry)
    except OSError as error:
        # Another process may have renamed its own build into place first: theirs is as good.
        if not (entry / _MANIFEST).is_file():
            log.warning("cannot write knowledge cache %s (%s); continuing without", entry, error)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
