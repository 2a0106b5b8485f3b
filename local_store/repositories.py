"""Repositories: the only code that turns ORM rows into domain objects and back.

Protected fields are sealed here, with the row id as associated data, so no
caller can forget to encrypt or mix up which row a ciphertext belongs to.
"""

from __future__ import annotations

import json
import logging
import uuid
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from local_store.crypto import FieldCipher
from local_store.orm import (
    DECIDED_STATUSES,
    FUNDED_STATUSES,
    SIGNED_STATUSES,
    ApplicationRow,
    AuditLogRow,
    CustomerRow,
    DealerRow,
    DocumentRow,
    InventoryItemRow,
    Meta,
    OutboxRow,
    PrescoreBinCountRow,
    PromotionRuleRow,
    UserRow,
    utcnow,
)
from showroom_app.domain.enums import (
    ApplicationStatus,
    AuditAction,
    CustomerType,
    DocumentType,
    InventoryStatus,
    OutboxStatus,
    Role,
    VehicleCategory,
)
from showroom_app.domain.errors import (
    ApplicationLockedError,
    DecryptionError,
    InvalidStateError,
)
from showroom_app.domain.masking import mask_name, scrub
from showroom_app.domain.models import (
    ApplicationSummary,
    AuditEntry,
    Customer,
    CustomerPII,
    Dealer,
    DocumentInfo,
    InventoryItem,
    OutboxItem,
    User,
)
from showroom_app.domain.money import Money

log = logging.getLogger(__name__)


def new_id() -> str:
    return uuid.uuid4().hex


# --- meta -------------------------------------------------------------------


def get_meta(session: Session, key: str) -> str | None:
    row = session.get(Meta, key)
    return None if row is None else row.value


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(Meta, key)
    if row is None:
        session.add(Meta(key=key, value=value))
    else:
        row.value = value


def get_secret(session: Session, cipher: FieldCipher, key: str) -> str | None:
    """A secret kept in `meta`, sealed like personal data (e.g. the device's tokens)."""
    value = get_meta(session, f"secret:{key}")
    if value is None:
        return None
    return cipher.open("meta", "secret", key, bytes.fromhex(value)).decode()


def set_secret(session: Session, cipher: FieldCipher, key: str, value: str) -> None:
    set_meta(session, f"secret:{key}", cipher.seal("meta", "secret", key, value.encode()).hex())


# --- dealers and users --------------------------------------------------------


def _dealer(row: DealerRow) -> Dealer:
    return Dealer(id=row.id, code=row.code, name=row.name, city=row.city)


def add_dealer(session: Session, code: str, name: str, city: str = "") -> Dealer:
    row = DealerRow(id=new_id(), code=code, name=name, city=city)
    session.add(row)
    session.flush()
    return _dealer(row)


def first_dealer(session: Session) -> Dealer | None:
    row = session.scalars(select(DealerRow).order_by(DealerRow.created_at).limit(1)).first()
    return None if row is None else _dealer(row)


def dealer_by_code(session: Session, code: str) -> Dealer | None:
    row = session.scalars(select(DealerRow).where(DealerRow.code == code)).first()
    return None if row is None else _dealer(row)


def _user(row: UserRow) -> User:
    return User(
        id=row.id,
        username=row.username,
        display_name=row.display_name,
        role=Role(row.role),
        active=row.active,
    )


def add_user(
    session: Session,
    username: str,
    display_name: str,
    role: Role,
    password_hash: str,
    dealer_id: str | None = None,
) -> User:
    row = UserRow(
        id=new_id(),
        dealer_id=dealer_id,
        username=username,
        display_name=display_name,
        role=role.value,
        password_hash=password_hash,
        active=True,
        failed_attempts=0,
    )
    session.add(row)
    session.flush()
    return _user(row)


def user_row_by_username(session: Session, username: str) -> UserRow | None:
    return session.scalars(select(UserRow).where(UserRow.username == username)).first()


def get_user(session: Session, user_id: str) -> User | None:
    row = session.get(UserRow, user_id)
    return None if row is None else _user(row)


def list_users(session: Session) -> list[User]:
    return [_user(r) for r in session.scalars(select(UserRow).order_by(UserRow.username))]


def count_users(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(UserRow)) or 0


def to_user(row: UserRow) -> User:
    return _user(row)


# --- customers ----------------------------------------------------------------

_CUSTOMER = "customer"


def add_customer(
    session: Session,
    cipher: FieldCipher,
    dealer_id: str,
    customer_type: CustomerType,
    pii: CustomerPII,
    birth_year: int | None = None,
    segment: str | None = None,
) -> Customer:
    cid = new_id()
    row = CustomerRow(id=cid, dealer_id=dealer_id, customer_type=customer_type.value)
    _write_pii(row, cipher, pii)
    row.birth_year = birth_year
    row.segment = segment
    session.add(row)
    session.flush()
    return _customer(row, cipher)


def _pii_columns(cipher: FieldCipher, customer_id: str, pii: CustomerPII) -> dict[str, Any]:
    """The sealed and indexed columns of a customer's personal data, bound to its id."""
    seal = cipher.seal_text
    return {
        "name_enc": seal(_CUSTOMER, "name", customer_id, pii.name),
        "id_number_enc": seal(_CUSTOMER, "id_number", customer_id, pii.id_number),
        "id_number_bidx": cipher.blind_index("id_number", pii.id_number),
        "phone_enc": seal(_CUSTOMER, "phone", customer_id, pii.phone),
        "phone_bidx": cipher.blind_index("phone", pii.phone),
        "address_enc": seal(_CUSTOMER, "address", customer_id, pii.address),
        "bank_card_enc": seal(_CUSTOMER, "bank_card", customer_id, pii.bank_card),
    }


def _write_pii(row: CustomerRow, cipher: FieldCipher, pii: CustomerPII) -> None:
    for column, value in _pii_columns(cipher, row.id, pii).items():
        setattr(row, column, value)


