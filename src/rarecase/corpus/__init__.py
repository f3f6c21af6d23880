"""Published cases: a store (SQLite by default, PostgreSQL by URL), ingestion, the similar-case
index and the novelty check."""

from rarecase.corpus.novelty import NoveltyReport, novelty
from rarecase.corpus.records import CaseRecord, NamedDisease
from rarecase.corpus.similar import CaseIndex, SimilarCase

__all__ = ["CaseIndex", "CaseRecord", "NamedDisease", "NoveltyReport", "SimilarCase", "novelty"]
