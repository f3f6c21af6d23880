"""The case store's tables (SQLAlchemy Core), one place for both SQLite and PostgreSQL.

A case is one row of ``cases`` with its terms and diagnoses in two child tables, so that the
store can be queried by term or disease without parsing JSON (``corpus list --disease``, counts
per term), and a changed case is rewritten as a whole. ``source`` says where a case was read (a
file and line, a ZIP entry), ``origin`` the file or release it came in (what ``corpus remove
--source`` and ``corpus stats`` group by); ``raw`` keeps the record as it was read, for ``corpus
show``. ``store_info`` holds a few facts about the store itself (whether the bundled corpus was
loaded, a generation counter that changes with every write, so that an index built from the
store knows when it is stale).

The schema changes only through Alembic migrations (``rarecase/corpus/migrations``); this module
is the target they lead to, checked by the tests.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

cases = Table(
    "cases",
    metadata,
    Column("id", String(255), primary_key=True),
    Column("pmid", String(64), nullable=False, server_default=""),
    Column("sex", String(32), nullable=False, server_default=""),
    Column("source", Text, nullable=False, server_default=""),
    Column("origin", Text, nullable=False, server_default=""),
    Column("content_hash", String(64), nullable=False),
    Column("raw", Text, nullable=False, server_default=""),
    Column("added_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
    Index("ix_cases_pmid", "pmid"),
    Index("ix_cases_origin", "origin"),
)

case_terms = Table(
    "case_terms",
    metadata,
    Column("case_id", String(255), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("excluded", Boolean, primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("hpo_id", String(32), nullable=False),
    Index("ix_case_terms_hpo_id", "hpo_id"),
)

case_diseases = Table(
    "case_diseases",
    metadata,
    Column("case_id", String(255), ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("disease_id", String(64), nullable=False),
    Column("label", Text, nullable=False, server_default=""),
    Index("ix_case_diseases_disease_id", "disease_id"),
)

store_info = Table(
    "store_info",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)
