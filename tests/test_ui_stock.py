"""The stock page, its import dialogs, the promotion rules and tester, and the offers in
the quote page, driven through pytest-qt on the demo desk."""

from __future__ import annotations

from pathlib import Path

import test_ui
from PySide6.QtWidgets import QLabel, QPushButton
from test_ui import WAIT_MS, open_window, sign_in

from showroom_app.domain.money import Money

desk = test_ui.desk  # the demo desk fixture of the UI tests


def open_stock(qtbot, desk, tmp_path: Path, who: str = "manager"):
    services, translations = desk
    window = open_window(qtbot, services, sign_in(services, who), translations,
                         tmp_path / "ui-state.ini")
    window.go("stock")
    page = window.stock_page
    assert window.current_page_key() == "stock"
    qtbot.waitUntil(lambda: page.loaded and not page.loading, timeout=WAIT_MS)
    return window, page


def test_stock_lists_vehicles_oldest_first_with_offer_badges(qtbot, desk, tmp_path) -> None:
    window, page = open_stock(qtbot, desk, tmp_path)
    table = page.table
    assert table.rowCount() == len(page.offers) > 5
    days = [int(table.item(r, 4).text()) for r in range(table.rowCount())]
    assert days == sorted(days, reverse=True)
    badges = [table.item(r, 6).text() for r in range(table.rowCount())]
    assert any(b.endswith("项优惠") for b in badges), badges
    # The oldest vehicles have offers, said in words.
    with_offer = next(r for r in range(table.rowCount()) if table.item(r, 6).text())
    assert "利率" in table.item(with_offer, 7).text() or "免" in table.item(with_offer, 7).text()
    assert table.item(0, 3).text().startswith("¥") and "," in table.item(0, 3).text()

    page.only_aged.setChecked(True)
    assert all(vo.days_in_stock >= 90 for vo in page.visible_rows())
    page.only_aged.setChecked(False)
    page.only_offers.setChecked(True)
    assert page.visible_rows() and all(vo.offer.applied for vo in page.visible_rows())
    page.only_offers.setChecked(False)
    vin = page.offers[3].item.vin
    page.search.setText(vin[-6:].lower())
    assert [vo.item.vin for vo in page.visible_rows()] == [vin]
    assert "1" in page.count_label.text()
    window.close()


def test_import_through_the_mapping_dialog_reports_the_bad_row(qtbot, desk, tmp_path) -> None:
    window, page = open_stock(qtbot, desk, tmp_path)
    before = len(page.offers)
    csv = tmp_path / "dms.csv"
    # Headers the aliases do not know: the dialog must map them.
    csv.write_text(
        "Chassis,Brand,Line,Sticker,Arrived,Kind\n"
        "LSVAU2A37N2183294,大众,朗逸,129800,2026-01-05,新车\n"
        "BADVIN,大众,朗逸,129800,2026-01-05,新车\n"
        "LGXCE4CB0N0123457,比亚迪,秦PLUS,\"139,800\",2025-12-01,新能源\n",
        encoding="utf-8")
    page.start_import(csv)
    qtbot.waitUntil(lambda: page.mapping_dialog is not None, timeout=WAIT_MS)
    dialog = page.mapping_dialog
    ok = dialog.buttons.buttons()[0]
    assert not dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled()
    assert "车架号" in dialog.problem.text()
    for name, header in (("vin", "Chassis"), ("make", "Brand"), ("model", "Line"),
                         ("price", "Sticker"), ("stock_in_date", "Arrived"),
                         ("category", "Kind")):
        dialog.set_column(name, header)
    assert dialog.buttons.button(dialog.buttons.StandardButton.Ok).isEnabled(), \
        dialog.problem.text()
    assert ok is not None
    dialog.accept()
    qtbot.waitUntil(lambda: page.report_dialog is not None, timeout=WAIT_MS)
    report = page.report_dialog
    text = report.text()
    assert page.last_report.imported == 2 and len(page.last_report.rejected) == 1
    assert "3 |" in text and "BADVIN" in text and "未导入" in text  # row 3, the bad VIN
    assert "17" in text
    report.close()
    qtbot.waitUntil(lambda: len(page.offers) == before + 2, timeout=WAIT_MS)
    # The mapping is remembered for the next import.
    assert desk[0].stock.remembered_mapping()["vin"] == "Chassis"
    window.close()


