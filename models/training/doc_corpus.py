"""Synthetic Chinese identity and business documents for OCR tests and benchmarks.

`render` draws one flat, rectified document (a second-generation ID card front or back,
a driving licence, a vehicle licence, a business licence or a bank card) and returns
it with its truth: field key -> the exact string a perfect reader returns. `photograph`
puts that document on a desk and shoots it into a 1280x720 frame (perspective, tilt
or a turned card, shadow; with "degraded" also blur, sensor noise, glare, low light,
a colour cast and JPEG) and returns the four document corners in the frame.
`make_corpus` writes a directory of such frames with a manifest.json.

Everything printed is invented. Only the rules are real: GB/T 2260 region codes,
the ISO 7064 MOD 11-2 check character of the ID number, the GB 32100 check character
of the unified social credit code, the GB 16735 VIN check digit, the Luhn digit and
the BINs of Chinese banks. `invalid_check=True` prints a wrong check character and the
truth keeps the printed (wrong) value, with "_check_valid" = "no".

Truth conventions:
- dates are ISO YYYY-MM-DD; a validity end may be "长期";
- multi-line values (addresses, long names) are joined without separators;
- plates are printed and kept without the middle dot ("鲁BD12345"), as on licences;
- registered capital is the amount in capital numerals as licences print it,
  e.g. "伍佰万元整" (ten-thousand yuan units).

Deterministic: the same `random.Random` state gives the same pixels and truth.
"""

from __future__ import annotations

import argparse
import calendar
import functools
import json
import math
import os
import random
import sys
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

KINDS: tuple[str, ...] = ("id_front", "id_back", "driving_license", "vehicle_license",
                          "business_license", "bank_card")

# A copy of showroom_app.documents.fields.FIELD_KEYS: models/ imports nothing of ours.
FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "id_front": ("name", "sex", "ethnicity", "birth_date", "address", "id_number"),
    "id_back": ("issuing_authority", "valid_from", "valid_to"),
    "driving_license": ("license_number", "name", "sex", "vehicle_class",
                        "first_issue_date", "valid_from", "valid_to"),
    "vehicle_license": ("plate", "vehicle_type", "owner", "vin", "engine_number",
                        "registration_date"),
    "business_license": ("name", "uscc", "legal_representative", "address",
                         "registered_capital"),
    "bank_card": ("card_number", "bank"),
}
CHECK_VALID_KEY = "_check_valid"
# The field that carries a check character, per kind (the ID back has none).
CHECKED_FIELD: dict[str, str] = {
    "id_front": "id_number", "driving_license": "license_number", "vehicle_license": "vin",
    "business_license": "uscc", "bank_card": "card_number",
}
LONG_TERM = "长期"

FRAME_W, FRAME_H = 1280, 720
ID_SIZE = (1012, 638)  # 85.6 x 54 mm at ~300 dpi
LICENCE_CARD_SIZE = (1040, 709)  # 88 x 60 mm
BUSINESS_SIZE = (1400, 990)  # A4 landscape proportions
# Where the label/value block is printed on the flat business licence (x0, y0, x1, y1).
BUSINESS_FIELDS_REGION = (100, 420, 1320, 890)
# Documents printed "today": validity periods and issue dates are drawn around this day.
REF_DATE = date(2025, 6, 30)

# --- reference data ---------------------------------------------------------------------

# GB/T 2260 codes: (code, province, prefecture, county, first birth year the code is
# valid for, as python-stdnum's table has it). Municipalities have no province.
_REGIONS: tuple[tuple[str, str, str, str, int], ...] = (
    ("110105", "", "北京市", "朝阳区", 1950),
    ("110108", "", "北京市", "海淀区", 1950),
    ("310104", "", "上海市", "徐汇区", 1950),
    ("120101", "", "天津市", "和平区", 1950),
    ("440106", "广东省", "广州市", "天河区", 1985),
    ("440305", "广东省", "深圳市", "南山区", 1990),
    ("441900", "广东省", "东莞市", "", 1988),
    ("330106", "浙江省", "杭州市", "西湖区", 1983),
    ("330282", "浙江省", "宁波市", "慈溪市", 1989),
    ("320102", "江苏省", "南京市", "玄武区", 1983),
    ("320583", "江苏省", "苏州市", "昆山市", 1989),
    ("370102", "山东省", "济南市", "历下区", 1983),
    ("370211", "山东省", "青岛市", "黄岛区", 1983),
    ("370212", "山东省", "青岛市", "崂山区", 1988),
    ("370881", "山东省", "济宁市", "曲阜市", 1989),
    ("371302", "山东省", "临沂市", "兰山区", 1994),
    ("370783", "山东省", "潍坊市", "寿光市", 1993),
    ("130102", "河北省", "石家庄市", "长安区", 1983),
    ("130681", "河北省", "保定市", "涿州市", 1994),
    ("130627", "河北省", "保定市", "唐县", 1994),
    ("420106", "湖北省", "武汉市", "武昌区", 1983),
    ("510107", "四川省", "成都市", "武侯区", 1990),
    ("610113", "陕西省", "西安市", "雁塔区", 1983),
    ("410105", "河南省", "郑州市", "金水区", 1983),
    ("411081", "河南省", "许昌市", "禹州市", 1989),
    ("410622", "河南省", "鹤壁市", "淇县", 1986),
    ("350203", "福建省", "厦门市", "思明区", 1983),
    ("350102", "福建省", "福州市", "鼓楼区", 1983),
    ("210102", "辽宁省", "沈阳市", "和平区", 1983),
    ("220102", "吉林省", "长春市", "南关区", 1983),
    ("230102", "黑龙江省", "哈尔滨市", "道里区", 1983),
    ("360102", "江西省", "南昌市", "东湖区", 1983),
    ("530102", "云南省", "昆明市", "五华区", 1983),
    ("520102", "贵州省", "贵阳市", "南明区", 1983),
    ("620102", "甘肃省", "兰州市", "城关区", 1983),
    ("650102", "新疆维吾尔自治区", "乌鲁木齐市", "天山区", 1983),
    ("150102", "内蒙古自治区", "呼和浩特市", "新城区", 1983),
    ("630104", "青海省", "西宁市", "城西区", 1983),
    ("540102", "西藏自治区", "拉萨市", "城关区", 1983),
    ("140105", "山西省", "太原市", "小店区", 1997),
)
_PLATE_PREFIX = {
    "北京市": "京", "上海市": "沪", "天津市": "津", "广东省": "粤", "浙江省": "浙",
    "江苏省": "苏", "山东省": "鲁", "河北省": "冀", "湖北省": "鄂", "四川省": "川",
    "陕西省": "陕", "河南省": "豫", "福建省": "闽", "辽宁省": "辽", "吉林省": "吉",
    "黑龙江省": "黑", "江西省": "赣", "云南省": "云", "贵州省": "贵", "甘肃省": "甘",
    "新疆维吾尔自治区": "新", "内蒙古自治区": "蒙", "青海省": "青", "西藏自治区": "藏",
    "山西省": "晋",
}

_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
             "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江"
             "尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
_GIVEN_MALE = "伟强磊军洋勇杰涛明超刚建国志文斌宇浩俊鑫海波东辉鹏飞龙峰亮林成康庆德永胜立新"
_GIVEN_FEMALE = "芳娜秀敏静丽艳娟霞桂英华红梅欣怡涵琪玉兰春燕丹凤雪琳婷颖倩萍慧佳月洁晶璐"
_ETHNIC_MINOR = ("回", "满", "蒙古", "壮", "维吾尔", "藏", "苗", "彝", "土家", "朝鲜", "侗",
                 "瑶", "白", "哈萨克", "傣", "黎")

_ROADS = ("人民", "解放", "建设", "中山", "和平", "文化", "胜利", "新华", "光明", "长江",
          "黄河", "泰山", "东风", "朝阳", "青年", "幸福", "振兴", "民主", "团结", "迎宾",
          "滨河", "工业", "花园", "银海", "金城", "锦江")
_ROAD_SUFFIX = ("路", "路", "街", "大街", "大道", "东路", "西路", "南路", "北路")
_SUBDISTRICTS = ("城关", "新华", "东城", "西城", "城南", "城北", "龙泉", "文昌", "开元",
                 "向阳", "长安", "青龙", "圣城", "古城")
_TOWNS = ("王庄", "李集", "张店", "柳河", "杨庄", "北店头", "石桥", "马头", "孙庄", "高桥",
          "白沙", "大王", "稻田", "侯镇")
_VILLAGES = ("前进", "东王", "西李", "后张", "南刘", "北马", "小河", "大庄", "王家", "李家",
             "上营", "下营", "葛堡", "东关")
_COMMUNITIES = ("阳光花园", "金色家园", "锦绣华庭", "幸福里小区", "翠湖小区", "名仕嘉园",
                "碧水蓝天", "紫荆苑", "和谐家园", "御景湾")

_TRADE_NAMES = ("鑫达", "宏图", "恒通", "华瑞", "金诚", "顺驰", "永盛", "嘉禾", "远航", "盛世",
                "东岳", "瑞丰", "兴隆", "天成", "博远", "众鑫", "福源", "丰泽", "润通", "腾飞")
_COMPANY_LINES = ("汽车销售有限公司", "汽车销售服务有限公司", "汽车贸易有限公司",
                  "二手车经纪有限公司", "汽车服务有限公司", "物流有限公司", "运输有限公司",
                  "农业机械有限公司", "机械设备有限公司")
_COOP_LINES = ("农机专业合作社", "农机服务专业合作社", "农业机械化专业合作社", "种植专业合作社")
_COMPANY_TYPES = ("有限责任公司(自然人投资或控股)", "有限责任公司(自然人独资)",
                  "其他有限责任公司")
_SCOPE_ITEMS = ("汽车销售", "新能源汽车整车销售", "汽车零配件零售", "二手车经纪", "汽车租赁",
                "机动车修理和维护", "农业机械销售", "农业机械租赁", "农业机械服务",
                "普通货物仓储服务", "道路货物运输", "机械设备销售", "润滑油销售", "信息咨询服务")
