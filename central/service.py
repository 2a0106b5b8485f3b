"""What central does with an application: decide, write the contract, take the signature."""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from datetime import date, timedelta, timezone
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from central import contract_pdf, decision, finance
from central.db import Application, Contract, Database, Dealer, StatusEvent, utcnow
from central.errors import ApiError
from central.schemas import (
    ApplicationIn,
    ApplicationOut,
    ConditionOut,
    ReasonOut,
    RequoteIn,
    SignatureIn,
)

LESSOR_NAME = "示范融资租赁有限公司"
CST = timezone(timedelta(hours=8), "CST")
FINAL = ("declined", "signed", "funded", "withdrawn")
# Before a signature binds anyone, the dealer may still call an application off.
WITHDRAWABLE = ("submitted", "in_review", "manual_review", "approved", "conditional",
                "contract_ready")


def application_out(app: Application) -> ApplicationOut:
    return ApplicationOut(
        id=app.id, client_reference=app.client_reference, status=app.status,
        reasons=[ReasonOut(**r) for r in app.reasons],
        conditions=[ConditionOut(**c) for c in app.conditions],
        created_at=app.created_at, updated_at=app.updated_at,
    )


def set_status(s: Session, app: Application, status: str, reasons: list | None = None,
               conditions: list | None = None) -> None:
    """Every change of status is one event in the decision feed, in commit order."""
    now = utcnow()
    app.status, app.updated_at = status, now
    if reasons is not None:
        app.reasons = reasons
    if conditions is not None:
        app.conditions = conditions
    s.add(StatusEvent(dealer_id=app.dealer_id, application_id=app.id, status=status,
                      reasons=list(app.reasons), conditions=list(app.conditions), at=now))
    s.flush()


def _facts(body: dict, today: date) -> decision.ApplicationFacts:
    applicant, vehicle, quote = body["applicant"], body["vehicle"], body["quote"]
    birth = applicant.get("birth_date")
    return decision.ApplicationFacts(
        customer_type=applicant["customer_type"],
        id_number=applicant.get("id_number"),
        birth_date=date.fromisoformat(birth) if birth else None,
        monthly_income_fen=applicant.get("monthly_income_fen"),
        income_proven=bool(applicant.get("income_proven")),
        vehicle_category=vehicle["category"],
        is_nev=bool(vehicle.get("is_nev")),
        vehicle_price_fen=vehicle["price_fen"],
        down_payment_fen=quote["down_payment_fen"],
        term_months=quote["term_months"],
        product_code=quote["product_code"],
        monthly_payment_fen=quote.get("monthly_payment_fen"),
        decision_date=today,
    )


def submit(s: Session, dealer_id: str, device_id: str, body: ApplicationIn) -> ApplicationOut:
    payload = body.model_dump(mode="json")
    if body.quote.down_payment_fen >= body.vehicle.price_fen:
        raise ApiError(422, "nothing_to_finance", "首付不低于车价，没有需要融资的金额。",
                       "The down payment covers the price: there is nothing to finance.")
    _check_quote(payload)
    existing = s.scalars(select(Application).where(
        Application.dealer_id == dealer_id,
        Application.client_reference == body.client_reference)).first()
    if existing is not None:
        raise ApiError(409, "duplicate_client_reference",
                       f"申请 {body.client_reference} 已经提交过（中心编号 {existing.id}）。",
                       f"Application {body.client_reference} was already submitted "
                       f"(central id {existing.id}).")
    app = Application(id=uuid.uuid4().hex, dealer_id=dealer_id, device_id=device_id,
                      client_reference=body.client_reference, payload=payload,
                      status="submitted", reasons=[], conditions=[])
    s.add(app)
    s.flush()
    set_status(s, app, "submitted")
    set_status(s, app, "in_review")
    verdict = decision.decide(_facts(payload, utcnow().astimezone(CST).date()))
    reasons = [{"code": r.code, "zh": r.zh, "en": r.en} for r in verdict.reasons]
    conditions = [{"code": c.code, "zh": c.zh, "en": c.en, "value": c.value}
                  for c in verdict.conditions]
    set_status(s, app, verdict.outcome, reasons, conditions)
    if verdict.outcome == "approved":
        issue_contract(s, app)
    return application_out(app)


def complete_review(s: Session, app: Application, outcome: str, note_zh: str, note_en: str,
                    conditions: list | None = None) -> None:
    """A person at the lessor finishes a manual review (CLI `review`)."""
    if app.status != "manual_review":
        raise ApiError(409, "not_in_manual_review", "该申请不在人工审核中。",
                       "This application is not waiting for a manual review.")
    reason = {"code": "manual_review_" + outcome, "zh": note_zh, "en": note_en}
    set_status(s, app, outcome, [*app.reasons, reason], conditions or [])
    if outcome == "approved":
        issue_contract(s, app)


