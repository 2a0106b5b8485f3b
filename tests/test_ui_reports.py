"""The Reports page: the reports a user may run, each as a chart with its table, the
date range and filters re-running it off the UI thread, the empty range, the exports."""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

import test_ui
from PySide6.QtCharts import QAbstractBarSeries
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox
from test_ui import WAIT_MS, open_window, sign_in

from showroom_app.services.reports import ReportFilters

desk = test_ui.desk  # the demo desk fixture of the UI tests


def open_reports(qtbot, desk, tmp_path: Path, who: str = "manager"):
    services, translations = desk
    user = sign_in(services, who)
    window = open_window(qtbot, services, user, translations, tmp_path / "ui-state.ini")
    window.go("reports")
    page = window.reports_page
    assert window.current_page_key() == "reports" and page.isVisible()
    qtbot.waitUntil(lambda: page.runs >= 1 and not page.running, timeout=WAIT_MS)
    return window, page, user


def choose(qtbot, page, name: str) -> None:
    before = page.runs
    for row in range(page.report_list.count()):
        if page.report_list.item(row).data(Qt.ItemDataRole.UserRole) == name:
            page.report_list.setCurrentRow(row)
            break
    else:
        raise AssertionError(f"{name} not listed")
    qtbot.waitUntil(lambda: page.runs > before and not page.running, timeout=WAIT_MS)
    assert page.table_data.name == name


def shown_rows(page) -> list[tuple]:
    model = page.model
    return [tuple(model.index(r, c).data(Qt.ItemDataRole.UserRole)
                  for c in range(model.columnCount())) for r in range(model.rowCount())]


def bar_values(page) -> list[float]:
    values: list[float] = []
    for series in page.chart_view.chart().series():
        if isinstance(series, QAbstractBarSeries):
            for bar in series.barSets():
                values += [bar.at(i) for i in range(bar.count())]
    return values


def test_manager_sees_every_report_and_a_rendered_funnel(qtbot, desk, tmp_path) -> None:
    services, _ = desk
    window, page, user = open_reports(qtbot, desk, tmp_path)
    names = [page.report_list.item(r).data(Qt.ItemDataRole.UserRole)
             for r in range(page.report_list.count())]
    assert names == [info.name for info in services.reports.list(user)]
    assert "sync_health" in names and "approval_by_consultant" in names
    assert page.report_list.item(0).text() == "申请漏斗"  # titles in the desk's language
    assert page.consultant.isVisibleTo(page) and page.include_personal.isVisibleTo(page)
    assert not page.include_personal.isChecked()

    # The default range: the last 30 days (China time), the funnel first.
    f = page.filters_used
    assert f.date_to - f.date_from == timedelta(days=29)
    expected = services.reports.run(user, "funnel", f)
    assert page.table_data.name == "funnel"
    assert shown_rows(page) == expected.rows
    assert page.body.currentWidget() is page.splitter
    assert bar_values(page) == [float(r[1]) for r in expected.rows][::-1]
    assert page.model.index(0, 0).data() == "草稿（新建）"
    assert page.model.index(1, 2).data().endswith("%")
    assert page.figure_cards and page.figure_cards[0].value.text().endswith("%")
    assert page.notes.text().strip()
    assert page.report_scope.text() == "门店全部申请"

    # A rates report: bars per group, money right-aligned with ¥ and separators.
    choose(qtbot, page, "approval_by_category")
    expected = services.reports.run(user, "approval_by_category", page.filters_used)
    assert shown_rows(page) == expected.rows
    assert len(bar_values(page)) == min(len(expected.rows), 12) > 0
    money_col = expected.index("approved_financed")
    cell = page.model.index(0, money_col)
    assert cell.data().startswith("¥") and "," in cell.data() and cell.data()[-3] == "."
    assert cell.data(Qt.ItemDataRole.TextAlignmentRole) & Qt.AlignmentFlag.AlignRight
    assert page.model.index(0, 0).data() in ("新车", "二手车", "新能源车", "商用车", "拖拉机",
                                             "工程机械")

    # Durations in words.
    choose(qtbot, page, "timing")
    texts = [page.model.index(r, 2).data() for r in range(page.model.rowCount())]
    assert any("天" in t or "小时" in t or "分钟" in t for t in texts), texts
    assert page.chart_view.chart().series()
    window.close()


