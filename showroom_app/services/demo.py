"""Synthetic demo data: a dealer, its staff, its stock, and finance applications.

Used by `showroom demo-seed` and by the app's `--demo` mode. Every person,
company, phone and card here is invented, but each number is *well formed*
(ID check character, bank-card Luhn digit, VIN check digit), so the validators,
masking, blind index and reports behave exactly as they do on real data.
"""

from __future__ import annotations

import functools
import logging
import random
import struct
import zlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta, timezone
from typing import Any

import cv2
import numpy as np
from sqlalchemy.orm import Session
from stdnum import luhn
from stdnum.cn import ric, uscc

import resources
from local_store import repositories as repo
from local_store.db import Store
from showroom_app.domain.enums import (
    ApplicationStatus,
    AuditAction,
    CustomerType,
    DocumentType,
    InventoryStatus,
    Role,
    VehicleCategory,
)
from showroom_app.domain.errors import NotADemoFolderError
from showroom_app.domain.models import CustomerPII, Dealer, InventoryItem, User
from showroom_app.domain.money import Money
from showroom_app.promotions.rules import rule_to_dict, rules_from_yaml
from showroom_app.services.passwords import hash_password

log = logging.getLogger(__name__)

DEMO_DEALER_CODE = "DEMO001"
DEMO_DEALER_NAME = "示范汽车金融展厅"
DEMO_DEALER_CITY = "成都"

# The demo is set in China whatever the machine's zone: business hours below
# are Beijing time, stored as UTC like every other timestamp.
_CST = timezone(timedelta(hours=8), "CST")


@dataclass(frozen=True)
class DemoUser:
    """A demo account. The password is printed on the demo sign-in screen: not a secret."""

    username: str
    display_name: str
    role: Role
    password: str


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "赵管理员", Role.ADMIN, "demo-admin-1"),
    DemoUser("manager", "王经理", Role.MANAGER, "demo-manager-1"),
    DemoUser("consultant", "李顾问", Role.CONSULTANT, "demo-desk-1"),
)


@dataclass(frozen=True)
class SeedReport:
    dealer_code: str
    users_created: int
    vehicles_created: int
    customers_created: int
    applications_created: int
    documents_created: int
    queued: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- check digits -------------------------------------------------------------

