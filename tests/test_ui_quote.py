"""The Quote page: plans side by side, recomputed as the consultant types, limits in
words, the schedule of the chosen plan and the PDF quote sheet."""

from __future__ import annotations

from pathlib import Path

import test_ui
from pypdf import PdfReader
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QComboBox, QFileDialog, QLabel, QTableWidget
from test_ui import WAIT_MS, open_window, sign_in

from showroom_app.domain.money import Money

desk = test_ui.desk  # the demo desk fixture of the UI tests


def open_quote(qtbot, desk, tmp_path: Path):
    services, translations = desk
    window = open_window(qtbot, services, sign_in(services, "consultant"), translations,
                         tmp_path / "ui-state.ini")
    window.go("quote")
    assert window.current_page_key() == "quote"
    return window, window.quote_page


def test_plans_recompute_and_show_limits_and_schedule(qtbot, desk, tmp_path: Path) -> None:
    window, page = open_quote(qtbot, desk, tmp_path)
    assert page.vehicle.count() > 1  # "type a price" and the stock
    page.vehicle.setCurrentIndex(2)
    vehicle = page.selected_vehicle()
    assert vehicle is not None
    assert page.price.value() == float(vehicle.price.yuan) and page.price.isReadOnly()
    plan = page.plans[0]
    plan.product.setCurrentIndex(plan.product.findData("auto_loan"))
    plan.set_down_percent(30)
    page.recompute()
    monthly = plan.findChild(QLabel, "monthlyLabel")
    apr = plan.findChild(QLabel, "aprLabel")
    assert monthly.text().startswith("¥") and "," in monthly.text()
    assert "%" in apr.text() and "名义" in apr.text() and "实际" in apr.text()
    before = (monthly.text(), apr.text())

    # Typing a bigger down payment: the monthly payment drops, after the debounce.
    plan.set_down_percent(50)
    qtbot.waitUntil(lambda: monthly.text() != before[0], timeout=WAIT_MS)
    assert Money.of(monthly.text().lstrip("¥").replace(",", "")) < \
        Money.of(before[0].lstrip("¥").replace(",", ""))
    # A longer term changes the rate too.
    apr_before = apr.text()
    plan.term.setCurrentIndex(plan.term.findData(60))
    qtbot.waitUntil(lambda: apr.text() != apr_before, timeout=WAIT_MS)
    table = page.findChild(QTableWidget, "scheduleTable")
    assert table.rowCount() == 60
    assert table.item(0, 2).text().startswith("¥")

    # Too low a down payment: said in words under the plan, no figures.
    plan.set_down_percent(5)
    page.recompute()
    problems = plan.findChild(QLabel, "violationsLabel")
    assert problems.isVisibleTo(page) and "首付低于产品最低要求" in problems.text()
    assert monthly.text() == "–"
    assert table.rowCount() == 0  # no schedule for a plan that is not a quote

    # A second plan, side by side, with its own figures.
    plan.set_down_percent(30)
    page.add_button.click()
    assert len(page.plans) == 2
    second = page.plans[1]
    assert second.title() == "方案 B"
    second.product.setCurrentIndex(second.product.findData("direct_lease"))
    page.recompute()
    assert second.quote is not None and second.quote.kind == "lease"
    assert "融资租赁" in second.findChild(QLabel, "summaryLabel").text()
    page.schedule_plan.setCurrentIndex(1)
    assert table.rowCount() == second.quote.term_months
    second.remove.click()
    assert len(page.plans) == 1 and not page.plans[0].remove.isVisible()
    window.close()


def test_export_the_quote_sheet(qtbot, desk, tmp_path: Path, monkeypatch) -> None:
    window, page = open_quote(qtbot, desk, tmp_path)
    page.add_plan()
    page.plans[1].product.setCurrentIndex(page.plans[1].product.findData("direct_lease"))
    page.plans[1].term.setCurrentIndex(page.plans[1].term.findData(24))
    page.recompute()
    assert [p.quote is not None for p in page.plans] == [True, True]
    target = tmp_path / "报价单.pdf"
    asked: list[str] = []

    def save(_parent, _title, default, _filter, *args):
        asked.append(default)
        return str(target), "PDF"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    page.export_button.click()
    qtbot.waitUntil(lambda: page.last_export is not None, timeout=WAIT_MS)
    assert Path(asked[0]).name.startswith("报价单-") and asked[0].endswith(".pdf")
    assert str(target) in page.export_status.text()
    text = "".join(p.extract_text() for p in PdfReader(target).pages).replace(" ", "")
    assert desk[0].quoting.dealer_name() in text
    assert "等额本息" in text and "融资租赁" in text
    window.close()