def _check_quote(body: dict) -> None:
    """The schedule and APR of the contract this quote would make must exist."""
    vehicle, quote = body["vehicle"], body["quote"]
    financed = sum(f["amount_fen"] for f in quote["fees"] if f["financed"])
    upfront = sum(f["amount_fen"] for f in quote["fees"] if not f["financed"])
    principal = vehicle["price_fen"] - quote["down_payment_fen"] + financed
    try:
        schedule = finance.equal_instalment_schedule(
            principal, Decimal(quote["annual_rate"]), quote["term_months"], date(2000, 1, 1),
            balloon_fen=quote["residual_fen"])
        finance.annual_percentage_rate(
            vehicle["price_fen"] - quote["down_payment_fen"] - upfront,
            [(i + 1, inst.payment_fen) for i, inst in enumerate(schedule)])
    except (ValueError, ArithmeticError) as exc:
        raise ApiError(422, "quote_inconsistent", "报价不成立（尾款、费用或首付不匹配）。",
                       f"The quote cannot make a contract: {exc}") from exc


def issue_contract(s: Session, app: Application) -> Contract:
    """Issue the contract's number and terms now; its PDF is drawn on first fetch.

    Drawing the PDF costs more than deciding the application, and a desk pulling an
    offline day's submissions should not wait for documents nobody has opened yet.
    Rendering is deterministic (fixed inputs, reportlab invariant mode), so drawing
    later gives the very bytes that drawing now would have given.
    """
    quote = app.payload["quote"]
    issued_at = utcnow()
    issued_on = issued_at.astimezone(CST).date()
    number = f"{'LN' if quote['product_code'] == 'auto_loan' else 'FL'}-{issued_on:%Y%m%d}-" \
             f"{app.id[:8].upper()}"
    contract = Contract(id=uuid.uuid4().hex, application_id=app.id, number=number,
                        product_code=quote["product_code"], pdf=b"", pdf_sha256="",
                        created_at=issued_at)
    s.add(contract)
    set_status(s, app, "contract_ready")
    return contract


def ensure_rendered(s: Session, contract: Contract) -> Contract:
    """Draw the contract's PDF if it has not been drawn yet (in the caller's write
    session, which commits it)."""
    if contract.pdf:
        return contract
    app = s.get(Application, contract.application_id)
    assert app is not None
    body = app.payload
    applicant, vehicle, quote = body["applicant"], body["vehicle"], body["quote"]
    dealer = s.get(Dealer, app.dealer_id)
    assert dealer is not None
    issued_on = contract.created_at.astimezone(CST).date()
    fees = tuple(contract_pdf.Fee(name_zh=f["name_zh"], name_en=f["code"],
                                  amount_fen=f["amount_fen"], financed=f["financed"])
                 for f in quote["fees"])
    financed_fees = sum(f.amount_fen for f in fees if f.financed)
    upfront_fees = sum(f.amount_fen for f in fees if not f.financed)
    principal = vehicle["price_fen"] - quote["down_payment_fen"] + financed_fees
    rate = Decimal(quote["annual_rate"])
    schedule = finance.equal_instalment_schedule(
        principal, rate, quote["term_months"], _add_month(issued_on),
        balloon_fen=quote["residual_fen"])
    received = vehicle["price_fen"] - quote["down_payment_fen"] - upfront_fees
    nominal, effective = finance.annual_percentage_rate(
        received, [(i + 1, inst.payment_fen) for i, inst in enumerate(schedule)])
    pdf = contract_pdf.render_contract(contract_pdf.ContractData(
        contract_number=contract.number, product_code=quote["product_code"],
        lessor_name=LESSOR_NAME, dealer_name=dealer.name,
        customer_name=applicant.get("company_name") or applicant["name"],
        customer_id_number=applicant.get("uscc") or applicant.get("id_number") or "",
        customer_phone=applicant.get("phone") or "",
        customer_address=applicant.get("address") or "",
        vehicle_make=vehicle["make"], vehicle_model=vehicle["model"], vehicle_vin=vehicle["vin"],
        vehicle_price_fen=vehicle["price_fen"], down_payment_fen=quote["down_payment_fen"],
        financed_fen=principal, term_months=quote["term_months"], annual_rate=rate,
        apr_nominal=nominal, apr_effective=effective, fees=fees, schedule=tuple(schedule),
        residual_fen=quote["residual_fen"], issued_on=issued_on,
    ))
    contract.pdf, contract.pdf_sha256 = pdf, contract_pdf.pdf_sha256(pdf)
    return contract


def rendered(db: Database, contract: Contract) -> Contract:
    """The contract with its PDF, drawing and storing it first if needed."""
    if contract.pdf:
        return contract
    with db.session() as s:
        fresh = s.get(Contract, contract.id)
        assert fresh is not None
        ensure_rendered(s, fresh)
        s.flush()
        s.expunge(fresh)
        return fresh


