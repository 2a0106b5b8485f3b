"""Promotion rules edited at the desk; the promotions applied to an application.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "promotion_rule",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("dealer_id", sa.String(length=32), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["dealer_id"], ["dealer.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("promotion_rule", schema=None) as batch_op:
        batch_op.create_index("ix_promotion_rule_dealer_id_code", ["dealer_id", "code"],
                              unique=True)
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("promotions", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("promotions")
    with op.batch_alter_table("promotion_rule", schema=None) as batch_op:
        batch_op.drop_index("ix_promotion_rule_dealer_id_code")
    op.drop_table("promotion_rule")
