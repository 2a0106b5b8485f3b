"""Customer personal data: masked by default; every reveal and every change is audited."""

from __future__ import annotations

import logging
from enum import StrEnum

from local_store import repositories as repo
from local_store.db import Store
from showroom_app.domain.enums import AuditAction, Permission
from showroom_app.domain.masking import (
    mask_bank_card,
    mask_id_number,
    mask_name,
    mask_phone,
)
from showroom_app.domain.models import AuditEntry, Customer, CustomerPII, MaskedCustomer, User
from showroom_app.services.auth import require

log = logging.getLogger(__name__)


class PiiField(StrEnum):
    NAME = "name"
    ID_NUMBER = "id_number"
    PHONE = "phone"
    ADDRESS = "address"
    BANK_CARD = "bank_card"


def masked(customer: Customer) -> MaskedCustomer:
    pii = customer.pii
    return MaskedCustomer(
        id=customer.id,
        customer_type=customer.customer_type,
        name=mask_name(pii.name),
        id_number=mask_id_number(pii.id_number),
        phone=mask_phone(pii.phone),
        bank_card=mask_bank_card(pii.bank_card),
        segment=customer.segment,
    )


class CustomerService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def get(self, actor: User, customer_id: str) -> MaskedCustomer:
        """Masked view: nothing personal leaves, so nothing to audit."""
        require(actor, Permission.WORK_APPLICATIONS)
        with self._store.read() as s:
            customer = repo.get_customer(s, self._store.cipher, customer_id)
        if customer is None:
            raise KeyError(customer_id)
        return masked(customer)

    def reveal(self, actor: User, customer_id: str, field: PiiField) -> str | None:
        """One clear field, on a deliberate click; the audit row says who saw what."""
        require(actor, Permission.WORK_APPLICATIONS)
        with self._store.transaction() as s:
            customer = repo.get_customer(s, self._store.cipher, customer_id)
            if customer is None:
                raise KeyError(customer_id)
            repo.audit(s, AuditAction.VIEW, "customer", customer_id, actor, f"field={field}")
        log.info("%s revealed %s of customer %s", actor.username, field, customer_id)
        return getattr(customer.pii, field.value)

    def find_by_id_number(self, actor: User, id_number: str) -> list[MaskedCustomer]:
        """Lookup through the blind index; the search itself is audited (masked)."""
        require(actor, Permission.WORK_APPLICATIONS)
        with self._store.transaction() as s:
            found = repo.find_customers_by_id_number(s, self._store.cipher, id_number)
            repo.audit(s, AuditAction.VIEW, "customer", None, actor,
                       f"search id_number={mask_id_number(id_number)} hits={len(found)}")
        return [masked(c) for c in found]

    def update(self, actor: User, customer_id: str, pii: CustomerPII) -> MaskedCustomer:
        require(actor, Permission.WORK_APPLICATIONS)
        with self._store.transaction() as s:
            before = repo.get_customer(s, self._store.cipher, customer_id)
            if before is None:
                raise KeyError(customer_id)
            after = repo.update_customer_pii(s, self._store.cipher, customer_id, pii)
            changed = [f for f in PiiField
                       if getattr(before.pii, f.value) != getattr(after.pii, f.value)]
            repo.audit(s, AuditAction.CHANGE, "customer", customer_id, actor,
                       "fields=" + ",".join(changed))
        return masked(after)

    def audit_log(self, actor: User, limit: int = 200) -> list[AuditEntry]:
        """Who viewed, changed, exported or sent personal data: for managers."""
        require(actor, Permission.VIEW_ALL_REPORTS)
        with self._store.read() as s:
            return repo.audit_entries(s, limit)