_CAPITALS_WAN = (10, 30, 50, 100, 120, 150, 200, 300, 350, 500, 800, 1000, 1050, 1200, 2000,
                 3000, 5000)

# (vehicle type, brand and model, WMI, engine number prefixes, new energy)
_VEHICLES: tuple[tuple[str, str, str, tuple[str, ...], bool], ...] = (
    ("小型轿车", "大众汽车牌SVW7155NPD", "LSV", ("DJS", "DLF", "CSS"), False),
    ("小型轿车", "一汽-大众牌FV7152FBDWG", "LFV", ("DMB", "CSR"), False),
    ("小型轿车", "东风日产牌DFL7160VBL2", "LGB", ("HR16", "MR20"), False),
    ("小型轿车", "广汽本田牌GHA7150ABC6A", "LHG", ("L15B", "L15C"), False),
    ("小型轿车", "比亚迪牌BYD7005BEVA", "LGX", ("TZ200XSA", "TZ180XSC"), True),
    ("小型普通客车", "别克牌SGM6521UAAA", "LSG", ("LXT", "LFV"), False),
    ("小型越野客车", "哈弗牌CC6460RM2C", "LGW", ("GW4C20", "GW4G15"), False),
    ("小型越野客车", "吉利牌MR6471A03", "L6T", ("JLH4G20", "BHE15"), False),
    ("轻型普通货车", "福田牌BJ1045V9JD6", "LVB", ("4A20", "Q23"), False),
    ("轻型普通货车", "江淮牌HFC1041P93K1", "LJ1", ("HFC4DA1",), False),
    ("重型半挂牵引车", "解放牌CA4250P66K24", "LFW", ("CA6DM2",), False),
    ("重型自卸货车", "东风牌DFH3250A3", "LGA", ("DDI13E",), False),
    ("拖拉机", "东方红牌LX1004", "LYT", ("LR6M3L",), False),
)
_VEHICLE_CLASSES = ("C1", "C1", "C1", "C1", "C2", "B2", "B1", "A2", "A1", "A3")

# (BIN, bank, English name, card colour RGB, number length): all UnionPay debit BINs.
_BANKS: tuple[tuple[str, str, str, tuple[int, int, int], int], ...] = (
    ("622202", "中国工商银行", "INDUSTRIAL AND COMMERCIAL BANK OF CHINA", (196, 18, 28), 19),
    ("621700", "中国建设银行", "CHINA CONSTRUCTION BANK", (0, 62, 140), 19),
    ("622848", "中国农业银行", "AGRICULTURAL BANK OF CHINA", (0, 136, 106), 19),
    ("621661", "中国银行", "BANK OF CHINA", (168, 22, 44), 19),
    ("622588", "招商银行", "CHINA MERCHANTS BANK", (200, 22, 48), 16),
    ("621799", "中国邮政储蓄银行", "POSTAL SAVINGS BANK OF CHINA", (0, 118, 68), 19),
    ("622262", "交通银行", "BANK OF COMMUNICATIONS", (0, 52, 122), 19),
)

# --- check characters ---------------------------------------------------------------------

_RIC_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VIN_ALPHABET = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_VIN_VALUES = {**{str(d): d for d in range(10)},
               **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
               **dict(zip("JKLMN", range(1, 6), strict=True)), "P": 7, "R": 9,
               **dict(zip("STUVWXYZ", range(2, 10), strict=True))}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VIN_YEARS = "ABCDEFGHJKLMNPRSTVWXY"  # model years 2010..2030


