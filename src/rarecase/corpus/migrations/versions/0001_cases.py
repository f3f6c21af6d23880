"""The first schema: cases, their terms and diagnoses, and facts about the store.

Revision ID: 0001
Revises:
Created: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.String(255), primary_key=True),
        sa.Column("pmid", sa.String(64), nullable=False, server_default=""),
        sa.Column("sex", sa.String(32), nullable=False, server_default=""),
        sa.Column("source", sa.Text, nullable=False, server_default=""),
        sa.Column("origin", sa.Text, nullable=False, server_default=""),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("raw", sa.Text, nullable=False, server_default=""),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_cases_pmid", "cases", ["pmid"])
    op.create_index("ix_cases_origin", "cases", ["origin"])
    op.create_table(
        "case_terms",
        sa.Column(
            "case_id",
            sa.String(255),
            sa.ForeignKey("cases.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("excluded", sa.Boolean, primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("hpo_id", sa.String(32), nullable=False),
    )
    op.create_index("ix_case_terms_hpo_id", "case_terms", ["hpo_id"])
    op.create_table(
        "case_diseases",
        sa.Column(
            "case_id",
            sa.String(255),
            sa.ForeignKey("cases.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("disease_id", sa.String(64), nullable=False),
        sa.Column("label", sa.Text, nullable=False, server_default=""),
    )
    op.create_index("ix_case_diseases_disease_id", "case_diseases", ["disease_id"])
    op.create_table(
        "store_info",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("store_info")
    op.drop_table("case_diseases")
    op.drop_table("case_terms")
    op.drop_table("cases")