def _customer(row: CustomerRow, cipher: FieldCipher) -> Customer:
    open_ = cipher.open_text
    pii = CustomerPII(
        name=open_(_CUSTOMER, "name", row.id, row.name_enc) or "",
        id_number=open_(_CUSTOMER, "id_number", row.id, row.id_number_enc),
        phone=open_(_CUSTOMER, "phone", row.id, row.phone_enc),
        address=open_(_CUSTOMER, "address", row.id, row.address_enc),
        bank_card=open_(_CUSTOMER, "bank_card", row.id, row.bank_card_enc),
    )
    return Customer(
        id=row.id,
        dealer_id=row.dealer_id,
        customer_type=CustomerType(row.customer_type),
        pii=pii,
        created_at=row.created_at,
        birth_year=row.birth_year,
        segment=row.segment,
    )


def get_customer(session: Session, cipher: FieldCipher, customer_id: str) -> Customer | None:
    row = session.get(CustomerRow, customer_id)
    return None if row is None else _customer(row, cipher)


def update_customer_pii(
    session: Session, cipher: FieldCipher, customer_id: str, pii: CustomerPII
) -> Customer:
    row = session.get(CustomerRow, customer_id)
    if row is None:
        raise KeyError(customer_id)
    _write_pii(row, cipher, pii)
    row.updated_at = utcnow()
    session.flush()
    return _customer(row, cipher)


def find_customers_by_id_number(
    session: Session, cipher: FieldCipher, id_number: str
) -> list[Customer]:
    bidx = cipher.blind_index("id_number", id_number)
    rows = session.scalars(select(CustomerRow).where(CustomerRow.id_number_bidx == bidx))
    return [_customer(r, cipher) for r in rows]


def find_customers_by_phone(session: Session, cipher: FieldCipher, phone: str) -> list[Customer]:
    bidx = cipher.blind_index("phone", phone)
    rows = session.scalars(select(CustomerRow).where(CustomerRow.phone_bidx == bidx))
    return [_customer(r, cipher) for r in rows]


# --- inventory ----------------------------------------------------------------


def _item(row: InventoryItemRow) -> InventoryItem:
    return InventoryItem(
        id=row.id,
        dealer_id=row.dealer_id,
        vin=row.vin,
        make=row.make,
        model=row.model,
        trim=row.trim,
        category=VehicleCategory(row.category),
        list_price=Money(row.list_price_fen),
        stock_in_date=row.stock_in_date,
        status=InventoryStatus(row.status),
        model_year=row.model_year,
        is_nev=row.is_nev,
    )


def add_inventory_item(
    session: Session,
    dealer_id: str,
    vin: str,
    make: str,
    model: str,
    category: VehicleCategory,
    list_price: Money,
    stock_in_date: date,
    trim: str = "",
    model_year: int | None = None,
    is_nev: bool = False,
    status: InventoryStatus = InventoryStatus.IN_STOCK,
) -> InventoryItem:
    row = InventoryItemRow(
        id=new_id(),
        dealer_id=dealer_id,
        vin=vin.upper(),
        make=make,
        model=model,
        trim=trim,
        category=category.value,
        model_year=model_year,
        is_nev=is_nev,
        list_price_fen=list_price.fen,
        stock_in_date=stock_in_date,
        status=status.value,
    )
    session.add(row)
    session.flush()
    return _item(row)


def list_inventory(
    session: Session, status: InventoryStatus | None = None
) -> list[InventoryItem]:
    stmt = select(InventoryItemRow).order_by(InventoryItemRow.stock_in_date)
    if status is not None:
        stmt = stmt.where(InventoryItemRow.status == status.value)
    return [_item(r) for r in session.scalars(stmt)]


def get_inventory_item(session: Session, item_id: str) -> InventoryItem | None:
    row = session.get(InventoryItemRow, item_id)
    return None if row is None else _item(row)


def inventory_item_by_vin(session: Session, vin: str) -> InventoryItem | None:
    row = session.scalars(select(InventoryItemRow).where(InventoryItemRow.vin == vin)).first()
    return None if row is None else _item(row)


def count_in_stock_same_model(session: Session, dealer_id: str, make: str, model: str) -> int:
    return session.execute(select(func.count()).where(
        InventoryItemRow.dealer_id == dealer_id, InventoryItemRow.make == make,
        InventoryItemRow.model == model,
        InventoryItemRow.status == InventoryStatus.IN_STOCK.value)).scalar_one()


def set_inventory_status(session: Session, item_id: str, status: InventoryStatus) -> None:
    row = session.get(InventoryItemRow, item_id)
    if row is None:
        raise KeyError(item_id)
    row.status = status.value
    row.updated_at = utcnow()


def count_stock(session: Session, stocked_before: date | None = None) -> int:
    stmt = select(func.count()).where(InventoryItemRow.status == InventoryStatus.IN_STOCK.value)
    if stocked_before is not None:
        stmt = stmt.where(InventoryItemRow.stock_in_date <= stocked_before)
    return session.scalar(stmt.select_from(InventoryItemRow)) or 0


# --- applications ---------------------------------------------------------------

_APPLICATION = "application"


def add_application(
    session: Session,
    cipher: FieldCipher,
    *,
    reference: str,
    dealer_id: str,
    consultant_id: str,
    customer_type: CustomerType,
    customer_id: str | None = None,
    inventory_item_id: str | None = None,
    status: ApplicationStatus = ApplicationStatus.DRAFT,
    product_code: str | None = None,
    vehicle_price: Money = Money(0),
    down_payment: Money = Money(0),
    term_months: int = 0,
    draft: dict[str, Any] | None = None,
    created_at: datetime | None = None,
) -> str:
    aid = new_id()
    now = created_at or utcnow()
    row = ApplicationRow(
        id=aid,
        reference=reference,
        dealer_id=dealer_id,
        customer_id=customer_id,
        consultant_id=consultant_id,
        inventory_item_id=inventory_item_id,
        status=status.value,
        customer_type=customer_type.value,
        product_code=product_code,
        vehicle_price_fen=vehicle_price.fen,
        down_payment_fen=down_payment.fen,
        financed_amount_fen=(vehicle_price - down_payment).fen,
        term_months=term_months,
        created_at=now,
        updated_at=now,
    )
    if draft is not None:
        row.draft_enc = cipher.seal(
            _APPLICATION, "draft", aid, json.dumps(draft, ensure_ascii=False).encode()
        )
    session.add(row)
    session.flush()
    return aid


