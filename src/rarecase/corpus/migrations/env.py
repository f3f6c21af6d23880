"""Alembic environment: migrations run on the connection rarecase hands over, never on a URL
read from a configuration file (the store is opened by URL in code, and upgraded on open)."""

from __future__ import annotations

from alembic import context

from rarecase.corpus.schema import metadata

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run rarecase's migrations through rarecase.corpus.store.upgrade")
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