def _tractor_plan(page):
    """A typed price, category tractor, one auto-loan plan at 30 % down over 36 months."""
    page.vehicle.setCurrentIndex(0)  # "type a price"
    page.price.setValue(200_000)
    page.category.setCurrentIndex(page.category.findData("tractor"))
    plan = page.plans[0]
    plan.product.setCurrentIndex(plan.product.findData("auto_loan"))
    plan.set_down_percent(30)
    plan.term.setCurrentIndex(plan.term.findData(36))
    return plan


def _table_payments(page) -> list[Money]:
    table = page.findChild(QTableWidget, "scheduleTable")
    return [Money.of(table.item(r, 2).text().lstrip("¥").replace(",", ""))
            for r in range(table.rowCount())]


def test_seasonal_plan_pays_only_in_the_chosen_months(qtbot, desk, tmp_path: Path) -> None:
    window, page = open_quote(qtbot, desk, tmp_path)
    plan = _tractor_plan(page)
    assert plan.findChild(QComboBox, "pattern").currentData() == "monthly"
    assert not plan.findChild(QCheckBox, "month_6").isVisibleTo(plan)
    plan.set_pattern("seasonal")
    months = {m: plan.findChild(QCheckBox, f"month_{m}") for m in range(1, 13)}
    assert all(b.isVisibleTo(plan) for b in months.values())
    assert {m for m, b in months.items() if b.isChecked()} == {6, 10}  # the harvests
    # Signed in October: a 36-month term ends in October, a payment month.
    plan.start_date.setDate(QDate(2026, 10, 15))
    page.recompute()
    assert plan.quote is not None, plan.violations.text()
    rows = plan.quote.rows
    assert {r.due_date.month for r in rows} == {6, 10} and len(rows) == 6
    table = page.findChild(QTableWidget, "scheduleTable")
    assert table.rowCount() == len(rows)
    assert "%" in plan.findChild(QLabel, "aprLabel").text()
    assert not plan.violations.isVisibleTo(page)

    # Signed in November instead: the term would end in November, not a payment month.
    plan.start_date.setDate(QDate(2026, 11, 15))
    page.recompute()
    assert plan.quote is None and "11" in plan.violations.text()
    assert plan.violations.isVisibleTo(page) and "付款月份" in plan.violations.text()

    # No month ticked: said in words, no crash.
    plan.start_date.setDate(QDate(2026, 10, 15))
    for box in months.values():
        box.setChecked(False)
    page.recompute()
    assert plan.quote is None and table.rowCount() == 0
    assert plan.violations.isVisibleTo(page) and "至少勾选一个" in plan.violations.text()
    window.close()


def test_step_and_interest_only_plans(qtbot, desk, tmp_path: Path) -> None:
    window, page = open_quote(qtbot, desk, tmp_path)
    plan = _tractor_plan(page)
    plan.set_pattern("step")
    assert plan.step_every.isVisibleTo(plan) and plan.step_every.value() == 12
    assert plan.step_factor.value() == 1.10 and not plan.io_months.isVisibleTo(plan)
    page.recompute()
    assert plan.quote is not None, plan.violations.text()
    payments = _table_payments(page)
    assert len(payments) == 36
    assert payments[12] > payments[0] and payments[24] > payments[12]
    assert payments[11] == payments[0]

    # Step plans do not apply to equal principal: the engine's refusal, in words.
    plan.method.setCurrentIndex(plan.method.findData("equal_principal"))
    page.recompute()
    assert plan.quote is None and "等额本息" in plan.violations.text()
    plan.method.setCurrentIndex(plan.method.findData("equal_installment"))

    plan.set_pattern("interest_only")
    assert plan.io_months.isVisibleTo(plan) and plan.io_months.value() == 6
    assert not plan.step_every.isVisibleTo(plan)
    page.recompute()
    assert plan.quote is not None, plan.violations.text()
    rows = plan.quote.rows
    assert all(r.payment_fen == r.interest_fen and r.principal_fen == 0 for r in rows[:6])
    assert rows[6].principal_fen > 0
    assert _table_payments(page)[:6] == [r.payment for r in rows[:6]]

    # Back to monthly: level payments again.
    plan.set_pattern("monthly")
    page.recompute()
    assert len(set(_table_payments(page)[:-1])) == 1
    window.close()