def list_promotion_rules(session: Session, dealer_id: str) -> list[dict[str, Any]]:
    """The dealer's rules as their stored mappings, by code."""
    rows = session.scalars(select(PromotionRuleRow).where(
        PromotionRuleRow.dealer_id == dealer_id).order_by(PromotionRuleRow.code))
    return [json.loads(r.body) for r in rows]


def save_promotion_rule(session: Session, dealer_id: str, body: dict[str, Any],
                        username: str | None) -> bool:
    """Insert or replace by code; True when it was new."""
    row = session.scalars(select(PromotionRuleRow).where(
        PromotionRuleRow.dealer_id == dealer_id,
        PromotionRuleRow.code == body["code"])).first()
    created = row is None
    if row is None:
        row = PromotionRuleRow(id=new_id(), dealer_id=dealer_id, code=body["code"])
        session.add(row)
    row.body = json.dumps(body, ensure_ascii=False)
    row.active = bool(body.get("active", True))
    row.updated_at = utcnow()
    row.updated_by = username
    session.flush()
    return created


def delete_promotion_rule(session: Session, dealer_id: str, code: str) -> bool:
    row = session.scalars(select(PromotionRuleRow).where(
        PromotionRuleRow.dealer_id == dealer_id, PromotionRuleRow.code == code)).first()
    if row is None:
        return False
    session.delete(row)
    return True


def _draft_row(session: Session, application_id: str, refusal: str) -> ApplicationRow:
    """The application's row while it is still a draft at the desk; once it has left,
    `ApplicationLockedError` ("application REF is STATUS: <refusal>")."""
    row = session.get(ApplicationRow, application_id)
    if row is None:
        raise KeyError(application_id)
    if row.status != ApplicationStatus.DRAFT.value:
        raise ApplicationLockedError(f"application {row.reference} is {row.status}: {refusal}")
    return row


def set_application_promotions(session: Session, application_id: str,
                               promotions: list[dict[str, Any]]) -> None:
    row = _draft_row(session, application_id,
                     "its promotions are those it was submitted with")
    row.promotions = json.dumps(promotions, ensure_ascii=False)
    row.updated_at = utcnow()


PROMOTION_QUOTES = "promotion_quotes"


def record_promotion_quotes(session: Session, day: date, codes: list[str]) -> None:
    """One quote handed to a customer with these promotions applied (the quote page's
    sheet): counted per day and code for the promotion uptake report."""
    if not codes:
        return
    held = json.loads(get_meta(session, PROMOTION_QUOTES) or "{}")
    today = held.setdefault(day.isoformat(), {})
    for code in sorted(set(codes)):
        today[code] = today.get(code, 0) + 1
    set_meta(session, PROMOTION_QUOTES, json.dumps(held, ensure_ascii=False))


def promotion_quotes(session: Session, start: date | None = None,
                     end: date | None = None) -> dict[str, int]:
    """Quotes per promotion code with start <= day <= end (both optional)."""
    held = json.loads(get_meta(session, PROMOTION_QUOTES) or "{}")
    out: dict[str, int] = {}
    for day, counts in held.items():
        if (start is None or day >= start.isoformat()) and \
                (end is None or day <= end.isoformat()):
            for code, n in counts.items():
                out[code] = out.get(code, 0) + n
    return out


def next_application_reference(session: Session, day: date) -> str:
    """SR-YYYYMMDD-NNNN: the next free number of the day on this desk."""
    prefix = f"SR-{day:%Y%m%d}-"
    last = session.execute(
        select(func.max(ApplicationRow.reference)).where(
            ApplicationRow.reference.like(prefix + "%"))).scalar()
    number = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{number:04d}"


def set_application_status(
    session: Session, application_id: str, status: ApplicationStatus, at: datetime | None = None
) -> None:
    row = session.get(ApplicationRow, application_id)
    if row is None:
        raise KeyError(application_id)
    row.status = status.value
    row.updated_at = at or utcnow()
    if status is ApplicationStatus.QUEUED and row.submitted_at is None:
        row.submitted_at = row.updated_at


def save_application_draft(
    session: Session,
    cipher: FieldCipher,
    application_id: str,
    draft: dict[str, Any],
    *,
    product_code: str | None = None,
    vehicle_price: Money | None = None,
    down_payment: Money | None = None,
    term_months: int | None = None,
) -> None:
    """Change an application still being written at the desk. Once it is queued for
    central or known there, it is refused: central's copy is the one that counts, and
    a silent local edit would make the two disagree."""
    row = _draft_row(session, application_id,
                     "it has left the desk and can no longer be edited here")
    row.draft_enc = cipher.seal(_APPLICATION, "draft", application_id,
                                json.dumps(draft, ensure_ascii=False).encode())
    if product_code is not None:
        row.product_code = product_code
    if vehicle_price is not None:
        row.vehicle_price_fen = vehicle_price.fen
    if down_payment is not None:
        row.down_payment_fen = down_payment.fen
    if term_months is not None:
        row.term_months = term_months
    row.financed_amount_fen = row.vehicle_price_fen - row.down_payment_fen
    row.updated_at = utcnow()


def set_application_parties(session: Session, application_id: str, *,
                            customer_type: CustomerType | None = None,
                            customer_id: str | None = None,
                            inventory_item_id: str | None = None,
                            clear_vehicle: bool = False) -> None:
    """Who and what a draft is about: its customer type, customer record and stock
    vehicle (`clear_vehicle` when the vehicle is typed, not from stock)."""
    row = _draft_row(session, application_id,
                     "it has left the desk and can no longer be edited here")
    if customer_type is not None:
        row.customer_type = customer_type.value
    if customer_id is not None:
        row.customer_id = customer_id
    if inventory_item_id is not None:
        row.inventory_item_id = inventory_item_id
    elif clear_vehicle:
        row.inventory_item_id = None
    row.updated_at = utcnow()


def application_links(session: Session, application_id: str) -> dict[str, Any]:
    """The ids a draft points at, and its state: what the desk needs to resume it."""
    row = session.get(ApplicationRow, application_id)
    if row is None:
        raise KeyError(application_id)
    return {"id": row.id, "reference": row.reference, "status": ApplicationStatus(row.status),
            "customer_type": CustomerType(row.customer_type), "customer_id": row.customer_id,
            "inventory_item_id": row.inventory_item_id, "consultant_id": row.consultant_id,
            "dealer_id": row.dealer_id, "updated_at": row.updated_at}