def test_changing_the_range_reruns_and_an_empty_range_says_so(qtbot, desk, tmp_path) -> None:
    services, _ = desk
    window, page, user = open_reports(qtbot, desk, tmp_path)
    runs = page.runs
    page.set_range("7")
    qtbot.waitUntil(lambda: page.runs > runs and not page.running, timeout=WAIT_MS)
    f = page.filters_used
    assert f.date_to - f.date_from == timedelta(days=6)
    assert shown_rows(page) == services.reports.run(user, "funnel", f).rows

    runs = page.runs
    page.date_from.setDate(QDate(2001, 1, 1))  # the whole history
    qtbot.waitUntil(lambda: page.runs > runs and not page.running, timeout=WAIT_MS)
    assert page.filters_used.date_from == date(2001, 1, 1)
    everything = services.reports.run(user, "funnel", page.filters_used)
    assert shown_rows(page) == everything.rows and everything.rows[0][1] == 15

    # Several quick changes: one run (debounced), with the last filters.
    runs = page.runs
    page.segment.setCurrentIndex(page.segment.findData("fleet"))
    page.segment.setCurrentIndex(page.segment.findData("individual"))
    qtbot.waitUntil(lambda: page.runs > runs and not page.running, timeout=WAIT_MS)
    assert page.runs == runs + 1 and page.filters_used.segment == "individual"
    page.segment.setCurrentIndex(0)

    runs = page.runs
    page.date_from.setDate(QDate(2001, 1, 1))
    page.date_to.setDate(QDate(2001, 1, 31))
    qtbot.waitUntil(lambda: page.runs > runs and not page.running, timeout=WAIT_MS)
    assert page.body.currentWidget() is page.empty
    assert "没有申请" in page.empty.text() and "2001-01-01" in page.empty.text()
    assert not page.figures_box.isVisibleTo(page)

    # The range backwards: said in words, nothing run.
    runs = page.runs
    page.date_from.setDate(QDate(2001, 2, 1))
    qtbot.wait(600)
    assert page.runs == runs and "晚于" in page.status.text()
    window.close()


def test_export_to_csv_opens_back_with_the_header(qtbot, desk, tmp_path) -> None:
    window, page, _user = open_reports(qtbot, desk, tmp_path)
    choose(qtbot, page, "approval_by_consultant")
    assert page.include_personal.isEnabled()
    target = tmp_path / "out" / "consultants.csv"
    target.parent.mkdir()
    page.export_to("csv", target)
    qtbot.waitUntil(lambda: page.exported == target, timeout=WAIT_MS)
    with target.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    table = page.table_data
    assert rows[0] == [c.zh + ("（元）" if str(c.kind) == "money" else "") for c in table.columns]
    assert len(rows) == len(table.rows) + 1
    names = {r[0] for r in rows[1:]}
    assert "李顾问" not in names  # masked by default
    assert str(target) in page.status.text()

    # Including names asks first (audited); saying no keeps them masked.
    page.include_personal.setChecked(True)
    assert page.personal_dialog is not None and "审计" in page.personal_dialog.text()
    page.personal_dialog.done(QMessageBox.StandardButton.No)
    assert not page.include_personal.isChecked()
    page.include_personal.setChecked(True)
    page.personal_dialog.done(QMessageBox.StandardButton.Yes)
    assert page.include_personal.isChecked()
    page.export_to("csv", target)
    qtbot.waitUntil(lambda: page.exported == target and not page.exporting, timeout=WAIT_MS)
    with target.open(encoding="utf-8-sig", newline="") as fh:
        assert "李顾问" in {r[0] for r in csv.reader(fh)}

    # A folder that does not exist: the error in words, the report stays.
    page.export_to("csv", tmp_path / "missing" / "x.csv")
    qtbot.waitUntil(lambda: not page.exporting, timeout=WAIT_MS)
    assert "未导出" in page.status.text() and page.table_data is table
    window.close()


def test_consultant_sees_own_numbers_without_consultant_filter(qtbot, desk, tmp_path) -> None:
    services, _ = desk
    window, page, user = open_reports(qtbot, desk, tmp_path, who="consultant")
    names = [page.report_list.item(r).data(Qt.ItemDataRole.UserRole)
             for r in range(page.report_list.count())]
    assert names == [info.name for info in services.reports.list(user)]
    assert "sync_health" not in names and "ocr_quality" not in names
    assert not page.consultant.isVisibleTo(page)
    assert not page.include_personal.isVisibleTo(page)
    assert "自己" in page.subtitle.text() and page.report_scope.text() == "仅您本人的申请"
    page.date_from.setDate(QDate(2001, 1, 1))
    qtbot.waitUntil(lambda: page.filters_used.date_from == date(2001, 1, 1)
                    and not page.running, timeout=WAIT_MS)
    mine = services.reports.run(user, "funnel", page.filters_used)
    everyone = services.reports.run(sign_in(services, "manager"), "funnel",
                                    ReportFilters(date_from=date(2001, 1, 1),
                                                  date_to=page.filters_used.date_to))
    assert shown_rows(page) == mine.rows
    assert mine.rows[0][1] < everyone.rows[0][1]
    window.close()
