"""Pre-score at the desk: the bundled models, the catalog's LTV caps, the stored result.

The UI reaches the pre-score only through this service (``ui`` may not import
``models``), so what it needs is re-exported: ``Facts``, ``FactsError``, ``PreScore``,
the verdicts and the segment, employment and category names.

LightGBM loads on first use (or in `warm_up`, off the UI thread at start): a CLI
command that never scores does not pay for it.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import resources
from local_store import repositories as repo
from local_store.db import Store
from models.prescore.features import (
    EMPLOYMENT_TYPES,
    SEGMENTS,
    VEHICLE_CATEGORIES,
    Facts,
    FactsError,
    facts_from_dict,
)
from models.prescore.policy import PolicyConfig
from showroom_app.domain.enums import AuditAction, Permission
from showroom_app.domain.models import User
from showroom_app.services.auth import require

if TYPE_CHECKING:
    from models.prescore.scorer import PreScore, PreScorer
    from models.prescore.stability import StabilityLine

__all__ = [
    "EMPLOYMENT_TYPES",
    "LIKELY_APPROVE",
    "LIKELY_DECLINE",
    "REFER",
    "SEGMENTS",
    "VEHICLE_CATEGORIES",
    "Facts",
    "FactsError",
    "PreScoreService",
    "PreScoreUnavailable",
    "StabilityReport",
    "facts_from_dict",
]

log = logging.getLogger(__name__)

LIKELY_APPROVE = "likely_approve"
REFER = "refer"
LIKELY_DECLINE = "likely_decline"


class PreScoreUnavailable(RuntimeError):
    """The bundled models are missing or damaged: the desk works on without a pre-score
    and says so (the lessor still decides every application)."""


@dataclass(frozen=True)
class StabilityReport:
    model_version: str
    segment: str
    applications: int
    lines: list[StabilityLine]  # one per feature, and "score" for the band mix


class PreScoreService:
    def __init__(self, store: Store | None, models_dir: Path | None = None,
                 policy: PolicyConfig | None = None) -> None:
        self._store = store
        self._dir = Path(models_dir) if models_dir else resources.prescore_models()
        self._policy = policy or PolicyConfig()
        self._scorer: PreScorer | None = None
        self._error: str | None = None
        self._lock = threading.Lock()

    def warm_up(self) -> None:
        """Load the models now; safe from any thread, errors kept for `scorer`."""
        try:
            self.scorer()
        except PreScoreUnavailable as exc:
            log.warning("pre-score unavailable: %s", exc)

    def scorer(self) -> PreScorer:
        with self._lock:
            if self._scorer is None:
                if self._error is not None:
                    raise PreScoreUnavailable(self._error)
                from models.prescore.model import ModelError
                from models.prescore.scorer import PreScorer

                try:
                    self._scorer = PreScorer(self._dir, self._policy)
                except (ModelError, OSError, KeyError, ValueError) as exc:
                    self._error = f"the pre-score models cannot be loaded: {exc}"
                    raise PreScoreUnavailable(self._error) from exc
            return self._scorer

    def bundled_versions(self) -> dict[str, str]:
        """Segment → model version from the model cards alone (Settings → About): no
        LightGBM load on the UI thread."""
        import json

        out = {}
        for segment in SEGMENTS:
            try:
                card = json.loads((self._dir / segment / "model_card.json")
                                  .read_text(encoding="utf-8"))
                out[segment] = str(card["model_version"])
            except (OSError, ValueError, KeyError):
                out[segment] = "?"
        return out

    def versions(self) -> dict[str, str]:
        """Segment → model version (Settings → About)."""
        return self.scorer().versions

    @staticmethod
    def ltv_cap(product: Any, category: str, is_nev: bool) -> float | None:
        """The product's cap as the policy rule reads it (a share, not money)."""
        cap: Decimal | None = product.ltv_cap(category, is_nev) if product else None
        return None if cap is None else float(cap)

    def facts_from_application(self, data: dict[str, Any], today: date,
                               catalog: Any = None) -> Facts:
        """`Facts` from an application JSON (docs/examples/application.json): the
        `Facts` fields plus, optionally, `product_code` (its LTV cap applies) and
        `id_number` (its check character is checked; the birth date is read from it
        when none is given). The ID number is used here and never kept."""
        data = dict(data)
        product_code = data.pop("product_code", None)
        id_number = data.pop("id_number", None)
        if id_number is not None:
            from showroom_app.documents.validators import id_birth_date, id_check_character

            number = str(id_number).strip().upper()
            valid = len(number) == 18 and number[:17].isdigit() and \
                id_check_character(number[:17]) == number[17]
            data.setdefault("id_number_valid", valid)
            born = id_birth_date(number) if valid else None
            if born is not None and not data.get("birth_date"):
                data["birth_date"] = born.isoformat()
        if product_code is not None:
            if catalog is None or product_code not in catalog.products:
                known = ", ".join(sorted(catalog.products)) if catalog else "none"
                raise FactsError(f"unknown product {product_code!r} (known: {known})",
                                 "product_code")
            if data.get("ltv_cap") is None:
                data["ltv_cap"] = self.ltv_cap(catalog.products[product_code],
                                               str(data.get("vehicle_category")),
                                               bool(data.get("is_nev")))
        return facts_from_dict(data, today)

    def score(self, facts: Facts) -> PreScore:
        return self.scorer().score(facts)

    def save(self, actor: User, application_id: str, result: PreScore,
             scored_at: datetime) -> None:
        """Keep the pre-score with the draft application and its model version.

        Two copies, in one transaction: the full result (policy texts name the age, the
        income, the ID's expiry) goes into the encrypted draft; the application row gets
        a clear summary for reports — verdict, PD, band, reason and rule codes with their
        value-free words, and each feature's training bin — never a value."""
        require(actor, Permission.WORK_APPLICATIONS)
        if self._store is None:
            raise RuntimeError("no local store")
        full = result.to_json() | {"scored_at": scored_at.isoformat()}
        summary = {
            "decision": result.decision, "pd": round(result.pd, 4), "band": result.band,
            "model_version": result.model_version, "segment": result.segment,
            "reasons": [{"code": r.code, "direction": r.direction, "zh": r.zh, "en": r.en,
                         "effect": round(r.effect, 4)} for r in result.reasons],
            "policy_hits": [{"code": h.code, "stage": h.stage, "action": h.action}
                            for h in result.policy_hits],
            "bins": result.bins,
            "scored_at": scored_at.isoformat(),
        }
        cipher = self._store.cipher
        with self._store.transaction() as s:
            draft = repo.get_application_draft(s, cipher, application_id) or {}
            draft["prescore"] = full
            repo.save_application_draft(s, cipher, application_id, draft)
            repo.set_application_prescore(s, application_id, summary, result.model_version)
            repo.audit(s, AuditAction.CHANGE, "application", application_id, actor,
                       f"pre-score {result.decision} band {result.band} "
                       f"({result.model_version})")

    def stored(self, application_id: str) -> dict[str, Any] | None:
        if self._store is None:
            return None
        with self._store.read() as s:
            return repo.get_application_prescore(s, application_id)

    def stability(self, since: datetime | None = None,
                  until: datetime | None = None) -> list[StabilityReport]:
        """Population stability of the applications created in [since, until) (whole
        China days), per model version in use, against that model's training data
        (manager's reports). Reads the daily bin counts, not the applications."""
        from models.prescore.stability import stability_from_counts

        if self._store is None:
            return []
        first = repo.china_day(since) if since is not None else None
        last = repo.china_day(until - timedelta(microseconds=1)) if until is not None else None
        with self._store.read() as s:
            counts = repo.prescore_bin_counts(s, first, last)
        models = {m.version: m for m in self.scorer().models.values()}
        reports = []
        for version, by_feature in sorted(counts.items()):
            model = models.get(version)
            # The band mix counts every scored application exactly once.
            n = sum(by_feature.get("score", {}).values())
            if model is None or not n:
                # Scored by a model this desk no longer ships: its training data is gone
                # with it, so there is nothing to compare against.
                continue
            reports.append(StabilityReport(
                model_version=version, segment=model.segment, applications=n,
                lines=stability_from_counts(model.card["training_distribution"],
                                            by_feature, n)))
        return reports
