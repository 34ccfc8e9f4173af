"""Alignment rounds run on the web: rounds, candidates, criteria, participants, ballots.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _child(name: str, *columns: sa.Column[object], unique: tuple[str, str]) -> None:
    """A table that belongs to one round (deleted with it)."""
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        *columns,
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f(f"fk_{name}_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint(*unique, name=f"uq_{name}"),
    )
    op.create_index(op.f(f"ix_{name}_round_id"), name, ["round_id"], unique=False)


def upgrade() -> None:
    op.create_table(
        "rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("facilitator", sa.String(length=64), nullable=True),
        sa.Column("select_count", sa.Integer(), nullable=False),
        sa.Column("deadline", sa.String(length=32), nullable=True),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("adopted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("adopted_by", sa.String(length=64), nullable=True),
        sa.Column("adopted", sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rounds")),
        sa.UniqueConstraint("name", name=op.f("uq_rounds_name")),
    )
    _child(
        "round_candidates",
        sa.Column("candidate", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("proposed_by", sa.String(length=64), nullable=True),
        sa.Column("rationale", sa.Text(), nullable=False),
        sa.Column("goal", sa.String(length=64), nullable=True),
        sa.Column("nature", sa.String(length=16), nullable=False),
        unique=("round_id", "candidate"),
    )
    _child(
        "round_criteria",
        sa.Column("criterion", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        unique=("round_id", "criterion"),
    )
    _child(
        "round_participants",
        sa.Column("stakeholder", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("audience", sa.Boolean(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=True),
        unique=("round_id", "stakeholder"),
    )
    op.create_table(
        "ballots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("participant", sa.String(length=64), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("submitted_by", sa.String(length=64), nullable=True),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_ballots_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballots")),
    )
    op.create_index(op.f("ix_ballots_round_id"), "ballots", ["round_id"], unique=False)
    op.create_index(
        "uq_ballots_live",
        "ballots",
        ["round_id", "participant"],
        unique=True,
        sqlite_where=sa.text("replaced_at IS NULL"),
        postgresql_where=sa.text("replaced_at IS NULL"),
    )


def downgrade() -> None:
    op.drop_index("uq_ballots_live", table_name="ballots")
    op.drop_index(op.f("ix_ballots_round_id"), table_name="ballots")
    op.drop_table("ballots")
    for name in ("round_participants", "round_criteria", "round_candidates"):
        op.drop_index(op.f(f"ix_{name}_round_id"), table_name=name)
        op.drop_table(name)
    op.drop_table("rounds")
