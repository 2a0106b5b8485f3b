"""Plain records that services hand to the UI. Never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from showroom_app.domain.enums import (
    ROLE_PERMISSIONS,
    ApplicationStatus,
    CustomerType,
    DocumentType,
    InventoryStatus,
    Permission,
    Role,
    VehicleCategory,
)
from showroom_app.domain.masking import mask_id_number, mask_name, mask_phone
from showroom_app.domain.money import Money


@dataclass(frozen=True, slots=True)
class User:
    id: str
    username: str
    display_name: str
    role: Role
    active: bool = True

    def can(self, permission: Permission) -> bool:
        return permission in ROLE_PERMISSIONS[self.role]


@dataclass(frozen=True, slots=True)
class Dealer:
    id: str
    code: str
    name: str
    city: str


@dataclass(frozen=True, slots=True)
class CustomerPII:
    """The protected fields of a customer, in clear. Lives only in memory."""

    name: str
    id_number: str | None = None
    phone: str | None = None
    address: str | None = None
    bank_card: str | None = None


@dataclass(frozen=True, slots=True)
class Customer:
    id: str
    dealer_id: str
    customer_type: CustomerType
    pii: CustomerPII
    created_at: datetime
    # Non-identifying attributes a risk model or report may use.
    birth_year: int | None = None
    segment: str | None = None

    @property
    def masked_name(self) -> str:
        return mask_name(self.pii.name)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.pii.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.pii.phone)


@dataclass(frozen=True, slots=True)
class InventoryItem:
    id: str
    dealer_id: str
    vin: str
    make: str
    model: str
    trim: str
    category: VehicleCategory
    list_price: Money
    stock_in_date: date
    status: InventoryStatus
    model_year: int | None = None
    is_nev: bool = False

    def days_in_stock(self, today: date) -> int:
        return max(0, (today - self.stock_in_date).days)


@dataclass(frozen=True, slots=True)
class ApplicationSummary:
    """One row of an applications list: masked, cheap to show."""

    id: str
    reference: str
    status: ApplicationStatus
    customer_type: CustomerType
    customer_masked_name: str
    vehicle: str
    financed_amount: Money
    term_months: int
    consultant: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    id: str
    application_id: str | None
    customer_id: str | None
    doc_type: DocumentType
    mime_type: str
    size_bytes: int
    created_at: datetime


@dataclass(frozen=True, slots=True)
class DeskSummary:
    """What the Desk page shows at a glance."""

    applications_by_status: dict[ApplicationStatus, int]
    applications_today: int
    stock_in: int
    aged_stock: int
    aged_days: int
    outbox_pending: int
    outbox_dead: int
    recent: list[ApplicationSummary] = field(default_factory=list)
    # What needs action, each as (how many, the first few (application id, reference)):
    # conditional approvals to requote, contracts ready to sign, refused outbox items.
    conditional: tuple[int, list[tuple[str, str]]] = field(default_factory=lambda: (0, []))
    contract_ready: tuple[int, list[tuple[str, str]]] = field(default_factory=lambda: (0, []))
    dead_letters: tuple[int, list[tuple[str, str]]] = field(default_factory=lambda: (0, []))


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    username: str | None
    action: str
    entity: str
    entity_id: str | None
    detail: str


@dataclass(frozen=True, slots=True)
class MaskedCustomer:
    """What any list or form shows before someone deliberately reveals a field."""

    id: str
    customer_type: CustomerType
    name: str
    id_number: str
    phone: str
    bank_card: str
    segment: str | None


@dataclass(frozen=True, slots=True)
class OutboxItem:
    """One queued change as the Sync page shows it (no payload: it may be personal)."""

    id: int
    kind: str
    application_id: str
    application_reference: str | None
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime | None
    last_error: str | None
    sent_at: datetime | None