def test_add_a_vehicle_by_hand_says_what_is_wrong(qtbot, desk, tmp_path) -> None:
    window, page = open_stock(qtbot, desk, tmp_path)
    before = len(page.offers)
    page.add_button.click()
    dialog = page.vehicle_dialog
    assert dialog is not None
    qtbot.keyClicks(dialog.vin, "lsvau2a3o")
    assert "I、O" in dialog.vin_hint.text() or "O" in dialog.vin_hint.text()
    dialog.vin.setText("LSVAU2A37N2183294")
    dialog._vin_edited()
    assert not dialog.vin_hint.isVisibleTo(dialog)
    dialog.save()  # no make, model or price
    assert dialog.error.isVisibleTo(dialog) and "缺少品牌" in dialog.error.text()
    dialog.make.setText("大众")
    dialog.model.setText("朗逸")
    dialog.price.setValue(129_800)
    dialog.save()
    assert dialog.saved is not None
    qtbot.waitUntil(lambda: len(page.offers) == before + 1, timeout=WAIT_MS)
    assert "LSVAU2A37N2183294" in page.status.text()
    window.close()


def test_consultant_sees_rules_read_only_and_tester_lists_hits(qtbot, desk, tmp_path) -> None:
    window, page = open_stock(qtbot, desk, tmp_path, who="consultant")
    page.tabs.setCurrentIndex(1)
    rules = page.rules_view
    assert rules.table.rowCount() >= 5
    codes = [r.code for r in rules.rules]
    assert "AGED90-NEV" in codes
    for name in ("newRule", "editRule", "deleteRule", "importRules"):
        assert not rules.findChild(QPushButton, name).isEnabled()
    assert rules.read_only.isVisibleTo(rules)
    rules.select("AGED90-NEV")
    assert not rules.edit_button.isEnabled()
    row = codes.index("AGED90-NEV")
    assert "90" in rules.table.item(row, 6).text()
    assert "2.99%" in rules.table.item(row, 7).text()
    rules.test_button.click()
    qtbot.waitUntil(lambda: rules.test_result is not None, timeout=WAIT_MS)
    result = rules.test_result
    assert result.hits and rules.hits.rowCount() == len(result.hits)
    assert str(len(result.hits)) in rules.hits_label.text()
    assert all(vo.item.is_nev and vo.days_in_stock >= 90 for vo in result.hits)
    sample = rules.findChild(QLabel, "sampleLabel").text()
    assert "¥" in sample and "%" in sample and "经销商" in sample
    window.close()


def test_manager_edits_a_rule_with_errors_in_words(qtbot, desk, tmp_path) -> None:
    window, page = open_stock(qtbot, desk, tmp_path)
    rules = page.rules_view
    rules.select("OVERSTOCK-3")
    assert rules.edit_button.isEnabled()
    rules.edit_rule()
    editor = rules.editor
    assert "OVERSTOCK-3" in editor.editor.toPlainText()
    editor.editor.setPlainText(editor.editor.toPlainText().replace(
        "fee_waiver", "free_lunch"))
    editor.save()
    assert editor.error.isVisibleTo(editor) and "free_lunch" in editor.error.text()
    editor.editor.setPlainText(editor.editor.toPlainText().replace(
        "free_lunch", "fee_waiver").replace("priority: 5", "priority: 7"))
    editor.save()
    assert editor.result() == editor.DialogCode.Accepted
    rule = next(r for r in rules.rules if r.code == "OVERSTOCK-3")
    assert rule.priority == 7
    window.close()


def _aged_nev(page):
    for i, v in enumerate(page.stock, start=1):
        if v.is_nev and v.days_in_stock >= 90 and v.category in ("nev", "new_car") \
                and v.days_in_stock < 180:
            return i, v
    raise AssertionError("the demo stock has no NEV 90-179 days in stock")


