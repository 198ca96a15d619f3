"""branding (consultancy and client logos) and the report's narrative

Logos are stored as bytes in the database so that backups and moves carry them.

Revision ID: f41c3ccc1182
Revises: 2849c96365f1
Create Date: 2026-11-30 10:45:59.678010
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = "f41c3ccc1182"
down_revision: str | None = "2849c96365f1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "logo",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("media_type", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("digest", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "branding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("consultancy_name", sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column("accent_colour", sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
        sa.Column("logo_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["logo_id"], ["logo.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    # The instance's one branding row exists from the start: saving it is always an update.
    op.execute(
        "INSERT INTO branding (id, consultancy_name, accent_colour, updated_at) "
        "VALUES (1, '', '', CURRENT_TIMESTAMP)"
    )
    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("narrative", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("key_messages", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column("recommendations", sa.Text(), server_default="", nullable=False)
        )

    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("logo_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_organisation_logo_id_logo", "logo", ["logo_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("organisation", schema=None) as batch_op:
        batch_op.drop_constraint("fk_organisation_logo_id_logo", type_="foreignkey")
        batch_op.drop_column("logo_id")

    with op.batch_alter_table("assessment", schema=None) as batch_op:
        batch_op.drop_column("recommendations")
        batch_op.drop_column("key_messages")
        batch_op.drop_column("narrative")

    op.drop_table("branding")
    op.drop_table("logo")
