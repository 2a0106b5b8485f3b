"""The new-application wizard through the UI: every step saved as it is left, a draft
reopened after the window went away (a crash, a power cut), Continue from the
Applications page, the duplicate warning on review, and a company's documents."""

from __future__ import annotations

from pathlib import Path

import test_ui
from PySide6.QtCore import Qt
from test_outbox_service import APPROVE_ID
from test_ui import WAIT_MS, open_window, sign_in

from showroom_app.domain.enums import CustomerType, DocumentType
from showroom_app.services.intake import DocKind

desk = test_ui.desk


def wait_saved(qtbot, new) -> None:
    qtbot.waitUntil(lambda: not new.jobs and not new.job_running, timeout=WAIT_MS)


def fill_contact(qtbot, new, id_number: str = APPROVE_ID) -> None:
    new.show_step(2)
    contact = new.contact_step
    contact.name.setText("张伟")
    contact.id_number.setText(id_number)
    contact.address.setText("北京市朝阳区建国路88号")
    contact.phone.setText("13812345678")


def test_a_draft_is_reopened_where_it_was_left(qtbot, desk, tmp_path: Path) -> None:
    services, translations = desk
    consultant = sign_in(services, "consultant")
    window = open_window(qtbot, services, consultant, translations, tmp_path / "ui.ini")
    window.go("new")
    new = window.new_page
    new.customer_step.set_customer_type(CustomerType.FARMER)
    fill_contact(qtbot, new)
    new.show_step(3)  # leaving the contact step saves it
    wait_saved(qtbot, new)
    app_id, reference = new.application_id, new.reference
    assert reference in new.reference_label.text()
    # The window goes away without a word (what a crash leaves behind: the saved steps).
    window.close()

    window = open_window(qtbot, services, consultant, translations, tmp_path / "ui.ini")
    window.go("new")
    new = window.new_page
    drafts = new.customer_step.drafts
    assert drafts.isVisible() and reference in drafts.item(0).text()
    qtbot.mouseClick(new.customer_step.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.new_page is not new, timeout=WAIT_MS)
    resumed = window.new_page
    assert resumed.application_id == app_id and resumed.step_name() == "quote"
    assert resumed.customer_type is CustomerType.FARMER
    assert resumed.contact_step.phone.text() == "13812345678"
    assert resumed.contact_step.id_number.text() == APPROVE_ID
    assert resumed.applicant_page.segment.currentData() == "farmer"
    window.close()


def test_continue_from_the_applications_page(qtbot, desk, tmp_path: Path) -> None:
    services, translations = desk
    consultant = sign_in(services, "consultant")
    window = open_window(qtbot, services, consultant, translations, tmp_path / "ui.ini")
    window.go("new")
    new = window.new_page
    fill_contact(qtbot, new)
    new.show_step(1)
    wait_saved(qtbot, new)
    app_id = new.application_id
    window.open_application(app_id)
    page = window.applications_page
    qtbot.waitUntil(lambda: page.detail is not None and page.detail.id == app_id,
                    timeout=WAIT_MS)
    assert page.resume_button.isVisible() and not page.sign_button.isVisible()
    page.resume_button.click()
    qtbot.waitUntil(lambda: window.current_page_key() == "new"
                    and window.new_page.application_id == app_id, timeout=WAIT_MS)
    assert window.new_page.step_name() == "documents"
    window.close()


