"""The pre-score as the desk keeps it: drafts, the stored result with its model
version, the lock once submitted, population stability per model, broken models."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

import resources
from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import ApplicationRow, AuditLogRow
from models.training.portfolio import AS_OF, generate
from showroom_app.domain.enums import ApplicationStatus, CustomerType, Role
from showroom_app.domain.errors import ApplicationLockedError
from showroom_app.domain.models import User
from showroom_app.finance.products import default_catalog
from showroom_app.services.applications import ApplicationService
from showroom_app.services.prescore import (
    Facts,
    FactsError,
    PreScoreService,
    PreScoreUnavailable,
)

TODAY = date(2026, 11, 29)


@pytest.fixture
def people(store: Store) -> tuple[User, User]:
    with store.transaction() as s:
        dealer = repo.add_dealer(s, "D1", "测试车行")
        consultant = repo.add_user(s, "desk", "李顾问", Role.CONSULTANT, "x", dealer.id)
        admin = repo.add_user(s, "root", "管理员", Role.ADMIN, "x", dealer.id)
    return consultant, admin


@pytest.fixture(scope="module")
def service_models() -> PreScoreService:
    service = PreScoreService(None)
    service.warm_up()
    return service


def facts(**changes) -> Facts:
    base = dict(segment="individual", as_of=TODAY, vehicle_category="nev",
                vehicle_price_fen=15_000_000, down_payment_fen=4_500_000, term_months=36,
                monthly_payment_fen=320_000, birth_date=date(1988, 3, 15),
                id_valid_until=date(2031, 5, 20), id_number_valid=True,
                monthly_income_fen=1_500_000, income_proven=True, employment_type="salaried",
                employment_years=6.0, residence_years=4.0, existing_debt_monthly_fen=0,
                inquiries_3m=0, inquiries_6m=1, overdue_months_24m=0, max_overdue_days=0)
    base.update(changes)
    return Facts(**base)


def test_start_draft_numbers_references_per_day(store: Store, people) -> None:
    consultant, _ = people
    apps = ApplicationService(store)
    first = apps.start_draft(consultant, CustomerType.INDIVIDUAL, TODAY, {"note": "a"})
    second = apps.start_draft(consultant, CustomerType.FARMER, TODAY)
    next_day = apps.start_draft(consultant, CustomerType.COMPANY, date(2026, 11, 30))
    assert [first[1], second[1], next_day[1]] == [
        "SR-20261129-0001", "SR-20261129-0002", "SR-20261130-0001"]
    assert apps.draft(consultant, first[0]) == {"note": "a"}
    with store.read() as s:
        row = s.get(ApplicationRow, second[0])
        assert row.status == ApplicationStatus.DRAFT.value
        assert row.customer_type == "farmer"


def test_saved_prescore_keeps_model_version_and_no_personal_values(
        store: Store, people, service_models: PreScoreService) -> None:
    consultant, _ = people
    service = PreScoreService(store)
    app_id, _ref = ApplicationService(store).start_draft(
        consultant, CustomerType.INDIVIDUAL, TODAY)
    result = service.score(facts())
    service.save(consultant, app_id, result, datetime(2026, 11, 29, 10, 0, tzinfo=UTC))

    stored = service.stored(app_id)
    assert stored["model_version"] == result.model_version
    assert stored["model_version"].startswith("individual-")
    assert stored["decision"] == result.decision
    assert stored["band"] == result.band
    assert stored["bins"]["score"] == result.band
    assert set(stored["bins"]) >= {"down_payment_ratio", "monthly_income", "score"}
    with store.read() as s:
        row = s.get(ApplicationRow, app_id)
        assert row.prescore_model == result.model_version
        audit = s.execute(select(AuditLogRow.detail).where(
            AuditLogRow.entity_id == app_id)).scalars().all()
    assert any("pre-score" in d for d in audit)
    # Clear text on purpose, so it must not carry the applicant's values: bins only.
    text = json.dumps(stored, ensure_ascii=False)
    assert "15000" not in text  # the monthly income in yuan
    assert "1988" not in text
    assert all("value" not in r for r in stored["reasons"])
    # The full result, words with values included, is in the encrypted draft.
    draft = ApplicationService(store).draft(consultant, app_id)
    assert draft["prescore"]["reasons"] == [r.to_json() for r in result.reasons]
    assert draft["prescore"]["policy_hits"] == [h.to_json() for h in result.policy_hits]


def test_prescore_is_frozen_once_submitted(store: Store, people,
                                           service_models: PreScoreService) -> None:
    consultant, _ = people
    service = PreScoreService(store)
    app_id, _ = ApplicationService(store).start_draft(consultant, CustomerType.INDIVIDUAL,
                                                      TODAY)
    with store.transaction() as s:
        repo.set_application_status(s, app_id, ApplicationStatus.QUEUED)
    with pytest.raises(ApplicationLockedError):
        service.save(consultant, app_id, service.score(facts()), datetime.now(UTC))
    assert service.stored(app_id) is None


def test_stability_per_model_in_use(store: Store, people,
                                    service_models: PreScoreService) -> None:
    consultant, _ = people
    service = PreScoreService(store)
    apps = ApplicationService(store)
    header, rows = generate("individual", 300, seed=7)
    names = header[:-2]
    for values in rows[:150]:
        app_id, _ = apps.start_draft(consultant, CustomerType.INDIVIDUAL, TODAY)
        row = dict(zip(names, values[:-2], strict=True))
        down_ratio = float(row["down_payment_ratio"])
        price = round(float(row["vehicle_price"]) * 100)
        f = facts(vehicle_category=row["vehicle_category"], vehicle_price_fen=price,
                  down_payment_fen=round(price * down_ratio),
                  term_months=int(row["term_months"]),
                  birth_date=date(AS_OF.year - int(row["age"]), 1, 1),
                  as_of=AS_OF, monthly_income_fen=(
                      round(float(row["monthly_income"]) * 100)
                      if row["monthly_income"] else None))
        service.save(consultant, app_id, service.score(f), datetime.now(UTC))
    reports = service.stability()
    assert [r.segment for r in reports] == ["individual"]
    report = reports[0]
    assert report.applications == 150
    by_name = {line.name: line for line in report.lines}
    assert set(by_name) >= {"score", "age", "monthly_income", "down_payment_ratio"}
    # Drawn like the training data: ages and prices stay stable...
    assert by_name["age"].psi < 0.25
    # ...while every one of them was given the same employment years: shifted.
    assert by_name["employment_years"].verdict == "shifted"
    assert service.stability(since=datetime(2100, 1, 1, tzinfo=UTC)) == []


def test_ltv_cap_from_the_catalog_and_id_number_check(service_models) -> None:
    catalog = default_catalog()
    data = {"segment": "individual", "vehicle_category": "used_car",
            "vehicle_price_fen": 10_000_000, "down_payment_fen": 1_000_000,
            "term_months": 36, "product_code": "auto_loan",
            "id_number": "110105198803151231"}  # wrong check character
    f = service_models.facts_from_application(data, TODAY, catalog)
    cap = catalog.products["auto_loan"].ltv_cap("used_car", False)
    assert f.ltv_cap == float(cap)
    assert f.id_number_valid is False
    assert f.birth_date is None  # not read from a number that fails its check
    codes = {h.code for h in service_models.score(f).policy_hits}
    assert {"id_check_failed", "ltv_above_cap"} <= codes

    data["id_number"] = "110105198803151232"
    f = service_models.facts_from_application(data, TODAY, catalog)
    assert f.id_number_valid is True and f.birth_date == date(1988, 3, 15)
    with pytest.raises(FactsError) as err:
        service_models.facts_from_application({**data, "product_code": "nope"}, TODAY, catalog)
    assert err.value.field == "product_code"


def test_missing_models_leave_the_desk_working(tmp_path: Path) -> None:
    broken = tmp_path / "prescore"
    shutil.copytree(resources.prescore_models(), broken)
    (broken / "fleet" / "model.txt").write_text("not a model", encoding="utf-8")
    service = PreScoreService(None, models_dir=broken)
    service.warm_up()  # logs, does not raise
    with pytest.raises(PreScoreUnavailable, match="cannot be loaded"):
        service.score(facts())
    with pytest.raises(PreScoreUnavailable):
        PreScoreService(None, models_dir=tmp_path / "nowhere").score(facts())


def test_rescoring_a_draft_moves_its_bin_counts(store: Store, people,
                                                 service_models: PreScoreService) -> None:
    consultant, _ = people
    service = PreScoreService(store)
    app_id, _ = ApplicationService(store).start_draft(consultant, CustomerType.INDIVIDUAL,
                                                      TODAY)
    first = service.score(facts(down_payment_fen=1_500_000))
    second = service.score(facts(down_payment_fen=7_500_000))
    assert first.bins["down_payment_ratio"] != second.bins["down_payment_ratio"]
    service.save(consultant, app_id, first, datetime.now(UTC))
    service.save(consultant, app_id, second, datetime.now(UTC))
    with store.read() as s:
        counts = repo.prescore_bin_counts(s)[second.model_version]
    # One application, counted once, in the bins of its latest score only.
    assert sum(counts["score"].values()) == 1
    assert counts["down_payment_ratio"].get(second.bins["down_payment_ratio"]) == 1
    assert counts["down_payment_ratio"].get(first.bins["down_payment_ratio"], 0) == 0
    report = service.stability()[0]
    assert report.applications == 1


def test_the_migration_counts_the_prescores_already_stored(store: Store, people,
                                                           service_models) -> None:
    from alembic import command
    from sqlalchemy import delete

    from local_store.db import _alembic_config
    from local_store.orm import PrescoreBinCountRow

    consultant, _ = people
    service = PreScoreService(store)
    for down in (1_500_000, 4_500_000, 7_500_000):
        app_id, _ = ApplicationService(store).start_draft(consultant, CustomerType.INDIVIDUAL,
                                                          TODAY)
        service.save(consultant, app_id, service.score(facts(down_payment_fen=down)),
                     datetime.now(UTC))
    with store.read() as s:
        before = repo.prescore_bin_counts(s)
    with store.transaction() as s:
        s.execute(delete(PrescoreBinCountRow))
    cfg = _alembic_config()
    with store.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0006")
        command.upgrade(cfg, "head")
    with store.read() as s:
        assert repo.prescore_bin_counts(s) == before


def test_about_reads_the_model_versions_without_loading_them() -> None:
    import json as _json

    versions = PreScoreService(None).bundled_versions()
    for segment, version in versions.items():
        card = _json.loads((resources.prescore_models() / segment / "model_card.json")
                           .read_text(encoding="utf-8"))
        assert version == card["model_version"]
    assert PreScoreService(None, models_dir=Path("/nowhere")).bundled_versions() == {
        "individual": "?", "fleet": "?", "farmer": "?"}
