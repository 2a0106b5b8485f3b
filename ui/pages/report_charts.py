"""How a report reads on screen: cell texts (money, percentages, durations in words),
the table model, and one QtCharts chart per report kind.

Duck-typed on the report `Table` (the UI reaches reports only through the service):
columns have `key`, `zh`, `en`, `kind` (a str enum: "text", "int", "money", "percent",
"duration") and `personal`.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCharts import (
    QAbstractBarSeries,
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QDateTimeAxis,
    QHorizontalBarSeries,
    QHorizontalStackedBarSeries,
    QLineSeries,
    QValueAxis,
)
from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QDate,
    QDateTime,
    QMargins,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    QTime,
)
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QApplication

from showroom_app.domain.money import Money
from ui.pages.offer_words import category_name

RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
NUMERIC = ("int", "money", "percent", "duration")
MAX_BARS = 12  # more groups than this and a chart stops being readable: the table has all

BLUE, GREEN, RED, GREY, ORANGE = "#1f6feb", "#1a7f37", "#cf222e", "#8c959f", "#bc4c00"

# Reports that are about applications: with nothing counted they say "no applications".
APPLICATION_REPORTS = ("funnel", "approval_by_model", "approval_by_category",
                       "approval_by_product", "approval_by_segment", "approval_by_consultant",
                       "timing", "promotions", "prescore_agreement", "prescore_bands")


# --- cell texts ----------------------------------------------------------------------


def duration_words(seconds: int) -> str:
    """2 d 4 h, 3 h 05 min, 12 min — in the desk's language ("2天4小时")."""
    days, rest = divmod(max(int(seconds), 0), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return QCoreApplication.translate("ReportCharts", "{0} d {1} h").format(days, hours)
    if hours:
        return QCoreApplication.translate("ReportCharts", "{0} h {1} min").format(hours, minutes)
    return QCoreApplication.translate("ReportCharts", "{0} min").format(minutes)


def percent_text(value: Any) -> str:
    return f"{Decimal(str(value)) * 100:.2f}%"


def segment_label(code: str) -> str:
    return {"individual": QCoreApplication.translate("ReportCharts", "Individuals"), "fleet": QCoreApplication.translate("ReportCharts", "Fleets"), "farmer": QCoreApplication.translate("ReportCharts", "Farmers"),
            "company": QCoreApplication.translate("ReportCharts", "Companies")}.get(code, code)


def value_text(kind: str, value: Any) -> str:
    if value is None:
        return "–"
    if kind == "money":
        return Money(int(value)).format()
    if kind == "percent":
        return percent_text(value)
    if kind == "duration":
        return duration_words(value)
    if kind == "int":
        return f"{int(value):,}"
    return str(value)


def cell_text(table: Any, column: Any, value: Any, lang: str,
              products: dict[str, str] | None = None) -> str:
    """One cell as the desk shows it; group codes of the approval reports in words."""
    if str(column.kind) != "text":
        return "" if value is None else value_text(str(column.kind), value)
    if column.key == "group" and isinstance(value, str):
        if table.name == "approval_by_category":
            return category_name(value)
        if table.name == "approval_by_segment":
            return segment_label(value)
        if table.name == "approval_by_product" and products:
            return products.get(value, value)
    return table.text(value, lang)


def header_text(column: Any, lang: str) -> str:
    return column.en if lang == "en" else column.zh


def is_empty(table: Any) -> bool:
    """Nothing to show: no rows, or an application report that counted no application."""
    if not table.rows:
        return True
    if table.name not in APPLICATION_REPORTS:
        return False
    counts = [i for i, c in enumerate(table.columns) if str(c.kind) == "int"]
    return bool(counts) and all(not r[i] for r in table.rows for i in counts)


class ReportModel(QAbstractTableModel):
    """A read-only view of a report table, formatted for reading."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.table: Any = None
        self.lang = "zh"
        self.products: dict[str, str] = {}

    def set_table(self, table: Any, lang: str, products: dict[str, str]) -> None:
        self.beginResetModel()
        self.table, self.lang, self.products = table, lang, products
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if self.table is None or parent.isValid() else len(self.table.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:
        return 0 if self.table is None or parent.isValid() else len(self.table.columns)

    def data(self, index: QModelIndex | QPersistentModelIndex,
             role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.table is None or not index.isValid():
            return None
        column = self.table.columns[index.column()]
        value = self.table.rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return cell_text(self.table, column, value, self.lang, self.products)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if str(column.kind) in NUMERIC else LEFT)
        if role == Qt.ItemDataRole.UserRole:
            return value
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self.table is None or orientation != Qt.Orientation.Horizontal:
            return None
        column = self.table.columns[section]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return header_text(column, self.lang)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(RIGHT if str(column.kind) in NUMERIC else LEFT)
        return None


# --- charts ---------------------------------------------------------------------------


def _fonts() -> tuple[QFont, QFont]:
    """The application's font (it carries the CJK families) for labels and titles."""
    base = QFont(QApplication.font())
    small = QFont(base)
    small.setPointSizeF(max(base.pointSizeF() - 1, 8))
    return base, small


def _new_chart() -> QChart:
    chart = QChart()
    chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
    chart.setBackgroundRoundness(6)
    chart.setMargins(QMargins(4, 4, 4, 4))
    base, small = _fonts()
    chart.setTitleFont(base)
    chart.legend().setFont(small)
    chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
    return chart


def _number(value: Any, kind: str) -> float:
    if value is None:
        return 0.0
    if kind == "percent":
        return round(float(Decimal(str(value)) * 100), 2)
    if kind == "money":
        return round(int(value) / 100, 2)
    if kind == "duration":
        return round(int(value) / 3600, 1)  # hours
    return float(value)


def _value_axis(chart: QChart, top: float, title: str, percent: bool) -> QValueAxis:
    _, small = _fonts()
    axis = QValueAxis()
    axis.setTruncateLabels(False)  # laid out before the view has its size: never "…"
    axis.setLabelsFont(small)
    axis.setTitleFont(small)
    axis.setRange(0, 100 if percent else max(top * 1.15, 1))
    axis.setLabelFormat("%.0f%%" if percent else ("%.0f" if top >= 10 else "%.1f"))
    axis.setTickCount(6)
    if not percent:
        axis.applyNiceNumbers()  # whole ticks: 0, 5, 10… not 0, 2.8, 5.6
    if title:
        axis.setTitleText(title)
    return axis


def _category_axis(labels: list[str]) -> QBarCategoryAxis:
    _, small = _fonts()
    axis = QBarCategoryAxis()
    axis.setTruncateLabels(False)
    axis.setLabelsFont(small)
    axis.append(labels)
    return axis


def _bars(chart: QChart, labels: list[str], sets: list[tuple[str, list[float], str]],
          horizontal: bool, stacked: bool = False, percent: bool = False,
          value_title: str = "") -> None:
    series: QAbstractBarSeries
    if horizontal:
        series = QHorizontalStackedBarSeries() if stacked else QHorizontalBarSeries()
        # Qt draws the first category at the bottom: reverse so the table order reads down.
        labels = labels[::-1]
        sets = [(name, values[::-1], color) for name, values, color in sets]
    else:
        series = QBarSeries()
    _, small = _fonts()
    for name, values, color in sets:
        bar = QBarSet(name)
        bar.append(values)
        bar.setColor(QColor(color))
        bar.setBorderColor(QColor(color))
        bar.setLabelFont(small)
        bar.setLabelColor(QColor("#1f2328") if not stacked else QColor("white"))
        series.append(bar)
    series.setLabelsVisible(True)
    series.setLabelsPosition(QAbstractBarSeries.LabelsPosition.LabelsCenter if stacked
                             else QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
    series.setLabelsFormat("@value%" if percent else "@value")
    chart.addSeries(series)
    if stacked:
        top = max((sum(v) for v in zip(*(s[1] for s in sets), strict=True)), default=0.0)
    else:
        top = max((max(v, default=0.0) for _, v, _ in sets), default=0.0)
    values = _value_axis(chart, top, value_title, percent)
    categories = _category_axis(labels)
    if horizontal:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignLeft)
        chart.addAxis(values, Qt.AlignmentFlag.AlignBottom)
    else:
        chart.addAxis(categories, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(values, Qt.AlignmentFlag.AlignLeft)
    series.attachAxis(categories)
    series.attachAxis(values)
    chart.legend().setVisible(len(sets) > 1)


def _labels(table: Any, key: str, lang: str, products: dict[str, str]) -> list[str]:
    column = table.columns[table.index(key)]
    return [cell_text(table, column, v, lang, products) for v in table.column_values(key)]


def _timing(chart: QChart, table: Any) -> None:
    _, small = _fonts()
    axis_x = QDateTimeAxis()
    axis_x.setFormat("MM-dd")
    axis_x.setTruncateLabels(False)
    axis_x.setLabelsFont(small)
    # Local noon of each (China) day: the axis shows local dates, so the label is the day.
    days = [QDateTime(QDate.fromString(d, "yyyy-MM-dd"), QTime(12, 0))
            for d in table.column_values("day")]
    top = 0.0
    lines = []
    for key, name, color in (("decision_median", QCoreApplication.translate("ReportCharts", "Time to decision, median (hours)"), BLUE),
                             ("signature_median", QCoreApplication.translate("ReportCharts", "Time to signature, median (hours)"), GREEN)):
        line = QLineSeries()
        line.setName(name)
        line.setColor(QColor(color))
        line.setPointsVisible(True)
        for day, value in zip(days, table.column_values(key), strict=True):
            if value is not None:
                hours = _number(value, "duration")
                top = max(top, hours)
                line.append(float(day.toMSecsSinceEpoch()), hours)
        chart.addSeries(line)
        lines.append(line)
    first, last = min(days), max(days)
    if first == last:  # one day: give the axis some width
        first, last = first.addDays(-1), last.addDays(1)
    axis_x.setRange(first, last)
    axis_x.setTickCount(min(max(len(days), 2), 8))
    axis_y = _value_axis(chart, top, QCoreApplication.translate("ReportCharts", "Hours"), percent=False)
    chart.addAxis(axis_x, Qt.AlignmentFlag.AlignBottom)
    chart.addAxis(axis_y, Qt.AlignmentFlag.AlignLeft)
    for line in lines:
        line.attachAxis(axis_x)
        line.attachAxis(axis_y)
    chart.legend().setVisible(True)


def build_chart(table: Any, lang: str, products: dict[str, str]) -> QChart | None:
    """The chart that reads best for this report; None for reports that are only a table
    (PSI lines, the sync state) or when there is nothing to draw."""
    if is_empty(table):
        return None
    name = table.name
    chart = _new_chart()
    rows = table.rows[:MAX_BARS]
    clipped = type(table)(table.name, table.title_zh, table.title_en, table.columns, rows,
                          labels=table.labels)
    if name == "funnel":
        _bars(chart, _labels(clipped, "step", lang, products),
              [(QCoreApplication.translate("ReportCharts", "Applications"), [_number(v, "int") for v in clipped.column_values(
                  "applications")], BLUE)], horizontal=True, value_title=QCoreApplication.translate("ReportCharts", "Applications"))
    elif name.startswith("approval_by_"):
        _bars(chart, _labels(clipped, "group", lang, products),
              [(QCoreApplication.translate("ReportCharts", "Approval rate"), [_number(v, "percent") for v in clipped.column_values(
                  "approval_rate")], GREEN)], horizontal=True, percent=True)
    elif name == "timing":
        _timing(chart, table)
    elif name == "stock_aging":
        _bars(chart, _labels(clipped, "bucket", lang, products),
              [(QCoreApplication.translate("ReportCharts", "Vehicles"), [_number(v, "int") for v in clipped.column_values("vehicles")],
                BLUE),
               (QCoreApplication.translate("ReportCharts", "With a live application"),
                [_number(v, "int") for v in clipped.column_values("with_application")], GREEN),
               (QCoreApplication.translate("ReportCharts", "Reserved"), [_number(v, "int") for v in clipped.column_values("reserved")],
                ORANGE)],
              horizontal=False, value_title=QCoreApplication.translate("ReportCharts", "Vehicles"))
        chart.axes(Qt.Orientation.Horizontal)[0].setTitleText(QCoreApplication.translate("ReportCharts", "Days in stock"))
    elif name == "prescore_agreement":
        _bars(chart, _labels(clipped, "verdict", lang, products),
              [(QCoreApplication.translate("ReportCharts", "Approved"), [_number(v, "int") for v in clipped.column_values("approved")],
                GREEN),
               (QCoreApplication.translate("ReportCharts", "Declined"), [_number(v, "int") for v in clipped.column_values("declined")],
                RED),
               (QCoreApplication.translate("ReportCharts", "Not decided"),
                [_number(v, "int") for v in clipped.column_values("undecided")], GREY)],
              horizontal=True, stacked=True)
    elif name == "prescore_bands":
        _bars(chart, _labels(clipped, "band", lang, products),
              [(QCoreApplication.translate("ReportCharts", "Observed approval rate"),
                [_number(v, "percent") for v in clipped.column_values("approval_rate")], GREEN),
               (QCoreApplication.translate("ReportCharts", "Mean predicted PD"),
                [_number(v, "percent") for v in clipped.column_values("mean_pd")], ORANGE)],
              horizontal=False, percent=True)
    elif name == "promotions":
        code_i = clipped.index("code")
        name_i = clipped.index("name_en" if lang == "en" else "name_zh")
        labels = [str(r[name_i] or r[code_i]) for r in clipped.rows]
        _bars(chart, labels, [(QCoreApplication.translate("ReportCharts", "Applications using it"), [
            _number(v, "int") for v in clipped.column_values("applications")], BLUE)],
              horizontal=True, value_title=QCoreApplication.translate("ReportCharts", "Applications"))
    elif name == "aged_offers":
        vin_i, vehicle_i = clipped.index("vin"), clipped.index("vehicle")
        labels = [f"{r[vehicle_i]} ·{str(r[vin_i])[-6:]}" for r in clipped.rows]
        _bars(chart, labels, [(QCoreApplication.translate("ReportCharts", "Days in stock"), [
            _number(v, "int") for v in clipped.column_values("days")], ORANGE)],
              horizontal=True, value_title=QCoreApplication.translate("ReportCharts", "Days in stock"))
    elif name == "prescore_stability":
        # The features that moved most, whatever the model: the ones to look at first.
        seg_i, feat_i, psi_i = table.index("segment"), table.index("feature"), table.index("psi")
        ranked = sorted((r for r in table.rows if r[psi_i] not in ("", None)),
                        key=lambda r: -float(r[psi_i]))[:MAX_BARS]
        if not ranked:
            return None
        _bars(chart, [f"{r[seg_i]} · {r[feat_i]}" for r in ranked],
              [("PSI", [float(r[psi_i]) for r in ranked], ORANGE)],
              horizontal=True, value_title="PSI")
    elif name == "ocr_quality":
        labels = [f"{r[0]} · {r[1]}" for r in clipped.rows]
        _bars(chart, labels, [(QCoreApplication.translate("ReportCharts", "Correction rate"), [
            _number(v, "percent") for v in clipped.column_values("correction_rate")], ORANGE)],
              horizontal=True, percent=True)
    else:
        return None
    return chart

