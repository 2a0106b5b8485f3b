"""Policy rules around the model, each with a stable code and words for both languages.

Before the model: hard stops (the application cannot go ahead as it stands) and
referrals (a person must look, whatever the score). After the model: a high PD
declines, a PD in the grey zone refers. The thresholds are the lessor's to set;
the defaults below are written down with their reason.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from models.prescore.features import Facts

DECLINE = "decline"
REFER = "refer"


@dataclass(frozen=True)
class PolicyConfig:
    min_age: int = 18  # a contract needs full civil capacity
    max_age_at_term_end: int = 65  # common lender rule: last instalment by age 65
    multi_lender_inquiries_3m: int = 4  # 多头借贷: four or more other lenders in 3 months
    # A stated (unproven) income this high carries the affordability check alone.
    unproven_income_limit_fen: int = 2_000_000  # 20,000 yuan a month
    grey_zone_pd: float = 0.10  # from here a person looks (band D) ...
    decline_pd: float = 0.20  # ... and from here the score alone says decline (band E)


@dataclass(frozen=True)
class PolicyHit:
    code: str
    stage: str  # "before" | "after" the model
    action: str  # "decline" | "refer"
    zh: str
    en: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _yuan(fen: int) -> str:
    return f"{fen // 100:,}"


def before_model(facts: Facts, config: PolicyConfig) -> list[PolicyHit]:
    hits: list[PolicyHit] = []

    def hit(code: str, action: str, zh: str, en: str) -> None:
        hits.append(PolicyHit(code, "before", action, zh, en))

    age = facts.age
    if age is None:
        hit("age_unknown", REFER, "出生日期未知，无法核对年龄要求，需人工核实。",
            "The birth date is unknown, so the age rules cannot be checked: a person must "
            "verify it.")
    else:
        if age < config.min_age:
            hit("age_under_min", DECLINE,
                f"申请人{age}岁，未满{config.min_age}周岁，不能签订融资合同。",
                f"The applicant is {age}, under {config.min_age}: they cannot sign a finance "
                "contract.")
        end_age = facts.age_at_term_end
        if end_age is not None and end_age > config.max_age_at_term_end:
            hit("age_over_max_at_term_end", DECLINE,
                f"期末时申请人将满{int(end_age)}岁，超过{config.max_age_at_term_end}岁上限；"
                "可缩短期限。",
                f"The applicant would be {int(end_age)} at the end of the term, over "
                f"{config.max_age_at_term_end}; a shorter term may fit.")
    if facts.id_valid_until is not None and facts.id_valid_until < facts.as_of:
        hit("id_expired", DECLINE,
            f"身份证已于{facts.id_valid_until.isoformat()}过期，请客户换领后再申请。",
            f"The ID card expired on {facts.id_valid_until.isoformat()}: the customer needs "
            "a valid card.")
    if facts.id_number_valid is False:
        hit("id_check_failed", DECLINE, "身份证号校验位不正确，请核对号码。",
            "The ID number's check character is wrong: check the number.")
    if facts.ltv_cap is not None and facts.ltv > facts.ltv_cap + 1e-9:
        hit("ltv_above_cap", DECLINE,
            f"融资额占车价{facts.ltv:.0%}，超过上限{facts.ltv_cap:.0%}，请提高首付。",
            f"Loan-to-value {facts.ltv:.0%} is above the cap of {facts.ltv_cap:.0%}: raise "
            "the down payment.")
    if (facts.inquiries_3m is not None
            and facts.inquiries_3m >= config.multi_lender_inquiries_3m):
        hit("multi_lender", REFER,
            f"近3个月在其他机构有{facts.inquiries_3m}次征信查询，疑似多头借贷，需人工审核。",
            f"{facts.inquiries_3m} inquiries at other lenders in 3 months (multi-lender "
            "pattern): a person must review.")
    income = facts.monthly_income_fen
    if not facts.income_proven and income is not None \
            and income >= config.unproven_income_limit_fen:
        hit("unproven_income_high", REFER,
            f"月收入{_yuan(income)}元未提供证明，超过{_yuan(config.unproven_income_limit_fen)}"
            "元需人工核实或补充流水。",
            f"A monthly income of {_yuan(income)} yuan is not documented; above "
            f"{_yuan(config.unproven_income_limit_fen)} yuan a person must verify it or see "
            "bank statements.")
    return hits


def after_model(pd: float, config: PolicyConfig) -> list[PolicyHit]:
    if pd >= config.decline_pd:
        return [PolicyHit("score_high_risk", "after", DECLINE,
                          f"预估违约概率{pd:.1%}，不低于{config.decline_pd:.0%}。",
                          f"Estimated probability of default {pd:.1%}, at or above "
                          f"{config.decline_pd:.0%}.")]
    if pd >= config.grey_zone_pd:
        return [PolicyHit("score_grey_zone", "after", REFER,
                          f"预估违约概率{pd:.1%}，处于{config.grey_zone_pd:.0%}–"
                          f"{config.decline_pd:.0%}的人工复核区间。",
                          f"Estimated probability of default {pd:.1%}, in the "
                          f"{config.grey_zone_pd:.0%}–{config.decline_pd:.0%} grey zone: a "
                          "person reviews.")]
    return []
