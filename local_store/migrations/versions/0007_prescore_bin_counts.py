"""Daily counts of pre-score training bins, for population stability at any scale; the
pre-score's verdict, band and PD as plain application columns, for the reports.

Revision ID: 0007
Revises: 0006
"""

import json
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CHINA = timezone(timedelta(hours=8))


def upgrade() -> None:
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.add_column(sa.Column("prescore_decision", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("prescore_band", sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column("prescore_pd_bp", sa.Integer(), nullable=True))
    table = op.create_table(
        "prescore_bin_count",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("model", sa.String(length=64), nullable=False),
        sa.Column("feature", sa.String(length=40), nullable=False),
        sa.Column("bin", sa.String(length=40), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "model", "feature", "bin"),
    )
    # Counts of the pre-scores already stored (created_at is naive UTC in the file).
    counts: Counter = Counter()
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT id, created_at, prescore_model, prescore FROM application "
        "WHERE prescore IS NOT NULL AND prescore_model IS NOT NULL")).all()
    for app_id, created, model, text in rows:
        try:
            stored = json.loads(text)
        except ValueError:
            continue
        bins = stored.get("bins") or {}
        pd = stored.get("pd")
        bind.execute(sa.text(
            "UPDATE application SET prescore_decision = :d, prescore_band = :b, "
            "prescore_pd_bp = :p WHERE id = :i"),
            {"d": stored.get("decision"), "b": stored.get("band"), "i": app_id,
             "p": None if pd is None else round(float(pd) * 10_000)})
        at = datetime.fromisoformat(created) if isinstance(created, str) else created
        day = at.replace(tzinfo=UTC).astimezone(CHINA).date()
        for feature, value in bins.items():
            counts[(day, model, feature, str(value))] += 1
    if counts:
        op.bulk_insert(table, [{"day": d, "model": m, "feature": f, "bin": b, "n": n}
                               for (d, m, f, b), n in counts.items()])


def downgrade() -> None:
    op.drop_table("prescore_bin_count")
    with op.batch_alter_table("application", schema=None) as batch_op:
        batch_op.drop_column("prescore_pd_bp")
        batch_op.drop_column("prescore_band")
        batch_op.drop_column("prescore_decision")