def test_review_lists_what_is_missing_and_warns_of_a_duplicate(qtbot, desk, tmp_path) -> None:
    services, translations = desk
    consultant = sign_in(services, "consultant")
    window = open_window(qtbot, services, consultant, translations, tmp_path / "ui.ini")
    window.go("new")
    first = window.new_page
    fill_contact(qtbot, first)
    first.show_step(3)
    wait_saved(qtbot, first)
    first_id = first.application_id
    window.restart_new_application("")
    second = window.new_page
    assert second is not first and second.application_id is None
    fill_contact(qtbot, second)
    second.show_step(6)
    review = second.review_step
    qtbot.waitUntil(review.duplicates_box.isVisible, timeout=WAIT_MS)
    assert first.reference in review.duplicates_box.text()
    assert "仍在办理中" in review.duplicates_box.text()
    missing = review.missing_box.text()
    assert "采集：身份证人像面" in missing and "客户签署的授权书" in missing
    assert "手机号" not in missing  # typed on the contact step
    # A missing item is a link to the step that fixes it; a duplicate opens that one.
    review.missing_box.linkActivated.emit("documents")
    assert second.step_name() == "documents"
    second.show_step(6)
    qtbot.waitUntil(review.duplicates_box.isVisible, timeout=WAIT_MS)
    review.duplicates_box.linkActivated.emit(first_id)
    qtbot.waitUntil(lambda: window.current_page_key() == "applications", timeout=WAIT_MS)
    # Submit is refused while something is missing, in words, and nothing is lost.
    window.go("new")
    second.show_step(6)
    qtbot.waitUntil(lambda: not second.jobs and not second.job_running, timeout=WAIT_MS)
    second.submit()
    qtbot.waitUntil(lambda: "未提交" in second.status.text(), timeout=WAIT_MS)
    assert second.done is None
    assert services.applications.detail(consultant, second.application_id).status.value == \
        "draft"
    window.close()


def test_a_company_needs_its_licence_and_shows_its_fields(qtbot, desk, tmp_path) -> None:
    services, translations = desk
    consultant = sign_in(services, "consultant")
    window = open_window(qtbot, services, consultant, translations, tmp_path / "ui.ini")
    window.go("new")
    new = window.new_page
    new.customer_step.set_customer_type(CustomerType.COMPANY)
    new.show_step(1)
    assert new.capture_page.kind() is DocKind.BUSINESS_LICENSE
    assert "营业执照" in new.checklist.text()
    # A confirmed business licence fills the company's name and code.
    new.capture_page.document_confirmed.emit("business_license", {
        "name": "成都顺达物流有限公司", "uscc": "91510100MA6CGUQ01X",
        "legal_representative": "李强"})
    new.documents[DocumentType.BUSINESS_LICENCE] = 1
    new.show_step(2)
    contact = new.contact_step
    assert contact.company_name.isVisible() and contact.uscc.isVisible()
    assert contact.company_name.text() == "成都顺达物流有限公司"
    assert contact.name.text() == "李强"
    assert contact.labels["name"].text() == "法定代表人"
    # A malformed code keeps the consultant on the step (going back is always allowed).
    contact.uscc.setText("91510100")
    new.show_step(3)
    assert new.step_name() == "contact" and "统一社会信用代码" in new.status.text()
    new.show_step(1)
    assert new.step_name() == "documents"
    window.close()


def test_what_is_on_screen_is_saved_before_the_page_is_replaced(qtbot, desk, tmp_path) -> None:
    services, translations = desk
    consultant = sign_in(services, "consultant")
    window = open_window(qtbot, services, consultant, translations, tmp_path / "ui.ini")
    window.go("new")
    new = window.new_page
    fill_contact(qtbot, new)  # typed, the step not left, nothing waited for
    app_id = new.application_id
    window.restart_new_application(app_id)  # e.g. Continue on the Applications page
    resumed = window.new_page
    assert resumed is not new and resumed.application_id == app_id
    assert resumed.step_name() == "contact"
    assert resumed.contact_step.phone.text() == "13812345678"
    window.close()


def test_a_failed_save_is_said_and_saved_again_once_corrected(qtbot, desk, tmp_path) -> None:
    services, translations = desk
    consultant = sign_in(services, "consultant")
    window = open_window(qtbot, services, consultant, translations, tmp_path / "ui.ini")
    window.go("new")
    new = window.new_page
    new.customer_step.set_customer_type(CustomerType.COMPANY)
    fill_contact(qtbot, new)
    contact = new.contact_step
    contact.company_name.setText("很长的公司名称" * 40)  # 280 characters: central allows 200
    contact.uscc.setText("91510100MA6CGUQ01X")
    new.show_step(3)
    wait_saved(qtbot, new)
    assert "未保存" in new.status.text() and new.contact_saved is None
    message = contact.messages["company_name"]
    assert not message.isHidden() and message.text() == "最多200个字符。"  # on the step
    new.show_step(2)
    contact.company_name.setText("成都顺达物流有限公司")
    new.show_step(3)
    wait_saved(qtbot, new)
    assert new.contact_saved is not None
    assert new.contact_saved.company_name == "成都顺达物流有限公司"
    assert services.submission.resume(consultant, new.application_id).draft["company"][
        "company_name"] == "成都顺达物流有限公司"
    window.close()


