"""New application, step 2: the applicant's facts and the pre-score panel, recomputed as
the consultant types, stored with a draft application and its model version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import test_ui
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from test_ui import WAIT_MS, open_window, sign_in

from showroom_app.domain.money import Money

desk = test_ui.desk  # the demo desk fixture of the UI tests

BUREAU = ("inquiries_3m", "inquiries_6m", "overdue_months_24m", "max_overdue_days")


def open_applicant(qtbot, desk, tmp_path: Path):
    services, translations = desk
    window = open_window(qtbot, services, sign_in(services, "consultant"), translations,
                         tmp_path / "ui-state.ini")
    window.go("new")
    assert window.pages.currentWidget() is window.new_page
    window.new_page.show_step(4)
    page = window.applicant_page
    assert window.new_page.stack.currentWidget() is page and page.isVisible()
    qtbot.waitUntil(lambda: page.ready, timeout=WAIT_MS * 2)
    return window, page


def fill_good_applicant(page) -> None:
    page.segment.setCurrentIndex(page.segment.findData("individual"))
    page.birth_date.setText("1985-03-12")
    page.id_valid_until.setText("2035-01-01")
    page.monthly_income.setText("12000")
    page.income_proven.setChecked(True)
    page.employment_type.setCurrentIndex(page.employment_type.findData("salaried"))
    page.employment_years.setText("6")
    page.residence_years.setText("4")
    page.existing_debt_monthly.setText("1,500")
    page.vehicle_category.setCurrentIndex(page.vehicle_category.findData("new_car"))
    page.vehicle_price.setText("¥150,000.00")
    page.down_payment.setText("45000")
    page.term_months.setValue(36)
    page.monthly_payment.setText("3300")


def panel_text(page) -> str:
    panel = page.panel
    return "\n".join(w.text() for w in (panel.band_text, panel.pd, panel.verdict, panel.hint,
                                        panel.hits, panel.raises, panel.lowers, panel.version,
                                        panel.message, panel.advisory) if w.isVisible())


def test_filling_the_form_scores_as_you_type(qtbot, desk, tmp_path: Path) -> None:
    _, page = open_applicant(qtbot, desk, tmp_path)
    # Without a price (the step took the quote step's plan: clear it), the panel says
    # what is missing, and gives no score.
    page.vehicle_price.clear()
    page.down_payment.clear()
    page.recompute()
    assert page.result is None
    assert page.panel.message.isVisible() and "车价" in page.panel.message.text()
    assert page.facts_data is None

    fill_good_applicant(page)
    qtbot.waitUntil(lambda: page.result is not None, timeout=WAIT_MS)  # the debounce
    panel = page.panel
    assert panel.band.text() in "ABCDE" and panel.band.text()
    assert f"{page.result.pd * 100:.1f}%" in panel.pd.text()
    assert panel.band_text.text().startswith("等级")  # the band in words, not only colour
    assert panel.verdict.text().strip("✔✖⚑ ") in ("可能通过", "需人工复核", "可能拒绝")
    assert panel.hint.text() == page.result.hint["zh"]
    assert panel.raises_title.text() == "风险上升因素"
    assert panel.lowers_title.text() == "风险下降因素"
    for reason in page.result.reasons:
        listed = panel.raises if reason.direction == "raises" else panel.lowers
        assert reason.zh in listed.text()
    assert page.result.model_version in panel.version.text()
    assert "出租人" in panel.advisory.text() and panel.advisory.isVisible()
    assert page.facts_data is not None

    # A bigger down payment changes the PD after the pause in the typing.
    pd = page.result.pd
    page.down_payment.setText("90000")
    qtbot.waitUntil(lambda: page.result is not None and page.result.pd != pd, timeout=WAIT_MS)


def test_unknown_bureau_is_none_not_zero(qtbot, desk, tmp_path: Path) -> None:
    _, page = open_applicant(qtbot, desk, tmp_path)
    fill_good_applicant(page)
    assert page.bureau_unknown.isChecked()
    assert all(not page.fields[k].editor.isEnabled() for k in BUREAU)
    page.recompute()
    assert page.result is not None
    assert all(page.facts_data[k] is None for k in BUREAU)
    unknown_pd = page.result.pd
    # An empty field is unknown, also once the group is open.
    page.bureau_unknown.setChecked(False)
    page.recompute()
    assert all(page.facts_data[k] is None for k in BUREAU)
    assert page.result.pd == unknown_pd
    # Zeros are facts of their own: the model sees a clean report, not a missing one.
    for key in BUREAU:
        page.fields[key].editor.setText("0")
    page.recompute()
    assert all(page.facts_data[k] == 0 for k in BUREAU)
    assert page.result.pd != unknown_pd
    # Any reason the model gives for the missing summary is shown in words.
    page.bureau_unknown.setChecked(True)
    page.recompute()
    missing = [r for r in page.result.reasons if r.code.endswith(".missing")]
    for reason in missing:
        assert reason.zh in panel_text(page)


def test_under_age_and_expired_id_show_the_decline_rules(qtbot, desk, tmp_path: Path) -> None:
    _, page = open_applicant(qtbot, desk, tmp_path)
    fill_good_applicant(page)
    today = datetime.now(UTC).astimezone().date()
    page.birth_date.setText(today.replace(year=today.year - 17).isoformat())
    page.recompute()
    assert page.result is not None and page.result.decision == "likely_decline"
    hit = next(h for h in page.result.policy_hits if h.code == "age_under_min")
    assert page.panel.hits.isVisible() and hit.zh in page.panel.hits.text()
    assert "可能拒绝" in page.panel.verdict.text()
    assert page.fields["birth_date"].message.isVisible()  # said next to the field too

    page.birth_date.setText("1985-03-12")
    page.id_valid_until.setText((today - timedelta(days=3)).isoformat())
    page.recompute()
    hit = next(h for h in page.result.policy_hits if h.code == "id_expired")
    assert hit.action == "decline" and hit.zh in page.panel.hits.text()
    assert page.fields["id_valid_until"].message.isVisible()
    # A long-term card never expires.
    page.id_long_term.setChecked(True)
    page.recompute()
    assert not any(h.code == "id_expired" for h in page.result.policy_hits)


def test_bad_input_is_said_next_to_the_field_and_gives_no_score(
        qtbot, desk, tmp_path: Path) -> None:
    _, page = open_applicant(qtbot, desk, tmp_path)
    fill_good_applicant(page)
    page.down_payment.setText("200000")
    page.recompute()
    message = page.fields["down_payment"].message
    assert message.isVisible() and "首付" in message.text() and "¥150,000.00" in message.text()
    assert page.result is None and not page.panel.result_box.isVisible()
    assert "首付" in page.panel.message.text()
    assert page.facts_data is None
    # Letters in an amount, a date that is not one.
    page.down_payment.setText("45000")
    page.monthly_income.setText("12k")
    page.birth_date.setText("1985-02-30")
    page.recompute()
    assert page.result is None
    assert page.fields["monthly_income"].message.isVisible()
    assert "YYYY-MM-DD" in page.fields["birth_date"].message.text()
    page.monthly_income.setText("12000")
    page.birth_date.setText("1985-03-12")
    page.recompute()
    assert page.result is not None
    assert not page.fields["monthly_income"].message.isVisible()


def test_id_card_and_quote_fill_the_form(qtbot, desk, tmp_path: Path) -> None:
    window, page = open_applicant(qtbot, desk, tmp_path)
    fill_good_applicant(page)
    capture = window.capture_page
    # A confirmed ID card: birth date and check character; the number stays in memory.
    capture.document_confirmed.emit("id_front", {"name": "张三", "birth_date": "1990-01-01",
                                                  "id_number": "11010519491231002X"})
    capture.document_confirmed.emit("id_back", {"valid_to": "长期"})
    assert page.birth_date.text() == "1990-01-01" and page.id_long_term.isChecked()
    page.recompute()
    assert page.facts_data["id_number_valid"] is True
    assert "11010519491231002X" not in str(page.facts_data)
    assert "✔" in page.id_check.text()
    capture.document_confirmed.emit("id_front", {"birth_date": "1990-01-01",
                                                  "id_number": "110105194912310021"})
    page.recompute()
    assert any(h.code == "id_check_failed" for h in page.result.policy_hits)

    # The plan the customer takes on the quote step.
    quote = window.new_page.quote_step.valid_quotes()[0]
    qtbot.mouseClick(page.take_quote, Qt.MouseButton.LeftButton)
    assert page.vehicle_price.text() == quote.price.format()
    assert page.down_payment.text() == quote.down_payment.format()
    assert page.term_months.value() == quote.term_months
    assert page.monthly_payment.text() == quote.rows[0].payment.format()
    assert page.vehicle_category.currentData() == quote.category
    assert page.facts_data["product_code"] == quote.product_code


def test_leaving_the_step_saves_the_draft_with_the_prescore(qtbot, desk, tmp_path: Path) -> None:
    services, _ = desk
    window, page = open_applicant(qtbot, desk, tmp_path)
    new = window.new_page
    fill_good_applicant(page)
    page.recompute()
    result = page.result
    new.show_step(5)  # leaving the step saves it
    qtbot.waitUntil(lambda: not new.jobs and not new.job_running, timeout=WAIT_MS)
    stored = services.prescore.stored(new.application_id)
    assert stored is not None and stored["model_version"] == result.model_version
    assert stored["band"] == result.band
    draft = services.applications.draft(page.user, new.application_id)
    assert draft["applicant"]["vehicle_price_fen"] == Money.of(150000).fen
    assert draft["step"] == "consent"
    assert "id_number" not in draft["applicant"]
    # Back and on again with another figure: the same application, the new score.
    first_id = new.application_id
    new.show_step(4)
    page.down_payment.setText("60000")
    page.recompute()
    new.show_step(5)
    qtbot.waitUntil(lambda: not new.jobs and not new.job_running, timeout=WAIT_MS)
    assert new.application_id == first_id
    assert services.prescore.stored(first_id)["pd"] == round(page.result.pd, 4)


def test_switching_language_retranslates_the_panel(qtbot, desk, tmp_path: Path) -> None:
    window, page = open_applicant(qtbot, desk, tmp_path)
    fill_good_applicant(page)
    page.recompute()
    assert page.result.hint["zh"] in page.panel.hint.text()
    window.set_language("en")
    QApplication.processEvents()
    panel = page.panel
    assert panel.hint.text() == page.result.hint["en"]
    assert panel.raises_title.text() == "What raised the risk"
    assert panel.advisory.text().startswith("Advisory only")
    assert panel.band_text.text().startswith("Band")
    for reason in page.result.reasons:
        assert reason.en in panel.raises.text() + panel.lowers.text()
    assert window.new_page.step_buttons[4].text().endswith("Income && pre-score")
    window.set_language("zh_CN")
    QApplication.processEvents()
    assert panel.hint.text() == page.result.hint["zh"]


def test_step_shortcuts(qtbot, desk, tmp_path: Path) -> None:
    window, page = open_applicant(qtbot, desk, tmp_path)
    new = window.new_page
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=WAIT_MS)
    page.birth_date.setFocus()
    qtbot.keyClick(page.birth_date, Qt.Key.Key_1, Qt.KeyboardModifier.AltModifier)
    assert new.current_step() == 0 and new.step_buttons[0].isChecked()
    qtbot.keyClick(new.customer_step, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert new.current_step() == 1
