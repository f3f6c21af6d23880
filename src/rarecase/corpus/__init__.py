"""Published cases: a store (SQLite by default, PostgreSQL by URL), ingestion, the similar-case
index and the novelty check."""

from rarecase.corpus.records import CaseRecord, NamedDisease

__all__ = ["CaseRecord", "NamedDisease"]
