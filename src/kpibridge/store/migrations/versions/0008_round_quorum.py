"""A round's quorum (``rounds.quorum``): how many ballots must rank the candidates before its
result stands. NULL (every round made before this migration) means no quorum: only a round
without any ballot is refused adoption.

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.add_column(sa.Column("quorum", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rounds") as batch:
        batch.drop_column("quorum")
