"""The pre-score: policy rules, the segment's model, reasons, one verdict.

Advisory only (PIPL Art. 24): the output says what the desk expects and why; the
lessor's central service makes the decision and a person can always be asked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from models.prescore.features import SEGMENTS, Facts, features
from models.prescore.model import ModelError, SegmentModel
from models.prescore.policy import (
    DECLINE,
    REFER,
    PolicyConfig,
    PolicyHit,
    after_model,
    before_model,
)
from models.prescore.reasons import Reason, explain
from models.prescore.stability import bin_of

LIKELY_APPROVE = "likely_approve"
REFER_TO_PERSON = "refer"
LIKELY_DECLINE = "likely_decline"

HINTS = {
    LIKELY_APPROVE: {"zh": "预审结果良好，可继续提交；最终以出租人审批为准。",
                     "en": "The pre-score looks good: go on and submit. The lessor decides."},
    REFER_TO_PERSON: {"zh": "需人工复核：可补充材料（收入证明、流水）或调整方案后提交。",
                      "en": "A person will review it: add evidence (proof of income, bank "
                            "statements) or adjust the plan, then submit."},
    LIKELY_DECLINE: {"zh": "按当前方案很可能被拒：请先处理下列问题或调整方案。",
                     "en": "As it stands it is likely to be declined: deal with the points "
                           "below or change the plan first."},
}


@dataclass(frozen=True)
class PreScore:
    decision: str
    pd: float
    band: str
    reasons: list[Reason]
    policy_hits: list[PolicyHit]
    model_version: str
    segment: str
    # Each feature's training bin and "score": the band; for population stability.
    bins: dict[str, str] = field(default_factory=dict)

    @property
    def hint(self) -> dict[str, str]:
        return HINTS[self.decision]

    def to_json(self) -> dict[str, Any]:
        return {"decision": self.decision, "pd": round(self.pd, 4), "band": self.band,
                "reasons": [r.to_json() for r in self.reasons],
                "policy_hits": [h.to_json() for h in self.policy_hits],
                "model_version": self.model_version, "segment": self.segment,
                "hint": self.hint}


class PreScorer:
    """Loads the three segment models from `directory` (one sub-folder each)."""

    def __init__(self, directory: Path, policy: PolicyConfig | None = None) -> None:
        self.directory = Path(directory)
        self.policy = policy or PolicyConfig()
        missing = [s for s in SEGMENTS if not (self.directory / s).is_dir()]
        if missing:
            raise ModelError(f"no pre-score model for {', '.join(missing)} in "
                             f"{self.directory}")
        self.models = {s: SegmentModel(self.directory / s) for s in SEGMENTS}

    @property
    def versions(self) -> dict[str, str]:
        return {s: m.version for s, m in self.models.items()}

    def score(self, facts: Facts) -> PreScore:
        model = self.models[facts.segment]
        row = features(facts)
        scored = model.score(row)
        hits = before_model(facts, self.policy) + after_model(scored.pd, self.policy)
        if any(h.action == DECLINE for h in hits):
            decision = LIKELY_DECLINE
        elif any(h.action == REFER for h in hits):
            decision = REFER_TO_PERSON
        else:
            decision = LIKELY_APPROVE
        reasons = explain(scored.contributions, row, model.specs, model.medians, model.a)
        dist = model.card.get("training_distribution", {})
        bins = {name: bin_of(row.get(name), d) for name, d in dist.items() if name != "score"}
        bins["score"] = scored.band
        return PreScore(decision=decision, pd=scored.pd, band=scored.band, reasons=reasons,
                        policy_hits=hits, model_version=model.version,
                        segment=facts.segment, bins=bins)
