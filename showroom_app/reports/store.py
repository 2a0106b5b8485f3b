"""Store-wide reports: promotions, stock aging, pre-score vs decision, OCR, sync."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from local_store import repositories as repo
from local_store.orm import InventoryItemRow, OutboxRow
from showroom_app.domain.enums import ApplicationStatus, InventoryStatus, OutboxStatus
from showroom_app.reports import _query as q
from showroom_app.reports._query import A
from showroom_app.reports.filters import CHINA, ReportFilters
from showroom_app.reports.table import Column, Figure, Kind, Label, Note, Table, ratio

# --- promotion uptake --------------------------------------------------------------------


def promotions(session: Session, f: ReportFilters) -> Table:
    total = session.scalar(q.filtered(select(func.count()).select_from(A), f)) or 0
    stmt = q.filtered(select(A.promotions).select_from(A).where(A.promotions.is_not(None)), f)
    per_rule: dict[str, dict[str, Any]] = {}
    used = interest = fees = dealer = 0
    for (text,) in session.execute(stmt):
        try:
            entries = json.loads(text)
        except ValueError:
            continue  # written by PromotionService.summary(); a bad row is skipped, not fatal
        rules = [e for e in entries if e.get("code") != "_total"]
        if not rules:
            continue
        used += 1
        for e in rules:
            r = per_rule.setdefault(e["code"], {"name_zh": e.get("name_zh", ""),
                                                "name_en": e.get("name_en", ""),
                                                "funded_by": e.get("funded_by", ""),
                                                "n": 0, "cost": 0})
            r["n"] += 1
            r["cost"] += int(e.get("cost_fen", 0))
        for e in entries:
            if e.get("code") == "_total":
                interest += int(e.get("interest_saving_fen", 0))
                fees += int(e.get("fee_saving_fen", 0))
                dealer += int(e.get("dealer_cost_fen", 0))
    quoted = repo.promotion_quotes(session, f.date_from, f.date_to)
    for code in quoted:
        per_rule.setdefault(code, {"name_zh": "", "name_en": "", "funded_by": "", "n": 0,
                                   "cost": 0})
    rows = [(code, r["name_zh"], r["name_en"], r["funded_by"], quoted.get(code, 0), r["n"],
             ratio(r["n"], total), r["cost"]) for code, r in per_rule.items()]
    rows.sort(key=lambda r: (-r[5], -r[4], r[0]))
    return Table(
        "promotions", "促销使用情况", "Promotion uptake",
        (Column("code", "促销代码", "Code"), Column("name_zh", "名称", "Name (zh)"),
         Column("name_en", "Name", "Name (en)"), Column("funded_by", "出资方", "Funded by"),
         Column("applications", "使用的申请数", "Applications using it", Kind.INT),
         Column("uptake", "使用率", "Uptake", Kind.PERCENT),
         Column("cost", "出资成本", "Cost to its funder", Kind.MONEY)),
        rows,
        figures=[
            Figure("applications", "申请总数", "Applications", Kind.INT, total),
            Figure("with_promotion", "使用促销的申请", "Applications with a promotion",
                   Kind.INT, used),
            Figure("interest_saving", "客户节省利息", "Customer interest saved", Kind.MONEY,
                   interest),
            Figure("fee_saving", "客户节省费用", "Customer fees saved", Kind.MONEY, fees),
            Figure("dealer_cost", "经销商成本", "Dealer cost", Kind.MONEY, dealer),
        ],
        notes=[Note("报价单数 = 导出给客户的报价单中使用该促销的次数"
                    "（按导出日期，顾问筛选不适用）；申请数 = 申请中记录的促销。",
                    "Quote sheets = quote sheets handed out with the promotion (by the day "
                    "exported; the consultant filter does not apply); applications = the "
                    "promotions recorded with applications.")],
    )


# --- stock aging -------------------------------------------------------------------------

BUCKETS = ((0, 30, "0–30"), (31, 60, "31–60"), (61, 90, "61–90"), (91, 180, "91–180"),
           (181, None, "180+"))
# Applications that still stand for a sale of their vehicle.
_LIVE = [s.value for s in ApplicationStatus
         if s not in (ApplicationStatus.DECLINED, ApplicationStatus.WITHDRAWN)]


def stock_aging(session: Session, f: ReportFilters) -> Table:
    I = InventoryItemRow  # noqa: E741
    today = f.today()
    items = select(I.id, I.stock_in_date, I.list_price_fen, I.status).where(
        I.status != InventoryStatus.SOLD.value)
    for col, value in ((I.category, f.category), (I.make, f.make), (I.model, f.model)):
        if value:
            items = items.where(col == value)
    wanted = {i for (i,) in session.execute(
        select(A.inventory_item_id).where(A.inventory_item_id.is_not(None),
                                          A.status.in_(_LIVE)).distinct())}
    tally = {label: [0, 0, 0, 0] for _, _, label in BUCKETS}  # vehicles, value, reserved, wanted
    for item_id, stock_in, price, status in session.execute(items):
        days = max((today - stock_in).days, 0)
        label = next(lb for lo, hi, lb in BUCKETS if days >= lo and (hi is None or days <= hi))
        t = tally[label]
        t[0] += 1
        t[1] += price
        t[2] += status == InventoryStatus.RESERVED.value
        t[3] += item_id in wanted
    rows = [(label, *tally[label], ratio(tally[label][3], tally[label][0]))
            for _, _, label in BUCKETS]
    # Finance penetration: of the vehicles sold, how many went with a funded application.
    sold = select(I.id).where(I.status == InventoryStatus.SOLD.value)
    for col, value in ((I.category, f.category), (I.make, f.make), (I.model, f.model)):
        if value:
            sold = sold.where(col == value)
    sold_ids = {i for (i,) in session.execute(sold)}
    financed = {i for (i,) in session.execute(
        select(A.inventory_item_id).where(A.status == ApplicationStatus.FUNDED.value,
                                          A.inventory_item_id.in_(sold_ids)).distinct())} \
        if sold_ids else set()
    return Table(
        "stock_aging", "库存库龄", "Stock aging",
        (Column("bucket", "库龄（天）", "Days in stock"),
         Column("vehicles", "车辆数", "Vehicles", Kind.INT),
         Column("value", "库存金额（指导价）", "Stock value (list price)", Kind.MONEY),
         Column("reserved", "已预订", "Reserved", Kind.INT),
         Column("with_application", "有在途申请", "With a live application", Kind.INT),
         Column("application_share", "有申请比例", "Share with an application",
                Kind.PERCENT)),
        rows,
        figures=[
            Figure("sold", "已售车辆", "Vehicles sold", Kind.INT, len(sold_ids)),
            Figure("sold_financed", "金融放款售出", "Sold with a funded application", Kind.INT,
                   len(financed)),
            Figure("penetration", "金融渗透率", "Finance penetration", Kind.PERCENT,
                   ratio(len(financed), len(sold_ids))),
        ],
        notes=[Note(f"截至 {today}（北京时间）的未售车辆（在库及已预订），库龄 = 今天 − 入库日期。"
                    "金融渗透率 = 有已放款申请的已售车辆 ÷ 已售车辆。"
                    "日期、顾问、客群、产品筛选不适用。",
                    f"Vehicles not sold (in stock and reserved) on {today} (China time); days in "
                    "stock = today − stock-in date. Finance penetration = sold vehicles with "
                    "a funded application ÷ vehicles sold. Date, consultant, segment and "
                    "product filters do not apply to stock.")],
    )


# --- pre-score vs the lessor's decision ----------------------------------------------------

VERDICTS = ("likely_approve", "refer", "likely_decline")
VERDICT_LABELS = {"likely_approve": Label("预计通过", "Likely approve"),
                  "refer": Label("转人工", "Refer"),
                  "likely_decline": Label("预计拒绝", "Likely decline")}
_OUTCOME = case((q.approved(), "approved"), (q.declined(), "declined"), else_="undecided")


def _prescored(session: Session, f: ReportFilters, key: str) -> dict[str, dict[str, int]]:
    """{verdict or band: {approved/declined/undecided: n}} in one grouped query over the
    plain pre-score columns (no JSON read for 100,000 rows)."""
    field = {"decision": A.prescore_decision, "band": A.prescore_band}[key]
    stmt = q.filtered(select(field, _OUTCOME, func.count()).select_from(A)
                      .where(field.is_not(None)).group_by(field, _OUTCOME), f)
    out: dict[str, dict[str, int]] = {}
    for value, outcome, n in session.execute(stmt):
        out.setdefault(str(value), {})[outcome] = int(n)
    return out


def _outcome_row(key: str, c: dict[str, int]) -> tuple[Any, ...]:
    ok, no, open_ = c.get("approved", 0), c.get("declined", 0), c.get("undecided", 0)
    return (key, ok + no + open_, open_, ok, no, ratio(ok, ok + no))


_OUTCOME_COLUMNS = (Column("scored", "预评分申请", "Pre-scored", Kind.INT),
                    Column("undecided", "未审批", "Not decided", Kind.INT),
                    Column("approved", "批准", "Approved", Kind.INT),
                    Column("declined", "拒绝", "Declined", Kind.INT),
                    Column("approval_rate", "实际通过率", "Observed approval rate",
                           Kind.PERCENT))


def prescore_agreement(session: Session, f: ReportFilters) -> Table:
    c = _prescored(session, f, "decision")
    rows = [_outcome_row(v, c.get(v, {})) for v in VERDICTS]
    agree = c.get("likely_approve", {}).get("approved", 0) + \
        c.get("likely_decline", {}).get("declined", 0)
    clear = sum(c.get(v, {}).get(o, 0) for v in ("likely_approve", "likely_decline")
                for o in ("approved", "declined"))
    return Table(
        "prescore_agreement", "预评分与审批结果对照", "Pre-score vs final decision",
        (Column("verdict", "预评分结论", "Pre-score verdict"), *_OUTCOME_COLUMNS),
        rows,
        figures=[Figure("agreement", "一致率", "Agreement", Kind.PERCENT, ratio(agree, clear))],
        notes=[Note("一致率 = （预计通过且批准 + 预计拒绝且拒绝）÷ "
                    "预计通过或预计拒绝且已审批；转人工不计入。",
                    "Agreement = (likely approve and approved + likely decline and declined) "
                    "÷ those two verdicts once decided; referrals are left out.")],
        labels=dict(VERDICT_LABELS),
    )


def prescore_bands(session: Session, f: ReportFilters) -> Table:
    c = _prescored(session, f, "band")
    sums = {str(b): (int(total), int(n)) for b, total, n in session.execute(q.filtered(
        select(A.prescore_band, func.sum(A.prescore_pd_bp), func.count(A.prescore_pd_bp))
        .select_from(A).where(A.prescore_band.is_not(None)).group_by(A.prescore_band), f))
        if n}
    rows = []
    for band in sorted(c):
        total, n = sums.get(band, (0, 0))
        # Exact: PDs are kept in 1/10,000; the mean is rounded half up to that unit.
        pd_dec = (Decimal(total) / n / 10_000).quantize(Decimal("0.0001"), ROUND_HALF_UP) \
            if n else None
        rows.append((*_outcome_row(band, c[band]), pd_dec))
    return Table(
        "prescore_bands", "按评分等级的实际通过率", "Observed approval rate by band",
        (Column("band", "等级", "Band"), *_OUTCOME_COLUMNS,
         Column("mean_pd", "平均预测违约率", "Mean predicted PD", Kind.PERCENT)),
        rows,
    )


# --- OCR quality ------------------------------------------------------------------------


def ocr_quality(session: Session, f: ReportFilters) -> Table:
    """From the running tally IntakeService.confirm keeps in meta `ocr:accuracy` (per
    document kind and field: read as is, or corrected by the consultant). It is a
    counter since the desk was installed: the date and other filters cannot apply."""
    counts: dict[str, dict[str, dict[str, int]]] = json.loads(
        repo.get_meta(session, "ocr:accuracy") or "{}")
    rows = []
    reads = corrected = 0
    for kind in sorted(counts):
        for fld in sorted(counts[kind]):
            t = counts[kind][fld]
            n = int(t.get("confirmed", 0)) + int(t.get("corrected", 0))
            rows.append((kind, fld, n, int(t.get("corrected", 0)),
                         ratio(int(t.get("corrected", 0)), n)))
            reads += n
            corrected += int(t.get("corrected", 0))
    return Table(
        "ocr_quality", "OCR识别质量", "OCR quality",
        (Column("doc_type", "证件类型", "Document type"), Column("field", "字段", "Field"),
         Column("reads", "识别次数", "Reads", Kind.INT),
         Column("corrected", "人工更正", "Corrected", Kind.INT),
         Column("correction_rate", "更正率", "Correction rate", Kind.PERCENT)),
        rows,
        figures=[Figure("correction_rate", "总体更正率", "Overall correction rate",
                        Kind.PERCENT, ratio(corrected, reads))],
        notes=[Note("自本机安装以来的累计数，不受日期等筛选影响。",
                    "Running totals since the desk was installed: filters do not apply.")],
    )


# --- sync health ------------------------------------------------------------------------

FEEDS = ("decisions", "contracts", "catalog", "campaigns")
STUCK_ATTEMPTS = 5


def _age(now: datetime, then: datetime | None) -> int | None:
    return None if then is None else max(int((now - then).total_seconds()), 0)


def sync_health(session: Session, f: ReportFilters) -> Table:
    now = f.now()
    o = OutboxRow
    rows: list[tuple[Any, ...]] = []
    for key, cond in (("pending", o.status == OutboxStatus.PENDING.value),
                      ("stuck", (o.status == OutboxStatus.PENDING.value)
                       & (o.attempts >= STUCK_ATTEMPTS)),
                      ("dead", o.status == OutboxStatus.DEAD.value)):
        n, oldest = session.execute(select(func.count(), func.min(o.created_at))
                                    .where(cond)).one()
        # min() over a TypeDecorator column comes back as SQLite text: parse it here.
        when = _parse_db_time(oldest)
        rows.append((key, int(n), _age(now, when), _china(when)))
    for feed in FEEDS:
        text = repo.get_meta(session, f"last_pull:{feed}")
        when = datetime.fromisoformat(text) if text else None
        rows.append((f"pull:{feed}", None, _age(now, when), _china(when)))
    labels = {"pending": Label("待发送", "Queued to send"),
              "stuck": Label(f"多次失败（≥{STUCK_ATTEMPTS}次）",
                             f"Failing (≥ {STUCK_ATTEMPTS} attempts)"),
              "dead": Label("被拒（待处理）", "Dead letters (need a person)")}
    feed_zh = {"decisions": "审批结果", "contracts": "合同", "catalog": "产品目录",
               "campaigns": "厂商活动"}
    labels |= {f"pull:{feed}": Label(f"最近一次拉取：{feed_zh[feed]}", f"Last pull: {feed}")
               for feed in FEEDS}
    return Table(
        "sync_health", "同步状态", "Sync health",
        (Column("item", "项目", "Item"), Column("count", "数量", "Count", Kind.INT),
         Column("age", "距今（最早一条）", "Age (oldest)", Kind.DURATION),
         Column("at", "时间（北京时间）", "At (China time)")),
        rows,
        notes=[Note("当前状态，不受筛选影响。", "The state now: filters do not apply.")],
        labels=labels,
    )


def _parse_db_time(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)


def _china(when: datetime | None) -> str | None:
    return None if when is None else when.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
