"""Sessions that can be ended, tokens that expire, users that can be disabled, and a keyed
audit chain.

``users.session_version`` (signed into session cookies: raising it ends them),
``users.disabled_at``, ``api_tokens.expires_at`` (NULL on existing tokens: they keep working
until revoked; ``kpibridge token list`` shows them as never expiring) and ``audit_log.mac``
(the HMAC of each row's hash under a key kept outside the store; NULL on existing rows until
``kpibridge audit seal`` tags them).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("audit_log") as batch:
        batch.add_column(sa.Column("mac", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch:
        batch.drop_column("mac")
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("disabled_at")
        batch.drop_column("session_version")
