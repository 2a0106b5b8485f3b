"""Application reports: the funnel, approval rates, time to decision and signature."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Integer, case, cast, func, select
from sqlalchemy.orm import Session

from local_store.orm import UserRow
from showroom_app.reports import _query as q
from showroom_app.reports._query import A, C, I
from showroom_app.reports.filters import ReportFilters
from showroom_app.reports.table import Column, Figure, Kind, Label, Note, Table, nearest_rank, ratio

NONE_LABEL = "—"


def _count(cond: Any) -> Any:
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


# --- funnel -----------------------------------------------------------------------------

FUNNEL_STEPS = (
    ("created", "草稿（新建）", "Drafts (created)"),
    ("submitted", "已提交", "Submitted"),
    ("decided", "已审批", "Decided"),
    ("approved", "已批准", "Approved"),
    ("signed", "已签约", "Contract signed"),
    ("funded", "已放款", "Funded"),
)


def funnel(session: Session, f: ReportFilters) -> Table:
    stmt = q.filtered(select(
        func.count(), _count(q.submitted()), _count(q.decided()), _count(q.approved()),
        _count(q.signed()), _count(q.funded())).select_from(A), f)
    counts = [int(v) for v in session.execute(stmt).one()]
    rows = []
    for i, ((key, _zh, _en), n) in enumerate(zip(FUNNEL_STEPS, counts, strict=True)):
        prev = counts[i - 1] if i else n
        rows.append((key, n, ratio(n, prev) if i else None,
                     prev - n if i else None, ratio(n, counts[0])))
    return Table(
        "funnel", "申请漏斗", "Application funnel",
        (Column("step", "步骤", "Step"),
         Column("applications", "申请数", "Applications", Kind.INT),
         Column("conversion", "环节转化率", "Conversion from previous step", Kind.PERCENT),
         Column("dropped", "环节流失", "Dropped at this step", Kind.INT),
         Column("of_created", "占新建比例", "Share of created", Kind.PERCENT)),
        rows,
        figures=[Figure("overall", "新建到放款转化率", "Created → funded", Kind.PERCENT,
                        ratio(counts[-1], counts[0]))],
        notes=[Note("按申请创建日期（北京时间）统计；每一步按当前状态及已记录的审批、签约、放款时间判断。"
                    "附条件批准计为批准。",
                    "Applications created in the range (China time); a step counts as reached "
                    "from the current status and the recorded decision, signature and funding "
                    "times. Conditional approvals count as approved.")],
        labels={key: Label(zh, en) for key, zh, en in FUNNEL_STEPS},
    )


# --- approval rate by dimension ------------------------------------------------------

DIMENSIONS: dict[str, tuple[str, str]] = {
    "model": ("品牌车型", "Make / model"),
    "category": ("车辆类别", "Vehicle category"),
    "product": ("金融产品", "Product"),
    "segment": ("客群", "Segment"),
    "consultant": ("销售顾问", "Consultant"),
}


def approval(session: Session, f: ReportFilters, by: str) -> Table:
    if by not in DIMENSIONS:
        raise ValueError(f"unknown dimension {by!r}")
    needs_item = by in ("model", "category")
    keys: list[Any]
    if by == "model":
        keys = [I.make, I.model]
    elif by == "category":
        keys = [I.category]
    elif by == "product":
        keys = [A.product_code]
    elif by == "segment":
        keys = [C.segment]
    else:
        keys = [UserRow.display_name, A.consultant_id]
    stmt = select(*keys, func.count(), _count(q.decided()), _count(q.approved()),
                  _count(q.declined()),
                  func.coalesce(func.sum(case((q.approved(), A.financed_amount_fen),
                                              else_=0)), 0)).select_from(A)
    if by == "consultant":
        stmt = stmt.join(UserRow, UserRow.id == A.consultant_id)
    stmt = q.filtered(stmt, f, item=needs_item, customer=by == "segment").group_by(*keys)
    rows = []
    for r in session.execute(stmt):
        if by == "model":
            label = f"{r[0]} {r[1]}" if r[0] is not None else NONE_LABEL
            rest = r[2:]
        elif by == "consultant":
            label, rest = r[0], r[2:]
        else:
            label, rest = (r[0] if r[0] is not None else NONE_LABEL), r[1:]
        n, _decided, ok, no, financed = (int(v) for v in rest)
        # Decided here means approved or declined now: an application withdrawn after
        # its decision has no outcome left to count for or against the rate.
        rows.append((label, n, ok + no, ok, no, ratio(ok, ok + no), financed))
    rows.sort(key=lambda r: (-r[2], -r[1], str(r[0])))
    zh, en = DIMENSIONS[by]
    tot_ok, tot_no = sum(r[3] for r in rows), sum(r[4] for r in rows)
    return Table(
        f"approval_by_{by}", f"按{zh}的审批通过率", f"Approval rate by {en.lower()}",
        (Column("group", zh, en, personal=by == "consultant"),
         Column("applications", "申请数", "Applications", Kind.INT),
         Column("decided", "已审批", "Decided", Kind.INT),
         Column("approved", "批准", "Approved", Kind.INT),
         Column("declined", "拒绝", "Declined", Kind.INT),
         Column("approval_rate", "通过率", "Approval rate", Kind.PERCENT),
         Column("approved_financed", "批准融资额", "Approved amount financed", Kind.MONEY)),
        rows,
        figures=[Figure("approval_rate", "总体通过率", "Overall approval rate", Kind.PERCENT,
                        ratio(tot_ok, tot_ok + tot_no))],
        notes=[Note("通过率 = 批准 ÷（批准 + 拒绝），按当前状态；附条件批准计为批准。",
                    "Approval rate = approved ÷ (approved + declined), by current status; "
                    "conditional approvals count as approved.")],
    )


# --- time to decision and to signature -------------------------------------------------


def _day(col: Any) -> Any:
    # SQLite keeps naive UTC text: shift to Beijing time before taking the date.
    return func.date(func.datetime(col, "+8 hours"))


def _seconds(later: Any, earlier: Any) -> Any:
    return cast(func.round((func.julianday(later) - func.julianday(earlier)) * 86400), Integer)


def timing(session: Session, f: ReportFilters) -> Table:
    decision = q.filtered(select(_day(A.decided_at), _seconds(A.decided_at, A.submitted_at))
                          .select_from(A).where(A.decided_at.is_not(None),
                                                A.submitted_at.is_not(None)), f)
    signature = q.filtered(select(_day(A.signed_at), _seconds(A.signed_at, A.decided_at))
                           .select_from(A).where(A.signed_at.is_not(None),
                                                 A.decided_at.is_not(None)), f)
    by_day: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    everything: tuple[list[int], list[int]] = ([], [])
    for which, stmt in ((0, decision), (1, signature)):
        for day, seconds in session.execute(stmt):
            # A desk clock behind central's can make a span negative: it took no time.
            value = max(int(seconds), 0)
            by_day[day][which].append(value)
            everything[which].append(value)
    rows = []
    for day in sorted(by_day):
        dec, sig = (sorted(v) for v in by_day[day])
        rows.append((day, len(dec), nearest_rank(dec, 50), nearest_rank(dec, 90),
                     len(sig), nearest_rank(sig, 50), nearest_rank(sig, 90)))
    dec_all, sig_all = sorted(everything[0]), sorted(everything[1])
    return Table(
        "timing", "审批与签约用时", "Time to decision and to signature",
        (Column("day", "日期", "Day"),
         Column("decisions", "审批数", "Decisions", Kind.INT),
         Column("decision_median", "审批用时中位数", "Time to decision, median", Kind.DURATION),
         Column("decision_p90", "审批用时P90", "Time to decision, p90", Kind.DURATION),
         Column("signatures", "签约数", "Signatures", Kind.INT),
         Column("signature_median", "签约用时中位数", "Time to signature, median",
                Kind.DURATION),
         Column("signature_p90", "签约用时P90", "Time to signature, p90", Kind.DURATION)),
        rows,
        figures=[
            Figure("decision_median", "审批用时中位数", "Time to decision, median",
                   Kind.DURATION, nearest_rank(dec_all, 50)),
            Figure("decision_p90", "审批用时P90", "Time to decision, p90", Kind.DURATION,
                   nearest_rank(dec_all, 90)),
            Figure("signature_median", "签约用时中位数", "Time to signature, median",
                   Kind.DURATION, nearest_rank(sig_all, 50)),
            Figure("signature_p90", "签约用时P90", "Time to signature, p90", Kind.DURATION,
                   nearest_rank(sig_all, 90)),
        ],
        notes=[Note("审批用时：提交至审批结果；签约用时：审批结果至客户签约。按事件发生日（北京时间）分行；"
                    "分位数取最近秩（中位数在偶数个时取较小者）。数据库升级（0006）前已审批的申请以其最后更新时间近似。",
                    "Time to decision: submission → central's decision; time to signature: "
                    "decision → customer's signature. One row per day the event happened "
                    "(China time); percentiles by nearest rank (an even count's median is "
                    "the lower middle value). Applications older than schema 0006 use their "
                    "last change time as an approximation.")],
    )
