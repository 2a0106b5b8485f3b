"""Password hashing and the local accounts service."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import AuditLogRow, UserRow, utcnow
from showroom_app.domain.enums import ROLE_PERMISSIONS, AuditAction, Permission, Role
from showroom_app.domain.errors import (
    AccountLockedError,
    AuthenticationError,
    PermissionDeniedError,
    ValidationError,
)
from showroom_app.domain.models import User
from showroom_app.services.auth import MAX_FAILED_ATTEMPTS, AuthService, require
from showroom_app.services.passwords import hash_password, password_problem, verify_password

ADMIN_PASSWORD = "Admin-pass-2026"
CONSULTANT_PASSWORD = "consult123"

# --- passwords ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hashed() -> str:
    return hash_password("s3cret-pass")


def test_hash_and_verify(hashed: str) -> None:
    assert hashed.startswith("scrypt$")
    assert "s3cret-pass" not in hashed
    assert verify_password("s3cret-pass", hashed)
    assert not verify_password("s3cret-pasS", hashed)
    assert not verify_password("", hashed)


def test_hashes_differ_per_salt(hashed: str) -> None:
    again = hash_password("s3cret-pass")
    assert again != hashed
    assert again.split("$")[4] != hashed.split("$")[4]  # the salts
    assert verify_password("s3cret-pass", again)


@pytest.mark.parametrize("encoded", ["", "not-a-hash", "bcrypt$1$2$3$c2FsdA==$ZGlnZXN0"])
def test_verify_refuses_malformed_hashes(encoded: str) -> None:
    assert verify_password("anything1", encoded) is False


@pytest.mark.parametrize(
    ("password", "problem"),
    [
        ("", "too_short"),
        ("abc1234", "too_short"),
        ("abcdefgh", "letters_and_digits"),
        ("12345678", "letters_and_digits"),
        ("密码密码密码密码", "letters_and_digits"),
        ("abcdef12", None),
        ("correct horse 1", None),
        ("12345678!", None),
    ],
)
def test_password_problem(password: str, problem: str | None) -> None:
    assert password_problem(password) == problem


# --- first run and sign-in -----------------------------------------------------------------


@pytest.fixture
def auth(store: Store) -> AuthService:
    return AuthService(store)


@pytest.fixture
def admin(auth: AuthService) -> User:
    return auth.create_first_admin("boss", "The Boss", ADMIN_PASSWORD)


def _audit_rows(store: Store) -> list[AuditLogRow]:
    with store.transaction() as s:
        return list(s.scalars(select(AuditLogRow).order_by(AuditLogRow.id)))


def test_first_run(auth: AuthService) -> None:
    assert auth.needs_first_run() is True
    user = auth.create_first_admin(" boss ", "The Boss", ADMIN_PASSWORD)
    assert user.username == "boss"
    assert user.role is Role.ADMIN
    assert auth.needs_first_run() is False


def test_a_second_first_admin_is_refused(store: Store, auth: AuthService, admin: User) -> None:
    with pytest.raises(PermissionDeniedError):
        auth.create_first_admin("intruder", "Intruder", "Intruder-pass-1")
    with store.transaction() as s:
        assert [u.username for u in repo.list_users(s)] == ["boss"]


@pytest.mark.parametrize(
    ("username", "password", "code"),
    [
        ("", ADMIN_PASSWORD, "username_invalid"),
        ("two words", ADMIN_PASSWORD, "username_invalid"),
        ("boss", "short1", "password_too_short"),
        ("boss", "onlyletters", "password_letters_and_digits"),
    ],
)
def test_first_admin_input_is_validated(
    auth: AuthService, username: str, password: str, code: str
) -> None:
    with pytest.raises(ValidationError, match=code):
        auth.create_first_admin(username, "x", password)
    assert auth.needs_first_run() is True


def test_password_is_stored_hashed(store: Store, admin: User) -> None:
    with store.transaction() as s:
        row = repo.user_row_by_username(s, "boss")
        assert row is not None
        assert ADMIN_PASSWORD not in row.password_hash
        assert verify_password(ADMIN_PASSWORD, row.password_hash)


def test_sign_in_good_and_bad(auth: AuthService, admin: User) -> None:
    user = auth.sign_in("boss", ADMIN_PASSWORD)
    assert user == admin
    with pytest.raises(AuthenticationError, match="bad_credentials") as wrong:
        auth.sign_in("boss", "Admin-pass-2027")
    assert not isinstance(wrong.value, AccountLockedError)
    with pytest.raises(AuthenticationError, match="bad_credentials") as unknown:
        auth.sign_in("nobody", ADMIN_PASSWORD)
    # Same answer for an unknown user and a wrong password.
    assert str(unknown.value) == str(wrong.value)


def test_sign_in_records_last_sign_in(store: Store, auth: AuthService, admin: User) -> None:
    before = utcnow()
    auth.sign_in("boss", ADMIN_PASSWORD)
    with store.transaction() as s:
        row = s.get(UserRow, admin.id)
        assert row is not None
        assert row.last_sign_in_at is not None and row.last_sign_in_at >= before


def test_successful_sign_in_lands_in_audit_log(
    store: Store, auth: AuthService, admin: User
) -> None:
    auth.sign_in("boss", ADMIN_PASSWORD)
    rows = _audit_rows(store)
    assert [(r.action, r.entity) for r in rows] == [
        (AuditAction.CREATE.value, "user"),
        (AuditAction.SIGN_IN.value, "user"),
    ]
    assert rows[-1].user_id == admin.id
    assert rows[-1].username == "boss"
    assert ADMIN_PASSWORD not in "".join(r.detail for r in rows)


def test_failed_sign_ins_land_in_audit_log(store: Store, auth: AuthService, admin: User) -> None:
    with pytest.raises(AuthenticationError):
        auth.sign_in("boss", "Admin-pass-2027")
    with pytest.raises(AuthenticationError):
        auth.sign_in("nobody", "Admin-pass-2027")
    failed = [r for r in _audit_rows(store) if r.action == AuditAction.SIGN_IN_FAILED.value]
    assert [(r.user_id, r.detail) for r in failed] == [(admin.id, ""), (None, "unknown user")]


def test_lockout_after_five_failures(store: Store, auth: AuthService, admin: User) -> None:
    for _ in range(MAX_FAILED_ATTEMPTS):
        with pytest.raises(AuthenticationError):
            auth.sign_in("boss", "Admin-pass-2027")
    with pytest.raises(AccountLockedError):
        auth.sign_in("boss", ADMIN_PASSWORD)


def _set_locked_until(store: Store, user_id: str, delta: timedelta) -> None:
    with store.transaction() as s:
        row = s.get(UserRow, user_id)
        assert row is not None
        row.locked_until = utcnow() + delta


def test_a_locked_account_refuses_even_the_right_password(
    store: Store, auth: AuthService, admin: User
) -> None:
    _set_locked_until(store, admin.id, timedelta(minutes=5))
    with pytest.raises(AccountLockedError):
        auth.sign_in("boss", ADMIN_PASSWORD)
    # A wrong password on a locked account says nothing about the lock: a guesser
    # learns no more than from an unknown user name.
    with pytest.raises(AuthenticationError) as wrong:
        auth.sign_in("boss", "Not-the-password-1")
    assert not isinstance(wrong.value, AccountLockedError)
    assert str(wrong.value) == "bad_credentials"


def test_an_expired_lock_lets_the_user_in_again(
    store: Store, auth: AuthService, admin: User
) -> None:
    _set_locked_until(store, admin.id, timedelta(seconds=-1))
    assert auth.sign_in("boss", ADMIN_PASSWORD) == admin
    with store.transaction() as s:
        row = s.get(UserRow, admin.id)
        assert row is not None and row.locked_until is None


def test_inactive_user_cannot_sign_in(store: Store, auth: AuthService, admin: User) -> None:
    with store.transaction() as s:
        row = s.get(UserRow, admin.id)
        assert row is not None
        row.active = False
    with pytest.raises(AuthenticationError, match="bad_credentials"):
        auth.sign_in("boss", ADMIN_PASSWORD)


# --- users and roles ------------------------------------------------------------------------


def test_admin_creates_a_consultant(store: Store, auth: AuthService, admin: User) -> None:
    consultant = auth.create_user(admin, "wang", "王经理", Role.CONSULTANT, CONSULTANT_PASSWORD)
    assert consultant.role is Role.CONSULTANT
    assert auth.sign_in("wang", CONSULTANT_PASSWORD) == consultant
    assert {u.username for u in auth.list_users(admin)} == {"boss", "wang"}
    created = [r for r in _audit_rows(store) if r.entity_id == consultant.id]
    assert created[0].action == AuditAction.CREATE.value
    assert created[0].user_id == admin.id
    assert created[0].detail == "role=consultant"


def test_duplicate_username_is_refused(auth: AuthService, admin: User) -> None:
    with pytest.raises(ValidationError, match="username_taken") as info:
        auth.create_user(admin, "boss", "Other", Role.MANAGER, "Manager-pass-1")
    assert info.value.field == "username"


def test_consultant_cannot_manage_users(store: Store, auth: AuthService, admin: User) -> None:
    consultant = auth.create_user(admin, "wang", "Wang", Role.CONSULTANT, CONSULTANT_PASSWORD)
    with pytest.raises(PermissionDeniedError, match="manage_users"):
        auth.create_user(consultant, "li", "Li", Role.ADMIN, "Escalate-pass-1")
    with pytest.raises(PermissionDeniedError):
        auth.list_users(consultant)
    with store.transaction() as s:
        assert repo.user_row_by_username(s, "li") is None


def test_role_permissions() -> None:
    def user(role: Role) -> User:
        return User(id=role.value, username=role.value, display_name=role.value, role=role)

    consultant, manager, admin = user(Role.CONSULTANT), user(Role.MANAGER), user(Role.ADMIN)

    assert consultant.can(Permission.WORK_APPLICATIONS)
    assert not consultant.can(Permission.MANAGE_USERS)
    assert not consultant.can(Permission.VIEW_ALL_REPORTS)
    assert not consultant.can(Permission.CHANGE_SETTINGS)  # e.g. the desk's auto-lock time

    assert manager.can(Permission.VIEW_ALL_REPORTS)
    assert manager.can(Permission.CHANGE_SETTINGS)
    assert not manager.can(Permission.MANAGE_USERS)

    assert all(admin.can(p) for p in Permission)
    assert ROLE_PERMISSIONS[Role.CONSULTANT] < ROLE_PERMISSIONS[Role.MANAGER]
    assert ROLE_PERMISSIONS[Role.MANAGER] < ROLE_PERMISSIONS[Role.ADMIN]

    require(admin, Permission.MANAGE_USERS)
    with pytest.raises(PermissionDeniedError, match="view_all_reports"):
        require(consultant, Permission.VIEW_ALL_REPORTS)
