"""Alembic migrations of the case store; run by :func:`rarecase.corpus.store.upgrade`."""