_VIN_ALPHABET = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"
_VIN_VALUES = {
    **{str(d): d for d in range(10)},
    **dict(zip("ABCDEFGH", range(1, 9), strict=True)),
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
# Position 10: the model-year code cycles every 30 years and skips I, O, Q, U, Z and 0.
_VIN_YEAR_CODES = "ABCDEFGHJKLMNPRSTVWXY123456789"


def vin_check_digit(vin: str) -> str:
    """GB 16735 / ISO 3779 check character for a 17-character VIN (position 9 ignored)."""
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin.upper(), _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def _vin_year_code(year: int) -> str:
    return _VIN_YEAR_CODES[(year - 2010) % 30]


def _org_code_check(body: str) -> str:
    """GB 11714 organisation code check character, embedded in a USCC."""
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    value = 11 - sum(int(c, 36) * w for c, w in zip(body, weights, strict=True)) % 11
    return {10: "X", 11: "0"}.get(value, str(value))


# --- reference data -----------------------------------------------------------


@dataclass(frozen=True)
class _Model:
    make: str
    model: str
    trim: str
    category: VehicleCategory
    price_yuan: int
    wmi: str
    is_nev: bool = False
    model_year: int | None = None  # None: the year it arrived in stock (new vehicles)
    copies: int = 1


# List prices are typical published prices; the VIN prefixes imitate the makers'
# but every VIN is invented.
_CATALOG: tuple[_Model, ...] = (
    # Plug-in hybrids get green plates in China, so DM-i counts as NEV even here.
    _Model("比亚迪", "秦PLUS DM-i", "荣耀版 55KM 领先型", VehicleCategory.NEW_CAR, 79_800, "LGX",
           is_nev=True, copies=3),
    _Model("吉利", "星越L", "2.0TD 两驱 尊贵型", VehicleCategory.NEW_CAR, 135_700, "L6T", copies=2),
    _Model("长安", "CS75 PLUS", "第三代 1.5T 自动尊贵型", VehicleCategory.NEW_CAR, 119_900, "LS5",
           copies=2),
    _Model("大众", "朗逸", "1.5L 自动 满逸版", VehicleCategory.NEW_CAR, 115_900, "LSV", copies=2),
    _Model("丰田", "卡罗拉", "1.5L 先锋版", VehicleCategory.NEW_CAR, 119_800, "LFM"),
    _Model("哈弗", "H6", "第三代 1.5T 两驱 Pro", VehicleCategory.NEW_CAR, 109_900, "LGW"),
    _Model("比亚迪", "海豚", "420km 活力版", VehicleCategory.NEV, 99_800, "LGX", is_nev=True,
           copies=3),
    _Model("五菱", "宏光MINIEV", "215km 马卡龙版", VehicleCategory.NEV, 43_800, "LZW",
           is_nev=True, copies=2),
    _Model("特斯拉", "Model 3", "后轮驱动版", VehicleCategory.NEV, 231_900, "LRW", is_nev=True,
           copies=2),
    _Model("比亚迪", "元PLUS", "荣耀版 510km 领先型", VehicleCategory.NEV, 129_800, "LGX",
           is_nev=True),
    _Model("理想", "L6", "Pro", VehicleCategory.NEV, 249_800, "LW4", is_nev=True),
    _Model("大众", "帕萨特", "330TSI 精英版", VehicleCategory.USED_CAR, 105_000, "LSV",
           model_year=2019),
    _Model("丰田", "凯美瑞", "2.0G 豪华版", VehicleCategory.USED_CAR, 128_000, "LVG",
           model_year=2020),
    _Model("本田", "思域", "240TURBO CVT 劲动版", VehicleCategory.USED_CAR, 92_000, "LVH",
           model_year=2021),
    _Model("别克", "GL8", "ES陆尊 653T 舒适型", VehicleCategory.USED_CAR, 168_000, "LSG",
           model_year=2019),
    _Model("日产", "轩逸", "1.6L XL CVT 悦享版", VehicleCategory.USED_CAR, 62_800, "LGB",
           model_year=2020),
    _Model("解放", "J6P", "6×4 牵引车 460马力 国六", VehicleCategory.COMMERCIAL, 420_000, "LFN",
           copies=2),
    _Model("东风", "天龙 KL", "6×4 牵引车 465马力 国六", VehicleCategory.COMMERCIAL, 385_000,
           "LGA"),
    _Model("福田", "欧马可 S3", "4.2米 单排厢式轻卡", VehicleCategory.COMMERCIAL, 128_000, "LVB",
           copies=2),
    _Model("江铃", "顺达", "宽体 单排栏板轻卡", VehicleCategory.COMMERCIAL, 95_800, "LEF"),
    _Model("东方红", "LX1004", "100马力 四驱轮式拖拉机", VehicleCategory.TRACTOR, 135_000, "LYT",
           copies=2),
    _Model("雷沃", "M1104", "110马力 四驱轮式拖拉机", VehicleCategory.TRACTOR, 145_000, "LL9",
           copies=2),
    _Model("约翰迪尔", "5E-954", "95马力 四驱轮式拖拉机", VehicleCategory.TRACTOR, 198_000, "1PY"),
    _Model("东方红", "LX2204", "220马力 四驱轮式拖拉机", VehicleCategory.TRACTOR, 380_000, "LYT"),
    _Model("三一", "SY75C", "7.5吨 小型挖掘机", VehicleCategory.CONSTRUCTION, 368_000, "LSY"),
    _Model("徐工", "XE60DA", "6吨 小型挖掘机", VehicleCategory.CONSTRUCTION, 298_000, "LXG"),
    _Model("柳工", "CLG856H", "5吨 轮式装载机", VehicleCategory.CONSTRUCTION, 420_000, "LLG"),
)


@dataclass(frozen=True)
class _Region:
    code: str
    province: str
    city: str
    district: str
    # stdnum's region table dates each code; a number whose birth year predates
    # the code is rejected, so people are only placed where their number validates.
    since: int = 0


_URBAN: tuple[_Region, ...] = (
    _Region("110105", "北京市", "北京市", "朝阳区"),
    _Region("110108", "北京市", "北京市", "海淀区"),
    _Region("120104", "天津市", "天津市", "南开区"),
    _Region("310104", "上海市", "上海市", "徐汇区"),
    _Region("310107", "上海市", "上海市", "普陀区"),
    _Region("310115", "上海市", "上海市", "浦东新区", 1992),
    _Region("440106", "广东省", "广州市", "天河区", 1985),
    _Region("440305", "广东省", "深圳市", "南山区", 1990),
    _Region("510107", "四川省", "成都市", "武侯区", 1990),
    _Region("510104", "四川省", "成都市", "锦江区", 1990),
    _Region("410105", "河南省", "郑州市", "金水区", 1983),
    _Region("370102", "山东省", "济南市", "历下区", 1983),
    _Region("320106", "江苏省", "南京市", "鼓楼区", 1983),
    _Region("330106", "浙江省", "杭州市", "西湖区", 1983),
    _Region("420106", "湖北省", "武汉市", "武昌区", 1983),
    _Region("500103", "重庆市", "重庆市", "渝中区", 1997),
    _Region("610113", "陕西省", "西安市", "雁塔区", 1983),
    _Region("210102", "辽宁省", "沈阳市", "和平区", 1983),
    _Region("350203", "福建省", "厦门市", "思明区", 1983),
    _Region("530102", "云南省", "昆明市", "五华区", 1983),
)

_RURAL: tuple[_Region, ...] = (
    _Region("340121", "安徽省", "合肥市", "长丰县"),
    _Region("430121", "湖南省", "长沙市", "长沙县"),
    _Region("510121", "四川省", "成都市", "金堂县"),
    _Region("620123", "甘肃省", "兰州市", "榆中县"),
    _Region("140121", "山西省", "太原市", "清徐县"),
    _Region("150122", "内蒙古自治区", "呼和浩特市", "托克托县"),
    _Region("652324", "新疆维吾尔自治区", "昌吉回族自治州", "玛纳斯县"),
    _Region("230229", "黑龙江省", "齐齐哈尔市", "克山县", 1984),
    _Region("230221", "黑龙江省", "齐齐哈尔市", "龙江县", 1984),
    _Region("220122", "吉林省", "长春市", "农安县", 1983),
    _Region("410122", "河南省", "郑州市", "中牟县", 1983),
    _Region("410522", "河南省", "安阳市", "安阳县", 1983),
    _Region("370724", "山东省", "潍坊市", "临朐县", 1983),
    _Region("320321", "江苏省", "徐州市", "丰县", 1983),
    _Region("130123", "河北省", "石家庄市", "正定县", 1986),
)

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段侯史陶黎贺顾毛郝龚邵万钱严武戴"
)
_GIVEN_MALE = (
    "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆旭宁林峰建国志文博海东亮成兵晨子轩睿"
)
# No 红: "方红" would be a name spelled inside the clear model name 东方红, and the
# privacy test looks for every customer name in the raw database file.
_GIVEN_FEMALE = "芳娜敏静丽艳娟霞秀玲婷雪慧莹颖琳倩晶欣怡梅燕萍佳雯蕾璐瑶琪悦思雨涵"