def latest_drafts(session: Session, consultant_id: str, since: datetime,
                  limit: int = 5) -> list[tuple[str, str, datetime]]:
    """(id, reference, last change) of a consultant's drafts changed since `since`."""
    rows = session.execute(
        select(ApplicationRow.id, ApplicationRow.reference, ApplicationRow.updated_at)
        .where(ApplicationRow.consultant_id == consultant_id,
               ApplicationRow.status == ApplicationStatus.DRAFT.value,
               ApplicationRow.updated_at >= since)
        .order_by(ApplicationRow.updated_at.desc()).limit(limit))
    return [(r[0], r[1], r[2]) for r in rows]


def applications_of_customers(session: Session, dealer_id: str, customer_ids: tuple[str, ...],
                              exclude_id: str) -> list[dict[str, Any]]:
    """Other applications at this dealer by these customers: reference, status, times,
    consultant. Nothing personal."""
    if not customer_ids:
        return []
    rows = session.execute(
        select(ApplicationRow, UserRow.display_name)
        .join(UserRow, UserRow.id == ApplicationRow.consultant_id)
        .where(ApplicationRow.dealer_id == dealer_id,
               ApplicationRow.customer_id.in_(customer_ids),
               ApplicationRow.id != exclude_id)
        .order_by(ApplicationRow.created_at.desc()))
    return [{"id": app.id, "reference": app.reference,
             "status": ApplicationStatus(app.status), "created_at": app.created_at,
             "submitted_at": app.submitted_at, "consultant": consultant}
            for app, consultant in rows]


def requote_application(session: Session, cipher: FieldCipher, application_id: str,
                        terms: dict[str, Any]) -> None:
    """New figures for a conditional approval, kept with the application and its draft
    (the previous figures too); the requote leaves through the outbox (the caller queues
    it in this transaction)."""
    row = session.get(ApplicationRow, application_id)
    if row is None:
        raise KeyError(application_id)
    if row.status != ApplicationStatus.CONDITIONAL.value:
        raise ApplicationLockedError(
            f"application {row.reference} is {row.status}: only a conditional approval "
            "can be requoted")
    draft = get_application_draft(session, cipher, application_id) or {}
    previous = draft.get("quote")
    draft["quote"] = terms
    draft.setdefault("requotes", []).append(
        {"at": utcnow().isoformat(), "previous": previous})
    row.draft_enc = cipher.seal(_APPLICATION, "draft", application_id,
                                json.dumps(draft, ensure_ascii=False).encode())
    row.product_code = terms["product_code"]
    row.down_payment_fen = int(terms["down_payment_fen"])
    row.term_months = int(terms["term_months"])
    row.financed_amount_fen = row.vehicle_price_fen - row.down_payment_fen
    # The status stays what central said (conditional) until central decides again: a
    # requote central refuses must not leave the application looking sent.
    row.updated_at = utcnow()


_CHINA = timezone(timedelta(hours=8))


