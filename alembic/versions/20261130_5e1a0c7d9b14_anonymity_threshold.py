"""anonymity threshold: the fewest people a group needs before its results are shown

Revision ID: 5e1a0c7d9b14
Revises: 2849c96365f1
Create Date: 2026-11-30 14:20:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e1a0c7d9b14"
down_revision: str | None = "2849c96365f1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.add_column(
            sa.Column("anonymity_threshold", sa.Integer(), server_default="3", nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.drop_column("anonymity_threshold")
