"""anonymity threshold and not-applicable answers

An assessment's anonymity threshold: the fewest people a group needs before its results are
shown (the same column definition as issue 15's, so the integrator keeps one). An answer can
say a criterion does not apply, with a short reason.

Revision ID: 5e1a0c7d9b14
Revises: f41c3ccc1182
Create Date: 2026-11-30 14:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1a0c7d9b14"
down_revision: str | None = "f41c3ccc1182"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.add_column(
            sa.Column("anonymity_threshold", sa.Integer(), server_default="3", nullable=False)
        )
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
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.drop_column("anonymity_threshold")