def china_day(moment: datetime) -> date:
    """The China calendar day of a stored (UTC) time."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(_CHINA).date()


def _count_bins(session: Session, day: date, model: str, bins: dict[str, Any],
                step: int) -> None:
    for feature, value in bins.items():
        key = (day, model, str(feature), str(value))
        row = session.get(PrescoreBinCountRow, key)
        if row is None:
            row = PrescoreBinCountRow(day=day, model=model, feature=str(feature),
                                      bin=str(value), n=0)
            session.add(row)
        row.n = max(0, row.n + step)


def set_application_prescore(session: Session, application_id: str, prescore: dict[str, Any],
                             model_version: str) -> None:
    """Keep the pre-score the consultant saw with the application. Like the draft, it
    is the desk's own view: refused once the application has left the desk. The daily
    bin counts move with it (out of the old score's bins, into the new one's)."""
    row = _draft_row(session, application_id,
                     "its pre-score is the one it was submitted with")
    day = china_day(row.created_at)
    if row.prescore is not None and row.prescore_model is not None:
        previous = json.loads(row.prescore).get("bins") or {}
        _count_bins(session, day, row.prescore_model, previous, -1)
    _count_bins(session, day, model_version, prescore.get("bins") or {}, +1)
    row.prescore = json.dumps(prescore, ensure_ascii=False)
    row.prescore_model = model_version
    row.prescore_decision = prescore.get("decision")
    row.prescore_band = prescore.get("band")
    pd = prescore.get("pd")
    # A probability, not money: kept in 1/10,000 so that sums and means stay exact.
    row.prescore_pd_bp = None if pd is None else round(float(pd) * 10_000)
    row.updated_at = utcnow()


def get_application_prescore(session: Session, application_id: str) -> dict[str, Any] | None:
    row = session.get(ApplicationRow, application_id)
    if row is None:
        raise KeyError(application_id)
    return None if row.prescore is None else json.loads(row.prescore)


def prescore_bin_counts(session: Session, first_day: date | None = None,
                        last_day: date | None = None) -> dict[str, dict[str, dict[str, int]]]:
    """model → feature → bin → applications created from `first_day` to `last_day`
    (China days, both included, both optional)."""
    query = select(PrescoreBinCountRow.model, PrescoreBinCountRow.feature,
                   PrescoreBinCountRow.bin, func.sum(PrescoreBinCountRow.n)).group_by(
        PrescoreBinCountRow.model, PrescoreBinCountRow.feature, PrescoreBinCountRow.bin)
    if first_day is not None:
        query = query.where(PrescoreBinCountRow.day >= first_day)
    if last_day is not None:
        query = query.where(PrescoreBinCountRow.day <= last_day)
    out: dict[str, dict[str, dict[str, int]]] = {}
    for model, feature, value, n in session.execute(query):
        if n:
            out.setdefault(model, {}).setdefault(feature, {})[value] = int(n)
    return out


def application_state(session: Session, application_id: str) -> tuple[str, str, str | None]:
    """(reference, status, central id) of one application."""
    row = session.get(ApplicationRow, application_id)
    if row is None:
        raise KeyError(application_id)
    return row.reference, row.status, row.central_id


def get_application_draft(
    session: Session, cipher: FieldCipher, application_id: str
) -> dict[str, Any] | None:
    row = session.get(ApplicationRow, application_id)
    if row is None or row.draft_enc is None:
        return None
    return json.loads(cipher.open(_APPLICATION, "draft", application_id, row.draft_enc))


def count_applications_by_status(session: Session) -> dict[ApplicationStatus, int]:
    rows = session.execute(
        select(ApplicationRow.status, func.count()).group_by(ApplicationRow.status)
    )
    return {ApplicationStatus(status): n for status, n in rows}


def count_applications_since(session: Session, since: datetime) -> int:
    stmt = select(func.count()).select_from(ApplicationRow)
    return session.scalar(stmt.where(ApplicationRow.created_at >= since)) or 0


def count_applications(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(ApplicationRow)) or 0


def recent_applications(
    session: Session, cipher: FieldCipher, limit: int = 20, consultant_id: str | None = None
) -> list[ApplicationSummary]:
    """Newest first, with masked customer names: only the name is opened, then masked."""
    stmt = (
        select(ApplicationRow, CustomerRow, InventoryItemRow, UserRow)
        .join(UserRow, UserRow.id == ApplicationRow.consultant_id)
        .outerjoin(CustomerRow, CustomerRow.id == ApplicationRow.customer_id)
        .outerjoin(InventoryItemRow, InventoryItemRow.id == ApplicationRow.inventory_item_id)
        .order_by(ApplicationRow.updated_at.desc())
        .limit(limit)
    )
    if consultant_id is not None:
        stmt = stmt.where(ApplicationRow.consultant_id == consultant_id)
    out = []
    for app, cust, item, user in session.execute(stmt):
        name = ""
        if cust is not None:
            try:
                name = mask_name(cipher.open_text(_CUSTOMER, "name", cust.id, cust.name_enc))
            except DecryptionError:
                # One damaged row must not blank the whole list; it is flagged and logged.
                log.warning("customer %s: name failed its integrity check", cust.id)
                name = "⚠"
        vehicle = f"{item.make} {item.model}" if item is not None else ""
        out.append(
            ApplicationSummary(
                id=app.id,
                reference=app.reference,
                status=ApplicationStatus(app.status),
                customer_type=CustomerType(app.customer_type),
                customer_masked_name=name,
                vehicle=vehicle,
                financed_amount=Money(app.financed_amount_fen),
                term_months=app.term_months,
                consultant=user.display_name,
                created_at=app.created_at,
                updated_at=app.updated_at,
            )
        )
    return out


def applications_in_status(
    session: Session, status: ApplicationStatus, limit: int = 5,
    consultant_id: str | None = None,
) -> tuple[int, list[tuple[str, str]]]:
    """How many applications are in `status`, and the (id, reference) of the ones
    changed most recently first (at most `limit`). Nothing personal."""
    where = [ApplicationRow.status == status.value]
    if consultant_id is not None:
        where.append(ApplicationRow.consultant_id == consultant_id)
    count = session.scalar(select(func.count()).select_from(ApplicationRow).where(*where)) or 0
    rows = session.execute(select(ApplicationRow.id, ApplicationRow.reference).where(*where)
                           .order_by(ApplicationRow.updated_at.desc()).limit(limit)).all()
    return count, [(app_id, ref) for app_id, ref in rows]


def dead_letter_applications(session: Session, limit: int = 5) -> list[tuple[str, str]]:
    """(application id, reference) of applications with an item central refused,
    oldest refusal first, each once."""
    rows = session.execute(
        select(OutboxRow.aggregate_id, ApplicationRow.reference)
        .join(ApplicationRow, ApplicationRow.id == OutboxRow.aggregate_id)
        .where(OutboxRow.status == OutboxStatus.DEAD.value)
        .order_by(OutboxRow.id)).all()
    out: list[tuple[str, str]] = []
    for app_id, ref in rows:
        if (app_id, ref) not in out:
            out.append((app_id, ref))
            if len(out) >= limit:
                break
    return out


# --- the applications page -------------------------------------------------------


def _open_or_none(cipher: FieldCipher, field: str, row_id: str, value: bytes | None) -> str | None:
    if value is None:
        return None
    try:
        return cipher.open_text(_CUSTOMER, field, row_id, value)
    except DecryptionError:
        log.warning("customer %s: %s failed its integrity check", row_id, field)
        return None


def search_applications(
    session: Session,
    cipher: FieldCipher,
    *,
    consultant_id: str | None = None,
    statuses: tuple[ApplicationStatus, ...] = (),
    created_from: datetime | None = None,
    created_before: datetime | None = None,
    customer_ids: tuple[str, ...] | None = None,
    text: str = "",
    limit: int = 500,
) -> list[ApplicationSummary]:
    """Applications newest change first, masked like `recent_applications`.

    `customer_ids` (from a blind-index lookup) keeps only those customers' applications.
    `text` matches the reference or the VIN (any part), the customer's name (any part)
    or, when it is digits only, the tail of the phone number. Names and phones are
    opened in memory to compare and never leave this function in the clear."""
    stmt = (
        select(ApplicationRow, CustomerRow, InventoryItemRow, UserRow)
        .join(UserRow, UserRow.id == ApplicationRow.consultant_id)
        .outerjoin(CustomerRow, CustomerRow.id == ApplicationRow.customer_id)
        .outerjoin(InventoryItemRow, InventoryItemRow.id == ApplicationRow.inventory_item_id)
        .order_by(ApplicationRow.updated_at.desc())
    )
    if consultant_id is not None:
        stmt = stmt.where(ApplicationRow.consultant_id == consultant_id)
    if statuses:
        stmt = stmt.where(ApplicationRow.status.in_([s.value for s in statuses]))
    if created_from is not None:
        stmt = stmt.where(ApplicationRow.created_at >= created_from)
    if created_before is not None:
        stmt = stmt.where(ApplicationRow.created_at < created_before)
    if customer_ids is not None:
        if not customer_ids:
            return []
        stmt = stmt.where(ApplicationRow.customer_id.in_(customer_ids))
    needle = text.strip()
    if not needle:
        stmt = stmt.limit(limit)
    upper = needle.upper()
    digits = needle.isdigit()
    out: list[ApplicationSummary] = []
    for app, cust, item, user in session.execute(stmt):
        name = None
        if cust is not None:
            name = _open_or_none(cipher, "name", cust.id, cust.name_enc)
        if needle:
            hit = upper in app.reference.upper() or (item is not None and upper in item.vin)
            if not hit and name is not None:
                hit = needle in name
            if not hit and digits and cust is not None:
                phone = _open_or_none(cipher, "phone", cust.id, cust.phone_enc)
                hit = phone is not None and len(needle) >= 4 and phone.endswith(needle)
            if not hit:
                continue
        masked = "" if cust is None else ("⚠" if name is None else mask_name(name))
        out.append(ApplicationSummary(
            id=app.id, reference=app.reference, status=ApplicationStatus(app.status),
            customer_type=CustomerType(app.customer_type), customer_masked_name=masked,
            vehicle=f"{item.make} {item.model}" if item is not None else "",
            financed_amount=Money(app.financed_amount_fen), term_months=app.term_months,
            consultant=user.display_name, created_at=app.created_at,
            updated_at=app.updated_at))
        if len(out) >= limit:
            break
    return out


def application_facts(session: Session, application_id: str) -> dict[str, Any]:
    """Everything the applications page shows of one application that is not personal
    data: figures, milestones, central's word, pre-score, promotions, contract."""
    row = session.get(ApplicationRow, application_id)
    if row is None:
        raise KeyError(application_id)
    item = session.get(InventoryItemRow, row.inventory_item_id) if row.inventory_item_id else None
    user = session.get(UserRow, row.consultant_id)
    pending = session.scalars(
        select(OutboxRow.kind).where(OutboxRow.aggregate_id == application_id,
                                     OutboxRow.status.in_([OutboxStatus.PENDING.value,
                                                           OutboxStatus.DEAD.value]))).all()
    contract = get_meta(session, f"contract:{application_id}")
    docs = session.execute(
        select(DocumentRow.doc_type, func.count()).where(
            DocumentRow.application_id == application_id,
            DocumentRow.doc_type.in_([DocumentType.CONTRACT.value,
                                      DocumentType.SIGNED_CONTRACT.value]))
        .group_by(DocumentRow.doc_type)).all()
    return {
        "id": row.id, "reference": row.reference, "status": ApplicationStatus(row.status),
        "customer_id": row.customer_id, "customer_type": CustomerType(row.customer_type),
        "consultant": user.display_name if user is not None else "",
        "product_code": row.product_code,
        "vehicle": " ".join(p for p in (item.make, item.model, item.trim) if p) if item else "",
        "vin": item.vin if item is not None else "",
        "category": item.category if item is not None else None,
        "is_nev": bool(item.is_nev) if item is not None else False,
        "vehicle_price": Money(row.vehicle_price_fen),
        "down_payment": Money(row.down_payment_fen),
        "financed_amount": Money(row.financed_amount_fen), "term_months": row.term_months,
        "created_at": row.created_at, "updated_at": row.updated_at,
        "submitted_at": row.submitted_at, "decided_at": row.decided_at,
        "signed_at": row.signed_at, "funded_at": row.funded_at,
        "central_id": row.central_id,
        "central": json.loads(row.central_detail) if row.central_detail else None,
        "prescore": json.loads(row.prescore) if row.prescore else None,
        "promotions": json.loads(row.promotions) if row.promotions else [],
        "pending_outbox": sorted(set(pending)),
        "contract": json.loads(contract) if contract else None,
        "contract_documents": {DocumentType(t): n for t, n in docs},
    }


