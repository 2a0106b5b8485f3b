"""Reference data: the demo dealer, the product catalog and campaigns."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from central.db import Campaign, CatalogVersion, Dealer

DEMO_DEALER = ("DEMO001", "示范汽车金融展厅")

_CATEGORIES = ("new_car", "used_car", "nev", "commercial", "tractor", "construction")
# LTV caps by category (DOMAIN.md): commercial 70 %, commercial NEV 75 %, used 70 %;
# private cars were left to lenders in 2024 (80 % here); leases are not formally bound
# by them (unverified), so the lease products carry their own, configurable, caps.
_LOAN_LTV = {"new_car": "0.80", "nev": "0.80", "used_car": "0.70", "commercial": "0.70",
             "tractor": "0.70", "construction": "0.70"}
_LEASE_LTV = {"new_car": "0.85", "nev": "0.85", "used_car": "0.75", "commercial": "0.75",
              "tractor": "0.80", "construction": "0.75"}
_BASE_RATE = {"new_car": 0.0499, "nev": 0.0399, "used_car": 0.0799, "commercial": 0.0699,
              "tractor": 0.0599, "construction": 0.0749}
_TERMS = (12, 24, 36, 48, 60)
_TERM_STEP = {12: 0.0, 24: 0.002, 36: 0.004, 48: 0.006, 60: 0.008}


def _rates(extra: float, terms: tuple[int, ...] = _TERMS) -> list[dict]:
    # Rates are published as strings; computing them in float here only lays out a
    # grid of round numbers, which are then fixed as 4-decimal strings.
    return [
        {"vehicle_category": c, "term_months": t,
         "annual_rate": f"{_BASE_RATE[c] + _TERM_STEP[t] + extra:.4f}"}
        for c in _CATEGORIES for t in terms if not (c == "used_car" and t > 36)
    ]


def default_catalog() -> dict:
    gps = {"code": "gps", "name_zh": "GPS安装费", "name_en": "GPS installation",
           "amount_fen": 120_000, "financed_allowed": True}
    handling = {"code": "handling", "name_zh": "手续费", "name_en": "Handling fee",
                "amount_fen": 200_000, "financed_allowed": True}
    return {"products": [
        {"code": "auto_loan", "name_zh": "汽车贷款", "name_en": "Auto loan", "kind": "loan",
         "terms": list(_TERMS), "min_down_payment_ratio": "0.30", "max_residual_ratio": "0.30",
         "ltv_caps": _LOAN_LTV, "rates": _rates(0.0), "fees": [gps, handling]},
        {"code": "direct_lease", "name_zh": "直租", "name_en": "Direct lease", "kind": "lease",
         "terms": list(_TERMS), "min_down_payment_ratio": "0.15", "max_residual_ratio": "0.40",
         "ltv_caps": _LEASE_LTV, "rates": _rates(0.01), "fees": [gps, handling]},
        {"code": "sale_leaseback", "name_zh": "售后回租", "name_en": "Sale-and-leaseback",
         "kind": "lease", "terms": [12, 24, 36], "min_down_payment_ratio": "0.00",
         "max_residual_ratio": "0.10", "ltv_caps": _LEASE_LTV, "rates": _rates(0.02, (12, 24, 36)),
         "fees": [gps, handling]},
    ]}


def ensure_catalog(s: Session) -> int:
    latest = s.scalar(select(func.max(CatalogVersion.version)))
    if latest is None:
        s.add(CatalogVersion(version=1, body=default_catalog()))
        return 1
    return latest


_CAMPAIGNS = (
    {"code": "BYD-NEV-199", "name_zh": "比亚迪新能源 1.99% 贴息",
     "name_en": "BYD NEV 1.99 % subsidised rate", "funded_by": "oem",
     "effect": "subsidised_rate", "value": "0.0199", "makes": ["比亚迪"],
     "categories": ["nev", "new_car"], "products": ["auto_loan"]},
    {"code": "AGED-15DP", "name_zh": "库龄车首付低至15%",
     "name_en": "Aged stock: down payment from 15 %", "funded_by": "lessor",
     "effect": "lower_down_payment", "value": "0.15", "makes": [],
     "categories": ["new_car", "nev"], "products": ["auto_loan", "direct_lease"]},
    {"code": "FARM-GPS-FREE", "name_zh": "农机免GPS安装费",
     "name_en": "Farm machinery: GPS fee waived", "funded_by": "lessor",
     "effect": "fee_waiver", "value": "gps", "makes": [],
     "categories": ["tractor"], "products": ["auto_loan", "direct_lease"]},
)


def default_campaigns(today: date) -> list[dict]:
    start, end = today - timedelta(days=30), today + timedelta(days=150)
    return [dict(c, valid_from=start.isoformat(), valid_to=end.isoformat())
            for c in _CAMPAIGNS]


def ensure_dealer(s: Session, code: str, name: str) -> Dealer:
    dealer = s.scalars(select(Dealer).where(Dealer.code == code)).first()
    if dealer is None:
        dealer = Dealer(id=uuid.uuid4().hex, code=code, name=name)
        s.add(dealer)
        s.flush()
    return dealer


def ensure_campaigns(s: Session, today: date) -> None:
    if s.scalar(select(func.count()).select_from(Campaign)):
        return
    for seq, body in enumerate(default_campaigns(today), start=1):
        s.add(Campaign(id=uuid.uuid4().hex, code=body["code"], dealer_id=None, body=body,
                       active=True, updated_seq=seq))


def seed_demo(s: Session, today: date) -> Dealer:
    dealer = ensure_dealer(s, *DEMO_DEALER)
    ensure_catalog(s)
    ensure_campaigns(s, today)
    return dealer