def _add_month(day: date) -> date:
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def withdraw(s: Session, app: Application, reason: str) -> None:
    """The dealer calls the application off (the customer changed their mind)."""
    if app.status == "withdrawn":
        raise ApiError(409, "already_withdrawn", "该申请已撤回。",
                       "This application was already withdrawn.")
    if app.status in ("signed", "funded"):
        raise ApiError(409, "cannot_withdraw", "合同已签署，不能撤回申请。",
                       "The contract is already signed: the application cannot be withdrawn.")
    if app.status not in WITHDRAWABLE:
        raise ApiError(409, "cannot_withdraw", "申请已被拒绝，不能撤回。",
                       "The application was declined: there is nothing to withdraw.")
    # Appended to the decision's reasons, not replacing them: the feed keeps why it was
    # decided as it was, and says who ended it and why.
    set_status(s, app, "withdrawn", reasons=[
        *app.reasons, {"code": "withdrawn_by_dealer", "zh": "经销商撤回：" + reason,
                       "en": "Withdrawn by the dealer: " + reason}])


def requote(s: Session, app: Application, body: RequoteIn) -> None:
    """New figures for a conditional approval: the application is decided again on them,
    with the same rules (a condition met now approves; anything else decides as it
    would have on first submission)."""
    if app.status != "conditional":
        raise ApiError(409, "not_conditional", "只有附条件批准的申请才能重新报价。",
                       "Only a conditional approval can be requoted.")
    payload = dict(app.payload)
    payload["quote"] = body.quote.model_dump(mode="json")
    if body.quote.down_payment_fen >= payload["vehicle"]["price_fen"]:
        raise ApiError(422, "nothing_to_finance", "首付不低于车价，没有需要融资的金额。",
                       "The down payment covers the price: there is nothing to finance.")
    _check_quote(payload)
    app.payload = payload
    note = body.note.strip()
    requoted = {"code": "requoted_by_dealer",
                "zh": "经销商重新报价" + ("：" + note if note else "。"),
                "en": "Requoted by the dealer" + (": " + note if note else ".")}
    set_status(s, app, "in_review", reasons=[requoted], conditions=[])
    verdict = decision.decide(_facts(payload, utcnow().astimezone(CST).date()))
    reasons = [requoted] + [{"code": r.code, "zh": r.zh, "en": r.en} for r in verdict.reasons]
    conditions = [{"code": c.code, "zh": c.zh, "en": c.en, "value": c.value}
                  for c in verdict.conditions]
    set_status(s, app, verdict.outcome, reasons, conditions)
    if verdict.outcome == "approved":
        issue_contract(s, app)


def sign(s: Session, app: Application, body: SignatureIn) -> Contract:
    if app.status == "withdrawn":
        # Same code as any other unsignable state, so desks need no new branch; only
        # the words differ, since "not ready yet" would suggest waiting helps.
        raise ApiError(409, "contract_not_ready", "申请已撤回，合同不能再签署。",
                       "The application was withdrawn: its contract can no longer be signed.")
    contract = s.scalars(select(Contract).where(Contract.application_id == app.id)).first()
    if contract is None or app.status not in ("contract_ready", "signed", "funded"):
        raise ApiError(409, "contract_not_ready", "合同尚未就绪，暂不能签署。",
                       "The contract is not ready to be signed yet.")
    if contract.signed_pdf is not None:
        raise ApiError(409, "already_signed", "该合同已签署，签署后的合同不可更改。",
                       "This contract is already signed; a signed contract never changes.")
    try:
        png = base64.b64decode(body.image_png_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ApiError(422, "signature_unreadable", "签名图片不是有效的 Base64 数据。",
                       "The signature image is not valid base64.") from exc
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ApiError(422, "signature_unreadable", "签名图片必须是 PNG 格式。",
                       "The signature image must be a PNG.")
    signed_at = body.signed_at if body.signed_at.tzinfo else body.signed_at.replace(tzinfo=CST)
    if not 2000 <= signed_at.year <= 2100:
        raise ApiError(422, "signed_at_out_of_range", "签署时间不在合理范围内。",
                       "The signing time is out of range (years 2000 to 2100).")
    try:
        ensure_rendered(s, contract)
        signed = contract_pdf.sign_contract(contract.pdf, png, body.signer_name, signed_at)
    except ValueError as exc:
        raise ApiError(422, "signature_unreadable", "签名图片无法读取。",
                       f"The signature image cannot be read: {exc}") from exc
    contract.signed_pdf, contract.signed_sha256 = signed, hashlib.sha256(signed).hexdigest()
    contract.signer_name, contract.signed_at = body.signer_name, signed_at.astimezone(CST)
    contract.signature_png = png
    contract.strokes = [[p.model_dump() for p in stroke] for stroke in body.strokes]
    set_status(s, app, "signed")
    return contract


def fund(s: Session, app: Application) -> None:
    if app.status != "signed":
        raise ApiError(409, "not_signed", "合同签署后才能放款。",
                       "Only a signed contract can be funded.")
    set_status(s, app, "funded")