def ric_check(body17: str) -> str:
    """ISO 7064 MOD 11-2 check character of a resident ID number's first 17 digits."""
    total = sum(int(c) * w for c, w in zip(body17, _RIC_WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def uscc_check(body17: str) -> str:
    """GB 32100 check character of a unified social credit code's first 17 characters."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(body17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def org_code_check(body8: str) -> str:
    """GB 11714 check character of an organisation code (positions 9-17 of a USCC)."""
    total = sum(int(c, 36) * w for c, w in zip(body8, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    value = 11 - total % 11
    return "X" if value == 10 else "0" if value == 11 else str(value)


def vin_check(vin: str) -> str:
    """GB 16735 check digit (position 9) of a 17-character VIN."""
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    value = total % 11
    return "X" if value == 10 else str(value)


def luhn_check(payload: str) -> str:
    """The Luhn digit that completes `payload` (the card number without its last digit)."""
    total = 0
    for i, c in enumerate(reversed(payload)):
        d = int(c)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _other(correct: str, charset: str, rng: random.Random) -> str:
    return rng.choice([c for c in charset if c != correct])


# --- random identities --------------------------------------------------------------------


def _rand_date(rng: random.Random, start: date, end: date, max_day: int = 31) -> date:
    d = date.fromordinal(rng.randint(start.toordinal(), max(start.toordinal(), end.toordinal())))
    return d.replace(day=min(d.day, max_day))


def _add_years(d: date, years: int) -> date:
    return d.replace(year=d.year + years, day=min(d.day, 28))


def _dotted(d: date) -> str:
    return f"{d.year}.{d.month:02d}.{d.day:02d}"


def _cn_date(d: date) -> str:
    return f"{d.year}年{d.month:02d}月{d.day:02d}日"


@dataclass(frozen=True)
class _Region:
    code: str
    province: str
    prefecture: str
    county: str
    min_year: int

    @property
    def address_prefix(self) -> str:
        if self.county.endswith("市"):  # county-level city: "山东省寿光市"
            return self.province + self.county
        return self.province + self.prefecture + self.county

    @property
    def rural(self) -> bool:
        return not self.county.endswith("区")

    @property
    def police(self) -> str:
        if self.county.endswith("区"):
            return f"{self.prefecture}公安局{self.county[:-1]}分局"
        return f"{self.county or self.prefecture}公安局"

    @property
    def traffic_police(self) -> str:
        if not self.province:
            return f"{self.prefecture}公安局公安交通管理局"
        return f"{self.province}{self.prefecture}公安局交通警察支队"

    @property
    def market_regulator(self) -> str:
        if self.county.endswith(("市", "县")):
            return f"{self.county}市场监督管理局"
        return f"{self.prefecture}{self.county}市场监督管理局"

    @property
    def name_prefix(self) -> str:
        """How a company name starts: "寿光市", "临沂市", "北京"."""
        if self.county.endswith(("市", "县")):
            return self.county
        return self.prefecture[:-1] if not self.province else self.prefecture

    @property
    def plate_prefix(self) -> str:
        return _PLATE_PREFIX[self.province or self.prefecture]


def _region(rng: random.Random) -> _Region:
    return _Region(*rng.choice(_REGIONS))


def _name(rng: random.Random, sex: str) -> str:
    given = _GIVEN_MALE if sex == "男" else _GIVEN_FEMALE
    return rng.choice(_SURNAMES) + "".join(rng.choice(given) for _ in range(rng.choice((1, 2, 2))))


def _address(rng: random.Random, region: _Region) -> str:
    prefix = region.address_prefix
    for _ in range(20):
        road = rng.choice(_ROADS) + rng.choice(_ROAD_SUFFIX)
        number = f"{rng.randint(1, 999)}号"
        style = rng.random()
        if region.rural and style < 0.5:
            town = rng.choice(_TOWNS) + rng.choice(("镇", "乡"))
            body = town + rng.choice(_VILLAGES) + "村" + (number if rng.random() < 0.7 else "")
        elif style < 0.65:
            body = road + number
        elif style < 0.85:
            body = (road + number + f"{rng.randint(1, 30)}号楼{rng.randint(1, 6)}单元"
                    f"{rng.randint(1, 28)}{rng.randint(1, 4):02d}室")
        elif style < 0.93:
            body = (rng.choice(_COMMUNITIES) + f"{rng.randint(1, 30)}号楼"
                    f"{rng.randint(1, 28)}{rng.randint(1, 4):02d}室")
        else:
            body = rng.choice(_SUBDISTRICTS) + "街道" + road + number
        address = prefix + body
        if 10 <= len(address) <= 30:
            return address
    return (prefix + rng.choice(_ROADS) + "路" + f"{rng.randint(1, 99)}号")[:30]


@dataclass(frozen=True)
class _Person:
    name: str
    sex: str
    ethnicity: str
    birth: date
    region: _Region
    address: str
    id_number: str
    id_valid: bool


def _person(rng: random.Random, invalid_check: bool = False) -> _Person:
    region = _region(rng)
    sex = rng.choice(("男", "女"))
    year = rng.randint(max(1955, region.min_year), 2005)
    month = rng.randint(1, 12)
    birth = date(year, month, rng.randint(1, calendar.monthrange(year, month)[1]))
    sequence = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if sex == "男"
                                                    else (0, 2, 4, 6, 8))
    body = f"{region.code}{birth:%Y%m%d}{sequence:03d}"
    check = ric_check(body)
    if invalid_check:
        check = _other(check, "0123456789X", rng)
    ethnicity = "汉" if rng.random() < 0.8 else rng.choice(_ETHNIC_MINOR)
    return _Person(_name(rng, sex), sex, ethnicity, birth, region, _address(rng, region),
                   body + check, not invalid_check)


def _id_validity(rng: random.Random, birth: date) -> tuple[date, str]:
    """An ID card's validity: 5/10/20 years by age at issue, long-term from 46."""
    issue = _rand_date(rng, max(date(2005, 1, 1), _add_years(birth, 16)),
                       REF_DATE - timedelta(days=20), max_day=28)
    age = (issue - birth).days // 365
    years = 10 if age < 26 else 20 if age < 46 else 0
    return issue, (_add_years(issue, years).isoformat() if years else LONG_TERM)


def _capital_words(wan: int) -> str:
    """500 -> "伍佰万元整" (1 <= wan <= 9999)."""
    digits = "零壹贰叁肆伍陆柒捌玖"
    out, zero = "", False
    for unit, power in (("仟", 1000), ("佰", 100), ("拾", 10), ("", 1)):
        d = wan // power % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += digits[d] + unit
    return out + "万元整"


def _vin(rng: random.Random, wmi: str, model_year: int, invalid_check: bool) -> tuple[str, bool]:
    vds = "".join(rng.choice(_VIN_ALPHABET) for _ in range(5))
    year = _VIN_YEARS[min(max(model_year - 2010, 0), len(_VIN_YEARS) - 1)]
    plant = rng.choice(_VIN_ALPHABET)
    serial = "".join(rng.choice("0123456789") for _ in range(6))
    vin = f"{wmi}{vds}0{year}{plant}{serial}"
    check = vin_check(vin)
    if invalid_check:
        check = _other(check, "0123456789X", rng)
    return vin[:8] + check + vin[9:], not invalid_check


def _plate(rng: random.Random, region: _Region, new_energy: bool, large: bool) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    head = region.plate_prefix + rng.choice(letters[:12])
    alnum = "0123456789" * 4 + "ABCDEFGHJKLMNPQRSTUVWXYZ"
    if new_energy:
        if large:
            return head + "".join(rng.choice("0123456789") for _ in range(5)) + rng.choice("DF")
        return (head + rng.choice("DF") + rng.choice(alnum)
                + "".join(rng.choice("0123456789") for _ in range(4)))
    serial = [rng.choice(alnum) for _ in range(5)]
    if sum(c.isalpha() for c in serial) > 2:
        serial = [c if c.isdigit() else rng.choice("0123456789") for c in serial]
    return head + "".join(serial)


# --- drawing --------------------------------------------------------------------------------

_FONT_CANDIDATES: dict[str, tuple[str, ...]] = {
    "cjk": ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
            "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
    "mono": ("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf",),
    "latin": ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",),
    "latin_bold": ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",),
}


@functools.cache
def _font_path(role: str) -> str:
    candidates = _FONT_CANDIDATES[role]
    if role == "cjk" and os.environ.get("DOC_CORPUS_CJK_FONT"):
        candidates = (os.environ["DOC_CORPUS_CJK_FONT"], *candidates)
    for path in candidates:
        if Path(path).is_file():
            return path
    if role != "cjk":
        return _font_path("cjk")
    raise FileNotFoundError("no CJK font found; install fonts-wqy-microhei or set "
                            "DOC_CORPUS_CJK_FONT")


@functools.cache
def _font(role: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(_font_path(role), size, index=0)


Rgb = tuple[int, int, int]
_INK: Rgb = (24, 24, 26)
_ID_LABEL: Rgb = (28, 96, 160)
_SEAL_RED: Rgb = (218, 40, 38)
_GOLD: Rgb = (232, 186, 72)


_NO_LINE_START = "，。；、：）)’”"


class _Pen:
    """Text on an RGB canvas: baselines, letter spacing, wrapping, a registration offset."""

    def __init__(self, rgb: np.ndarray, offset: tuple[float, float] = (0.0, 0.0)) -> None:
        self.image = Image.fromarray(rgb)
        self.draw = ImageDraw.Draw(self.image)
        self.dx, self.dy = offset

    @staticmethod
    def width(s: str, size: int, role: str = "cjk", spacing: float = 0.0) -> float:
        return _font(role, size).getlength(s) + spacing * max(len(s) - 1, 0)

    def text(self, x: float, y: float, s: str, size: int, fill: Rgb = _INK,
             role: str = "cjk", spacing: float = 0.0, stroke: int = 0) -> float:
        """Draws `s` with its baseline at y, starting at x; returns where it ends."""
        font = _font(role, size)
        px, py = x + self.dx, y + self.dy
        if not spacing:
            self.draw.text((px, py), s, font=font, fill=fill, anchor="ls", stroke_width=stroke,
                           stroke_fill=fill)
            return x + font.getlength(s)
        for ch in s:
            self.draw.text((px, py), ch, font=font, fill=fill, anchor="ls",
                           stroke_width=stroke, stroke_fill=fill)
            px += font.getlength(ch) + spacing
        return px - spacing - self.dx

    def centred(self, cx: float, y: float, s: str, size: int, fill: Rgb = _INK,
                role: str = "cjk", spacing: float = 0.0, stroke: int = 0) -> None:
        self.text(cx - self.width(s, size, role, spacing) / 2, y, s, size, fill, role, spacing,
                  stroke)

    def justified(self, x: float, y: float, s: str, size: int, width: float,
                  fill: Rgb = _INK) -> None:
        """A label spread over `width`, like "名　　称" on licences."""
        gap = (width - self.width(s, size)) / max(len(s) - 1, 1)
        self.text(x, y, s, size, fill, spacing=max(gap, 0.0))

    @staticmethod
    def wrap(s: str, size: int, max_width: float, role: str = "cjk") -> list[str]:
        font = _font(role, size)
        lines, current = [], ""
        for ch in s:
            if current and font.getlength(current + ch) > max_width:
                if ch in _NO_LINE_START:  # keep closing punctuation on the line it closes
                    current += ch
                    continue
                lines.append(current)
                current = ch
            else:
                current += ch
        lines.append(current)
        return lines

    def fit(self, s: str, size: int, max_width: float, role: str = "cjk") -> int:
        while size > 12 and self.width(s, size, role) > max_width:
            size -= 1
        return size

    def rgb(self) -> np.ndarray:
        return np.array(self.image)


def _gradient(h: int, w: int, c0: Rgb, c1: Rgb, angle: float) -> np.ndarray:
    """A linear two-colour gradient, float32 (h, w, 3); computed small, then resized."""
    sh, sw = max(h // 8, 2), max(w // 8, 2)
    xs = np.linspace(0, w, sw, dtype=np.float32)[None, :] * math.cos(angle)
    ys = np.linspace(0, h, sh, dtype=np.float32)[:, None] * math.sin(angle)
    t = xs + ys
    t = (t - t.min()) / max(float(t.max() - t.min()), 1.0)
    a, b = np.array(c0, np.float32), np.array(c1, np.float32)
    return a + (b - a) * t[..., None]


def _paper(h: int, w: int, c0: Rgb, c1: Rgb, rng: random.Random,
           nrng: np.random.Generator, grain: float = 2.5) -> np.ndarray:
    """A light printed ground, uint8 (h, w, 3): a two-colour gradient with paper grain."""
    sh, sw = h // 3, w // 3
    small = cv2.resize(_gradient(h, w, c0, c1, rng.uniform(0, math.pi)), (sw, sh),
                       interpolation=cv2.INTER_LINEAR)
    small += (nrng.standard_normal((sh, sw), dtype=np.float32) * grain)[..., None]
    return cv2.convertScaleAbs(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR))


def _polylines(img: np.ndarray, curves: list[np.ndarray], color: Rgb, closed: bool,
               thickness: int = 1) -> None:
    pts = [np.round(c * 16).astype(np.int32) for c in curves]
    cv2.polylines(img, pts, closed, color, thickness, cv2.LINE_AA, 4)


def _rosette(img: np.ndarray, cx: float, cy: float, radius: float, amp: float, lobes: int,
             n: int, color: Rgb, rng: random.Random) -> None:
    """Guilloche rosette: n phase-shifted wavy rings that weave into a band."""
    t = np.linspace(0, 2 * np.pi, 900)
    cos_t, sin_t = np.cos(t), np.sin(t)
    phase0 = rng.uniform(0, 2 * np.pi)
    lobes2 = lobes * rng.choice((2, 3)) + 1
    curves = []
    for i in range(n):
        phi = phase0 + 2 * np.pi * i / n
        r = (radius + amp * np.sin(lobes * t + phi) + 0.3 * amp * np.sin(lobes2 * t - 2 * phi))
        curves.append(np.stack([cx + r * cos_t, cy + r * sin_t], 1))
    _polylines(img, curves, color, True)


def _waves(img: np.ndarray, y0: float, y1: float, n: int, color: Rgb, rng: random.Random,
           period: float, amp: float) -> None:
    """Guilloche band of interleaved sine waves across the whole width."""
    w = img.shape[1]
    x = np.linspace(-10, w + 10, 360)
    phase = rng.uniform(0, 2 * np.pi)
    curves = []
    for i in range(n):
        base = y0 + (y1 - y0) * i / max(n - 1, 1)
        y = (base + amp * np.sin(2 * np.pi * x / period + phase + i * 0.5)
             + 0.35 * amp * np.sin(2 * np.pi * x / (period * 2.7) - i * 0.3))
        curves.append(np.stack([x, y], 1))
    _polylines(img, curves, color, False)


def _pastel(rng: random.Random, hues: tuple[Rgb, ...]) -> Rgb:
    r, g, b = rng.choice(hues)
    j = rng.randint(-8, 8)
    return (min(255, r + j), min(255, g + j), min(255, b + j))


_LIGHT_BLUE = ((172, 204, 232), (180, 214, 236), (166, 198, 226))
_LIGHT_GREEN = ((184, 222, 200), (196, 226, 196), (178, 214, 204))
_LIGHT_PINK = ((236, 196, 206), (232, 204, 214), (238, 208, 196))


def _security_ground(h: int, w: int, rng: random.Random, nrng: np.random.Generator,
                     c0: Rgb, c1: Rgb, hues: tuple[tuple[Rgb, ...], ...]) -> np.ndarray:
    """Pastel gradient with guilloche rosettes and wave bands, like card security print."""
    img = _paper(h, w, c0, c1, rng, nrng)
    for _ in range(2):
        _waves(img, rng.uniform(-40, h * 0.4), rng.uniform(h * 0.6, h + 40), rng.randint(14, 22),
               _pastel(rng, rng.choice(hues)), rng, rng.uniform(140, 260), rng.uniform(10, 24))
    for _ in range(rng.randint(1, 2)):
        radius = rng.uniform(0.22, 0.36) * h
        _rosette(img, rng.uniform(0.3, 0.8) * w, rng.uniform(0.35, 0.65) * h, radius,
                 radius * rng.uniform(0.12, 0.22), rng.randint(9, 18), rng.randint(18, 30),
                 _pastel(rng, rng.choice(hues)), rng)
    return img


def _star(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill: int | Rgb,
          rot: float = 0.0) -> None:
    pts = []
    for k in range(10):
        rr = r if k % 2 == 0 else r * 0.382
        a = rot + k * math.pi / 5
        pts.append((cx + rr * math.sin(a), cy - rr * math.cos(a)))
    draw.polygon(pts, fill=fill)


def _emblem(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float) -> None:
    """Placeholder for the national emblem: red disc, gold stars, gate and ring."""
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_GOLD)
    draw.ellipse((cx - 0.84 * r, cy - 0.84 * r, cx + 0.84 * r, cy + 0.84 * r), fill=(206, 34, 36))
    _star(draw, cx, cy - 0.48 * r, 0.2 * r, _GOLD)
    for a in (-70, -35, 35, 70):
        rad = math.radians(a)
        _star(draw, cx + 0.4 * r * math.sin(rad), cy - 0.48 * r + 0.4 * r * (1 - math.cos(rad)),
              0.07 * r, _GOLD, rot=rad)
    draw.polygon([(cx - 0.58 * r, cy + 0.08 * r), (cx + 0.58 * r, cy + 0.08 * r),
                  (cx + 0.42 * r, cy - 0.04 * r), (cx - 0.42 * r, cy - 0.04 * r)], fill=_GOLD)
    draw.rectangle((cx - 0.48 * r, cy + 0.08 * r, cx + 0.48 * r, cy + 0.32 * r), fill=_GOLD)
    for k in range(-2, 3):
        x = cx + k * 0.17 * r
        draw.rectangle((x - 0.04 * r, cy + 0.17 * r, x + 0.04 * r, cy + 0.32 * r),
                       fill=(206, 34, 36))
    draw.rectangle((cx - 0.64 * r, cy + 0.38 * r, cx + 0.64 * r, cy + 0.46 * r), fill=_GOLD)
    draw.ellipse((cx - 0.2 * r, cy + 0.5 * r, cx + 0.2 * r, cy + 0.78 * r), fill=_GOLD)


def _seal_mask(r: int, text: str) -> np.ndarray:
    """An official round seal as a 0..1 ink mask: ring, star and text along the arc."""
    size = 2 * r + 8
    im = Image.new("L", (size, size), 0)
    draw = ImageDraw.Draw(im)
    c = size / 2
    ring = max(3, round(r * 0.06))
    draw.ellipse((c - r, c - r, c + r, c + r), outline=255, width=ring)
    _star(draw, c, c, r * 0.3, 255)
    fs = max(10, round(r * 0.22))
    font = _font("cjk", fs)
    n = len(text)
    span = min(260.0, 21.0 * n)
    radius = r - ring - fs * 0.7
    for i, ch in enumerate(text):
        ang = -span / 2 + span * (i / (n - 1) if n > 1 else 0.5)
        glyph = Image.new("L", (2 * fs, 2 * fs), 0)
        ImageDraw.Draw(glyph).text((fs, fs), ch, font=font, fill=255, anchor="mm")
        glyph = glyph.rotate(-ang, resample=Image.Resampling.BICUBIC)
        px = c + radius * math.sin(math.radians(ang))
        py = c - radius * math.cos(math.radians(ang))
        im.paste(255, (round(px - fs), round(py - fs)), glyph)
    return np.asarray(im, dtype=np.float32) / 255.0


def _stamp(rgb: np.ndarray, mask: np.ndarray, cx: float, cy: float, color: Rgb,
           strength: float, nrng: np.random.Generator) -> None:
    """Multiplies seal ink onto the canvas: text under the seal stays visible."""
    h, w = mask.shape
    x0, y0 = round(cx - w / 2), round(cy - h / 2)
    ix0, iy0 = max(x0, 0), max(y0, 0)
    ix1, iy1 = min(x0 + w, rgb.shape[1]), min(y0 + h, rgb.shape[0])
    if ix1 <= ix0 or iy1 <= iy0:
        return
    m = mask[iy0 - y0:iy1 - y0, ix0 - x0:ix1 - x0]
    mottle = cv2.resize(nrng.uniform(0.55, 1.0, (8, 8)).astype(np.float32),
                        (m.shape[1], m.shape[0]), interpolation=cv2.INTER_CUBIC)
    ink = np.clip(m * mottle * strength, 0, 1)[..., None]
    absorb = 1.0 - np.array(color, np.float32) / 255.0
    region = rgb[iy0:iy1, ix0:ix1].astype(np.float32)
    rgb[iy0:iy1, ix0:ix1] = np.clip(region * (1.0 - ink * absorb), 0, 255).astype(np.uint8)


def _portrait(pen: _Pen, box: tuple[int, int, int, int], rng: random.Random) -> None:
    """A grey head-and-shoulders silhouette where the photo is printed."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    tone = rng.randint(225, 240)
    photo = Image.new("RGB", (w, h), (tone, tone, tone + 4))
    d = ImageDraw.Draw(photo)
    g = rng.randint(120, 165)
    d.ellipse((0.04 * w, 0.72 * h, 0.96 * w, 1.5 * h), fill=(g - 25, g - 25, g - 20))
    d.rectangle((0.4 * w, 0.58 * h, 0.6 * w, 0.8 * h), fill=(g + 10, g + 5, g))
    d.ellipse((0.26 * w, 0.14 * h, 0.74 * w, 0.66 * h), fill=(g + 15, g + 10, g + 5))
    d.chord((0.24 * w, 0.08 * h, 0.76 * w, 0.5 * h), 180, 360, fill=(g - 70, g - 70, g - 70))
    pen.image.paste(photo, (x0 + round(pen.dx), y0 + round(pen.dy)))


def _qr(nrng: np.random.Generator, modules: int = 29, cell: int = 5) -> Image.Image:
    bits = nrng.random((modules, modules)) < 0.5
    for oy, ox in ((0, 0), (0, modules - 7), (modules - 7, 0)):
        finder = np.zeros((7, 7), bool)
        finder[[0, 6], :] = finder[:, [0, 6]] = True
        finder[2:5, 2:5] = True
        bits[oy:oy + 7, ox:ox + 7] = finder
        y0, y1 = max(oy - 1, 0), min(oy + 8, modules)
        x0, x1 = max(ox - 1, 0), min(ox + 8, modules)
        ring = bits[y0:y1, x0:x1]
        keep = ring.copy()
        ring[:] = False
        iy, ix = oy - y0, ox - x0
        ring[iy:iy + 7, ix:ix + 7] = keep[iy:iy + 7, ix:ix + 7]
    img = np.where(bits, 20, 255).astype(np.uint8)
    img = np.pad(img, 2, constant_values=255)
    img = cv2.resize(img, None, fx=cell, fy=cell, interpolation=cv2.INTER_NEAREST)
    return Image.fromarray(img).convert("RGB")


def _finish(rgb: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)


# --- documents ----------------------------------------------------------------------------

Truth = dict[str, str]


def _id_front(rng: random.Random, nrng: np.random.Generator, invalid: bool) -> tuple[
        np.ndarray, Truth]:
    p = _person(rng, invalid)
    w, h = ID_SIZE
    ground = _security_ground(h, w, rng, nrng, (238, 243, 247), (248, 240, 236),
                              (_LIGHT_BLUE, _LIGHT_GREEN, _LIGHT_PINK))
    pen = _Pen(ground, (rng.uniform(-6, 6), rng.uniform(-6, 6)))
    label = _ID_LABEL
    lx, vx = 72, 190
    pen.text(lx, 112, "姓 名", 28, label)
    pen.text(vx, 114, p.name, 44, _INK, spacing=4)
    pen.text(lx, 192, "性 别", 28, label)
    pen.text(vx, 192, p.sex, 40)
    pen.text(340, 192, "民 族", 28, label)
    pen.text(450, 192, p.ethnicity, 40)
    pen.text(lx, 272, "出 生", 28, label)
    x = vx - 14
    for value, unit in ((p.birth.year, "年"), (p.birth.month, "月"), (p.birth.day, "日")):
        x = pen.text(x + 14, 272, str(value), 40)
        x = pen.text(x + 12, 272, unit, 28, label)
    pen.text(lx, 352, "住 址", 28, label)
    for i, line in enumerate(pen.wrap(p.address, 40, 11 * 40)):
        pen.text(vx, 352 + i * 54, line, 40)
    pen.text(lx, 560, "公民身份号码", 28, label)
    pen.text(340, 562, p.id_number, 46, _INK, role="mono", spacing=3)
    _portrait(pen, (650, 70, 935, 430), rng)
    truth = {"name": p.name, "sex": p.sex, "ethnicity": p.ethnicity,
             "birth_date": p.birth.isoformat(), "address": p.address, "id_number": p.id_number,
             CHECK_VALID_KEY: "yes" if p.id_valid else "no"}
    return _finish(pen.rgb()), truth


def _id_back(rng: random.Random, nrng: np.random.Generator, invalid: bool) -> tuple[
        np.ndarray, Truth]:
    del invalid  # the back has no check character
    p = _person(rng)
    issue, valid_to = _id_validity(rng, p.birth)
    w, h = ID_SIZE
    ground = _security_ground(h, w, rng, nrng, (240, 244, 240), (246, 240, 232),
                              (_LIGHT_GREEN, _LIGHT_BLUE, _LIGHT_PINK))
    pen = _Pen(ground, (rng.uniform(-6, 6), rng.uniform(-6, 6)))
    _emblem(pen.draw, 150 + pen.dx, 150 + pen.dy, 96)
    pen.text(300, 128, "中华人民共和国", 46, _INK, spacing=16)
    pen.text(300, 262, "居民身份证", 82, _INK, spacing=28, stroke=1)
    authority = p.region.police
    pen.text(150, 480, "签发机关", 30, _INK, spacing=4)
    pen.text(330, 482, authority, pen.fit(authority, 36, w - 360), _INK)
    pen.text(150, 560, "有效期限", 30, _INK, spacing=4)
    end = LONG_TERM if valid_to == LONG_TERM else _dotted(date.fromisoformat(valid_to))
    pen.text(330, 562, f"{_dotted(issue)}-{end}", 36, _INK, role="cjk")
    truth = {"issuing_authority": authority, "valid_from": issue.isoformat(),
             "valid_to": valid_to, CHECK_VALID_KEY: "yes"}
    return _finish(pen.rgb()), truth


def _bilingual(pen: _Pen, x: float, y: float, cn: str, en: str) -> None:
    pen.text(x, y, cn, 24, (40, 40, 44))
    pen.text(x, y + 20, en, 13, (70, 70, 76), role="latin")


def _driving_license(rng: random.Random, nrng: np.random.Generator, invalid: bool) -> tuple[
        np.ndarray, Truth]:
    p = _person(rng, invalid)
    first = _rand_date(rng, max(_add_years(p.birth, 18), date(1995, 1, 1)),
                       REF_DATE - timedelta(days=30), max_day=28)
    years = (REF_DATE - first).days / 365.25
    if years < 6:
        valid_from, valid_to = first, _add_years(first, 6).isoformat()
    elif years < 16:
        valid_from = _add_years(first, 6)
        valid_to = _add_years(valid_from, 10).isoformat()
    else:
        valid_from, valid_to = _add_years(first, 16), LONG_TERM
    vclass = rng.choice(_VEHICLE_CLASSES)
    w, h = LICENCE_CARD_SIZE
    ground = _security_ground(h, w, rng, nrng, (246, 240, 242), (236, 242, 248),
                              (_LIGHT_PINK, _LIGHT_BLUE))
    pen = _Pen(ground, (rng.uniform(-6, 6), rng.uniform(-6, 6)))
    pen.centred(w / 2, 74, "中华人民共和国机动车驾驶证", 46, _INK, spacing=3, stroke=1)
    pen.centred(w / 2, 108, "Driving License of the People's Republic of China", 20, _INK,
                role="latin")
    _bilingual(pen, 60, 178, "证号", "License No.")
    pen.text(200, 182, p.id_number, 40, _INK, role="mono", spacing=2)
    _bilingual(pen, 60, 250, "姓名", "Name")
    pen.text(170, 254, p.name, 38, spacing=3)
    _bilingual(pen, 370, 250, "性别", "Sex")
    pen.text(450, 254, p.sex, 36)
    _bilingual(pen, 540, 250, "国籍", "Nationality")
    pen.text(660, 254, "中国", 34)
    _bilingual(pen, 60, 320, "住址", "Address")
    lines = pen.wrap(p.address, 32, 560)
    for i, line in enumerate(lines[:2]):
        pen.text(170, 324 + i * 40, line, 32)
    rows = (("出生日期", "Date of Birth", p.birth.isoformat()),
            ("初次领证日期", "Date of First Issue", first.isoformat()),
            ("准驾车型", "Class", vclass),
            ("有效期限", "Valid Period", f"{valid_from.isoformat()}  至  {valid_to}"))
    for i, (cn, en, value) in enumerate(rows):
        y = 438 + i * 68
        _bilingual(pen, 60, y, cn, en)
        pen.text(300, y + 4, value, 34 if i != 2 else 40)
    _portrait(pen, (780, 150, 985, 420), rng)
    rgb = pen.rgb()
    _stamp(rgb, _seal_mask(92, p.region.traffic_police), 870 + pen.dx, 560 + pen.dy,
           _SEAL_RED, 0.85, nrng)
    truth = {"license_number": p.id_number, "name": p.name, "sex": p.sex,
             "vehicle_class": vclass, "first_issue_date": first.isoformat(),
             "valid_from": valid_from.isoformat(), "valid_to": valid_to,
             CHECK_VALID_KEY: "yes" if p.id_valid else "no"}
    return _finish(rgb), truth


def _vehicle_license(rng: random.Random, nrng: np.random.Generator, invalid: bool) -> tuple[
        np.ndarray, Truth]:
    vtype, model, wmi, engines, new_energy = rng.choice(_VEHICLES)
    owner_person = _person(rng)
    region = owner_person.region
    company = vtype.endswith("货车") or vtype.endswith("牵引车") or rng.random() < 0.15
    if company:
        owner = (region.name_prefix + rng.choice(_TRADE_NAMES)
                 + rng.choice(("物流有限公司", "运输有限公司", "汽车租赁有限公司")))
    else:
        owner = owner_person.name
    registered = _rand_date(rng, date(2010, 1, 1), REF_DATE - timedelta(days=10))
    issued = registered if rng.random() < 0.7 else _rand_date(
        rng, registered, REF_DATE - timedelta(days=5))
    vin, vin_ok = _vin(rng, wmi, registered.year - rng.choice((0, 0, 1)), invalid)
    engine = rng.choice(engines) + "".join(rng.choice("0123456789")
                                           for _ in range(rng.randint(6, 8)))
    plate = _plate(rng, region, new_energy, large=vtype.startswith("重型"))
    w, h = LICENCE_CARD_SIZE
    ground = _security_ground(h, w, rng, nrng, (240, 244, 248), (246, 246, 238),
                              (_LIGHT_BLUE, _LIGHT_GREEN))
    pen = _Pen(ground, (rng.uniform(-6, 6), rng.uniform(-6, 6)))
    pen.centred(w / 2, 74, "中华人民共和国机动车行驶证", 46, _INK, spacing=3, stroke=1)
    pen.centred(w / 2, 108, "Vehicle License of the People's Republic of China", 20, _INK,
                role="latin")
    _bilingual(pen, 50, 178, "号牌号码", "Plate No.")
    pen.text(200, 182, plate, 38, spacing=2)
    _bilingual(pen, 520, 178, "车辆类型", "Vehicle Type")
    pen.text(680, 182, vtype, pen.fit(vtype, 34, w - 700))
    _bilingual(pen, 50, 248, "所有人", "Owner")
    pen.text(200, 252, owner, pen.fit(owner, 34, w - 250))
    _bilingual(pen, 50, 318, "住址", "Address")
    pen.text(200, 322, owner_person.address, pen.fit(owner_person.address, 30, w - 250))
    _bilingual(pen, 50, 388, "使用性质", "Use Character")
    pen.text(200, 392, "货运" if company and "货" in vtype else "非营运", 32)
    _bilingual(pen, 460, 388, "品牌型号", "Model")
    pen.text(610, 392, model, pen.fit(model, 30, w - 640))
    _bilingual(pen, 50, 458, "车辆识别代号", "VIN")
    pen.text(300, 462, vin, 38, role="mono", spacing=2)
    _bilingual(pen, 50, 528, "发动机号码", "Engine No.")
    pen.text(300, 532, engine, 36, role="mono", spacing=1)
    _bilingual(pen, 50, 598, "注册日期", "Register Date")
    pen.text(240, 602, registered.isoformat(), 34)
    _bilingual(pen, 560, 598, "发证日期", "Issue Date")
    pen.text(720, 602, issued.isoformat(), 34)
    rgb = pen.rgb()
    _stamp(rgb, _seal_mask(88, region.traffic_police), 150 + pen.dx, 600 + pen.dy, _SEAL_RED,
           0.7, nrng)
    truth = {"plate": plate, "vehicle_type": vtype, "owner": owner, "vin": vin,
             "engine_number": engine, "registration_date": registered.isoformat(),
             CHECK_VALID_KEY: "yes" if vin_ok else "no"}
    return _finish(rgb), truth


def _business_frame(img: np.ndarray, rng: random.Random) -> None:
    """The ornate red double border of a business licence."""
    h, w = img.shape[:2]
    color = (206, 112, 86)
    m0, m1 = 34, 74
    cv2.rectangle(img, (m0, m0), (w - m0, h - m0), color, 3, cv2.LINE_AA)
    cv2.rectangle(img, (m1, m1), (w - m1, h - m1), color, 2, cv2.LINE_AA)
    phase = rng.uniform(0, 2 * np.pi)
    mid, amp = (m0 + m1) / 2, (m1 - m0) / 2 - 5
    curves = []
    for k in range(5):
        ph = phase + k * 2 * np.pi / 5
        xs = np.linspace(m0, w - m0, 700)
        ys = np.linspace(m0, h - m0, 500)
        wave_x = mid + amp * np.sin(2 * np.pi * xs / 46 + ph)
        wave_y = mid + amp * np.sin(2 * np.pi * ys / 46 + ph)
        curves += [np.stack([xs, wave_x], 1), np.stack([xs, h - wave_x], 1),
                   np.stack([wave_y, ys], 1), np.stack([w - wave_y, ys], 1)]
    _polylines(img, curves, color, False)


def _business_license(rng: random.Random, nrng: np.random.Generator, invalid: bool) -> tuple[
        np.ndarray, Truth]:
    rep = _person(rng)
    region = rep.region
    coop = rng.random() < 0.3
    trade = rng.choice(_TRADE_NAMES)
    if coop:
        name = region.name_prefix + trade + rng.choice(_COOP_LINES)
        kind, capital_label, prefix = "农民专业合作社", "成员出资总额", "93"
    else:
        name = region.name_prefix + trade + rng.choice(_COMPANY_LINES)
        kind, capital_label, prefix = rng.choice(_COMPANY_TYPES), "注册资本", "91"
    org = "MA" + "".join(rng.choice(_USCC_ALPHABET) for _ in range(6))
    org += org_code_check(org)
    body = prefix + region.code + org
    check = uscc_check(body)
    if invalid:
        check = _other(check, _USCC_ALPHABET, rng)
    uscc = body + check
    capital = _capital_words(rng.choice(_CAPITALS_WAN))
    address = _address(rng, region)
    founded = _rand_date(rng, date(2008, 1, 1), REF_DATE - timedelta(days=30))
    issued = _rand_date(rng, founded, REF_DATE - timedelta(days=5))
    term = (f"{_cn_date(founded)} 至 长期" if rng.random() < 0.6
            else f"{_cn_date(founded)} 至 {_cn_date(_add_years(founded, 20))}")
    scope = "；".join(rng.sample(_SCOPE_ITEMS, rng.randint(3, 6)))
    scope += "。（依法须经批准的项目，经相关部门批准后方可开展经营活动）"

    w, h = BUSINESS_SIZE
    ground = _paper(h, w, (250, 247, 238), (246, 242, 232), rng, nrng, grain=2.0)
    _rosette(ground, w / 2, h * 0.58, 300, 40, 24, 30, (240, 226, 214), rng)
    _waves(ground, 400, 900, 18, (238, 230, 220), rng, 260, 14)
    _business_frame(ground, rng)
    pen = _Pen(ground, (rng.uniform(-5, 5), rng.uniform(-5, 5)))
    _emblem(pen.draw, w / 2 + pen.dx, 170 + pen.dy, 74)
    pen.centred(w / 2, 340, "营业执照", 100, _INK, spacing=44, stroke=2)
    pen.centred(w / 2, 388, "（副　本）", 30, _INK)
    serial = "".join(rng.choice("0123456789") for _ in range(15))
    pen.text(w - 420, 388, f"编号：{region.code[:4]}{serial}", 20, _INK)
    pen.text(110, 150, "统一社会信用代码", 26, _INK, spacing=2)
    pen.text(110, 198, uscc, 34, _INK, role="mono", spacing=2)
    pen.image.paste(_qr(nrng), (w - 280 + round(pen.dx), 115 + round(pen.dy)))
    for i, line in enumerate(("扫描二维码登录\u2018国家", "企业信用信息公示系统\u2019",
                              "了解更多登记、备案、", "许可、监管信息。")):
        pen.text(w - 305, 298 + i * 20, line, 15, (60, 60, 60))

    def column(x: float, vx: float, max_w: float, bottom: float,
               rows: list[tuple[str, str]]) -> None:
        """Label/value rows from the top of the field block; long values wrap, and the
        type shrinks a little when a column would run into what is printed below it."""
        top, size = BUSINESS_FIELDS_REGION[1] + 50, 30
        while True:
            layout = [(lab, pen.wrap(value, size, max_w)) for lab, value in rows]
            end = top + sum(len(lines) * (size + 14) + 18 for _, lines in layout)
            if end <= bottom or size <= 22:
                break
            size -= 2
        y = float(top)
        for lab, lines in layout:
            pen.justified(x, y, lab, 26, 140)
            for line in lines:
                pen.text(vx, y, line, size)
                y += size + 14
            y += 18

    column(110, 270, 440, BUSINESS_FIELDS_REGION[3],
           [("名称", name), ("类型", kind), ("法定代表人", rep.name), ("经营范围", scope)])
    column(735, 900, 400, 800, [(capital_label, capital), ("成立日期", _cn_date(founded)),
                                ("营业期限", term), ("住所", address)])
    pen.text(900, 820, "登记机关", 26, _INK, spacing=6)
    pen.text(990, 870, _cn_date(issued), 28, _INK)
    pen.centred(w / 2, 902, "国家企业信用信息公示系统网址：http://www.gsxt.gov.cn", 17,
                (70, 70, 70))
    rgb = pen.rgb()
    _stamp(rgb, _seal_mask(100, region.market_regulator), 1110 + pen.dx, 800 + pen.dy,
           _SEAL_RED, 0.8, nrng)
    truth = {"name": name, "uscc": uscc, "legal_representative": rep.name, "address": address,
             "registered_capital": capital,
             CHECK_VALID_KEY: "no" if invalid else "yes"}
    return _finish(rgb), truth


def _card_number_groups(number: str, rng: random.Random) -> str:
    if len(number) == 19 and rng.random() < 0.35:
        return f"{number[:6]} {number[6:]}"
    return " ".join(number[i:i + 4] for i in range(0, len(number), 4))


def _unionpay(draw: ImageDraw.ImageDraw, x: float, y: float, s: float) -> None:
    """Placeholder for the UnionPay mark: three slanted tiles with the wordmark."""
    skew = 0.18 * s
    for i, color in enumerate(((222, 34, 45), (0, 86, 166), (0, 128, 128))):
        x0 = x + i * 0.36 * s
        draw.rounded_rectangle((x0, y, x0 + 0.5 * s, y + 0.62 * s), radius=0.06 * s, fill=color)
        draw.polygon([(x0 + 0.5 * s, y), (x0 + 0.5 * s + skew, y),
                      (x0 + 0.5 * s, y + 0.62 * s)], fill=color)
    draw.text((x + 0.7 * s, y + 0.30 * s), "银联", font=_font("cjk", round(0.28 * s)),
              fill=(255, 255, 255), anchor="mm")
    draw.text((x + 0.7 * s, y + 0.52 * s), "UnionPay", font=_font("latin_bold", round(0.1 * s)),
              fill=(255, 255, 255), anchor="mm")


def _bank_card(rng: random.Random, nrng: np.random.Generator, invalid: bool) -> tuple[
        np.ndarray, Truth]:
    bin_, bank, english, color, length = rng.choice(_BANKS)
    payload = bin_ + "".join(rng.choice("0123456789") for _ in range(length - len(bin_) - 1))
    check = luhn_check(payload)
    if invalid:
        check = _other(check, "0123456789", rng)
    number = payload + check
    w, h = ID_SIZE
    dark = rng.random() < 0.6
    c = np.array(color, np.float32)
    if dark:
        c0 = tuple(int(v) for v in np.clip(c * 0.75, 0, 255))
        c1 = tuple(int(v) for v in np.clip(c * 1.1 + 40, 0, 255))
    else:
        c0 = (246, 246, 244)
        c1 = tuple(int(v) for v in np.clip(c * 0.15 + 215, 0, 255))
    ground = _paper(h, w, c0, c1, rng, nrng, grain=1.5)
    wave = tuple(int(v) for v in np.clip((c * 0.6 + 110) if dark else (c * 0.35 + 165), 0, 255))
    _waves(ground, rng.uniform(250, 380), rng.uniform(480, 640), 24, wave, rng,
           rng.uniform(300, 520), rng.uniform(20, 50))
    cv2.circle(ground, (round(w * rng.uniform(0.7, 0.95)), round(h * rng.uniform(0.1, 0.4))),
               round(h * rng.uniform(0.4, 0.7)), wave, 2, cv2.LINE_AA)
    pen = _Pen(ground, (rng.uniform(-4, 4), rng.uniform(-4, 4)))
    fg = (255, 255, 255) if dark else color
    lx, ly = 70 + pen.dx, 70 + pen.dy
    pen.draw.ellipse((lx, ly, lx + 70, ly + 70), fill=fg)
    pen.draw.rectangle((lx + 22, ly + 22, lx + 48, ly + 48), fill=c0 if dark else (246, 246, 244))
    pen.text(160, 112, bank, pen.fit(bank, 50, 560), fg, spacing=2)
    pen.text(160, 140, english, pen.fit(english, 16, 560, "latin_bold"), fg, role="latin_bold")
    # chip
    cx, cy = 110 + pen.dx, 230 + pen.dy
    pen.draw.rounded_rectangle((cx, cy, cx + 120, cy + 90), radius=14, fill=(214, 180, 98),
                               outline=(160, 128, 60), width=2)
    for yy in (cy + 30, cy + 60):
        pen.draw.line((cx, yy, cx + 120, yy), fill=(160, 128, 60), width=2)
    pen.draw.line((cx + 60, cy, cx + 60, cy + 90), fill=(160, 128, 60), width=2)
    printed = _card_number_groups(number, rng)
    size = 64
    while size > 30 and pen.width(printed, size, "mono") > w - 170:
        size -= 2
    if dark:
        face, light, shade = (236, 232, 220), (255, 255, 250), (40, 36, 30)
    else:
        face, light, shade = (52, 52, 56), (255, 255, 255), (20, 20, 22)
    for (ox, oy), tone in (((-2, -2), light), ((2, 2), shade), ((0, 0), face)):
        pen.text(85 + ox, 420 + oy, printed, size, tone, role="mono")
    month, year = rng.randint(1, 12), rng.randint(26, 35)
    pen.text(460, 490, "VALID THRU", 14, fg, role="latin_bold")
    pen.text(560, 494, f"{month:02d}/{year}", 28, face, role="mono")
    _unionpay(pen.draw, w - 300 + pen.dx, h - 170 + pen.dy, 170)
    pen.text(80, h - 60, rng.choice(("借记卡", "储蓄卡", "DEBIT")), 26, fg,
             role="cjk")
    truth = {"card_number": number, "bank": bank, CHECK_VALID_KEY: "no" if invalid else "yes"}
    return _finish(pen.rgb()), truth


_RENDERERS = {
    "id_front": _id_front, "id_back": _id_back, "driving_license": _driving_license,
    "vehicle_license": _vehicle_license, "business_license": _business_license,
    "bank_card": _bank_card,
}


def render(kind: str, rng: random.Random, invalid_check: bool = False) -> tuple[
        np.ndarray, dict[str, str]]:
    """One flat document of `kind` (BGR uint8) and its truth.

    The truth maps each of FIELD_KEYS[kind] to the exact expected string, plus
    "_check_valid": "no" when invalid_check printed a wrong check character in the
    kind's checked field (CHECKED_FIELD); the ID back has none and is always "yes".
    """
    if kind not in _RENDERERS:
        raise ValueError(f"unknown document kind {kind!r}; expected one of {KINDS}")
    nrng = np.random.default_rng(rng.getrandbits(64))
    return _RENDERERS[kind](rng, nrng, invalid_check)


# --- photographing --------------------------------------------------------------------------

_WOODS = ((150, 104, 66), (118, 78, 48), (176, 132, 90), (96, 64, 42), (196, 160, 118))
_MATS = ((52, 56, 60), (34, 38, 44), (70, 88, 72), (60, 70, 96), (120, 116, 108),
         (150, 146, 140))


def _lowfreq(nrng: np.random.Generator, shape: tuple[int, int], cells: tuple[int, int]
             ) -> np.ndarray:
    small = nrng.standard_normal(cells).astype(np.float32)
    return cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)


def _desk(rng: random.Random, nrng: np.random.Generator) -> np.ndarray:
    """A desk or table top under the camera, BGR float32 (FRAME_H, FRAME_W, 3)."""
    h, w = FRAME_H // 2, FRAME_W // 2
    style = rng.choice(("wood", "wood", "mat", "laminate", "stone", "cloth"))
    if style == "wood":
        base = np.array(rng.choice(_WOODS), np.float32)[::-1] * rng.uniform(0.85, 1.1)
        vertical = rng.random() < 0.4
        gh, gw = (w, h) if vertical else (h, w)
        ys = np.arange(gh, dtype=np.float32)[:, None]
        # growth rings: broad soft bands bent by a slow warp; grain: long thin streaks
        warp = _lowfreq(nrng, (gh, gw), (3, 4)) * rng.uniform(10, 30)
        period = rng.uniform(50, 110)
        rings = 0.5 + 0.5 * np.sin(2 * np.pi * (ys + warp) / period)
        fine = cv2.resize(nrng.standard_normal((gh, 6)).astype(np.float32), (gw, gh),
                          interpolation=cv2.INTER_LINEAR)
        coarse = cv2.resize(nrng.standard_normal((gh // 4, 3)).astype(np.float32), (gw, gh),
                            interpolation=cv2.INTER_LINEAR)
        shade = 0.84 + 0.1 * rings ** 4 + 0.035 * fine + 0.04 * coarse
        if vertical:
            shade = shade.T
        img = base * shade[..., None]
    elif style in ("mat", "cloth"):
        base = np.array(rng.choice(_MATS), np.float32) * rng.uniform(0.85, 1.15)
        shade = 1 + 0.04 * _lowfreq(nrng, (h, w), (4, 7))
        if style == "cloth":
            f = rng.uniform(0.9, 1.6)
            xs = np.arange(w, dtype=np.float32)[None, :]
            ys = np.arange(h, dtype=np.float32)[:, None]
            shade = shade + 0.05 * np.sin(xs * f) * np.sin(ys * f)
        img = base * shade[..., None]
    else:
        tone = rng.uniform(150, 225) if style == "laminate" else rng.uniform(110, 190)
        base = np.array([tone * rng.uniform(0.95, 1.05) for _ in range(3)], np.float32)
        shade = 1 + 0.03 * _lowfreq(nrng, (h, w), (3, 5))
        img = base * shade[..., None]
        if style == "stone":
            speckle = cv2.GaussianBlur(nrng.standard_normal((h, w)).astype(np.float32), (0, 0),
                                       0.8)
            img += (speckle * 14)[..., None]
    img = cv2.resize(img, (FRAME_W, FRAME_H), interpolation=cv2.INTER_LINEAR)
    # clutter: a sheet of paper or a dark object (phone, keyboard) at the edge
    if rng.random() < 0.35:
        cx, cy = rng.uniform(0, FRAME_W), rng.choice((rng.uniform(-100, 120),
                                                      rng.uniform(600, 820)))
        box = cv2.boxPoints(((cx, cy), (rng.uniform(300, 600), rng.uniform(380, 700)),
                             rng.uniform(0, 90)))
        tone = rng.uniform(215, 248)
        cv2.fillPoly(img, [np.round(box).astype(np.int32)], (tone - 4, tone, tone), cv2.LINE_AA)
    if rng.random() < 0.3:
        cx = rng.choice((rng.uniform(-60, 80), rng.uniform(1200, 1340)))
        box = cv2.boxPoints(((cx, rng.uniform(0, FRAME_H)), (rng.uniform(140, 260),
                                                              rng.uniform(260, 420)),
                             rng.uniform(-20, 20)))
        tone = rng.uniform(15, 45)
        cv2.fillPoly(img, [np.round(box).astype(np.int32)], (tone, tone, tone + 3), cv2.LINE_AA)
    return img


def _project(w: float, h: float, roll: float, pitch: float, yaw: float, f: float
             ) -> np.ndarray:
    """Corners of a w x h plane, centred, seen by a pinhole camera at distance f."""
    pts = np.array([[-w / 2, -h / 2, 0], [w / 2, -h / 2, 0], [w / 2, h / 2, 0],
                    [-w / 2, h / 2, 0]], np.float64)
    a, b, c = (math.radians(v) for v in (pitch, yaw, roll))
    rx = np.array([[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]])
    ry = np.array([[math.cos(b), 0, math.sin(b)], [0, 1, 0], [-math.sin(b), 0, math.cos(b)]])
    rz = np.array([[math.cos(c), -math.sin(c), 0], [math.sin(c), math.cos(c), 0], [0, 0, 1]])
    p = pts @ (rz @ rx @ ry).T
    p[:, 2] += f
    return f * p[:, :2] / p[:, 2:3]


def _rounded_mask(h: int, w: int, radius: float) -> np.ndarray:
    mask = np.zeros((h, w), np.uint8)
    r = round(radius)
    if r <= 0:
        mask[:] = 255
    else:
        cv2.rectangle(mask, (r, 0), (w - 1 - r, h - 1), 255, -1)
        cv2.rectangle(mask, (0, r), (w - 1, h - 1 - r), 255, -1)
        for cx, cy in ((r, r), (w - 1 - r, r), (r, h - 1 - r), (w - 1 - r, h - 1 - r)):
            cv2.circle(mask, (cx, cy), r, 255, -1, cv2.LINE_AA)
    return mask.astype(np.float32) / 255.0


def _illumination(rng: random.Random, lo: float, hi: float) -> np.ndarray:
    """Uneven lighting: a gain field (FRAME_H, FRAME_W) between lo and hi."""
    sh, sw = FRAME_H // 8, FRAME_W // 8
    xs = np.linspace(-0.5, 0.5, sw, dtype=np.float32)[None, :]
    ys = np.linspace(-0.5, 0.5, sh, dtype=np.float32)[:, None]
    gx, gy = rng.uniform(-1, 1), rng.uniform(-1, 1)
    field = gx * xs + gy * ys - rng.uniform(0.2, 0.6) * (xs * xs + ys * ys)
    field -= field.min()
    field /= max(float(field.max()), 1e-6)
    return cv2.resize(lo + (hi - lo) * field, (FRAME_W, FRAME_H),
                      interpolation=cv2.INTER_LINEAR)


def _glare(frame: np.ndarray, corners: np.ndarray, rng: random.Random) -> None:
    """A specular reflection on part of the document: a bright elliptical gradient."""
    u, v = rng.uniform(0.15, 0.85), rng.uniform(0.2, 0.8)
    top = corners[0] + (corners[1] - corners[0]) * u
    bottom = corners[3] + (corners[2] - corners[3]) * u
    cx, cy = top + (bottom - top) * v
    long_edge = float(max(np.linalg.norm(corners[1] - corners[0]),
                          np.linalg.norm(corners[3] - corners[0])))
    a = rng.uniform(0.1, 0.26) * long_edge
    b = a * rng.uniform(0.3, 0.8)
    theta = rng.uniform(0, math.pi)
    x0, x1 = max(int(cx - 2 * a), 0), min(int(cx + 2 * a) + 1, FRAME_W)
    y0, y1 = max(int(cy - 2 * a), 0), min(int(cy + 2 * a) + 1, FRAME_H)
    if x1 <= x0 or y1 <= y0:
        return
    xs = np.arange(x0, x1, dtype=np.float32)[None, :] - cx
    ys = np.arange(y0, y1, dtype=np.float32)[:, None] - cy
    pu = xs * math.cos(theta) + ys * math.sin(theta)
    pv = -xs * math.sin(theta) + ys * math.cos(theta)
    alpha = rng.uniform(0.55, 0.92) * np.exp(-2.2 * ((pu / a) ** 2 + (pv / b) ** 2))
    tint = np.array([rng.uniform(235, 255), rng.uniform(245, 255), 255], np.float32)
    region = frame[y0:y1, x0:x1].astype(np.float32)
    region += (tint - region) * alpha[..., None]
    frame[y0:y1, x0:x1] = cv2.convertScaleAbs(region)


_NOISE_PAD = 256


@functools.cache
def _noise_tile() -> np.ndarray:
    """Gaussian noise drawn once; frames take shifted crops of it (drawing ~1M normals per
    frame would cost more than the rest of the photograph)."""
    return np.random.default_rng(2260).standard_normal(
        (FRAME_H + _NOISE_PAD, FRAME_W + _NOISE_PAD), dtype=np.float32)


def _sensor_noise(rng: random.Random, sigma: float) -> np.ndarray:
    """Luminance noise plus coarser chroma noise, float32 (FRAME_H, FRAME_W, 3)."""
    tile = _noise_tile()

    def crop(h: int, w: int) -> np.ndarray:
        y, x = rng.randrange(_NOISE_PAD), rng.randrange(_NOISE_PAD)
        return tile[y:y + h, x:x + w]

    luma = crop(FRAME_H, FRAME_W) * np.float32(sigma if rng.random() < 0.5 else -sigma)
    chroma = cv2.merge([crop(FRAME_H // 2, FRAME_W // 2) for _ in range(3)])
    chroma = cv2.resize(chroma, (FRAME_W, FRAME_H), interpolation=cv2.INTER_LINEAR)
    return cv2.scaleAdd(chroma, sigma * 0.5, cv2.merge((luma, luma, luma)))


def _fresh_sensor_noise(gen: np.random.Generator, sigma: float) -> np.ndarray:
    """_sensor_noise drawn afresh rather than cut from the shared tile: the noise of a
    burst's later frames, which must owe nothing to the first frame's (crops of one tile
    are shifted copies of each other, which no sensor makes and which an alignment of
    the frames could lock onto)."""
    luma = gen.standard_normal((FRAME_H, FRAME_W), dtype=np.float32) * np.float32(sigma)
    chroma = gen.standard_normal((FRAME_H // 2, FRAME_W // 2, 3), dtype=np.float32)
    chroma = cv2.resize(chroma, (FRAME_W, FRAME_H), interpolation=cv2.INTER_LINEAR)
    return cv2.scaleAdd(chroma, sigma * 0.5, cv2.merge((luma, luma, luma)))


def _motion_kernel(length: int, angle: float) -> np.ndarray:
    k = np.zeros((length, length), np.float32)
    c = (length - 1) / 2
    dx, dy = math.cos(angle) * c, math.sin(angle) * c
    cv2.line(k, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1,
             cv2.LINE_AA)
    return k / k.sum()


def _photograph(doc: np.ndarray, rng: random.Random, degrade: str) -> tuple[
        np.ndarray, np.ndarray, bytes | None]:
    frames, corners, jpegs = _photograph_burst(doc, rng, degrade, 1)
    return frames[0], corners, jpegs[0]


def _photograph_burst(doc: np.ndarray, rng: random.Random, degrade: str, count: int
                      ) -> tuple[list[np.ndarray], np.ndarray, list[bytes | None]]:
    if degrade not in ("clean", "degraded"):
        raise ValueError(f"degrade must be 'clean' or 'degraded', not {degrade!r}")
    bad = degrade == "degraded"
    nrng = np.random.default_rng(rng.getrandbits(64))
    frame = _desk(rng, nrng)
    h, w = doc.shape[:2]
    card = max(h, w) <= 1100
    if bad:
        base = rng.choices((0, 90, 180, 270), weights=(0.55, 0.15, 0.15, 0.15))[0]
        tilt, tilt3d = rng.uniform(-15, 15), 22.0
    else:
        base = rng.choices((0, 180), weights=(0.75, 0.25))[0]
        tilt, tilt3d = rng.uniform(-8, 8), 8.0
    if base in (0, 180):
        long_px = (rng.uniform(0.35, 0.70) if card else rng.uniform(0.55, 0.76)) * FRAME_W
    else:  # turned sideways: the long side runs along the frame height
        long_px = (rng.uniform(0.6, 0.92) if card else rng.uniform(0.85, 0.97)) * FRAME_H
    scale = long_px / max(w, h)
    corners = _project(w * scale, h * scale, base + tilt, rng.uniform(-tilt3d, tilt3d),
                       rng.uniform(-tilt3d, tilt3d), rng.uniform(950, 1400))
    margin = 10.0
    span = corners.max(0) - corners.min(0)
    corners *= min(1.0, (FRAME_W - 2 * margin) / span[0], (FRAME_H - 2 * margin) / span[1])
    lo, hi = corners.min(0), corners.max(0)
    corners += (rng.uniform(margin - lo[0], FRAME_W - margin - hi[0]),
                rng.uniform(margin - lo[1], FRAME_H - margin - hi[1]))
    corners = corners.astype(np.float32)

    # shrink first so that the warp does not alias fine print
    edge = max(np.linalg.norm(corners[1] - corners[0]) / w,
               np.linalg.norm(corners[3] - corners[0]) / h)
    src = doc
    if edge < 0.8:
        f = min(1.0, edge * 1.25)
        src = cv2.resize(doc, (round(w * f), round(h * f)), interpolation=cv2.INTER_AREA)
    sh, sw = src.shape[:2]
    quad = np.float32([[-0.5, -0.5], [sw - 0.5, -0.5], [sw - 0.5, sh - 0.5], [-0.5, sh - 0.5]])
    m = cv2.getPerspectiveTransform(quad, corners)
    mask = _rounded_mask(sh, sw, 0.055 * min(sh, sw) if card else 0.0)
    size = (FRAME_W, FRAME_H)
    warped = cv2.warpPerspective(src, m, size, flags=cv2.INTER_LINEAR)
    alpha = cv2.warpPerspective(mask, m, size, flags=cv2.INTER_LINEAR)
    # a soft drop shadow, computed at half resolution
    half = np.array([[0.5, 0, 0], [0, 0.5, 0], [0, 0, 1]])
    shift = np.array([[1, 0, rng.uniform(-6, 14)], [0, 1, rng.uniform(2, 16)], [0, 0, 1]])
    shadow = cv2.warpPerspective(mask, half @ shift @ m, (FRAME_W // 2, FRAME_H // 2),
                                 flags=cv2.INTER_LINEAR)
    shadow = cv2.GaussianBlur(shadow, (0, 0), rng.uniform(2.5, 6))
    shadow = cv2.resize(shadow, size, interpolation=cv2.INTER_LINEAR)
    lo_light, hi_light = (0.75, 1.1) if bad else (0.88, 1.05)
    light = _illumination(rng, lo_light, hi_light)
    desk_gain = (1.0 - rng.uniform(0.25, 0.5) * shadow) * (1.0 - alpha) * light
    doc_gain = alpha * light
    frame = cv2.add(cv2.multiply(frame, cv2.merge((desk_gain, desk_gain, desk_gain))),
                    cv2.multiply(warped.astype(np.float32), cv2.merge((doc_gain,) * 3)))
    out = cv2.convertScaleAbs(frame)

    noise_sigma = 1.5
    if bad:
        levels = np.arange(256, dtype=np.float32) / 255.0
        gain, gamma = 1.0, 1.0
        noise_sigma = rng.uniform(2.5, 7)
        if rng.random() < 0.5:  # low light: underexposed with a crushed gamma
            gain, gamma = rng.uniform(0.35, 0.7), rng.uniform(1.0, 1.35)
            noise_sigma = rng.uniform(6, 11)
        cast = ([rng.uniform(0.8, 1.15) for _ in range(3)] if rng.random() < 0.6
                else [1.0, 1.0, 1.0])  # tungsten, fluorescent, cool LED
        lut = np.stack([255.0 * levels ** gamma * gain * c for c in cast], -1)
        out = cv2.LUT(out, np.clip(lut, 0, 255).astype(np.uint8).reshape(256, 1, 3))
        if rng.random() < 0.55:
            _glare(out, corners, rng)
        blur = rng.random()
        if blur < 0.45:
            out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.8, 1.5))
        elif blur < 0.85:
            out = cv2.filter2D(out, -1, _motion_kernel(rng.randrange(3, 8, 2),
                                                       rng.uniform(0, math.pi)))
        else:
            out = cv2.GaussianBlur(out, (0, 0), 0.7)
    else:
        out = cv2.GaussianBlur(out, (0, 0), rng.uniform(0.5, 0.75))
    scene = out
    noise = _sensor_noise(rng, noise_sigma)
    quality = rng.randint(40, 70) if bad else 0
    frames: list[np.ndarray] = []
    jpegs: list[bytes | None] = []
    # The burst's later frames: the same scene (pose, light, glare, blur) with the
    # sensor's noise drawn again, as a still camera's next frames are; drawn after
    # everything of the first frame, which stays what photograph() gives.
    later = np.random.default_rng(int(nrng.integers(2**63))) if count > 1 else None
    for k in range(count):
        if k:
            assert later is not None
            noise = _fresh_sensor_noise(later, noise_sigma)
        out = cv2.add(scene, noise, dtype=cv2.CV_8U)
        jpeg = None
        if bad:
            ok, buf = cv2.imencode(".jpg", out, [int(cv2.IMWRITE_JPEG_QUALITY), quality])
            if not ok:
                raise RuntimeError("JPEG encoding failed")
            jpeg = buf.tobytes()
            out = cv2.imdecode(buf, cv2.IMREAD_COLOR)
        frames.append(out)
        jpegs.append(jpeg)
    return frames, corners, jpegs


def photograph(doc: np.ndarray, rng: random.Random, degrade: str = "clean") -> tuple[
        np.ndarray, np.ndarray]:
    """Photographs a flat document into a 1280x720 BGR frame.

    Returns the frame and the document's corners in it as float32 (4, 2), clockwise
    from the document's own top-left (so a card turned by 180 degrees has corner 0 at
    the bottom right of the frame). "clean": tilt within 8 degrees, upright or turned
    by 180, mild perspective, slight softness. "degraded": also turned by 90/270, more
    perspective, Gaussian or motion blur, sensor noise, glare, low light, a colour cast
    and JPEG quality 40-70.
    """
    frame, corners, _ = _photograph(doc, rng, degrade)
    return frame, corners


def photograph_burst(doc: np.ndarray, rng: random.Random, degrade: str = "clean",
                     frames: int = 3) -> tuple[list[np.ndarray], np.ndarray]:
    """`frames` consecutive frames of the document held still under the camera: one
    scene photographed as photograph() does (its first frame is the frame photograph()
    gives for the same `rng`), each frame with its own sensor noise and compression.
    Nothing else changes between them, so they show what reading several frames of a
    still card can gain, and no more."""
    shots, corners, _ = _photograph_burst(doc, rng, degrade, max(1, frames))
    return shots, corners


def make_corpus(out_dir: Path, per_kind: int, seed: int, degrade: str = "clean", *,
                invalid_fraction: float = 0.2) -> list[dict]:
    """Writes per_kind frames of every kind into out_dir with a manifest.json.

    Clean frames are PNG; degraded frames are the JPEG bytes the photograph produced.
    Each manifest entry: {file, kind, truth, corners}. Deterministic for a seed.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    manifest: list[dict] = []
    for kind in KINDS:
        for i in range(per_kind):
            rng = random.Random(f"doc-corpus:{seed}:{kind}:{i}:{degrade}")
            doc, truth = render(kind, rng, invalid_check=rng.random() < invalid_fraction)
            frame, corners, jpeg = _photograph(doc, rng, degrade)
            if jpeg is not None:
                name = f"{kind}_{i:04d}.jpg"
                (out_dir / name).write_bytes(jpeg)
            else:
                name = f"{kind}_{i:04d}.png"
                ok, buf = cv2.imencode(".png", frame)
                if not ok:
                    raise RuntimeError("PNG encoding failed")
                (out_dir / name).write_bytes(buf.tobytes())
            manifest.append({"file": name, "kind": kind, "truth": truth,
                             "corners": [[round(float(x), 2), round(float(y), 2)]
                                         for x, y in corners]})
    (out_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1),
                                           encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m models.training.doc_corpus",
        description="Writes synthetic photographed documents with a truth manifest.")
    parser.add_argument("--out", type=Path, required=True, help="output directory")
    parser.add_argument("--per-kind", type=int, default=10, help="frames per document kind")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--degrade", choices=("clean", "degraded"), default="clean")
    parser.add_argument("--invalid-fraction", type=float, default=0.2,
                        help="share of documents printed with a wrong check character")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    manifest = make_corpus(args.out, args.per_kind, args.seed, args.degrade,
                           invalid_fraction=args.invalid_fraction)
    elapsed = time.perf_counter() - start
    print(f"{len(manifest)} frames in {args.out} ({elapsed / max(len(manifest), 1) * 1000:.0f} "
          "ms per frame)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
