"""Screenshots of every desk page in zh_CN and English, for docs/screenshots/.

Run it through `./dev.sh screenshots` (a real X server under Xvfb); with
QT_QPA_PLATFORM=offscreen it works too, without window decorations.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt
from PySide6.QtWidgets import QWidget

from showroom_app.config import PASSPHRASE_ENV, RunOptions
from showroom_app.main import EmbeddedCentral, build_services, open_local_store, prepare
from showroom_app.services.demo import DEMO_USERS
from showroom_app.services.intake import demo_camera_frame
from ui.app import create_application
from ui.dialogs.first_run import FirstRunDialog
from ui.dialogs.passphrase import PassphraseDialog
from ui.dialogs.sign_in import SignInDialog
from ui.main_window import PAGE_KEYS, MainWindow

ROOT = Path(__file__).resolve().parent.parent


def settle(seconds: float = 0.6) -> None:
    """Let background tasks report and the window repaint."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.02)


def save(widget: QWidget, path: Path) -> None:
    widget.raise_()
    widget.activateWindow()
    settle()
    if not widget.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    print(path)


def fill_applicant(page) -> None:
    """A realistic example that the pre-score refers or declines, with its reasons."""
    page.segment.setCurrentIndex(page.segment.findData("individual"))
    page.birth_date.setText("2000-05-01")
    page.id_valid_until.setText("2031-08-15")
    page.monthly_income.setText("¥7,000.00")
    page.income_proven.setChecked(False)
    page.employment_type.setCurrentIndex(page.employment_type.findData("self_employed"))
    page.employment_years.setText("1")
    page.residence_years.setText("0.5")
    page.existing_debt_monthly.setText("¥2,000.00")
    page.vehicle_category.setCurrentIndex(page.vehicle_category.findData("new_car"))
    page.vehicle_price.setText("¥150,000.00")
    page.down_payment.setText("¥15,000.00")
    page.term_months.setValue(60)
    page.monthly_payment.setText("¥4,200.00")
    page.bureau_unknown.setChecked(False)
    page.inquiries_3m.setText("4")
    page.inquiries_6m.setText("5")
    page.overdue_months_24m.setText("1")
    page.max_overdue_days.setText("15")
    page.recompute()


def show_offers(page) -> None:
    """The quote page on an aged new-energy vehicle: the dealer's offer beside the plan."""
    for i, vehicle in enumerate(page.stock, start=1):
        if vehicle.is_nev and 90 <= vehicle.days_in_stock < 180:
            page.vehicle.setCurrentIndex(i)
            break
    plan = page.plans[0]
    plan.product.setCurrentIndex(plan.product.findData("auto_loan"))
    plan.set_down_percent(20)
    plan.term.setCurrentIndex(plan.term.findData(36))
    page.recompute()


def test_rule(view, code: str) -> None:
    view.select(code)
    view.test_result = None
    view.test_selected()
    end = time.monotonic() + 10
    while view.test_result is None and time.monotonic() < end:
        settle(0.1)


def show_report(page, name: str) -> None:
    """Select a report on the Reports page and wait until it is drawn."""
    for row in range(page.report_list.count()):
        if page.report_list.item(row).data(Qt.ItemDataRole.UserRole) == name:
            page.report_list.setCurrentRow(row)
    settle(0.2)
    end = time.monotonic() + 10
    while page.running and time.monotonic() < end:
        settle(0.1)