def latest_contract_pdf(session: Session, cipher: FieldCipher, application_id: str,
                        signed: bool = False) -> bytes | None:
    """The newest copy of the contract (or of its signed version) the puller stored."""
    doc_type = DocumentType.SIGNED_CONTRACT if signed else DocumentType.CONTRACT
    row = session.scalars(
        select(DocumentRow).where(DocumentRow.application_id == application_id,
                                  DocumentRow.doc_type == doc_type.value)
        .order_by(DocumentRow.created_at.desc())).first()
    if row is None:
        return None
    return get_document_image(session, cipher, row.id)


# --- documents ------------------------------------------------------------------

_DOCUMENT = "document"


def add_document(
    session: Session,
    cipher: FieldCipher,
    doc_type: DocumentType,
    image: bytes,
    mime_type: str,
    application_id: str | None = None,
    customer_id: str | None = None,
    fields: dict[str, Any] | None = None,
) -> DocumentInfo:
    row = DocumentRow(**_document_columns(cipher, doc_type, image, mime_type, application_id,
                                          customer_id, fields))
    session.add(row)
    session.flush()
    return _document(row)


def _document_columns(cipher: FieldCipher, doc_type: DocumentType, image: bytes,
                      mime_type: str, application_id: str | None, customer_id: str | None,
                      fields: dict[str, Any] | None) -> dict[str, Any]:
    """A new document's columns, image and fields sealed to the document and its owners
    (shared by the one-row and the bulk paths)."""
    did = new_id()
    binding = _document_binding(did, application_id, customer_id)
    return {
        "id": did, "application_id": application_id, "customer_id": customer_id,
        "doc_type": doc_type.value, "mime_type": mime_type, "size_bytes": len(image),
        "image_enc": cipher.seal(_DOCUMENT, "image", binding, image),
        "fields_enc": None if fields is None else cipher.seal(
            _DOCUMENT, "fields", binding, json.dumps(fields, ensure_ascii=False).encode()),
    }


def _document_binding(did: str, application_id: str | None, customer_id: str | None) -> str:
    """A document's ciphertext is bound to its owners too: re-linking customer A's ID
    card to customer B in the database makes it fail to open instead of showing it."""
    return f"{did}/{application_id or '-'}/{customer_id or '-'}"


def _document(row: DocumentRow) -> DocumentInfo:
    return DocumentInfo(
        id=row.id,
        application_id=row.application_id,
        customer_id=row.customer_id,
        doc_type=DocumentType(row.doc_type),
        mime_type=row.mime_type,
        size_bytes=row.size_bytes,
        created_at=row.created_at,
    )


