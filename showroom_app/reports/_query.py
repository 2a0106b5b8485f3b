"""The filtered set of applications every application report starts from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, or_

from local_store.orm import (
    DECIDED_STATUSES,
    FUNDED_STATUSES,
    SIGNED_STATUSES,
    ApplicationRow,
    CustomerRow,
    InventoryItemRow,
)
from showroom_app.domain.enums import ApplicationStatus as S
from showroom_app.reports.filters import ReportFilters

A, C, I = ApplicationRow, CustomerRow, InventoryItemRow  # noqa: E741 (table aliases)

# Conditional approval is an approval (with conditions the desk can meet): it counts
# as approved everywhere, like every status that only an approval leads to.
APPROVED = (S.APPROVED, S.CONDITIONAL, S.CONTRACT_READY, S.SIGNED, S.FUNDED)
DECLINED = (S.DECLINED,)
_AFTER_SUBMIT = tuple(s for s in S if s not in (S.DRAFT, S.WITHDRAWN))


def _values(statuses: Any) -> list[str]:
    return [str(s) for s in statuses]


# "Reached the step" from the current status and the milestone stamps: an application
# withdrawn after a decision still counts as decided (decided_at stays set).
def submitted() -> ColumnElement[bool]:
    return or_(A.submitted_at.is_not(None), A.status.in_(_values(_AFTER_SUBMIT)))


def decided() -> ColumnElement[bool]:
    return or_(A.decided_at.is_not(None), A.status.in_(_values(DECIDED_STATUSES)))


def approved() -> ColumnElement[bool]:
    return A.status.in_(_values(APPROVED))


def declined() -> ColumnElement[bool]:
    return A.status.in_(_values(DECLINED))


def signed() -> ColumnElement[bool]:
    return or_(A.signed_at.is_not(None), A.status.in_(_values(SIGNED_STATUSES)))


def funded() -> ColumnElement[bool]:
    return or_(A.funded_at.is_not(None), A.status.in_(_values(FUNDED_STATUSES)))


def filtered(stmt: Select[Any], f: ReportFilters, *, item: bool = False,
             customer: bool = False) -> Select[Any]:
    """`stmt` (selecting from `application`) narrowed to the filters; joins the vehicle
    and the customer only when a filter or the caller needs them (they cost time on
    100,000 rows)."""
    start, end = f.created_bounds()
    if start is not None:
        stmt = stmt.where(A.created_at >= start)
    if end is not None:
        stmt = stmt.where(A.created_at < end)
    if f.consultant_id:
        stmt = stmt.where(A.consultant_id == f.consultant_id)
    if f.customer_type:
        stmt = stmt.where(A.customer_type == f.customer_type)
    if f.product_code:
        stmt = stmt.where(A.product_code == f.product_code)
    if item or f.category or f.make or f.model:
        stmt = stmt.outerjoin(I, I.id == A.inventory_item_id)
        if f.category:
            stmt = stmt.where(I.category == f.category)
        if f.make:
            stmt = stmt.where(I.make == f.make)
        if f.model:
            stmt = stmt.where(I.model == f.model)
    if customer or f.segment:
        stmt = stmt.outerjoin(C, C.id == A.customer_id)
        if f.segment:
            stmt = stmt.where(C.segment == f.segment)
    return stmt