def test_quote_page_shows_the_offer_of_an_aged_nev(qtbot, desk, tmp_path) -> None:
    services, translations = desk
    window = open_window(qtbot, services, sign_in(services, "consultant"), translations,
                         tmp_path / "ui-state.ini")
    window.go("quote")
    page = window.quote_page
    index, _vehicle = _aged_nev(page)
    page.vehicle.setCurrentIndex(index)
    plan = page.plans[0]
    plan.product.setCurrentIndex(plan.product.findData("auto_loan"))
    plan.set_down_percent(20)  # below the standard 30 %: the offer allows it
    page.recompute()
    assert plan.quote is not None, plan.violations.text()
    assert plan.promoted is not None
    assert "AGED90-NEV" in [r.code for r in plan.promoted.terms.offer.applied]
    assert plan.offers_box.isVisibleTo(plan)
    text = plan.offers_text.text()
    assert "库龄90天以上新能源车" in text
    assert "经销商" in text and "¥" in text
    assert "2.99%" in plan.apr.text() or plan.quote.annual_rate == \
        plan.promoted.promoted.annual_rate
    assert plan.promoted.monthly_saving.fen > 0
    # A typed price has no offers and keeps the standard minimum.
    page.vehicle.setCurrentIndex(0)
    page.price.setValue(150_000)
    page.category.setCurrentIndex(page.category.findData("nev"))
    page.recompute()
    assert plan.promoted is None and not plan.offers_box.isVisibleTo(plan)
    assert plan.quote is None and "首付" in plan.violations.text()
    window.close()


def test_best_plan_sets_the_first_plan(qtbot, desk, tmp_path) -> None:
    services, translations = desk
    window = open_window(qtbot, services, sign_in(services, "consultant"), translations,
                         tmp_path / "ui-state.ini")
    window.go("quote")
    page = window.quote_page
    index, _vehicle = _aged_nev(page)
    page.vehicle.setCurrentIndex(index)
    assert page.best_button.isEnabled()
    page.best_button.click()
    qtbot.waitUntil(lambda: page.best is not None, timeout=WAIT_MS)
    best = page.best
    plan = page.plans[0]
    assert plan.current_product().code == best.product.code
    assert plan.term.currentData() == best.term_months
    assert plan.down_payment() == best.down_payment
    page.recompute()
    assert plan.quote is not None
    assert Money(plan.quote.rows[0].payment_fen) == Money(best.quote.promoted.rows[0].payment_fen)
    page.vehicle.setCurrentIndex(0)
    assert not page.best_button.isEnabled()
    window.close()


def test_the_promoted_plan_taken_into_an_application_records_its_promotions(
        qtbot, desk, tmp_path) -> None:
    import json

    import test_ui_prescore

    services, translations = desk
    window = open_window(qtbot, services, sign_in(services, "consultant"), translations,
                         tmp_path / "ui-state.ini")
    window.go("new")
    new = window.new_page
    new.show_step(3)  # vehicle and quote: the wizard's own quote page
    page = new.quote_step.page
    index, _vehicle = _aged_nev(page)
    page.vehicle.setCurrentIndex(index)
    plan = page.plans[0]
    plan.product.setCurrentIndex(plan.product.findData("auto_loan"))
    plan.set_down_percent(20)
    page.recompute()
    assert plan.promoted is not None
    new.show_step(4)  # leaving the quote step keeps the plan and its promotions
    applicant = window.applicant_page
    qtbot.waitUntil(lambda: applicant.ready, timeout=WAIT_MS * 2)
    test_ui_prescore.fill_good_applicant(applicant)
    qtbot.waitUntil(lambda: not new.jobs and not new.job_running, timeout=WAIT_MS)
    from local_store.orm import ApplicationRow  # the test reads what was stored

    with services.prescore._store.read() as s:
        stored = json.loads(s.get(ApplicationRow, new.application_id).promotions)
    assert "AGED90-NEV" in [r["code"] for r in stored]
    total = stored[-1]
    assert total["code"] == "_total"
    assert total["dealer_cost_fen"] == plan.promoted.dealer_cost.fen > 0
    assert total["monthly_saving_fen"] == plan.promoted.monthly_saving.fen
    window.close()
