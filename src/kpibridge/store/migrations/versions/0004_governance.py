"""Governance: KPI definition and target versions, change proposals and decisions on them,
KPI reviews.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "proposals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=True),
        sa.Column("targets", sa.JSON(), nullable=True),
        sa.Column("base_version", sa.Integer(), nullable=True),
        sa.Column("base_target_version", sa.Integer(), nullable=True),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("restatement", sa.String(length=16), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
    )
    op.create_index(op.f("ix_proposals_kpi_id"), "proposals", ["kpi_id"], unique=False)
    op.create_index(op.f("ix_proposals_status"), "proposals", ["status"], unique=False)
    op.create_table(
        "proposal_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("stakeholder_id", sa.String(length=64), nullable=True),
        sa.Column("decision", sa.String(length=32), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_decisions_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_decisions")),
    )
    op.create_index(
        op.f("ix_proposal_decisions_proposal_id"),
        "proposal_decisions",
        ["proposal_id"],
        unique=False,
    )
    op.create_table(
        "kpi_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("restatement", sa.String(length=16), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposals.id"], name=op.f("fk_kpi_versions_proposal_id_proposals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_versions")),
        sa.UniqueConstraint("kpi_id", "version", name="uq_kpi_versions_kpi_version"),
    )
    op.create_index(op.f("ix_kpi_versions_kpi_id"), "kpi_versions", ["kpi_id"], unique=False)
    op.create_table(
        "target_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("targets", sa.JSON(), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_target_versions_proposal_id_proposals"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_target_versions")),
        sa.UniqueConstraint("kpi_id", "version", name="uq_target_versions_kpi_version"),
    )
    op.create_index(op.f("ix_target_versions_kpi_id"), "target_versions", ["kpi_id"], unique=False)
    op.create_table(
        "kpi_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kpi_id", sa.String(length=64), nullable=False),
        sa.Column("reviewed_on", sa.Date(), nullable=False),
        sa.Column("recorded_by", sa.String(length=64), nullable=False),
        sa.Column("attendees", sa.JSON(), nullable=False),
        sa.Column("decision", sa.String(length=32), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposals.id"], name=op.f("fk_kpi_reviews_proposal_id_proposals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_reviews")),
    )
    op.create_index(op.f("ix_kpi_reviews_kpi_id"), "kpi_reviews", ["kpi_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_kpi_reviews_kpi_id"), table_name="kpi_reviews")
    op.drop_table("kpi_reviews")
    op.drop_index(op.f("ix_target_versions_kpi_id"), table_name="target_versions")
    op.drop_table("target_versions")
    op.drop_index(op.f("ix_kpi_versions_kpi_id"), table_name="kpi_versions")
    op.drop_table("kpi_versions")
    op.drop_index(op.f("ix_proposal_decisions_proposal_id"), table_name="proposal_decisions")
    op.drop_table("proposal_decisions")
    op.drop_index(op.f("ix_proposals_status"), table_name="proposals")
    op.drop_index(op.f("ix_proposals_kpi_id"), table_name="proposals")
    op.drop_table("proposals")
