"""participant saves

Each save counts one more on its participant's saves; the sum over an assessment's
participants is part of its data version, so a save no longer writes the assessment's row
(on PostgreSQL, every save of a workshop queued for that row's lock).

Revision ID: 6c2f9e1d4b70
Revises: b3d1f0c6a2e7
Create Date: 2026-12-01 12:05:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "6c2f9e1d4b70"
down_revision: str | None = "b3d1f0c6a2e7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("participant") as batch_op:
        batch_op.add_column(sa.Column("saves", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("participant") as batch_op:
        batch_op.drop_column("saves")
