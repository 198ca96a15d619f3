"""consultant working day: reminders, link use, archived clients, imports, richer roadmap

Participants count their reminders; invite links note their last use and who issued them;
organisations can be archived; assessments keep their own email wording and the
fingerprint of the file they were imported from; roadmap items gain an outcome and the
areas they depend on.

Revision ID: 2849c96365f1
Revises: bd29ad2281c5
Create Date: 2026-11-30 12:50:47.095152
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2849c96365f1"
down_revision: str | None = "bd29ad2281c5"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# PostgreSQL's own name for the constraint; batch mode on SQLite names it the same way.
ISSUED_BY_FKEY = "invite_token_issued_by_user_id_fkey"


def _text(name: str) -> sa.Column:
    return sa.Column(name, sa.Text(), server_default="", nullable=False)


def upgrade() -> None:
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.add_column(_text("invite_text"))
        batch_op.add_column(_text("reminder_text"))
        batch_op.add_column(sa.Column("import_fingerprint", sa.String(length=64), nullable=True))
        batch_op.create_index(
            "ix_assessment_import_fingerprint", ["import_fingerprint"], unique=False
        )
    with op.batch_alter_table("invite_token") as batch_op:
        batch_op.add_column(sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("issued_by_user_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            ISSUED_BY_FKEY, "user_account", ["issued_by_user_id"], ["id"], ondelete="SET NULL"
        )
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.add_column(sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("participant") as batch_op:
        batch_op.add_column(
            sa.Column("reminders", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("roadmap_item") as batch_op:
        batch_op.add_column(_text("outcome"))
        batch_op.add_column(_text("depends_on"))


def downgrade() -> None:
    with op.batch_alter_table("roadmap_item") as batch_op:
        batch_op.drop_column("depends_on")
        batch_op.drop_column("outcome")
    with op.batch_alter_table("participant") as batch_op:
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("reminders")
    with op.batch_alter_table("organisation") as batch_op:
        batch_op.drop_column("archived_at")
    with op.batch_alter_table(
        "invite_token", naming_convention={"fk": "%(table_name)s_%(column_0_name)s_fkey"}
    ) as batch_op:
        batch_op.drop_constraint(ISSUED_BY_FKEY, type_="foreignkey")
        batch_op.drop_column("issued_by_user_id")
        batch_op.drop_column("last_used_at")
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.drop_index("ix_assessment_import_fingerprint")
        batch_op.drop_column("import_fingerprint")
        batch_op.drop_column("reminder_text")
        batch_op.drop_column("invite_text")