def test_submit_twice_sends_once(qtbot, desk, tmp_path) -> None:
    from sqlalchemy import func, select
    from test_submission import ready_draft

    from local_store.orm import OutboxRow

    services, translations = desk
    consultant = sign_in(services, "consultant")
    store = services.applications._store
    app_id = ready_draft(store)
    window = open_window(qtbot, services, consultant, translations, tmp_path / "ui.ini")
    window.restart_new_application(app_id)
    new = window.new_page
    new.show_step(6)
    qtbot.waitUntil(lambda: "✔" in new.review_step.missing_box.text(), timeout=WAIT_MS)
    new.submit()
    new.submit()  # Ctrl+Enter pressed again while the first is on its way
    qtbot.waitUntil(lambda: new.done is not None, timeout=WAIT_MS)
    qtbot.wait(200)
    assert "未提交" not in new.status.text()
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(OutboxRow).where(
            OutboxRow.aggregate_id == app_id, OutboxRow.kind == "submit_application")) == 1
    window.close()


def test_a_company_adds_several_vehicles(qtbot, desk, tmp_path) -> None:
    services, translations = desk
    consultant = sign_in(services, "consultant")
    window = open_window(qtbot, services, consultant, translations, tmp_path / "ui.ini")
    window.go("new")
    new = window.new_page
    new.customer_step.set_customer_type(CustomerType.COMPANY)
    new.show_step(3)
    step = new.quote_step
    assert step.fleet_box.isVisible()
    page = step.page
    page.vehicle.setCurrentIndex(1)
    page.recompute()
    step.add_vehicle.click()
    assert len(step.fleet) == 1 and step.fleet_list.count() == 1
    step.add_vehicle.click()  # the same car again: refused, in words
    assert len(step.fleet) == 1 and "已在" in step.fleet_note.text()
    page.vehicle.setCurrentIndex(2)
    page.recompute()
    new.show_step(6)  # leaving the step saves the plan on the page and the added car
    qtbot.waitUntil(lambda: not new.jobs and not new.job_running, timeout=WAIT_MS)
    draft = services.submission.resume(consultant, new.application_id).draft
    assert [v["vehicle"]["vin"] for v in draft["fleet"]] == [page.stock[0].vin]
    assert draft["quote"]["vehicle"]["vin"] == page.stock[1].vin
    qtbot.waitUntil(lambda: "车辆 2" in new.review_step.summary.text(), timeout=WAIT_MS)
    window.close()

    # An individual has one vehicle: no fleet list.
    window = open_window(qtbot, services, consultant, translations, tmp_path / "ui.ini")
    window.go("new")
    window.new_page.show_step(3)
    assert not window.new_page.quote_step.fleet_box.isVisible()
    window.close()


def test_a_proof_of_income_is_attached_from_a_file(qtbot, desk, tmp_path) -> None:
    services, translations = desk
    consultant = sign_in(services, "consultant")
    window = open_window(qtbot, services, consultant, translations, tmp_path / "ui.ini")
    window.go("new")
    new = window.new_page
    new.show_step(4)
    applicant = new.applicant_page
    assert applicant.attach_proof.isVisible() and not applicant.income_proven.isChecked()
    statement = tmp_path / "bank-statement.pdf"
    statement.write_bytes(b"%PDF-1.4\n% a bank statement\n%%EOF\n")
    new.attach_proof_file(statement)
    wait_saved(qtbot, new)
    assert applicant.income_proven.isChecked() and "1" in applicant.proof_note.text()
    assert services.submission.documents(consultant, new.application_id)[
        DocumentType.INCOME_PROOF] == 1
    # Not a picture nor a PDF: refused in words, nothing kept.
    wrong = tmp_path / "notes.txt"
    wrong.write_text("月收入两万")
    new.attach_proof_file(wrong)
    wait_saved(qtbot, new)
    assert "未保存" in new.status.text()
    assert new.documents[DocumentType.INCOME_PROOF] == 1
    window.close()
