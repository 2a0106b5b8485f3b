"""Fonts, colours and the style sheet: one place, so every page looks the same."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QColor, QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from showroom_app.domain.enums import ApplicationStatus, Role

# System CJK fonts in order of preference; Qt falls back along the list per glyph.
CJK_FAMILIES = [
    "Microsoft YaHei UI",
    "Microsoft YaHei",
    "PingFang SC",
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
]

ACCENT = "#1f6feb"

# One colour and one glyph per status, used everywhere a status is shown.
STATUS_STYLE: dict[ApplicationStatus, tuple[str, str]] = {
    ApplicationStatus.DRAFT: ("#6e7781", "✎"),
    ApplicationStatus.QUEUED: ("#9a6700", "⇡"),
    ApplicationStatus.SUBMITTED: ("#0969da", "➜"),
    ApplicationStatus.IN_REVIEW: ("#8250df", "◔"),
    ApplicationStatus.APPROVED: ("#1a7f37", "✔"),
    ApplicationStatus.CONDITIONAL: ("#bc4c00", "⚑"),
    ApplicationStatus.DECLINED: ("#cf222e", "✖"),
    ApplicationStatus.CONTRACT_READY: ("#0550ae", "▤"),
    ApplicationStatus.SIGNED: ("#116329", "✍"),
    ApplicationStatus.FUNDED: ("#044f1e", "¥"),
    ApplicationStatus.WITHDRAWN: ("#57606a", "↺"),
}


def status_label(status: ApplicationStatus) -> str:
    translate = QCoreApplication.translate
    labels = {
        ApplicationStatus.DRAFT: translate("Status", "Draft"),
        ApplicationStatus.QUEUED: translate("Status", "Queued"),
        ApplicationStatus.SUBMITTED: translate("Status", "Submitted"),
        ApplicationStatus.IN_REVIEW: translate("Status", "In review"),
        ApplicationStatus.APPROVED: translate("Status", "Approved"),
        ApplicationStatus.CONDITIONAL: translate("Status", "Conditional"),
        ApplicationStatus.DECLINED: translate("Status", "Declined"),
        ApplicationStatus.CONTRACT_READY: translate("Status", "Contract ready"),
        ApplicationStatus.SIGNED: translate("Status", "Signed"),
        ApplicationStatus.FUNDED: translate("Status", "Funded"),
        ApplicationStatus.WITHDRAWN: translate("Status", "Withdrawn"),
    }
    return labels[status]


def role_label(role: Role) -> str:
    translate = QCoreApplication.translate
    return {
        Role.ADMIN: translate("Roles", "Administrator"),
        Role.MANAGER: translate("Roles", "Manager"),
        Role.CONSULTANT: translate("Roles", "Consultant"),
    }[role]


def status_color(status: ApplicationStatus) -> QColor:
    return QColor(STATUS_STYLE[status][0])


def status_text(status: ApplicationStatus) -> str:
    return f"{STATUS_STYLE[status][1]} {status_label(status)}"


STYLE_SHEET = f"""
QMainWindow, QDialog {{ background: #f6f8fa; }}
QListWidget#navRail {{
    background: #0d1117; color: #c9d1d9; border: none; padding-top: 8px;
    font-size: 15px; outline: none;
}}
QListWidget#navRail::item {{ padding: 10px 14px; border-left: 3px solid transparent; }}
QListWidget#navRail::item:selected {{
    background: #161b22; color: white; border-left: 3px solid {ACCENT};
}}
QListWidget#navRail::item:hover {{ background: #161b22; }}
QLabel#pageTitle {{ font-size: 22px; font-weight: 600; color: #1f2328; }}
QLabel#pageSubtitle {{ color: #57606a; font-size: 13px; }}
QFrame#card {{ background: white; border: 1px solid #d0d7de; border-radius: 8px; }}
QLabel#cardValue {{ font-size: 26px; font-weight: 600; color: #1f2328; }}
QLabel#cardLabel {{ color: #57606a; font-size: 13px; }}
QLabel#errorText {{ color: #cf222e; }}
QLabel#hintText {{ color: #57606a; }}
QFrame#demoBox {{ background: #fff8c5; border: 1px solid #d4a72c; border-radius: 6px; }}
QPushButton {{ padding: 6px 14px; border-radius: 6px; border: 1px solid #d0d7de;
    background: white; }}
QPushButton:hover {{ background: #f3f4f6; }}
QPushButton#primary {{ background: {ACCENT}; color: white; border: 1px solid {ACCENT};
    font-weight: 600; }}
QPushButton#primary:hover {{ background: #1a5fd0; }}
QPushButton#primary:disabled {{ background: #94b8f0; border-color: #94b8f0; }}
QTableWidget {{ background: white; border: 1px solid #d0d7de; border-radius: 6px;
    gridline-color: #eaeef2; }}
QHeaderView::section {{ background: #f6f8fa; border: none;
    border-bottom: 1px solid #d0d7de; padding: 6px; font-weight: 600; }}
QStatusBar {{ background: #eaeef2; }}
QStatusBar QLabel {{ padding: 0 8px; }}
"""


def apply_style(app: QApplication) -> None:
    available = set(QFontDatabase.families())
    families = [f for f in CJK_FAMILIES if f in available]
    font = QFont(app.font())
    font.setFamilies([*families, *font.families()])
    font.setPointSize(max(font.pointSize(), 10))
    app.setFont(font)
    app.setStyle("Fusion")
    app.setStyleSheet(STYLE_SHEET)
