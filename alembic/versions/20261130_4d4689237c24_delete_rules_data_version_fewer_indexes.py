"""delete rules, data version, fewer indexes

Every foreign key gets an ON DELETE rule (the reasons are in app/db/models.py's docstring);
assessments get the data_version counter that keys the caches; three indexes go that the
unique constraints already give (each constraint's first column is the indexed one).

SQLite rewrites a table to change its foreign keys (batch mode). app.db.migrations turns
foreign keys off for that, or rewriting a parent table would cascade into its children.

Revision ID: 4d4689237c24
Revises: 1daeb593fa28
Create Date: 2026-11-30 10:40:59.722838
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "4d4689237c24"
down_revision: str | None = "1daeb593fa28"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, column, referred table, ON DELETE rule)
FOREIGN_KEYS = (
    ("assessment", "organisation_id", "organisation", "CASCADE"),
    ("assessment", "framework_snapshot_id", "framework_snapshot", "RESTRICT"),
    ("participant", "assessment_id", "assessment", "CASCADE"),
    ("answer", "participant_id", "participant", "CASCADE"),
    ("membership", "user_id", "user_account", "CASCADE"),
    ("membership", "organisation_id", "organisation", "CASCADE"),
    ("user_session", "user_id", "user_account", "CASCADE"),
    ("api_token", "user_id", "user_account", "CASCADE"),
    ("invite_token", "participant_id", "participant", "CASCADE"),
    ("audit_event", "actor_user_id", "user_account", "SET NULL"),
    ("audit_event", "organisation_id", "organisation", "SET NULL"),
    ("roadmap_item", "assessment_id", "assessment", "CASCADE"),
)
# (table, column) of indexes that a unique constraint starting with the column makes redundant
REDUNDANT_INDEXES = (
    ("answer", "participant_id"),
    ("membership", "user_id"),
    ("framework_snapshot", "framework_key"),
)
# PostgreSQL's own names for these constraints; SQLite's are unnamed, and batch mode names
# them the same way when it reads the table.
NAMING = {"fk": "%(table_name)s_%(column_0_name)s_fkey"}


def _set_rules(with_rules: bool) -> None:
    for table in dict.fromkeys(t for t, *_ in FOREIGN_KEYS):
        with op.batch_alter_table(table, naming_convention=NAMING) as batch_op:
            for _, column, referred, rule in (f for f in FOREIGN_KEYS if f[0] == table):
                name = f"{table}_{column}_fkey"
                batch_op.drop_constraint(name, type_="foreignkey")
                batch_op.create_foreign_key(
                    name, referred, [column], ["id"], ondelete=rule if with_rules else None
                )


def upgrade() -> None:
    _set_rules(with_rules=True)
    for table, column in REDUNDANT_INDEXES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_index(f"ix_{table}_{column}")
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.add_column(
            sa.Column("data_version", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("assessment") as batch_op:
        batch_op.drop_column("data_version")
    for table, column in REDUNDANT_INDEXES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.create_index(f"ix_{table}_{column}", [column], unique=False)
    _set_rules(with_rules=False)