_STREETS = (
    "人民路", "建设路", "解放路", "中山路", "和平路", "长江路", "黄河路", "文化路", "新华路",
    "胜利路", "友谊路", "光明街", "青年路", "朝阳路", "科技路", "迎宾大道",
)
_ESTATES = (
    "阳光花园", "锦绣家园", "翠湖苑", "金色港湾", "幸福里", "华府小区", "名都公寓", "滨江苑",
)
_TOWNS = ("城关镇", "新兴镇", "太平镇", "和平乡", "红星镇", "永安镇", "东风乡", "兴隆镇")
_VILLAGES = ("向阳村", "前进村", "新华村", "红旗村", "团结村", "丰收村", "五星村", "联合村")
_TRADE_NAMES = (
    "顺达", "恒通", "鑫源", "安捷", "众诚", "宏远", "华运", "金穗", "腾飞", "瑞丰", "远航", "兴业",
)
_MOBILE_PREFIXES = (
    "130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "155",
    "156", "157", "158", "159", "166", "177", "180", "181", "182", "183", "186", "187", "188",
    "189", "198", "199",
)
# (issuer BIN, card length): debit cards of the large banks; the last digit is Luhn.
_CARD_BINS = (
    ("622202", 19), ("621700", 19), ("622848", 19), ("621661", 19), ("622588", 16),
    ("622260", 19), ("621483", 16),
)

_CONSUMER = (VehicleCategory.NEW_CAR, VehicleCategory.NEV, VehicleCategory.USED_CAR)
_WORKING = (VehicleCategory.COMMERCIAL, VehicleCategory.CONSTRUCTION)

_TERMS: dict[VehicleCategory, tuple[tuple[int, ...], tuple[int, ...]]] = {
    VehicleCategory.NEW_CAR: ((12, 24, 36, 48, 60), (1, 3, 4, 2, 2)),
    VehicleCategory.NEV: ((12, 24, 36, 48, 60), (1, 3, 4, 2, 2)),
    # Used cars: the 3-year maximum of the auto loan rules.
    VehicleCategory.USED_CAR: ((12, 24, 36), (1, 3, 3)),
    VehicleCategory.COMMERCIAL: ((24, 36, 48), (2, 4, 2)),
    # Farm and site machines pay back within a few seasons.
    VehicleCategory.TRACTOR: ((12, 24, 36), (2, 4, 3)),
    VehicleCategory.CONSTRUCTION: ((12, 24, 36), (2, 4, 3)),
}

# Status → (weight, youngest, oldest age in days): applications that got further
# along are older, as they are at a real desk.
_STATUS_PLAN: dict[ApplicationStatus, tuple[int, int, int]] = {
    ApplicationStatus.DRAFT: (14, 0, 10),
    ApplicationStatus.SUBMITTED: (10, 0, 7),
    ApplicationStatus.IN_REVIEW: (12, 1, 14),
    ApplicationStatus.APPROVED: (12, 3, 30),
    ApplicationStatus.CONDITIONAL: (4, 3, 30),
    ApplicationStatus.DECLINED: (5, 3, 30),
    ApplicationStatus.CONTRACT_READY: (6, 5, 35),
    ApplicationStatus.SIGNED: (12, 7, 45),
    ApplicationStatus.FUNDED: (20, 10, 59),
    ApplicationStatus.WITHDRAWN: (3, 5, 59),
}

# A signed deal reserves its vehicle and a funded one sells it; at this many
# vehicles in stock, later deals stop draining it so the showroom never empties.
_STOCK_FLOOR = 30
_STOCK_SIZE = 40


# --- people and companies -----------------------------------------------------


@dataclass(frozen=True)
class _Person:
    pii: CustomerPII
    birth: date
    male: bool
    region: _Region


