"""Report queries returning plain tables (`Table`), computed from the local store.

Each report is a function `(session, filters) -> Table`. `REPORTS` lists them with
who may see them: `OWN` reports have a consultant dimension (a consultant sees only
their own numbers), `SHARED` ones show the showroom (its stock), `STORE` ones only a
manager reads (desk plumbing: OCR corrections, the sync queue).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from sqlalchemy.orm import Session

from showroom_app.reports import applications, store
from showroom_app.reports.filters import CHINA, ReportFilters
from showroom_app.reports.table import Column, Figure, Kind, Label, Note, Table

__all__ = ["CHINA", "OWN", "REPORTS", "SHARED", "STORE", "Column", "Figure", "Kind", "Label",
           "Note", "ReportFilters", "ReportSpec", "Table"]

OWN, SHARED, STORE = "own", "shared", "store"


@dataclass(frozen=True)
class ReportSpec:
    name: str
    title_zh: str
    title_en: str
    scope: str
    run: Callable[[Session, ReportFilters], Table] | None  # None: built by a service


def _approval(by: str) -> ReportSpec:
    zh, en = applications.DIMENSIONS[by]
    return ReportSpec(f"approval_by_{by}", f"按{zh}的审批通过率",
                      f"Approval rate by {en.lower()}", OWN,
                      partial(applications.approval, by=by))


REPORTS: dict[str, ReportSpec] = {spec.name: spec for spec in (
    ReportSpec("funnel", "申请漏斗", "Application funnel", OWN, applications.funnel),
    *(_approval(by) for by in applications.DIMENSIONS),
    ReportSpec("timing", "审批与签约用时", "Time to decision and to signature", OWN,
               applications.timing),
    ReportSpec("promotions", "促销使用情况", "Promotion uptake", OWN, store.promotions),
    ReportSpec("stock_aging", "库存库龄", "Stock aging", SHARED, store.stock_aging),
    # Needs the promotions engine: ReportService builds it.
    ReportSpec("aged_offers", "库龄车辆的最优促销", "Best offer per aged vehicle", SHARED, None),
    ReportSpec("prescore_agreement", "预评分与审批结果对照", "Pre-score vs final decision", OWN,
               store.prescore_agreement),
    ReportSpec("prescore_bands", "按评分等级的实际通过率", "Observed approval rate by band", OWN,
               store.prescore_bands),
    # Needs the bundled models' training data: ReportService builds it.
    ReportSpec("prescore_stability", "评分人群稳定性（PSI）", "Population stability (PSI)",
               STORE, None),
    ReportSpec("ocr_quality", "OCR识别质量", "OCR quality", STORE, store.ocr_quality),
    ReportSpec("sync_health", "同步状态", "Sync health", STORE, store.sync_health),
)}
