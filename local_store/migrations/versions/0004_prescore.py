"""Application: the desk's pre-score (verdict, PD, band, reasons, bins) and its model.

Revision ID: 0004
Revises: 0003
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prescore", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("prescore_model", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_application_prescore_model", ["prescore_model"])


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_index("ix_application_prescore_model")
        batch_op.drop_column("prescore_model")
        batch_op.drop_column("prescore")