def _age_on(birth: date, today: date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _birth_date(rng: random.Random, today: date, age: int) -> date:
    # Day 28 at most keeps 29 February out of the anniversary arithmetic.
    anniversary = date(today.year - age, today.month, min(today.day, 28))
    return anniversary - timedelta(days=rng.randint(0, 360))


def _id_number(rng: random.Random, region: _Region, birth: date, male: bool) -> str:
    sequence = rng.randrange(1, 999)
    if sequence % 2 != int(male):
        sequence += 1 if sequence < 998 else -1
    body = f"{region.code}{birth:%Y%m%d}{sequence:03d}"
    # calc_check_digit expects the check position to be present, whatever it holds.
    return body + ric.calc_check_digit(body + "0")


@functools.lru_cache(maxsize=4096)
def _place_valid_in(region_code: str, year: int) -> bool:
    """Whether stdnum accepts numbers of this region for people born in `year`: looking
    the region up in stdnum's table was a fifth of a large seed's time, once per person."""
    body = f"{region_code}{year}0101001"
    return ric.is_valid(body + ric.calc_check_digit(body + "0"))


def _valid_for_place(number: str, region_code: str, year: int) -> bool:
    # `_id_number` builds the length, birth date and check character right, so the
    # region table is all that can refuse a number: the same as ric.is_valid(number).
    return _place_valid_in(region_code, year) and ric.calc_check_digit(number) == number[-1]


def _mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def _bank_card(rng: random.Random) -> str:
    bin_, length = rng.choice(_CARD_BINS)
    body = bin_ + "".join(str(rng.randrange(10)) for _ in range(length - len(bin_) - 1))
    return body + luhn.calc_check_digit(body)


def _name(rng: random.Random, male: bool) -> str:
    given = _GIVEN_MALE if male else _GIVEN_FEMALE
    length = 1 if rng.random() < 0.35 else 2
    return rng.choice(_SURNAMES) + "".join(rng.choice(given) for _ in range(length))


def _home_address(rng: random.Random, region: _Region, rural: bool) -> str:
    city = "" if region.city == region.province else region.city
    if rural:
        return (
            f"{region.province}{city}{region.district}{rng.choice(_TOWNS)}"
            f"{rng.choice(_VILLAGES)}{rng.randint(1, 12)}组{rng.randint(1, 80)}号"
        )
    return (
        f"{region.province}{city}{region.district}{rng.choice(_STREETS)}{rng.randint(1, 399)}号"
        f"{rng.choice(_ESTATES)}{rng.randint(1, 30)}栋{rng.randint(1, 4)}单元"
        f"{rng.randint(1, 32)}{rng.randint(1, 4):02d}室"
    )


def _person(rng: random.Random, today: date, rural: bool, taken: set[str]) -> _Person:
    regions = _RURAL if rural else _URBAN
    for _ in range(50):
        # Car buyers cluster around thirty; farmers buying machines are older.
        age = round(rng.triangular(25, 60, 45) if rural else rng.triangular(22, 58, 31))
        birth = _birth_date(rng, today, age)
        eligible = [r for r in regions if r.since <= birth.year]
        region = rng.choice(eligible)
        male = rng.random() < (0.85 if rural else 0.7)
        number = _id_number(rng, region, birth, male)
        if (number in taken or not _valid_for_place(number, region.code, birth.year)
                or not 22 <= _age_on(birth, today) <= 60):
            continue
        taken.add(number)
        pii = CustomerPII(
            name=_name(rng, male),
            id_number=number,
            phone=_mobile(rng),
            address=_home_address(rng, region, rural),
            bank_card=_bank_card(rng),
        )
        return _Person(pii, birth, male, region)
    raise RuntimeError("could not generate a valid demo ID number")  # a table or stdnum change


def _uscc(rng: random.Random, region: _Region, cooperative: bool) -> str:
    # 9 = market regulator; 1 = enterprise, 3 = farmers' cooperative.
    org_body = "".join(str(rng.randrange(10)) for _ in range(8))
    head = ("93" if cooperative else "91") + region.code + org_body + _org_code_check(org_body)
    return head + uscc.calc_check_digit(head)


@dataclass(frozen=True)
class _Company:
    pii: CustomerPII
    region: _Region
    uscc: str
    representative: str


def _company(rng: random.Random, category: VehicleCategory) -> _Company:
    farm = category is VehicleCategory.TRACTOR
    region = rng.choice(_RURAL if farm else _URBAN + _RURAL[:4])
    place = region.district if farm else region.city.removesuffix("市")
    trade = rng.choice(_TRADE_NAMES)
    if farm:
        name = f"{place}{trade}农机专业合作社"
    else:
        industry = {
            VehicleCategory.COMMERCIAL: ("物流", "运输", "供应链管理"),
            VehicleCategory.CONSTRUCTION: ("建筑工程", "土石方工程", "市政工程"),
        }.get(category, ("商贸", "汽车租赁", "科技"))
        name = f"{place}{trade}{rng.choice(industry)}有限公司"
    city = "" if region.city == region.province else region.city
    address = (
        f"{region.province}{city}{region.district}{rng.choice(_STREETS)}"
        f"{rng.randint(1, 999)}号{rng.choice(('', '工业园', '物流园', '产业园'))}"
    )
    pii = CustomerPII(name=name, phone=_mobile(rng), address=address)
    representative = _name(rng, rng.random() < 0.8)
    return _Company(pii, region, _uscc(rng, region, farm), representative)


# --- document images ----------------------------------------------------------

_CARD_SIZE = (856, 540)  # ID-1 card proportions at ~10 px/mm
_FONT = cv2.FONT_HERSHEY_SIMPLEX


@functools.lru_cache(maxsize=8)
def _document_base(doc_type: DocumentType) -> np.ndarray:
    """A specimen card drawn once per type; it carries no text that could identify anyone."""
    width, height = _CARD_SIZE
    background = {
        DocumentType.ID_CARD_FRONT: (244, 236, 222),
        DocumentType.ID_CARD_BACK: (236, 240, 246),
        DocumentType.BUSINESS_LICENCE: (226, 240, 248),
    }.get(doc_type, (240, 240, 240))
    img = np.full((height, width, 3), background, dtype=np.uint8)
    cv2.rectangle(img, (12, 12), (width - 13, height - 13), (120, 110, 100), 3)
    grey = (185, 180, 175)
    if doc_type is DocumentType.ID_CARD_FRONT:
        title = "RESIDENT IDENTITY CARD"
        # Photo area with a plain silhouette.
        cv2.rectangle(img, (600, 90), (800, 340), (215, 210, 205), -1)
        cv2.circle(img, (700, 180), 48, grey, -1)
        cv2.ellipse(img, (700, 330), (90, 80), 0, 180, 360, grey, -1)
        lines = [(60, 120, 330), (60, 175, 250), (60, 230, 460), (60, 285, 420), (60, 320, 300)]
        cv2.rectangle(img, (60, 400), (560, 440), grey, -1)  # the number band, left blank
    elif doc_type is DocumentType.ID_CARD_BACK:
        title = "RESIDENT IDENTITY CARD - BACK"
        cv2.circle(img, (130, 150), 70, (60, 60, 200), 4)
        cv2.circle(img, (130, 150), 40, (60, 170, 230), -1)
        lines = [(250, 130, 520), (250, 190, 440), (160, 380, 560), (160, 440, 520)]
    else:
        title = "BUSINESS LICENCE"
        cv2.rectangle(img, (28, 28), (width - 29, height - 29), (80, 90, 170), 2)
        # A QR-like block drawn from a fixed pattern: same bytes on every run.
        pattern = np.random.default_rng(7).integers(0, 2, size=(21, 21), dtype=np.uint8)
        block = np.kron(pattern, np.ones((6, 6), dtype=np.uint8))
        img[330:456, 660:786][block == 1] = (40, 40, 40)
        lines = [(60, 150, 520), (60, 200, 480), (60, 250, 540), (60, 300, 420), (60, 350, 500)]
    for x, y, length in lines:
        cv2.rectangle(img, (x, y - 16), (x + length, y + 8), grey, -1)
    cv2.putText(img, title, (40, 62), _FONT, 1.0, (90, 80, 70), 2, cv2.LINE_AA)
    cv2.putText(img, "SPECIMEN / DEMO", (150, 500), _FONT, 1.6, (40, 40, 200), 3, cv2.LINE_AA)
    return img


def _indexed_png(img: np.ndarray) -> bytes:
    """`img` (BGR) as an 8-bit palette PNG: its 256 commonest colours, the rare
    anti-aliasing shades mapped to the nearest of them (off by a few levels at most).
    Half the size of OpenCV's RGB PNG, which matters at 200,000 stored copies."""
    height, width, _ = img.shape
    packed = (img.astype(np.uint32) * np.array([1 << 16, 1 << 8, 1], np.uint32)).sum(axis=2)
    colours, inverse, counts = np.unique(packed, return_inverse=True, return_counts=True)
    # Ties broken by colour value: the same bytes on every run.
    palette = colours[np.lexsort((colours, -counts))[:256]]
    channels = np.array([16, 8, 0], np.uint32)
    bgr_all = ((colours[:, None] >> channels) & 0xFF).astype(np.int32)
    bgr_palette = ((palette[:, None] >> channels) & 0xFF).astype(np.int32)
    nearest = ((bgr_all[:, None, :] - bgr_palette[None, :, :]) ** 2).sum(axis=2).argmin(axis=1)
    pixels = nearest.astype(np.uint8)[inverse.ravel()].reshape(height, width)
    # Filter type 0 (none) before every row.
    raw = np.hstack([np.zeros((height, 1), np.uint8), pixels]).tobytes()

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)  # 8-bit, palette
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"PLTE", bgr_palette[:, ::-1].astype(np.uint8).tobytes())
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


