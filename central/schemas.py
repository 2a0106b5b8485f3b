"""Request and response bodies: the contract's schemas. Unknown fields are refused."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field


def _number_only(value: object) -> object:
    """JSON numbers only: no "12" and no true (2.0 is still the integer 2)."""
    if isinstance(value, bool | str):
        raise ValueError("a JSON number is required")
    return value


def _bool_only(value: object) -> object:
    if not isinstance(value, bool):
        raise ValueError("true or false is required")
    return value


def _text_only(value: object) -> object:
    """Dates and times arrive as ISO 8601 text, never as numbers."""
    if not isinstance(value, str | date):
        raise ValueError("an ISO 8601 string is required")
    return value


JsonNumber = BeforeValidator(_number_only)
Bool = Annotated[bool, Field(strict=True)]
Consent = Annotated[Literal[True], BeforeValidator(_bool_only)]
TextDate = Annotated[date, BeforeValidator(_text_only)]
TextDateTime = Annotated[datetime, BeforeValidator(_text_only)]
Fen = Annotated[int, Field(ge=0, le=100_000_000_000, description="Amount in integer fen (0.01 CNY)."), JsonNumber]
Rate = Annotated[str, Field(pattern=r"^0(\.\d{1,6})?$|^1(\.0{1,6})?$",
                            description="A fraction as a decimal string, e.g. \"0.0599\" for 5.99 %.")]
CustomerType = Literal["individual", "company", "farmer"]
VehicleCategory = Literal["new_car", "used_car", "nev", "commercial", "tractor", "construction"]
ProductCode = Literal["auto_loan", "direct_lease", "sale_leaseback"]
Status = Literal["submitted", "in_review", "approved", "conditional", "declined",
                 "manual_review", "contract_ready", "signed", "funded", "withdrawn"]
DocType = Literal["id_card_front", "id_card_back", "driving_licence", "vehicle_licence",
                  "business_licence", "bank_card", "income_proof", "consent"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Localized(BaseModel):
    zh: str
    en: str


class FieldError(BaseModel):
    field: str = Field(description="Where: e.g. `body.vehicle.vin`.")
    code: str
    message: Localized


class ErrorBody(BaseModel):
    """The one error model of every 4xx and 5xx answer."""

    code: str = Field(description="Stable machine code, e.g. `validation_error`.")
    message: Localized
    field_errors: list[FieldError] = Field(default_factory=list)


class Health(BaseModel):
    status: Literal["ok"]
    time: datetime


class Version(BaseModel):
    service: str
    version: str
    api_version: str


# --- devices --------------------------------------------------------------------

class EnrollRequest(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"dealer_code": "DEMO001", "activation_code": "K7Q2-M9XP-4TRB", "device_name": "前台电脑 1"}
    ]})
    dealer_code: str = Field(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$")
    activation_code: str = Field(min_length=8, max_length=64)
    device_name: str = Field(min_length=1, max_length=100)


class RefreshRequest(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"refresh_token": "r1.4Jm0q6mY3m8tQv2uUe1ZbQn0cJxR9yV2Xw5e7s8dK1o"}
    ]})
    refresh_token: str = Field(min_length=20, max_length=200)


class TokenPair(BaseModel):
    device_id: str
    dealer_code: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105 - the scheme's name
    access_token: str
    access_expires_at: datetime
    refresh_token: str
    refresh_expires_at: datetime


# --- applications ---------------------------------------------------------------

class Applicant(Strict):
    customer_type: CustomerType
    name: str = Field(min_length=1, max_length=100)
    id_number: str | None = Field(None, pattern=r"^\d{17}[\dXx]$",
                                  description="Resident ID number (for a company: the legal representative's).")
    phone: str | None = Field(None, pattern=r"^1[3-9]\d{9}$")
    address: str | None = Field(None, max_length=200)
    birth_date: TextDate | None = None
    company_name: str | None = Field(None, max_length=200)
    uscc: str | None = Field(None, pattern=r"^[0-9A-HJ-NPQRTUWXY]{18}$",
                             description="Unified social credit code of a company.")
    monthly_income_fen: Fen | None = None
    income_proven: Bool = False


class VehicleIn(Strict):
    vin: str = Field(pattern=r"^[A-HJ-NPR-Z0-9]{17}$")
    make: str = Field(min_length=1, max_length=60)
    model: str = Field(min_length=1, max_length=80)
    category: VehicleCategory
    is_nev: Bool = False
    price_fen: Fen


class FeeIn(Strict):
    code: str = Field(min_length=1, max_length=40, pattern=r"^[a-z0-9_]+$")
    name_zh: str = Field(min_length=1, max_length=40)
    amount_fen: Fen
    financed: Bool = False


class QuoteIn(Strict):
    product_code: ProductCode
    down_payment_fen: Fen
    term_months: Annotated[int, Field(ge=1, le=84), JsonNumber]
    annual_rate: Rate
    monthly_payment_fen: Fen | None = None
    residual_fen: Fen = 0
    fees: list[FeeIn] = Field(default_factory=list, max_length=20)


class Consents(Strict):
    """PIPL Art. 29: separate consent for sensitive personal information."""

    pipl_sensitive: Consent
    credit_inquiry: Consent
    signed_at: TextDateTime


APPLICATION_EXAMPLE = {
    "client_reference": "SR-20261129-0001",
    "applicant": {
        "customer_type": "individual", "name": "张伟", "id_number": "110105198803151232",
        "phone": "13812345678", "address": "北京市朝阳区建国路88号",
        "monthly_income_fen": 2_000_000, "income_proven": True,
    },
    "vehicle": {"vin": "LGXC16DF4N0012345", "make": "比亚迪", "model": "秦PLUS DM-i",
                "category": "nev", "is_nev": True, "price_fen": 12_980_000},
    "quote": {"product_code": "auto_loan", "down_payment_fen": 3_894_000, "term_months": 36,
              "annual_rate": "0.0599", "monthly_payment_fen": 276_400, "residual_fen": 0,
              "fees": [{"code": "gps", "name_zh": "GPS安装费", "amount_fen": 120_000,
                        "financed": False}]},
    "consents": {"pipl_sensitive": True, "credit_inquiry": True,
                 "signed_at": "2026-11-29T10:15:00+08:00"},
}


class ApplicationIn(Strict):
    model_config = ConfigDict(extra="forbid",
                              json_schema_extra={"examples": [APPLICATION_EXAMPLE]})
    client_reference: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$",
                                  description="The desk's own id for this application.")
    applicant: Applicant
    vehicle: VehicleIn
    quote: QuoteIn
    consents: Consents


class RequoteIn(Strict):
    """A conditional approval answered with new figures (e.g. a higher down payment)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "quote": {"product_code": "auto_loan", "down_payment_fen": 4_500_000,
                  "term_months": 36, "annual_rate": "0.0599", "monthly_payment_fen": 320_000,
                  "residual_fen": 0, "fees": []},
        "note": "首付提高到30%。"}]})
    quote: QuoteIn
    note: str = Field("", max_length=500, description="What changed, in the dealer's words.")


class WithdrawalIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"reason": "客户改为全款购车。"}
    ]})
    reason: str = Field(min_length=1, max_length=500,
                        description="Why the dealer withdraws; shown in the decision feed.")


class ReasonOut(BaseModel):
    code: str
    zh: str
    en: str


class ConditionOut(BaseModel):
    code: str
    zh: str
    en: str
    value: str


class ApplicationOut(BaseModel):
    id: str
    client_reference: str
    status: Status
    reasons: list[ReasonOut]
    conditions: list[ConditionOut]
    created_at: datetime
    updated_at: datetime


class ApplicationPage(BaseModel):
    items: list[ApplicationOut]
    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null at the end.")


class DecisionEvent(BaseModel):
    seq: int
    application_id: str
    client_reference: str
    status: Status
    reasons: list[ReasonOut]
    conditions: list[ConditionOut]
    at: datetime


class DecisionFeed(BaseModel):
    events: list[DecisionEvent]
    next_cursor: str = Field(description="Pass as `cursor` next time; unchanged when nothing new.")


# --- documents --------------------------------------------------------------------

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
CHUNK_BYTES = 1024 * 1024


class UploadStart(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"doc_type": "id_card_front", "mime_type": "image/jpeg", "size_bytes": 3_145_728,
         "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}
    ]})
    doc_type: DocType
    mime_type: Literal["image/jpeg", "image/png", "application/pdf"]
    size_bytes: Annotated[int, Field(ge=1, le=MAX_DOCUMENT_BYTES), JsonNumber]
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")


class UploadState(BaseModel):
    upload_id: str
    application_id: str
    size_bytes: int
    received_bytes: int = Field(description="Resume by sending the chunk that starts here.")
    chunk_bytes: int
    complete: bool
    document_id: str | None


# --- contracts ----------------------------------------------------------------------

class StrokePoint(Strict):
    x: Annotated[float, Field(ge=0, le=10_000), JsonNumber]
    y: Annotated[float, Field(ge=0, le=10_000), JsonNumber]
    t: Annotated[int, Field(ge=0, le=86_400_000, description="Milliseconds since the stroke began."), JsonNumber]


class SignatureIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "signer_name": "张伟", "consultant": "李顾问", "signed_at": "2026-11-29T11:02:00+08:00",
        "image_png_base64": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
        "strokes": [[{"x": 10, "y": 12, "t": 0}, {"x": 40, "y": 30, "t": 120}]],
    }]})
    signer_name: str = Field(min_length=1, max_length=100)
    consultant: str = Field(min_length=1, max_length=100)
    signed_at: TextDateTime
    image_png_base64: str = Field(min_length=8, max_length=2_800_000)
    strokes: list[list[StrokePoint]] = Field(max_length=200)


class ContractInfo(BaseModel):
    application_id: str
    number: str
    product_code: ProductCode
    pdf_sha256: str
    signed: bool
    signed_sha256: str | None
    signer_name: str | None
    signed_at: datetime | None


# --- catalog and campaigns ------------------------------------------------------------

class RateCell(BaseModel):
    vehicle_category: VehicleCategory
    term_months: int
    annual_rate: Rate


class ProductFee(BaseModel):
    code: str
    name_zh: str
    name_en: str
    amount_fen: int
    financed_allowed: bool


class Product(BaseModel):
    code: ProductCode
    name_zh: str
    name_en: str
    kind: Literal["loan", "lease"]
    terms: list[int]
    min_down_payment_ratio: Rate
    max_residual_ratio: Rate
    ltv_caps: dict[str, Rate]
    rates: list[RateCell]
    fees: list[ProductFee]


class Catalog(BaseModel):
    version: int
    products: list[Product]


class Campaign(BaseModel):
    code: str
    name_zh: str
    name_en: str
    funded_by: Literal["oem", "lessor", "dealer"]
    effect: Literal["subsidised_rate", "lower_down_payment", "fee_waiver"]
    value: str = Field(description="Rate, ratio or fee code, by effect.")
    valid_from: date
    valid_to: date
    makes: list[str]
    categories: list[VehicleCategory]
    products: list[ProductCode]
    active: bool


class CampaignPage(BaseModel):
    items: list[Campaign]
    next_cursor: str
