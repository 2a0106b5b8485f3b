"""What a report is computed over: a date range in China time and a few dimensions."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone

# Dealers work in Beijing time whatever the PC's zone; timestamps are stored in UTC.
CHINA = timezone(timedelta(hours=8), "CST")


def china_day_start(day: date) -> datetime:
    return datetime.combine(day, time(0, 0), CHINA).astimezone(UTC)


@dataclass(frozen=True)
class ReportFilters:
    date_from: date | None = None  # applications created on or after this China day
    date_to: date | None = None  # … and on or before this one (inclusive)
    consultant_id: str | None = None
    segment: str | None = None  # customer.segment (individual, fleet, farmer…)
    customer_type: str | None = None  # individual / company / farmer
    product_code: str | None = None
    category: str | None = None  # vehicle category
    make: str | None = None
    model: str | None = None
    # "Now" for ages (stock days, queue age); fixed in tests, the clock otherwise.
    as_of: datetime | None = None

    def created_bounds(self) -> tuple[datetime | None, datetime | None]:
        """[start, end) in UTC for `application.created_at`."""
        start = china_day_start(self.date_from) if self.date_from else None
        end = china_day_start(self.date_to + timedelta(days=1)) if self.date_to else None
        return start, end

    def now(self) -> datetime:
        return self.as_of or datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(CHINA).date()

    def with_consultant(self, consultant_id: str) -> ReportFilters:
        return replace(self, consultant_id=consultant_id)

    def describe(self, consultant_name: str | None = None) -> list[tuple[str, str]]:
        """(label, value) pairs for export headers; only what was set."""
        out: list[tuple[str, str]] = []
        if self.date_from or self.date_to:
            out.append(("日期 / Dates", f"{self.date_from or '…'} – {self.date_to or '…'}"))
        if self.consultant_id:
            out.append(("顾问 / Consultant", consultant_name or self.consultant_id))
        for label, value in (("客群 / Segment", self.segment),
                             ("客户类型 / Customer type", self.customer_type),
                             ("产品 / Product", self.product_code),
                             ("车辆类别 / Category", self.category),
                             ("品牌 / Make", self.make), ("车型 / Model", self.model)):
            if value:
                out.append((label, value))
        return out