def contract_pdf_sample(reference: str) -> bytes:
    """A two-page stand-in for the contract central would issue (Chinese text)."""
    import io

    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    lines = ["汽车金融合同", f"合同编号：HT-{reference}", "",
             "出租人：示范融资租赁有限公司", "承租人：（见身份证明）",
             "第一条  租赁物：车辆品牌、型号及车架号见附件一。",
             "第二条  租金及支付方式：按月支付，详见还款计划表。",
             "第三条  年化利率（APR）：见合同首页。", "第四条  提前还款与违约责任。"]
    for page in (1, 2):
        y = 780
        for i, line in enumerate(lines if page == 1 else ["附件一  还款计划表", ""]):
            pdf.setFont("STSong-Light", 18 if i == 0 else 12)
            pdf.drawString(60, y, line)
            y -= 30 if i == 0 else 22
        pdf.drawString(60, 60, f"第 {page} 页 / 共 2 页")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def prepare_applications(store) -> tuple[str, str]:
    """A conditional approval with the lessor's reasons and conditions, and a contract
    ready to sign with its PDF where the contract puller keeps it."""
    import json
    from datetime import UTC, datetime

    from sqlalchemy import select

    from local_store import repositories as repo
    from local_store.orm import ApplicationRow
    from showroom_app.domain.enums import DocumentType

    with store.transaction() as s:
        rows = s.scalars(select(ApplicationRow).where(
            ApplicationRow.customer_id.is_not(None),
            ApplicationRow.status.in_(["approved", "in_review", "submitted"]))
            .order_by(ApplicationRow.updated_at.desc())).all()
        conditional, ready = rows[0], rows[1]
        now = datetime.now(UTC)
        conditional.status = "conditional"
        conditional.decided_at = now
        conditional.central_detail = json.dumps({
            "status": "conditional", "seq": 1, "at": now.isoformat(),
            "reasons": [{"code": "DTI_HIGH", "zh": "月供收入比偏高",
                         "en": "Monthly payments are high for the income"}],
            "conditions": [{"code": "MIN_DOWN", "zh": "首付比例不低于 30%",
                            "en": "Down payment at least 30%", "value": "30%"},
                           {"code": "INCOME_PROOF", "zh": "补充近 6 个月银行流水",
                            "en": "Bank statements of the last 6 months", "value": ""}],
        }, ensure_ascii=False)
        ready.status = "contract_ready"
        ready.decided_at = ready.decided_at or now
        ready.central_id = ready.central_id or "demo-contract"
        repo.add_document(s, store.cipher, DocumentType.CONTRACT,
                          contract_pdf_sample(ready.reference), "application/pdf",
                          application_id=ready.id)
        repo.set_meta(s, f"contract:{ready.id}", json.dumps(
            {"number": f"HT-{ready.reference}", "pdf_sha256": "", "signed_sha256": None}))
        return conditional.id, ready.id


def show_application(page, app_id: str) -> None:
    page.reset_filters()
    settle(1.0)
    page.select_application(app_id)
    settle(1.0)


def draw_signature(pad) -> None:
    from PySide6.QtCore import QPointF

    w, h = pad.width(), pad.height()
    strokes = [[(0.12, 0.62), (0.18, 0.35), (0.24, 0.66), (0.30, 0.40)],
               [(0.36, 0.50), (0.46, 0.38), (0.50, 0.62), (0.58, 0.44), (0.64, 0.58)],
               [(0.70, 0.36), (0.74, 0.66), (0.82, 0.48), (0.90, 0.55)]]
    for stroke in strokes:
        pad.begin_stroke(QPointF(stroke[0][0] * w, stroke[0][1] * h))
        for x, y in stroke[1:]:
            pad.extend_stroke(QPointF(x * w, y * h))
        pad.end_stroke()