@functools.lru_cache(maxsize=8)
def _document_png(doc_type: DocumentType) -> bytes:
    """The specimen card as PNG, encoded once per type and process: encoding each copy
    took 20 ms, three quarters of a large seed. Each stored copy is still sealed on its
    own (its own nonce, bound to its own row), so no two document rows hold the same bytes.
    """
    return _indexed_png(_document_base(doc_type))


# --- stock ----------------------------------------------------------------------


def _vin(rng: random.Random, wmi: str, year: int, taken: set[str]) -> str:
    while True:
        vds = "".join(rng.choice(_VIN_ALPHABET[1:]) for _ in range(5))
        plant = rng.choice(_VIN_ALPHABET[10:])
        serial = f"{rng.randrange(10**6):06d}"
        draft = f"{wmi}{vds}0{_vin_year_code(year)}{plant}{serial}"
        vin = draft[:8] + vin_check_digit(draft) + draft[9:]
        if vin not in taken:
            taken.add(vin)
            return vin


def _seed_stock(s: Session, rng: random.Random, dealer: Dealer, today: date) -> int:
    models = [m for m in _CATALOG for _ in range(m.copies)]
    while len(models) < _STOCK_SIZE:
        models.append(rng.choice([m for m in _CATALOG if m.category in _CONSUMER]))
    rng.shuffle(models)
    taken: set[str] = set()
    for index, m in enumerate(models[:_STOCK_SIZE]):
        # Skewed towards fresh arrivals, with a tail of about a third past 90 days:
        # the slow sellers that the stock-driven promotions exist for.
        stock_in = today - timedelta(days=5 + int(235 * rng.random() ** 2.5))
        year = m.model_year or stock_in.year
        price = Money.of(m.price_yuan)
        if m.category is VehicleCategory.USED_CAR:
            # Each used car is priced on its own condition, to the hundred yuan.
            price = Money.of(m.price_yuan * rng.randint(92, 106) // 10_000 * 100)
        status = InventoryStatus.IN_STOCK
        if index % 10 == 7:
            status = InventoryStatus.RESERVED
        elif index % 13 == 5:
            status = InventoryStatus.SOLD
        repo.add_inventory_item(
            s,
            dealer.id,
            _vin(rng, m.wmi, year, taken),
            m.make,
            m.model,
            m.category,
            price,
            stock_in,
            trim=m.trim,
            model_year=year,
            is_nev=m.is_nev,
            status=status,
        )
    return _STOCK_SIZE


# --- applications -----------------------------------------------------------------


def _weighted(rng: random.Random, options: Sequence[Any], weights: Sequence[int]) -> Any:
    return rng.choices(options, weights=weights, k=1)[0]


def _customer_type(rng: random.Random, category: VehicleCategory) -> CustomerType:
    c = CustomerType
    if category is VehicleCategory.TRACTOR:
        # Cooperatives buy some machines; most are bought by the farming household.
        return _weighted(rng, (c.FARMER, c.COMPANY, c.INDIVIDUAL), (85, 10, 5))
    if category in _WORKING:
        # Owner-drivers and owner-operators buy most trucks and small excavators.
        return _weighted(rng, (c.INDIVIDUAL, c.COMPANY), (65, 35))
    return _weighted(rng, (c.INDIVIDUAL, c.COMPANY, c.FARMER), (90, 7, 3))


def _segment(customer_type: CustomerType, category: VehicleCategory) -> str:
    # The segment follows how the customer earns the repayments: an owner-driver's
    # truck is a logistics business, a cooperative's tractor lives on the harvest.
    if category is VehicleCategory.TRACTOR or customer_type is CustomerType.FARMER:
        return "farmer"
    if category in _WORKING or customer_type is CustomerType.COMPANY:
        return "fleet"
    return "individual"


def _product(rng: random.Random, customer_type: CustomerType) -> str:
    products = ("auto_loan", "direct_lease", "sale_leaseback")
    weights = {
        CustomerType.INDIVIDUAL: (70, 20, 10),
        CustomerType.COMPANY: (15, 60, 25),
        CustomerType.FARMER: (55, 45, 0),
    }[customer_type]
    return _weighted(rng, products, weights)


def _repayment(rng: random.Random, category: VehicleCategory) -> str:
    if category is VehicleCategory.TRACTOR:
        # Farmers are paid at harvest.
        return _weighted(rng, ("seasonal", "equal_instalment"), (60, 40))
    if category is VehicleCategory.CONSTRUCTION:
        return _weighted(rng, ("step_down", "step_up", "equal_instalment"), (20, 20, 60))
    return _weighted(rng, ("equal_instalment", "equal_principal", "balloon"), (70, 10, 20))


def _down_payment(rng: random.Random, item: InventoryItem) -> tuple[Money, int]:
    # 70 % loan-to-value caps for used and commercial vehicles: at least 30 % down.
    floor = 30 if item.category in (VehicleCategory.USED_CAR, VehicleCategory.COMMERCIAL) else 20
    percent = rng.randint(floor, 40)
    # percent of the price, rounded half up to whole hundreds of yuan (10,000 fen).
    fen = (item.list_price.fen * percent + 500_000) // 1_000_000 * 10_000
    return Money(fen), percent


def _local_time(rng: random.Random, anchor: datetime, days_ago: int) -> datetime:
    day = (anchor.astimezone(_CST) - timedelta(days=days_ago)).date()
    moment = datetime.combine(day, time(9, 0), _CST) + timedelta(seconds=rng.randint(0, 36_000))
    if moment > anchor:
        moment = anchor - timedelta(seconds=rng.randint(300, 5_400))
    return moment.astimezone(UTC)


def _pick_vehicle(
    rng: random.Random,
    stock: list[InventoryItem],
    in_stock: list[InventoryItem],
    status: ApplicationStatus,
    s: Session,
) -> InventoryItem:
    takes = {
        ApplicationStatus.CONTRACT_READY: InventoryStatus.RESERVED,
        ApplicationStatus.SIGNED: InventoryStatus.RESERVED,
        ApplicationStatus.FUNDED: InventoryStatus.SOLD,
    }
    new_status = takes.get(status)
    if new_status is None:
        return rng.choice(in_stock or stock)
    if len(in_stock) > _STOCK_FLOOR:
        item = in_stock.pop(rng.randrange(len(in_stock)))
        repo.set_inventory_status(s, item.id, new_status)
        stock[stock.index(item)] = replace(item, status=new_status)
        return item
    # Past the floor, a late deal shares a vehicle already reserved or sold.
    matching = [i for i in stock if i.status is new_status]
    return rng.choice(matching or stock)


def _documents(
    writer: repo.BulkWriter,
    application_id: str,
    customer_id: str,
    person: _Person | None,
    company: _Company | None,
    today: date,
    serial: int,
) -> int:
    if company is not None:
        fields = {
            "name": company.pii.name,
            "uscc": company.uscc,
            "legal_representative": company.representative,
            "address": company.pii.address,
        }
        writer.add_document(
            DocumentType.BUSINESS_LICENCE, _document_png(DocumentType.BUSINESS_LICENCE),
            "image/png", application_id=application_id, customer_id=customer_id, fields=fields,
        )
        return 1
    assert person is not None
    sixteenth = date(person.birth.year + 16, person.birth.month, min(person.birth.day, 28))
    issued = max(today - timedelta(days=200 + (serial * 37) % 3000), sixteenth)
    # Validity by age at issue: 10 years from 16, 20 years from 26, long-term from 46.
    age_at_issue = _age_on(person.birth, issued)
    years = 10 if age_at_issue < 26 else 20
    valid_to = "长期" if age_at_issue >= 46 else f"{issued.year + years}.{issued:%m.%d}"
    front = {
        "name": person.pii.name,
        "sex": "男" if person.male else "女",
        "birth_date": person.birth.isoformat(),
        "address": person.pii.address,
        "id_number": person.pii.id_number,
    }
    back = {
        "issuing_authority": f"{person.region.city}公安局{person.region.district}分局",
        "valid_period": f"{issued:%Y.%m.%d}-{valid_to}",
    }
    sides = ((DocumentType.ID_CARD_FRONT, front), (DocumentType.ID_CARD_BACK, back))
    for doc_type, fields in sides:
        writer.add_document(
            doc_type, _document_png(doc_type), "image/png",
            application_id=application_id, customer_id=customer_id, fields=fields,
        )
    return 2


# --- the use case -------------------------------------------------------------------


def _ensure_base(
    s: Session, today: date, seed: int
) -> tuple[Dealer, dict[Role, User], int, int]:
    dealer = repo.dealer_by_code(s, DEMO_DEALER_CODE)
    if dealer is None:
        dealer = repo.add_dealer(s, DEMO_DEALER_CODE, DEMO_DEALER_NAME, DEMO_DEALER_CITY)
    users: dict[Role, User] = {}
    users_created = 0
    for demo in DEMO_USERS:
        row = repo.user_row_by_username(s, demo.username)
        if row is None:
            users[demo.role] = repo.add_user(
                s, demo.username, demo.display_name, demo.role,
                hash_password(demo.password), dealer_id=dealer.id,
            )
            users_created += 1
        else:
            users[demo.role] = repo.to_user(row)
    vehicles_created = 0
    if not any(i.dealer_id == dealer.id for i in repo.list_inventory(s)):
        vehicles_created = _seed_stock(s, random.Random(seed), dealer, today)
        # The dealer's promotions come with its stock: they fire on its aged vehicles.
        rules = rules_from_yaml(resources.demo_promotions().read_text(encoding="utf-8"))
        for rule in rules:
            repo.save_promotion_rule(s, dealer.id, rule_to_dict(rule), "demo")
    return dealer, users, users_created, vehicles_created


DEMO_MARK = "demo_data"
PROGRESS_EVERY = 10_000
# Sandbox contract rates per product (the desk's own quote engine arrives later).
_DEMO_RATES = {"auto_loan": "0.0599", "direct_lease": "0.0699", "sale_leaseback": "0.0799"}


def _submission_body(reference: str, customer_type: CustomerType, pii: CustomerPII,
                     item: InventoryItem, product: str, down: Money, term: int,
                     queued_at: datetime) -> dict:
    """The `POST /v1/applications` body (sync/openapi.yaml) for a demo application."""
    company = customer_type is CustomerType.COMPANY
    applicant = {
        "customer_type": customer_type.value,
        "name": pii.name,
        "phone": pii.phone,
        "address": pii.address,
        "income_proven": True,
        "monthly_income_fen": 2_500_000 if company else 1_800_000,
    }
    if pii.id_number:
        applicant["id_number"] = pii.id_number
    if company:
        applicant["company_name"] = pii.name
    return {
        "client_reference": reference,
        "applicant": applicant,
        "vehicle": {"vin": item.vin, "make": item.make, "model": item.model,
                    "category": item.category.value, "is_nev": item.is_nev,
                    "price_fen": item.list_price.fen},
        "quote": {"product_code": product, "down_payment_fen": down.fen, "term_months": term,
                  "annual_rate": _DEMO_RATES[product], "residual_fen": 0, "fees": []},
        "consents": {"pipl_sensitive": True, "credit_inquiry": True,
                     "signed_at": queued_at.isoformat()},
    }


def _claim_demo_folder(s: Session) -> None:
    """Demo accounts have published passwords and demo applications are fake: they must
    never land in a real desk's database, nor travel from it to a real lessor."""
    if repo.get_meta(s, DEMO_MARK) == "1":
        return
    if repo.count_users(s) > 0:
        raise NotADemoFolderError(
            "This data folder belongs to a real desk (it has user accounts and was not "
            "created for demo data), so no demo data was added. Use --demo, or an empty "
            "--data-dir."
        )
    repo.set_meta(s, DEMO_MARK, "1")


def seed_demo(
    store: Store,
    applications: int,
    submit: bool = False,
    seed: int = 20261129,
    today: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SeedReport:
    """Seed the demo dealer once, then add `applications` more applications, all in one
    transaction. With `submit`, new drafts are queued for central instead, outbox row included.
    `progress(done, total)` is called every `PROGRESS_EVERY` applications of a long seed.
    """
    if applications < 0:
        raise ValueError("applications must be zero or more")
    now = datetime.now(UTC)
    if today is None:
        today = now.astimezone(_CST).date()
        anchor = now
    else:
        # Never in the future: a desk that shows tomorrow's applications looks broken.
        anchor = min(datetime.combine(today, time(18, 0), _CST).astimezone(UTC), now)

    customers = documents = queued = 0
    with store.transaction() as s:
        _claim_demo_folder(s)
        dealer, users, users_created, vehicles_created = _ensure_base(s, today, seed)
        existing = repo.count_applications(s)
        # Offset by what is already there: a second call draws new people and references.
        rng = random.Random(seed + existing)
        history = random.Random(f"history:{seed + existing}")
        stock = [i for i in repo.list_inventory(s) if i.dealer_id == dealer.id]
        in_stock = [i for i in stock if i.status is InventoryStatus.IN_STOCK]
        # Mostly the consultant's own deals; managers and the admin take a few.
        consultants = (users[Role.CONSULTANT], users[Role.MANAGER], users[Role.ADMIN])
        statuses = tuple(_STATUS_PLAN)
        status_weights = tuple(w for w, _, _ in _STATUS_PLAN.values())
        taken_ids: set[str] = set()
        # Rows go in with Core executemany, in chunks, inside this same transaction:
        # one ORM flush per row made a 100,000-application seed take most of an hour.
        writer = repo.BulkWriter(s, store.cipher)

        for n in range(existing + 1, existing + applications + 1):
            status: ApplicationStatus = _weighted(rng, statuses, status_weights)
            _, youngest, oldest = _STATUS_PLAN[status]
            created = _local_time(rng, anchor, rng.randint(youngest, oldest))
            item = _pick_vehicle(rng, stock, in_stock, status, s)
            customer_type = _customer_type(rng, item.category)

            person: _Person | None = None
            company: _Company | None = None
            if customer_type is CustomerType.COMPANY:
                company = _company(rng, item.category)
                pii, birth_year = company.pii, None
            else:
                farmer = customer_type is CustomerType.FARMER
                person = _person(rng, today, farmer, taken_ids)
                pii, birth_year = person.pii, person.birth.year
            segment = _segment(customer_type, item.category)
            customer_id = writer.add_customer(
                dealer.id, customer_type, pii, birth_year=birth_year, segment=segment
            )
            customers += 1

            product = _product(rng, customer_type)
            down, percent = _down_payment(rng, item)
            terms, term_weights = _TERMS[item.category]
            term = _weighted(rng, terms, term_weights)
            repayment = _repayment(rng, item.category)
            reference = f"SR-{created.astimezone(_CST):%Y%m%d}-{n:04d}"
            draft = {
                "step": "review" if status is not ApplicationStatus.DRAFT else "quote",
                "product_code": product,
                "repayment_method": repayment,
                "down_payment_percent": percent,
                "term_months": term,
                "consents": {"pipl_sensitive": True, "credit_inquiry": True},
            }
            consultant_id = _weighted(rng, consultants, (75, 15, 10)).id

            # Where the application ends up: a draft stays as written; the others were
            # queued, then (without `submit`) decided, all in the past.
            final, changed_at, queued_at = ApplicationStatus.DRAFT, created, None
            if status is not ApplicationStatus.DRAFT or submit:
                queued_at = min(created + timedelta(minutes=rng.randint(10, 90)), anchor)
                final, changed_at = ApplicationStatus.QUEUED, queued_at
                if not submit:
                    span = max(anchor - queued_at, timedelta(0))
                    final, changed_at = status, queued_at + span * rng.randint(20, 95) / 100

            milestones = None
            if queued_at is not None and final is not ApplicationStatus.QUEUED:
                # A history that reports can time: decided some way after queueing,
                # signed some way after that, funded at the last change. Its own random
                # stream, so that the people, references and statuses stay as seeded.
                later = final in (ApplicationStatus.CONTRACT_READY, ApplicationStatus.SIGNED,
                                  ApplicationStatus.FUNDED)
                decided_at = queued_at + (changed_at - queued_at) * history.uniform(0.05, 0.5) \
                    if later else changed_at
                signed_at = changed_at if final is ApplicationStatus.SIGNED else \
                    decided_at + (changed_at - decided_at) * history.uniform(0.3, 0.9)
                milestones = (decided_at, signed_at, changed_at)

            application_id = writer.add_application(
                milestones=milestones,
                reference=reference,
                dealer_id=dealer.id,
                consultant_id=consultant_id,
                customer_type=customer_type,
                customer_id=customer_id,
                inventory_item_id=item.id,
                status=final,
                product_code=product,
                vehicle_price=item.list_price,
                down_payment=down,
                term_months=term,
                draft=draft,
                created_at=created,
                updated_at=changed_at,
                submitted_at=queued_at,
            )
            documents += _documents(
                writer, application_id, customer_id, person, company, today, n
            )
            if submit:
                assert queued_at is not None
                # `--submit` queues every new application: the dispatcher sends them
                # on the next connection, and central decides them. The outbox holds
                # the exact request body of the central API: what is sent on every
                # retry is byte-for-byte what was queued.
                writer.enqueue(
                    "application",
                    application_id,
                    "submit_application",
                    _submission_body(reference, customer_type, pii, item, product, down,
                                     term, queued_at),
                )
                queued += 1

            done = n - existing
            if done % PROGRESS_EVERY == 0 and done < applications:
                log.info("demo seed: %d of %d applications", done, applications)
                if progress is not None:
                    progress(done, applications)

        writer.flush()
        repo.audit(s, AuditAction.CREATE, "demo_seed", None, None, f"applications={applications}")

    report = SeedReport(
        dealer_code=DEMO_DEALER_CODE,
        users_created=users_created,
        vehicles_created=vehicles_created,
        customers_created=customers,
        applications_created=applications,
        documents_created=documents,
        queued=queued,
    )
    log.info("demo seed: %s", report.to_dict())
    return report
