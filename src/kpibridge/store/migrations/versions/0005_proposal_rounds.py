"""Decision rights frozen on proposals (``proposals.seats``) and the links between change
proposals and the alignment rounds they were put to (``proposal_rounds``).

Proposals made before this migration keep ``seats`` NULL: the migration cannot read the
workspace's ``governance.yaml``, so their seats are computed from it as it is when the
proposal is next read, and frozen the first time someone acts on it (a decision, a comment,
a revision or a round) — see docs/governance.md, "Decision rights are frozen".

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("proposals", sa.Column("seats", sa.JSON(), nullable=True))
    op.create_table(
        "proposal_rounds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("candidate", sa.String(length=64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["round_id"],
            ["rounds.id"],
            name=op.f("fk_proposal_rounds_round_id_rounds"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_rounds_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_rounds")),
        sa.UniqueConstraint("round_id", "proposal_id", name="uq_proposal_rounds_round_proposal"),
        sa.UniqueConstraint("round_id", "candidate", name="uq_proposal_rounds_round_candidate"),
    )
    op.create_index(
        op.f("ix_proposal_rounds_round_id"), "proposal_rounds", ["round_id"], unique=False
    )
    op.create_index(
        op.f("ix_proposal_rounds_proposal_id"), "proposal_rounds", ["proposal_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_proposal_rounds_proposal_id"), table_name="proposal_rounds")
    op.drop_index(op.f("ix_proposal_rounds_round_id"), table_name="proposal_rounds")
    op.drop_table("proposal_rounds")
    if op.get_bind().dialect.name == "sqlite":
        # Not batch mode: it rebuilds ``proposals`` (copy, drop, rename), and dropping the old
        # table with foreign keys on deletes every decision of every proposal (ON DELETE
        # CASCADE). SQLite drops a plain column in place since 3.35 (2021).
        op.execute("ALTER TABLE proposals DROP COLUMN seats")
    else:
        op.drop_column("proposals", "seats")
