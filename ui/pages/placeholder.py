"""Pages that are not built yet say what they will do."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from ui.widgets import Retranslatable


def planned_texts(key: str, sees_all_reports: bool) -> tuple[str, str, list[str]]:
    """(title, what the page is for, what it will offer) in the current language."""
    translate = QCoreApplication.translate
    texts = {
        "applications": (
            translate("PlannedPage", "Applications"),
            translate("PlannedPage", "Every application of this desk, searchable, with its status timeline and the lessor's decision."),
            [translate("PlannedPage", "Search by name, phone tail, ID number, VIN, status and date (Ctrl+F)"),
             translate("PlannedPage", "Status timeline from draft to funded, with the lessor's reasons and conditions"),
             translate("PlannedPage", "Contract signing on screen when the contract is ready")],
        ),
        "stock": (
            translate("PlannedPage", "Stock & promotions"),
            translate("PlannedPage", "The dealer's vehicles and the financing offers that aged or overstocked vehicles trigger."),
            [translate("PlannedPage", "Import from the DMS (CSV or Excel) with VIN checks"),
             translate("PlannedPage", "Days in stock, status, and the best offer per vehicle"),
             translate("PlannedPage", "Promotion rules edited by managers: lower down payment, subsidised rate, fee waiver")],
        ),
        "reports": (
            translate("PlannedPage", "Reports"),
            translate("PlannedPage", "What sells, what gets approved and what the stock costs, from the local data, offline.") if sees_all_reports
            else translate("PlannedPage", "Your own numbers: applications, approvals and signatures."),
            [translate("PlannedPage", "Funnel from draft to funded, approval rates, time to decision"),
             translate("PlannedPage", "Promotion uptake and cost, stock aging"),
             translate("PlannedPage", "Exports to Excel, CSV and PDF, with personal data masked")],
        ),
    }
    return texts[key]


class PlannedPage(Retranslatable, QWidget):
    def __init__(self, key: str, sees_all_reports: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.sees_all_reports = sees_all_reports
        self.title = QLabel()
        self.title.setObjectName("pageTitle")
        self.purpose = QLabel()
        self.purpose.setObjectName("pageSubtitle")
        self.purpose.setWordWrap(True)
        self.planned_heading = QLabel()
        self.planned_heading.setStyleSheet("font-size: 15px; font-weight: 600;")
        self.planned = QLabel()
        self.planned.setWordWrap(True)
        self.planned.setTextFormat(Qt.TextFormat.RichText)
        self.planned.setObjectName("plannedList")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 24)
        layout.addWidget(self.title)
        layout.addWidget(self.purpose)
        card = QFrame()
        card.setObjectName("card")
        card.setMaximumWidth(900)
        inside = QVBoxLayout(card)
        inside.setContentsMargins(20, 16, 20, 16)
        inside.addWidget(self.planned_heading)
        inside.addWidget(self.planned)
        layout.addSpacing(8)
        layout.addWidget(card)
        layout.addStretch(1)
        self.retranslate()

    def retranslate(self) -> None:
        title, purpose, items = planned_texts(self.key, self.sees_all_reports)
        self.title.setText(title)
        self.purpose.setText(purpose)
        self.planned_heading.setText(self.tr("Coming to this page:"))
        self.planned.setText(
            "<ul style='margin-left:-20px'>"
            + "".join(f"<li style='margin-bottom:6px'>{item}</li>" for item in items)
            + "</ul>"
        )
