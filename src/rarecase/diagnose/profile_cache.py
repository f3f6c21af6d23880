"""Disease profiles kept on disk beside the compiled knowledge base.

Building the profiles with the bundled published cases costs about two seconds a process (one to
read the 8,404 cases, one to compile the matrices), more than the rest of a `rarecase diagnose`
start-up. The result depends only on the knowledge base, the published-case file and the
building code, so it is written once into the knowledge base's cache entry, keyed by a hash of
the published file's bytes, of the building modules' source and :data:`PROFILE_FORMAT`, and read
back in a twentieth of the time.

The file is written to a temporary name and renamed into place, so processes starting together
never read half of one; an unreadable file is rebuilt, and a cache that cannot be written only
costs speed.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
from importlib import resources
from pathlib import Path
from typing import Final

import numpy as np
import scipy.sparse as sp

from rarecase.diagnose import onset as onset_module
from rarecase.diagnose import profiles as profiles_module
from rarecase.diagnose import published as published_module
from rarecase.diagnose.profiles import DEFAULT_FREQUENCY, PUBLISHED_WEIGHT, DiseaseProfiles
from rarecase.diagnose.published import BUNDLED, PublishedCases, read_published
from rarecase.ontology.knowledge import KnowledgeBase

__all__ = ["PROFILE_FORMAT", "cached_profiles"]

#: Bump whenever DiseaseProfiles.build changes what it computes or this module how it stores it.
PROFILE_FORMAT: Final = 1

log = logging.getLogger(__name__)

_SPARSE: Final = ("direct", "closure", "negated", "excluded_counts", "case_closures")
_DENSE: Final = ("background", "databases", "phenotype_mask", "case_counts")


def cached_profiles(
    kb: KnowledgeBase, published: Path | bool | None = None
) -> DiseaseProfiles:
    """The profiles of ``kb`` with the published cases of ``published`` (None: the bundled file;
    a path: that file; False: none), from the cache when it holds them.

    >>> first = cached_profiles(kb, False)
    >>> again = cached_profiles(kb, False)
    >>> (first.direct != again.direct).nnz, first.n_diseases == again.n_diseases
    (0, True)
    """
    source = _source_file(published)
    folder = kb.cache_path
    if folder is None:
        return _build(kb, published)
    entry = folder / f"profiles-v{PROFILE_FORMAT}-{_key(source)}.npz"
    found = _read(kb, entry)
    if found is not None:
        return found
    profiles = _build(kb, published)
    _write(entry, profiles)
    return profiles


def _source_file(published: Path | bool | None) -> Path | None:
    if published is False:
        return None
    if isinstance(published, Path):
        return published
    with resources.as_file(resources.files("rarecase").joinpath("data", BUNDLED)) as file:
        return Path(file)


def _key(source: Path | None) -> str:
    hasher = hashlib.sha256(f"{DEFAULT_FREQUENCY}:{PUBLISHED_WEIGHT}".encode())
    # the building code too, so an edit to it is never hidden by an old entry
    for module in (profiles_module, published_module, onset_module):
        hasher.update(Path(module.__file__ or "").read_bytes())
    if source is not None:
        try:
            hasher.update(source.read_bytes())
        except OSError:
            # unreadable: building will report it with the file's name
            hasher.update(str(source).encode())
    return hasher.hexdigest()[:16]


def _build(kb: KnowledgeBase, published: Path | bool | None) -> DiseaseProfiles:
    corpus = None
    if published is not False:
        corpus = read_published(kb, published if isinstance(published, Path) else None)
    return DiseaseProfiles.build(kb, published=corpus)


def _write(entry: Path, profiles: DiseaseProfiles) -> None:
    arrays: dict[str, np.ndarray] = {}
    for name in _SPARSE:
        matrix = getattr(profiles, name)
        if matrix is None:
            continue
        arrays[f"{name}.kind"] = np.array(matrix.format)
        arrays[f"{name}.shape"] = np.asarray(matrix.shape, dtype=np.int64)
        arrays[f"{name}.data"] = matrix.data
        arrays[f"{name}.indices"] = matrix.indices
        arrays[f"{name}.indptr"] = matrix.indptr
    for name in _DENSE:
        value = getattr(profiles, name)
        if value is not None:
            arrays[name] = value
    texts: dict[str, object] = {}
    cases = profiles.published
    if cases is not None:
        for name in ("diseases", "present", "excluded"):
            parts = [np.asarray(x, dtype=np.int64) for x in getattr(cases, name)]
            arrays[f"published.{name}.lengths"] = np.array([len(x) for x in parts], np.int64)
            arrays[f"published.{name}"] = (
                np.concatenate(parts) if parts else np.empty(0, np.int64)
            )
        texts = {"pmids": list(cases.pmids), "ids": list(cases.ids), "source": cases.source}
    arrays["texts"] = np.array(json.dumps(texts))
    staging: Path | None = None
    try:
        entry.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(prefix=".profiles-", suffix=".npz", dir=entry.parent)
        staging = Path(name)
        with os.fdopen(handle, "wb") as out:
            np.savez(out, **arrays)  # type: ignore[arg-type]
        staging.replace(entry)
    except OSError as error:
        log.warning("cannot write the profile cache %s (%s); continuing without", entry, error)
        if staging is not None:
            staging.unlink(missing_ok=True)  # no half-written file left behind


def _read(kb: KnowledgeBase, entry: Path) -> DiseaseProfiles | None:
    if not entry.is_file():
        return None
    try:
        with np.load(entry, allow_pickle=False) as archive:
            arrays = {name: archive[name] for name in archive.files}
        texts = json.loads(str(arrays["texts"]))
        sparse = {name: _sparse(arrays, name) for name in _SPARSE}
        background, databases, phenotype = (
            arrays["background"],
            arrays["databases"],
            arrays["phenotype_mask"],
        )
        case_counts = arrays.get("case_counts")  # absent without published cases
        published = None
        if texts:
            split = {
                name: np.split(
                    arrays[f"published.{name}"],
                    np.cumsum(arrays[f"published.{name}.lengths"])[:-1],
                )
                for name in ("diseases", "present", "excluded")
            }
            published = PublishedCases(
                tuple(tuple(int(d) for d in ds) for ds in split["diseases"]),
                tuple(split["present"]),
                tuple(split["excluded"]),
                tuple(texts["pmids"]),
                texts["source"],
                tuple(texts["ids"]),
            )
        return DiseaseProfiles(
            kb,
            sparse["direct"],
            sparse["closure"],
            sparse["negated"],
            background,
            databases,
            phenotype,
            case_counts,
            sparse["excluded_counts"],
            published,
            sparse["case_closures"],
        )
    except (OSError, ValueError, KeyError, TypeError) as error:
        log.warning("profile cache %s is unreadable (%s); rebuilding it", entry, error)
        return None


def _sparse(arrays: dict[str, np.ndarray], name: str) -> sp.csr_array | sp.csc_array | None:
    if f"{name}.kind" not in arrays:
        return None
    kind = str(arrays[f"{name}.kind"])
    make = sp.csr_array if kind == "csr" else sp.csc_array
    parts = (arrays[f"{name}.data"], arrays[f"{name}.indices"], arrays[f"{name}.indptr"])
    shape = tuple(int(x) for x in arrays[f"{name}.shape"])
    return make(parts, shape=shape)
