"""not-applicable answers

An answer can say a criterion does not apply, with a short reason. (The assessment's anonymity
threshold, which this migration first added too, comes from the workshop migration before it.)

Revision ID: 5e1a0c7d9b14
Revises: a8745056c1a4
Create Date: 2026-11-30 14:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1a0c7d9b14"
down_revision: str | None = "a8745056c1a4"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("answer") as batch_op:
        batch_op.add_column(
            sa.Column("not_applicable", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("na_reason", sa.String(length=200), server_default="", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("answer") as batch_op:
        batch_op.drop_column("na_reason")
        batch_op.drop_column("not_applicable")
