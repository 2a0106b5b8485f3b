"""Central service: schedule and APR math, contract PDF rendering and signing."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from io import BytesIO
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw
from pypdf import PdfReader

from central.contract_pdf import (
    ContractData,
    Fee,
    format_money,
    format_percent,
    pdf_sha256,
    render_contract,
    sign_contract,
)
from central.finance import (
    Instalment,
    add_months,
    annual_percentage_rate,
    equal_instalment_schedule,
)

ROOT = Path(__file__).resolve().parent.parent
SIGNED_AT = datetime(2027, 1, 16, 6, 30, tzinfo=UTC)  # 14:30 in Shanghai
ROW = re.compile(r"^\s*(\d+)\s+(\d{4}-\d{2}-\d{2})\s+¥", re.MULTILINE)


# --------------------------------------------------------------------------- finance


def assert_exact(schedule: list[Instalment], principal: int) -> None:
    assert sum(i.principal_fen for i in schedule) == principal
    assert sum(i.payment_fen for i in schedule) == principal + sum(i.interest_fen for i in schedule)
    assert schedule[-1].balance_fen == 0
    for item in schedule:
        assert item.payment_fen == item.principal_fen + item.interest_fen


def term_rounding(term: int) -> int:
    """Worst-case drift (fen) from rounding each payment and each interest to the fen."""
    return term


def test_apr_matches_the_domain_worked_check() -> None:
    # 100,000 lent, 1,000 fee at signing, 12 monthly payments of 8,833.30.
    nominal, effective = annual_percentage_rate(
        100_000_00 - 1_000_00, [(month, 8_833_30) for month in range(1, 13)]
    )
    assert nominal == Decimal("0.1280")
    assert effective == Decimal("0.1358")
    assert format_percent(nominal) == "12.80%"
    assert format_percent(effective) == "13.58%"


def test_apr_without_fees_equals_the_contract_rate() -> None:
    schedule = equal_instalment_schedule(
        100_000_00, Decimal("0.048"), 36, date(2027, 1, 15)
    )
    nominal, effective = annual_percentage_rate(
        100_000_00, [(i.number, i.payment_fen) for i in schedule]
    )
    assert nominal == Decimal("0.0480")
    assert effective == Decimal("0.0491")


def test_apr_rejects_impossible_cash_flows() -> None:
    with pytest.raises(ValueError):
        annual_percentage_rate(0, [(1, 100)])
    with pytest.raises(ValueError):
        annual_percentage_rate(100, [])
    with pytest.raises(ValueError):
        annual_percentage_rate(100, [(1, -5)])


def test_equal_instalment_schedule_sums_exactly_and_last_absorbs_rounding() -> None:
    schedule = equal_instalment_schedule(100_000_00, Decimal("0.048"), 12, date(2027, 1, 31))
    assert len(schedule) == 12
    assert_exact(schedule, 100_000_00)
    # 等额本息 formula: 100,000 × r(1+r)^12 / ((1+r)^12 − 1), r = 0.4 % → 8,551.59
    assert {i.payment_fen for i in schedule[:-1]} == {8_551_59}
    assert schedule[-1].payment_fen != 8_551_59  # rounding landed on the last instalment
    assert schedule[0].interest_fen == 400_00  # 100,000 × 0.4 %
    assert [i.number for i in schedule] == list(range(1, 13))


def test_due_dates_clamp_to_month_end_from_the_first_date() -> None:
    schedule = equal_instalment_schedule(12_000_00, Decimal("0.06"), 4, date(2027, 1, 31))
    assert [i.due_date for i in schedule] == [
        date(2027, 1, 31), date(2027, 2, 28), date(2027, 3, 31), date(2027, 4, 30),
    ]
    leap = equal_instalment_schedule(12_000_00, Decimal("0.06"), 3, date(2028, 1, 31))
    assert [i.due_date for i in leap] == [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)]
    assert add_months(date(2027, 11, 30), 3) == date(2028, 2, 29)
    assert add_months(date(2027, 12, 15), 1) == date(2028, 1, 15)


def test_zero_rate_splits_principal_equally() -> None:
    schedule = equal_instalment_schedule(100_000_00, Decimal(0), 3, date(2027, 1, 1))
    assert [i.interest_fen for i in schedule] == [0, 0, 0]
    assert [i.payment_fen for i in schedule] == [33_333_33, 33_333_33, 33_333_34]
    assert_exact(schedule, 100_000_00)


def test_balloon_is_paid_with_the_last_instalment() -> None:
    schedule = equal_instalment_schedule(
        100_000_00, Decimal("0.06"), 24, date(2027, 1, 10), balloon_fen=30_000_00
    )
    assert_exact(schedule, 100_000_00)
    regular = schedule[0].payment_fen
    assert all(i.payment_fen == regular for i in schedule[:-1])
    # The last instalment is one regular payment plus the balloon (give or take rounding).
    assert abs(schedule[-1].payment_fen - (regular + 30_000_00)) <= term_rounding(24)
    assert schedule[-1].principal_fen == schedule[-2].balance_fen
    # Without the balloon the monthly payment is higher.
    plain = equal_instalment_schedule(100_000_00, Decimal("0.06"), 24, date(2027, 1, 10))
    assert plain[0].payment_fen > regular


def test_schedule_rejects_bad_input() -> None:
    with pytest.raises(ValueError):
        equal_instalment_schedule(0, Decimal("0.05"), 12, date(2027, 1, 1))
    with pytest.raises(ValueError):
        equal_instalment_schedule(100_00, Decimal("-0.01"), 12, date(2027, 1, 1))
    with pytest.raises(ValueError):
        equal_instalment_schedule(100_00, Decimal("0.05"), 0, date(2027, 1, 1))
    with pytest.raises(ValueError):
        equal_instalment_schedule(100_00, Decimal("0.05"), 12, date(2027, 1, 1), 200_00)
    with pytest.raises(TypeError):
        equal_instalment_schedule(100_00, 0.05, 12, date(2027, 1, 1))  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(
    principal=st.integers(min_value=1, max_value=50_000_000_00),
    rate_bp=st.integers(min_value=0, max_value=3600),
    term=st.integers(min_value=1, max_value=120),
    balloon_share=st.integers(min_value=0, max_value=100),
    first_day=st.dates(min_value=date(2020, 1, 1), max_value=date(2040, 12, 31)),
)
def test_schedule_always_sums_exactly(
    principal: int, rate_bp: int, term: int, balloon_share: int, first_day: date
) -> None:
    balloon = principal * balloon_share // 100
    schedule = equal_instalment_schedule(
        principal, Decimal(rate_bp) / 10_000, term, first_day, balloon
    )
    assert len(schedule) == term
    assert_exact(schedule, principal)
    for item in schedule:
        assert item.payment_fen >= 0
        assert item.principal_fen >= 0
        assert item.interest_fen >= 0
        assert item.balance_fen >= 0
    balances = [principal] + [i.balance_fen for i in schedule]
    assert balances == sorted(balances, reverse=True)
    assert schedule[0].due_date == first_day


# --------------------------------------------------------------------------- contract PDF


def contract(product_code: str = "auto_loan", term: int = 36) -> ContractData:
    price, down = 258_800_00, 77_640_00
    fees = (
        Fee("GPS安装费", "GPS installation", 1_500_00, True),
        Fee("服务费", "Service fee", 2_000_00, False),
    )
    financed = price - down + 1_500_00
    balloon = 30_000_00 if product_code == "auto_loan" else 20_000_00
    schedule = tuple(
        equal_instalment_schedule(financed, Decimal("0.048"), term, date(2027, 1, 31), balloon)
    )
    received = financed - 1_500_00 - 2_000_00
    nominal, effective = annual_percentage_rate(
        received, [(i.number, i.payment_fen) for i in schedule]
    )
    return ContractData(
        contract_number="CT-2027-000123",
        product_code=product_code,
        lessor_name="华信融资租赁（上海）有限公司",
        dealer_name="上海浦东宝利汽车销售服务有限公司",
        customer_name="李四",
        customer_id_number="11010519491231002X",
        customer_phone="13800138000",
        customer_address="上海市浦东新区世纪大道100号 <25楼> & 2501室",
        vehicle_make="比亚迪",
        vehicle_model="汉 EV 冠军版",
        vehicle_vin="LGXC74C48P0123456",
        vehicle_price_fen=price,
        down_payment_fen=down,
        financed_fen=financed,
        term_months=term,
        annual_rate=Decimal("0.048"),
        apr_nominal=nominal,
        apr_effective=effective,
        fees=fees,
        schedule=schedule,
        residual_fen=balloon,
        issued_on=date(2027, 1, 15),
    )


def signature_png() -> bytes:
    image = Image.new("RGBA", (480, 160), (0, 0, 0, 0))
    ImageDraw.Draw(image).line([(10, 120), (120, 30), (240, 140), (460, 40)],
                               fill=(0, 0, 0, 255), width=6)
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def texts(pdf: bytes) -> list[str]:
    return [page.extract_text(extraction_mode="layout") for page in PdfReader(BytesIO(pdf)).pages]


@pytest.fixture(scope="module")
def loan_pdf() -> bytes:
    return render_contract(contract("auto_loan", 36))


@pytest.fixture(scope="module")
def lease_pdf() -> bytes:
    return render_contract(contract("direct_lease", 60))


def test_money_and_percent_formatting() -> None:
    assert format_money(123_456) == "¥1,234.56"
    assert format_money(5) == "¥0.05"
    assert format_money(100_000_000_00) == "¥100,000,000.00"
    assert format_money(-1_50) == "-¥1.50"
    assert format_percent(Decimal("0.128")) == "12.80%"


def test_loan_contract_content(loan_pdf: bytes) -> None:
    data = contract("auto_loan", 36)
    pages = texts(loan_pdf)
    first = pages[0]
    assert "汽车贷款合同" in first
    assert "融资租赁合同" not in first
    assert "本合同是贷款合同，不是租赁合同" in first
    assert f"名义 {format_percent(data.apr_nominal)}" in first
    assert f"实际 {format_percent(data.apr_effective)}" in first
    assert f"每月还款：{format_money(data.schedule[0].payment_fen)}" in first
    everything = "\n".join(pages)
    for needle in ("LGXC74C48P0123456", "11010519491231002X", "13800138000", "李四",
                   "<25楼>", "& 2501室", "GPS安装费", "服务费", "¥258,800.00", "¥77,640.00",
                   format_money(data.financed_fen), "¥30,000.00", "借款人签字"):
        assert needle in everything, needle
    assert "租赁期满选择" not in everything


def test_lease_contract_content(lease_pdf: bytes) -> None:
    data = contract("direct_lease", 60)
    pages = texts(lease_pdf)
    assert "融资租赁合同" in pages[0]
    assert "直租" in pages[0]
    assert "不是贷款合同" in pages[0]
    assert f"名义 {format_percent(data.apr_nominal)}" in pages[0]
    everything = "\n".join(pages)
    assert "LGXC74C48P0123456" in everything
    for option in ("留购", "退还", "续租", "置换"):
        assert option in everything
    assert "最后一期已含残值 ¥20,000.00" in everything
    assert "承租人签字" in pages[-1]
    leaseback = texts(render_contract(replace(data, product_code="sale_leaseback")))
    assert "融资租赁合同" in leaseback[0]
    assert "回租" in leaseback[0]


@pytest.mark.parametrize(("product_code", "term"), [("auto_loan", 36), ("direct_lease", 60)])
def test_schedule_rows_span_pages(product_code: str, term: int) -> None:
    data = contract(product_code, term)
    pages = texts(render_contract(data))
    assert len(pages) >= 2
    rows = [match for text in pages for match in ROW.findall(text)]
    assert len(rows) == term
    assert rows == [(str(i.number), i.due_date.isoformat()) for i in data.schedule]
    assert "签署" in pages[-1]
    assert f"共 {len(pages)} 页" in pages[-1]


def test_title_is_simulated_bold(loan_pdf: bytes) -> None:
    content = PdfReader(BytesIO(loan_pdf)).pages[0].get_contents()
    assert content is not None
    assert b"2 Tr" in content.get_data()  # text render mode fill + stroke


def test_render_is_deterministic(loan_pdf: bytes) -> None:
    again = render_contract(contract("auto_loan", 36))
    assert again == loan_pdf
    assert pdf_sha256(again) == pdf_sha256(loan_pdf)


def test_render_is_identical_in_a_fresh_process(lease_pdf: bytes) -> None:
    script = (
        f"import sys; sys.path[:0] = [{str(ROOT)!r}, {str(ROOT / 'tests')!r}];"
        "from test_central_contract import contract;"
        "from central.contract_pdf import render_contract, pdf_sha256;"
        "print(pdf_sha256(render_contract(contract('direct_lease', 60))))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            check=True, cwd=ROOT, timeout=120)
    assert result.stdout.strip().splitlines()[-1] == pdf_sha256(lease_pdf)


def test_render_rejects_inconsistent_data() -> None:
    data = contract("auto_loan", 12)
    with pytest.raises(ValueError, match="product_code"):
        render_contract(replace(data, product_code="mortgage"))
    with pytest.raises(ValueError, match="instalments"):
        render_contract(replace(data, schedule=data.schedule[:-1]))


def test_pdf_sha256() -> None:
    assert pdf_sha256(b"") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"


# --------------------------------------------------------------------------- signing


def test_sign_contract(lease_pdf: bytes) -> None:
    signed = sign_contract(lease_pdf, signature_png(), "李四", SIGNED_AT)
    assert signed != lease_pdf
    original, result = PdfReader(BytesIO(lease_pdf)), PdfReader(BytesIO(signed))
    assert len(result.pages) == len(original.pages)
    last = result.pages[-1].extract_text()
    assert "李四" in last
    assert "2027-01-16 14:30:00" in last  # Asia/Shanghai
    assert "/XObject" in result.pages[-1]["/Resources"]  # the signature image
    assert result.metadata is not None
    assert result.metadata["/ShowroomUnsignedSHA256"] == pdf_sha256(lease_pdf)
    # Earlier pages are untouched in content.
    assert result.pages[0].extract_text() == original.pages[0].extract_text()


def test_sign_contract_is_deterministic(loan_pdf: bytes) -> None:
    first = sign_contract(loan_pdf, signature_png(), "李四", SIGNED_AT)
    second = sign_contract(loan_pdf, signature_png(), "李四", SIGNED_AT)
    assert first == second
    assert pdf_sha256(first) == pdf_sha256(second)
    later = sign_contract(loan_pdf, signature_png(), "李四", SIGNED_AT + timedelta(minutes=1))
    assert pdf_sha256(later) != pdf_sha256(first)


def test_signed_contract_cannot_be_signed_again(loan_pdf: bytes) -> None:
    signed = sign_contract(loan_pdf, signature_png(), "李四", SIGNED_AT)
    with pytest.raises(ValueError, match="already signed"):
        sign_contract(signed, signature_png(), "李四", SIGNED_AT)


@pytest.mark.parametrize(
    "png",
    [
        b"",
        b"not an image at all",
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 40,  # PNG magic, garbage body
        b"GIF89a" + b"\x00" * 20,
    ],
)
def test_bad_png_raises_value_error(loan_pdf: bytes, png: bytes) -> None:
    with pytest.raises(ValueError, match="signature image"):
        sign_contract(loan_pdf, png, "李四", SIGNED_AT)


def test_truncated_png_raises_value_error(loan_pdf: bytes) -> None:
    png = signature_png()
    with pytest.raises(ValueError, match="signature image"):
        sign_contract(loan_pdf, png[: len(png) // 2], "李四", SIGNED_AT)


@pytest.mark.parametrize("pdf", [b"", b"hello", b"%PDF-1.4\n%garbage\n"])
def test_bad_pdf_raises_value_error(pdf: bytes) -> None:
    with pytest.raises(ValueError, match="PDF"):
        sign_contract(pdf, signature_png(), "李四", SIGNED_AT)


def test_truncated_pdf_raises_value_error(loan_pdf: bytes) -> None:
    with pytest.raises(ValueError, match="PDF"):
        sign_contract(loan_pdf[: len(loan_pdf) // 2], signature_png(), "李四", SIGNED_AT)


def test_long_signer_name_stays_in_the_box(loan_pdf: bytes) -> None:
    name = "上海浦东新区某某物流运输有限公司法定代表人授权代表王五"
    signed = sign_contract(loan_pdf, signature_png(), name, SIGNED_AT)
    assert name in PdfReader(BytesIO(signed)).pages[-1].extract_text()
    with pytest.raises(ValueError, match="signer_name"):
        sign_contract(loan_pdf, signature_png(), "王" * 101, SIGNED_AT)


def test_sign_requires_aware_time_and_a_name(loan_pdf: bytes) -> None:
    with pytest.raises(ValueError, match="timezone"):
        sign_contract(loan_pdf, signature_png(), "李四", datetime(2027, 1, 16, 14, 30))  # noqa: DTZ001
    with pytest.raises(ValueError, match="signer_name"):
        sign_contract(loan_pdf, signature_png(), "  ", SIGNED_AT)
