"""Live workshops (issue 14): sessions on a round with a join code, their participants
(guests or signed-in users), statements, reactions and rankings; and the written answers to a
round's dissent that adoption asks for.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dissent_answers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("dissenter", sa.String(length=120), nullable=False),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("answered_by", sa.String(length=64), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_dissent_answers_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dissent_answers")),
        sa.UniqueConstraint("round_id", "dissenter", name="uq_dissent_answers_who"),
    )
    op.create_index(
        op.f("ix_dissent_answers_round_id"), "dissent_answers", ["round_id"], unique=False
    )
    op.create_table(
        "workshops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("phase", sa.String(length=16), nullable=False),
        sa.Column("moderation", sa.Boolean(), nullable=False),
        sa.Column("results_visible", sa.Boolean(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.Column("timer_ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_workshops_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshops")),
        sa.UniqueConstraint("code", name=op.f("uq_workshops_code")),
    )
    op.create_index(op.f("ix_workshops_round_id"), "workshops", ["round_id"], unique=False)
    op.create_table(
        "workshop_participants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=60), nullable=False),
        sa.Column("group_label", sa.String(length=40), nullable=True),
        sa.Column("username", sa.String(length=64), nullable=True),
        sa.Column("stakeholder", sa.String(length=64), nullable=True),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("joined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("removed_by", sa.String(length=64), nullable=True),
        sa.Column("removed_note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
            name=op.f("fk_workshop_participants_workshop_id_workshops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_participants")),
        sa.UniqueConstraint("token", name=op.f("uq_workshop_participants_token")),
        sa.UniqueConstraint("workshop_id", "username", name="uq_workshop_participants_user"),
    )
    op.create_index(
        op.f("ix_workshop_participants_workshop_id"),
        "workshop_participants",
        ["workshop_id"],
        unique=False,
    )
    op.create_table(
        "workshop_rankings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("ranking", sa.JSON(), nullable=False),
        sa.Column("comparisons", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["workshop_participants.id"],
            name=op.f("fk_workshop_rankings_participant_id_workshop_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
            name=op.f("fk_workshop_rankings_workshop_id_workshops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_rankings")),
        sa.UniqueConstraint("workshop_id", "participant_id", name="uq_workshop_rankings_person"),
    )
    op.create_index(
        op.f("ix_workshop_rankings_workshop_id"), "workshop_rankings", ["workshop_id"], unique=False
    )
    op.create_table(
        "workshop_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=True),
        sa.Column("client_key", sa.String(length=64), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("moderated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["workshop_participants.id"],
            name=op.f("fk_workshop_statements_participant_id_workshop_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
            name=op.f("fk_workshop_statements_workshop_id_workshops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_statements")),
        sa.UniqueConstraint(
            "workshop_id", "participant_id", "client_key", name="uq_workshop_statements_key"
        ),
    )
    op.create_index(
        op.f("ix_workshop_statements_workshop_id"),
        "workshop_statements",
        ["workshop_id"],
        unique=False,
    )
    op.create_table(
        "workshop_reactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workshop_id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("participant_id", sa.Integer(), nullable=False),
        sa.Column("reaction", sa.String(length=8), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["workshop_participants.id"],
            name=op.f("fk_workshop_reactions_participant_id_workshop_participants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["workshop_statements.id"],
            name=op.f("fk_workshop_reactions_statement_id_workshop_statements"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workshop_id"],
            ["workshops.id"],
            name=op.f("fk_workshop_reactions_workshop_id_workshops"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workshop_reactions")),
        sa.UniqueConstraint("statement_id", "participant_id", name="uq_workshop_reactions_vote"),
    )
    op.create_index(
        op.f("ix_workshop_reactions_statement_id"),
        "workshop_reactions",
        ["statement_id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_workshop_reactions_workshop_id"),
        "workshop_reactions",
        ["workshop_id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_workshop_reactions_workshop_id"), table_name="workshop_reactions")
    op.drop_index(op.f("ix_workshop_reactions_statement_id"), table_name="workshop_reactions")
    op.drop_table("workshop_reactions")
    op.drop_index(op.f("ix_workshop_statements_workshop_id"), table_name="workshop_statements")
    op.drop_table("workshop_statements")
    op.drop_index(op.f("ix_workshop_rankings_workshop_id"), table_name="workshop_rankings")
    op.drop_table("workshop_rankings")
    op.drop_index(op.f("ix_workshop_participants_workshop_id"), table_name="workshop_participants")
    op.drop_table("workshop_participants")
    op.drop_index(op.f("ix_workshops_round_id"), table_name="workshops")
    op.drop_table("workshops")
    op.drop_index(op.f("ix_dissent_answers_round_id"), table_name="dissent_answers")
    op.drop_table("dissent_answers")