def get_document_image(session: Session, cipher: FieldCipher, document_id: str) -> bytes:
    row = session.get(DocumentRow, document_id)
    if row is None:
        raise KeyError(document_id)
    binding = _document_binding(row.id, row.application_id, row.customer_id)
    return cipher.open(_DOCUMENT, "image", binding, row.image_enc)


def copy_document(session: Session, cipher: FieldCipher, document_id: str,
                  application_id: str) -> DocumentInfo:
    """The same document for another application (a fleet's vehicles each go to the
    lessor as their own application, with the customer's documents): sealed anew to
    its new owner, as every document is."""
    row = session.get(DocumentRow, document_id)
    if row is None:
        raise KeyError(document_id)
    binding = _document_binding(row.id, row.application_id, row.customer_id)
    image = cipher.open(_DOCUMENT, "image", binding, row.image_enc)
    fields = None if row.fields_enc is None else json.loads(
        cipher.open(_DOCUMENT, "fields", binding, row.fields_enc))
    return add_document(session, cipher, DocumentType(row.doc_type), image, row.mime_type,
                        application_id=application_id, customer_id=row.customer_id,
                        fields=fields)


def get_document(session: Session, document_id: str) -> DocumentInfo | None:
    row = session.get(DocumentRow, document_id)
    return None if row is None else _document(row)


def list_documents(session: Session, application_id: str) -> list[DocumentInfo]:
    rows = session.scalars(
        select(DocumentRow)
        .where(DocumentRow.application_id == application_id)
        .order_by(DocumentRow.created_at)
    )
    return [_document(r) for r in rows]


# --- outbox -----------------------------------------------------------------------

_OUTBOX = "outbox"


def enqueue(
    session: Session,
    cipher: FieldCipher,
    aggregate_type: str,
    aggregate_id: str,
    kind: str,
    payload: dict[str, Any],
) -> str:
    """Add an outbox row in the caller's transaction; returns its idempotency key.

    The key is generated once, here, and stored: retries and restarts reuse it,
    which is what lets central recognise a replay.
    """
    key = uuid.uuid4().hex
    row = OutboxRow(
        idempotency_key=key,
        aggregate_type=aggregate_type,
        aggregate_id=aggregate_id,
        kind=kind,
        # The payload may carry personal data; the AAD binds it to its key.
        payload_enc=cipher.seal(
            _OUTBOX, "payload", f"{key}/{aggregate_type}/{aggregate_id}",
            json.dumps(payload, ensure_ascii=False).encode(),
        ),
        status=OutboxStatus.PENDING.value,
        attempts=0,
    )
    session.add(row)
    session.flush()
    return key


def _outbox_binding(row: OutboxRow) -> str:
    return f"{row.idempotency_key}/{row.aggregate_type}/{row.aggregate_id}"


def outbox_payload(cipher: FieldCipher, row: OutboxRow) -> dict[str, Any]:
    return json.loads(cipher.open(_OUTBOX, "payload", _outbox_binding(row), row.payload_enc))


def outbox_items(session: Session, statuses: tuple[OutboxStatus, ...] | None = None,
                 limit: int = 1000) -> list[OutboxItem]:
    """Queued changes in queue order, each with its application's reference."""
    stmt = (select(OutboxRow, ApplicationRow.reference)
            .outerjoin(ApplicationRow, ApplicationRow.id == OutboxRow.aggregate_id)
            .order_by(OutboxRow.id).limit(limit))
    if statuses is not None:
        stmt = stmt.where(OutboxRow.status.in_([st.value for st in statuses]))
    return [OutboxItem(id=r.id, kind=r.kind, application_id=r.aggregate_id,
                       application_reference=ref, status=r.status, attempts=r.attempts,
                       created_at=r.created_at, next_attempt_at=r.next_attempt_at,
                       last_error=r.last_error, sent_at=r.sent_at)
            for r, ref in session.execute(stmt).all()]


def resend_dead(session: Session, cipher: FieldCipher, row_id: int) -> str:
    """Put a refused row back in its place in the queue, under a new idempotency key.

    A new key because the person fixed what central refused: the old key stands for
    the refused attempt. Same place because later rows of the application (its
    documents, say) must still follow it. Returns the new key.
    """
    row = session.get(OutboxRow, row_id)
    if row is None or row.status != OutboxStatus.DEAD.value:
        raise InvalidStateError("only an item central refused can be sent again")
    payload = outbox_payload(cipher, row)
    row.idempotency_key = uuid.uuid4().hex
    row.payload_enc = cipher.seal(_OUTBOX, "payload", _outbox_binding(row),
                                  json.dumps(payload, ensure_ascii=False).encode())
    row.status, row.attempts = OutboxStatus.PENDING.value, 0
    row.next_attempt_at = None
    return row.idempotency_key


def discard_dead(session: Session, row_id: int) -> OutboxRow:
    row = session.get(OutboxRow, row_id)
    if row is None or row.status != OutboxStatus.DEAD.value:
        raise InvalidStateError("only an item central refused can be discarded")
    row.status = OutboxStatus.DISCARDED.value
    return row


def stuck_outbox(session: Session, min_attempts: int) -> int:
    """Pending rows that keep failing: the queue has stopped draining for them."""
    return session.scalar(select(func.count()).select_from(OutboxRow).where(
        OutboxRow.status == OutboxStatus.PENDING.value,
        OutboxRow.attempts >= min_attempts)) or 0


def count_outbox(session: Session, status: OutboxStatus) -> int:
    stmt = select(func.count()).select_from(OutboxRow).where(OutboxRow.status == status.value)
    return session.scalar(stmt) or 0


# --- audit ------------------------------------------------------------------------


def audit(
    session: Session,
    action: AuditAction,
    entity: str,
    entity_id: str | None = None,
    user: User | None = None,
    detail: str = "",
) -> None:
    """Append one audit row. `detail` is scrubbed: it must never carry clear personal data."""
    session.add(
        AuditLogRow(
            at=utcnow(),
            user_id=user.id if user else None,
            username=user.username if user else None,
            action=action.value,
            entity=entity,
            entity_id=entity_id,
            detail=scrub(detail),
        )
    )


