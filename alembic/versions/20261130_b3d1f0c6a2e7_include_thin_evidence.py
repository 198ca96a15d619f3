"""include thin evidence

The consultant may rank and draft the roadmap from thin evidence too (criteria and areas
resting on fewer than the minimum of people); off unless they tick it.

Revision ID: b3d1f0c6a2e7
Revises: 5e1a0c7d9b14
Create Date: 2026-11-30 17:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "b3d1f0c6a2e7"
down_revision: str | None = "5e1a0c7d9b14"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.add_column(
            sa.Column(
                "include_thin_evidence", sa.Boolean(), server_default=sa.false(), nullable=False
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.drop_column("include_thin_evidence")