def wizard_screenshots(window, out: Path, language: str) -> None:
    """Every step of a new application, in order, as a consultant fills it in."""
    window.restart_new_application("")
    new = window.new_page
    settle(0.5)
    save(window, out / f"new_1_customer_{language}.png")
    new.show_step(1)  # the camera finds the demo card, captures it, OCR reads it
    settle(6.0)
    save(window, out / f"new_2_documents_{language}.png")
    new.capture_page.confirm()
    settle(1.5)
    new.show_step(2)
    new.contact_step.phone.setText("13812345678")
    new.contact_step._check()
    settle(0.5)
    save(window, out / f"new_3_contact_{language}.png")
    new.show_step(3)
    settle(1.5)
    save(window, out / f"new_4_quote_{language}.png")
    new.show_step(4)
    fill_applicant(window.applicant_page)
    settle(1.0)
    save(window, out / f"new_5_prescore_{language}.png")
    new.show_step(5)
    new.consent_step.sensitive.setChecked(True)
    new.consent_step.credit.setChecked(True)
    draw_signature(new.consent_step.pad)
    settle(0.5)
    save(window, out / f"new_6_consent_{language}.png")
    new.show_step(6)
    settle(2.0)
    save(window, out / f"new_7_review_{language}.png")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("--height", type=int, default=768)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    data_dir = Path(tempfile.mkdtemp(prefix="showroom-shots-"))
    sandbox = EmbeddedCentral(data_dir)  # as `showroom --demo` does: central online
    options = RunOptions(data_dir=data_dir, demo=True, central_url=sandbox.url)
    runtime = prepare(options)
    store = open_local_store(runtime, options)
    services = build_services(runtime, store, options, sandbox)
    conditional_id, ready_id = prepare_applications(store)
    app, translations = create_application("zh_CN")
    manager = next(u for u in DEMO_USERS if u.role.value == "manager")
    user = services.auth.sign_in(manager.username, manager.password)

    for language in ("zh_CN", "en"):
        translations.set_language(language)
        dialog = SignInDialog(services)
        dialog.show()
        save(dialog, args.out / f"sign_in_{language}.png")
        dialog.close()

    # First start of a real install: the data-key passphrase (no keyring), then the admin.
    fresh_dir = Path(tempfile.mkdtemp(prefix="showroom-shots-fresh-"))
    fresh_options = RunOptions(data_dir=fresh_dir)
    fresh_runtime = prepare(fresh_options)
    os.environ[PASSPHRASE_ENV] = "screenshot passphrase"
    fresh = build_services(fresh_runtime, open_local_store(fresh_runtime, fresh_options),
                           fresh_options)
    for language in ("zh_CN", "en"):
        translations.set_language(language)
        for name, dialog in (
            ("passphrase", PassphraseDialog(is_new=True, problem=None)),
            ("first_run", FirstRunDialog(fresh)),
        ):
            dialog.show()
            save(dialog, args.out / f"{name}_{language}.png")
            dialog.close()

    os.environ["SHOWROOM_CAMERA"] = str(demo_camera_frame(data_dir))
    services.intake.start_engine()
    window = MainWindow(services, user, translations, data_dir / "ui-state.ini")
    window.resize(args.width, args.height)
    window.show()
    for language in ("zh_CN", "en"):
        window.set_language(language)
        for key in PAGE_KEYS:
            window.go(key)
            if key in ("stock", "reports"):
                settle(1.5)  # the offers and the report are worked out in the background
            save(window, args.out / f"{key}_{language}.png")
        # Applications: a conditional approval's detail, then signing a contract.
        window.go("applications")
        page = window.applications_page
        show_application(page, conditional_id)
        save(window, args.out / f"applications_detail_{language}.png")
        show_application(page, ready_id)
        save(window, args.out / f"applications_ready_{language}.png")
        page.open_signing()
        settle(2.0)
        draw_signature(page.signing.pad)
        page.signing.signer.setText("王小明" if language == "zh_CN" else "Wang Xiaoming")
        save(window, args.out / f"applications_signing_{language}.png")
        page.close_signing()
        # Stock-driven promotions: the offer in the quote, the rules and their tester.
        window.go("quote")
        show_offers(window.quote_page)
        save(window, args.out / f"quote_offers_{language}.png")
        window.go("stock")
        window.stock_page.tabs.setCurrentIndex(1)
        test_rule(window.stock_page.rules_view, "AGED90-NEV")
        save(window, args.out / f"stock_rules_{language}.png")
        window.stock_page.tabs.setCurrentIndex(0)
        # Reports: the funnel, a rate by group, time by day, the stock by age.
        window.go("reports")
        for name in ("funnel", "approval_by_category", "timing", "stock_aging"):
            show_report(window.reports_page, name)
            save(window, args.out / f"reports_{name}_{language}.png")
        show_report(window.reports_page, "funnel")
        wizard_screenshots(window, args.out, language)
    window.close()

    # Administrators also see user management in Settings.
    admin = next(u for u in DEMO_USERS if u.role.value == "admin")
    window = MainWindow(services, services.auth.sign_in(admin.username, admin.password),
                        translations, data_dir / "ui-state.ini")
    window.resize(args.width, args.height)
    window.show()
    for language in ("zh_CN", "en"):
        window.set_language(language)
        window.go("settings")
        save(window, args.out / f"settings_admin_{language}.png")
    window.close()
    sandbox.stop()
    app.quit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
