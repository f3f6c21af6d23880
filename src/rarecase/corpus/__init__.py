"""Published cases: a store (SQLite by default, PostgreSQL by URL), ingestion, the similar-case
index and the novelty check.

The store and its readers (SQLAlchemy, Alembic) load on first use of their names, so that
``import rarecase`` stays light for callers that never open a store.

    >>> from rarecase.corpus import CaseIndex, CaseRecord, CaseStore, add_sources, novelty
    >>> with CaseStore.open("sqlite://") as store:
    ...     _ = store.add([CaseRecord("a", "PMID:1", present=("HP:0001250", "HP:0010646")),
    ...                    CaseRecord("b", "PMID:2", present=("HP:0001250",))])
    ...     index = CaseIndex.build(kb, store.records())
    >>> [hit.pmid for hit in index.search(["HP:0010646"])]
    ['PMID:1']
    >>> [c.pmid for c in novelty(index, ["HP:0001250", "HP:0010646"]).matching_cases]
    ['PMID:1']
"""

from importlib import import_module
from typing import Any

from rarecase.corpus.novelty import NoveltyReport, novelty
from rarecase.corpus.records import CaseRecord, NamedDisease
from rarecase.corpus.similar import CaseIndex, SimilarCase

# name -> module, imported when the name is first asked for
_LAZY = {
    "CaseStore": "rarecase.corpus.store",
    "IngestReport": "rarecase.corpus.store",
    "Rejection": "rarecase.corpus.store",
    "StoreError": "rarecase.corpus.store",
    "default_url": "rarecase.corpus.store",
    "CaseReader": "rarecase.corpus.ingest",
    "add_bundled": "rarecase.corpus.ingest",
    "add_sources": "rarecase.corpus.ingest",
    "open_store": "rarecase.corpus.ingest",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'rarecase.corpus' has no attribute {name!r}")


__all__ = [
    "CaseIndex",
    "CaseReader",
    "CaseRecord",
    "CaseStore",
    "IngestReport",
    "NamedDisease",
    "NoveltyReport",
    "Rejection",
    "SimilarCase",
    "StoreError",
    "add_bundled",
    "add_sources",
    "default_url",
    "novelty",
    "open_store",
]
