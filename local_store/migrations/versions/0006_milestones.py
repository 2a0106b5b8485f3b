"""When an application was decided, signed and funded (for the manager's reports).

Before this revision only `submitted_at` was kept; `updated_at` moves on every later
change, so the time to decision and to signature could not be measured. Rows that
already passed a milestone get `updated_at` as its time: exact for rows whose last
change was that milestone, an upper bound for the others (documented in the reports).

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_DECIDED = ("approved", "conditional", "declined", "contract_ready", "signed", "funded")
_SIGNED = ("signed", "funded")


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decided_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("signed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("funded_at", sa.DateTime(), nullable=True))
    op.execute(f"UPDATE application SET decided_at = updated_at "
               f"WHERE status IN ({_in(_DECIDED)})")
    op.execute(f"UPDATE application SET signed_at = updated_at WHERE status IN ({_in(_SIGNED)})")
    op.execute("UPDATE application SET funded_at = updated_at WHERE status = 'funded'")


def downgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("funded_at")
        batch_op.drop_column("signed_at")
        batch_op.drop_column("decided_at")
