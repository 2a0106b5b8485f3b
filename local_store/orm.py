"""SQLAlchemy 2.0 mapping. The schema itself is owned by the Alembic migrations;
a test keeps these classes and the migrated schema identical.

Columns ending in `_enc` hold AES-GCM ciphertext bound to (table, column, row id);
columns ending in `_bidx` hold an HMAC blind index for equality lookups.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out; SQLite itself has no time zones."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Meta(Base):
    """Key/value facts about this database (key id, key check value)."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class DealerRow(Base):
    __tablename__ = "dealer"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    city: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UserRow(Base):
    __tablename__ = "user"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    dealer_id: Mapped[str | None] = mapped_column(ForeignKey("dealer.id"), nullable=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class CustomerRow(Base):
    __tablename__ = "customer"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    dealer_id: Mapped[str] = mapped_column(ForeignKey("dealer.id"))
    customer_type: Mapped[str] = mapped_column(String(20))
    name_enc: Mapped[bytes] = mapped_column(LargeBinary)
    id_number_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    id_number_bidx: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    phone_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    phone_bidx: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    address_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    bank_card_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    # Coarse, non-identifying facts kept in clear for scoring and reports.
    birth_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    segment: Mapped[str | None] = mapped_column(String(40), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class InventoryItemRow(Base):
    __tablename__ = "inventory_item"
    __table_args__ = (Index(None, "dealer_id", "vin", unique=True),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    dealer_id: Mapped[str] = mapped_column(ForeignKey("dealer.id"))
    vin: Mapped[str] = mapped_column(String(17))
    make: Mapped[str] = mapped_column(String(60))
    model: Mapped[str] = mapped_column(String(80))
    trim: Mapped[str] = mapped_column(String(120), default="")
    category: Mapped[str] = mapped_column(String(20), index=True)
    model_year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    is_nev: Mapped[bool] = mapped_column(Boolean, default=False)
    list_price_fen: Mapped[int] = mapped_column(Integer)
    stock_in_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class ApplicationRow(Base):
    __tablename__ = "application"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    reference: Mapped[str] = mapped_column(String(32), unique=True)
    dealer_id: Mapped[str] = mapped_column(ForeignKey("dealer.id"))
    customer_id: Mapped[str | None] = mapped_column(ForeignKey("customer.id"), nullable=True)
    consultant_id: Mapped[str] = mapped_column(ForeignKey("user.id"))
    inventory_item_id: Mapped[str | None] = mapped_column(
        ForeignKey("inventory_item.id"), nullable=True
    )
    status: Mapped[str] = mapped_column(String(20), index=True)
    customer_type: Mapped[str] = mapped_column(String(20))
    product_code: Mapped[str | None] = mapped_column(String(40), nullable=True)
    vehicle_price_fen: Mapped[int] = mapped_column(Integer, default=0)
    down_payment_fen: Mapped[int] = mapped_column(Integer, default=0)
    financed_amount_fen: Mapped[int] = mapped_column(Integer, default=0)
    term_months: Mapped[int] = mapped_column(Integer, default=0)
    # Wizard state may hold personal data: always encrypted.
    draft_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Central's id once it accepted the submission; the server is authoritative for
    # the status from then on.
    central_id: Mapped[str | None] = mapped_column(String(32), nullable=True, index=True)
    # Central's latest word (status, reasons, conditions, event seq) as JSON: no personal
    # data, shown on the application's timeline.
    central_detail: Mapped[str | None] = mapped_column(Text, nullable=True)
    # The desk's advisory pre-score as JSON: verdict, PD, band, reason and rule codes
    # with their words, and each feature's training bin (deciles, for population
    # stability). No values and nothing that identifies the customer: clear text.
    prescore: Mapped[str | None] = mapped_column(Text, nullable=True)
    prescore_model: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    # The pre-score's verdict, band and PD (in 1/10,000) again as plain columns: the
    # reports group 100,000 applications by them without parsing JSON.
    prescore_decision: Mapped[str | None] = mapped_column(String(20), nullable=True)
    prescore_band: Mapped[str | None] = mapped_column(String(1), nullable=True)
    prescore_pd_bp: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # The promotions the quote used, with what each saves the customer and costs its
    # funder (JSON: codes and amounts, nothing personal).
    promotions: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Milestones for the manager's reports (time to decision, to signature). Stamped by
    # `_stamp_milestones` below whichever code path moves the status, so the sync
    # pullers, the dispatcher and the demo seed need not each remember to.
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    funded_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


# Statuses at or past each milestone. An application can jump several steps in one
# decision-feed page (submitted → signed while the desk was offline): every milestone
# it passed gets stamped, once, and never moved again.
DECIDED_STATUSES = frozenset({"approved", "conditional", "declined", "contract_ready",
                              "signed", "funded"})
SIGNED_STATUSES = frozenset({"signed", "funded"})
FUNDED_STATUSES = frozenset({"funded"})


def _milestone_time(row: ApplicationRow) -> datetime:
    """Central's own time for the event when the row carries it (the desk may hear of a
    decision hours later, after being offline); else the row's change time."""
    if row.central_detail:
        try:
            detail = json.loads(row.central_detail)
            if detail.get("status") == row.status and detail.get("at"):
                at = datetime.fromisoformat(str(detail["at"]).replace("Z", "+00:00"))
                if at.tzinfo is not None:
                    return at
        except (ValueError, TypeError, AttributeError):
            pass  # a malformed detail must not stop the status change itself
    return row.updated_at or utcnow()


@event.listens_for(ApplicationRow, "before_insert")
@event.listens_for(ApplicationRow, "before_update")
def _stamp_milestones(_mapper: object, _connection: object, row: ApplicationRow) -> None:
    status = row.status
    if status not in DECIDED_STATUSES:
        return
    when = _milestone_time(row)
    if row.decided_at is None:
        row.decided_at = when
    if status in SIGNED_STATUSES and row.signed_at is None:
        row.signed_at = when
    if status in FUNDED_STATUSES and row.funded_at is None:
        row.funded_at = when


class PrescoreBinCountRow(Base):
    """How many applications created on `day` (China time) fell in each training bin of
    each feature of `model`'s pre-score: population stability over 100,000 applications
    sums a few thousand of these instead of reading every application. Kept in step by
    `repositories.set_application_prescore` (a re-scored draft moves its counts)."""

    __tablename__ = "prescore_bin_count"
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    model: Mapped[str] = mapped_column(String(64), primary_key=True)
    feature: Mapped[str] = mapped_column(String(40), primary_key=True)
    bin: Mapped[str] = mapped_column(String(40), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, default=0)


class PromotionRuleRow(Base):
    """A dealer's promotion rule (showroom_app.promotions.rules, as its YAML mapping)."""

    __tablename__ = "promotion_rule"
    __table_args__ = (Index("ix_promotion_rule_dealer_id_code", "dealer_id", "code",
                            unique=True),)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    dealer_id: Mapped[str] = mapped_column(ForeignKey("dealer.id"))
    code: Mapped[str] = mapped_column(String(40))
    body: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class DocumentRow(Base):
    __tablename__ = "document"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    application_id: Mapped[str | None] = mapped_column(
        ForeignKey("application.id"), nullable=True, index=True
    )
    customer_id: Mapped[str | None] = mapped_column(
        ForeignKey("customer.id"), nullable=True, index=True
    )
    doc_type: Mapped[str] = mapped_column(String(30))
    mime_type: Mapped[str] = mapped_column(String(60))
    size_bytes: Mapped[int] = mapped_column(Integer)
    image_enc: Mapped[bytes] = mapped_column(LargeBinary)
    # OCR fields as confirmed by the consultant (JSON), encrypted: they repeat the card.
    fields_enc: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutboxRow(Base):
    """A change that must reach central, written in the same transaction as the change."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    aggregate_type: Mapped[str] = mapped_column(String(30))
    aggregate_id: Mapped[str] = mapped_column(String(32), index=True)
    kind: Mapped[str] = mapped_column(String(30))
    payload_enc: Mapped[bytes] = mapped_column(LargeBinary)
    status: Mapped[str] = mapped_column(String(12), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AuditLogRow(Base):
    """Append-only (triggers refuse UPDATE and DELETE). `detail` holds masked values only."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    username: Mapped[str | None] = mapped_column(String(64), nullable=True)
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(30))
    entity_id: Mapped[str | None] = mapped_column(String(32), nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