def audit_entries(session: Session, limit: int = 100) -> list[AuditEntry]:
    rows = session.scalars(select(AuditLogRow).order_by(AuditLogRow.id.desc()).limit(limit))
    return [
        AuditEntry(
            id=r.id, at=r.at, username=r.username, action=r.action, entity=r.entity,
            entity_id=r.entity_id, detail=r.detail,
        )
        for r in rows
    ]


# --- bulk writes ------------------------------------------------------------------


class BulkWriter:
    """New customers, applications, documents and outbox rows for a large batch (the demo
    seed), written with Core `executemany` in chunks instead of one ORM flush per row.

    Every value is sealed exactly as the one-row functions above seal it (same table,
    column and row-id binding), rows go in in foreign-key order, and all of it runs in
    the caller's session, so it commits or rolls back with the rest of the transaction.
    Core inserts skip ORM events: the application milestones that `_stamp_milestones`
    would stamp are set here from the same status sets. Call `flush()` before reading
    the rows back in the same session.
    """

    _ORDER = (CustomerRow, ApplicationRow, DocumentRow, OutboxRow)

    def __init__(self, session: Session, cipher: FieldCipher, chunk_rows: int = 2000) -> None:
        self.session = session
        self.cipher = cipher
        self.chunk_rows = chunk_rows
        self._pending: dict[type, list[dict[str, Any]]] = {t: [] for t in self._ORDER}
        self._last = utcnow()
        self.written: dict[str, int] = {t.__tablename__: 0 for t in self._ORDER}

    def _now(self) -> datetime:
        # Strictly increasing, so rows keep their insertion order when sorted by time
        # (a customer's ID-card front before its back), as separate flushes did.
        now = utcnow()
        if now <= self._last:
            now = self._last + timedelta(microseconds=1)
        self._last = now
        return now

    def _add(self, table: type, values: dict[str, Any]) -> None:
        pending = self._pending[table]
        pending.append(values)
        if len(pending) >= self.chunk_rows:
            self.flush()

    def flush(self) -> None:
        """Write everything buffered, parents first."""
        for table in self._ORDER:
            rows = self._pending[table]
            if rows:
                self.session.execute(insert(table.__table__), rows)  # type: ignore[attr-defined]
                self.written[table.__tablename__] += len(rows)
                self._pending[table] = []

    def add_customer(
        self,
        dealer_id: str,
        customer_type: CustomerType,
        pii: CustomerPII,
        birth_year: int | None = None,
        segment: str | None = None,
    ) -> str:
        cid = new_id()
        now = self._now()
        self._add(CustomerRow, {
            "id": cid, "dealer_id": dealer_id, "customer_type": customer_type.value,
            **_pii_columns(self.cipher, cid, pii),
            "birth_year": birth_year, "segment": segment, "created_at": now, "updated_at": now,
        })
        return cid

    def add_application(
        self,
        *,
        reference: str,
        dealer_id: str,
        consultant_id: str,
        customer_type: CustomerType,
        customer_id: str | None,
        inventory_item_id: str | None,
        status: ApplicationStatus,
        product_code: str | None,
        vehicle_price: Money,
        down_payment: Money,
        term_months: int,
        draft: dict[str, Any] | None,
        created_at: datetime,
        updated_at: datetime | None = None,
        submitted_at: datetime | None = None,
        milestones: tuple[datetime | None, datetime | None, datetime | None] | None = None,
    ) -> str:
        """An application as `add_application` and then `set_application_status` would
        leave it: `updated_at` is the time of its last status change. `milestones`
        (decided, signed, funded) replace the times `_stamp_milestones` would give when
        the history is known, e.g. a demo application decided days before it was signed."""
        aid = new_id()
        updated = updated_at or created_at
        draft_enc = None if draft is None else self.cipher.seal(
            _APPLICATION, "draft", aid, json.dumps(draft, ensure_ascii=False).encode())
        decided = status.value in DECIDED_STATUSES
        self._add(ApplicationRow, {
            "id": aid, "reference": reference, "dealer_id": dealer_id,
            "customer_id": customer_id, "consultant_id": consultant_id,
            "inventory_item_id": inventory_item_id, "status": status.value,
            "customer_type": customer_type.value, "product_code": product_code,
            "vehicle_price_fen": vehicle_price.fen, "down_payment_fen": down_payment.fen,
            "financed_amount_fen": (vehicle_price - down_payment).fen,
            "term_months": term_months, "draft_enc": draft_enc,
            "created_at": created_at, "updated_at": updated, "submitted_at": submitted_at,
            # What `_stamp_milestones` stamps on a row without central's own time.
            "decided_at": updated if decided else None,
            "signed_at": updated if status.value in SIGNED_STATUSES else None,
            "funded_at": updated if status.value in FUNDED_STATUSES else None,
        } | ({} if milestones is None else {
            "decided_at": milestones[0] if decided else None,
            "signed_at": milestones[1] if status.value in SIGNED_STATUSES else None,
            "funded_at": milestones[2] if status.value in FUNDED_STATUSES else None,
        }))
        return aid

    def add_document(
        self,
        doc_type: DocumentType,
        image: bytes,
        mime_type: str,
        application_id: str | None = None,
        customer_id: str | None = None,
        fields: dict[str, Any] | None = None,
    ) -> str:
        columns = _document_columns(self.cipher, doc_type, image, mime_type, application_id,
                                     customer_id, fields)
        self._add(DocumentRow, columns | {"created_at": self._now()})
        return columns["id"]

    def enqueue(
        self, aggregate_type: str, aggregate_id: str, kind: str, payload: dict[str, Any]
    ) -> str:
        """As `enqueue`: rows enter the queue in the order they are added here."""
        key = uuid.uuid4().hex
        self._add(OutboxRow, {
            "idempotency_key": key, "aggregate_type": aggregate_type,
            "aggregate_id": aggregate_id, "kind": kind,
            "payload_enc": self.cipher.seal(
                _OUTBOX, "payload", f"{key}/{aggregate_type}/{aggregate_id}",
                json.dumps(payload, ensure_ascii=False).encode()),
            "status": OutboxStatus.PENDING.value, "attempts": 0,
            "next_attempt_at": None, "last_error": None, "created_at": self._now(),
            "sent_at": None,
        })
        return key
