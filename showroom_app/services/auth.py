"""Local accounts, sign-in, roles."""

from __future__ import annotations

import functools
import logging
from datetime import timedelta

from sqlalchemy.orm import Session

from local_store import repositories as repo
from local_store.db import Store
from local_store.orm import utcnow
from showroom_app.domain.enums import AuditAction, Permission, Role
from showroom_app.domain.errors import (
    AccountLockedError,
    AuthenticationError,
    PermissionDeniedError,
    ValidationError,
)
from showroom_app.domain.models import User
from showroom_app.services.passwords import hash_password, password_problem, verify_password

log = logging.getLogger(__name__)

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=5)
_USERNAME_MAX = 64


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user name is unknown, to keep the timing flat."""
    return hash_password("not a real password 0")


class AuthService:
    def __init__(self, store: Store) -> None:
        self._store = store

    def needs_first_run(self) -> bool:
        """True until the first administrator exists."""
        with self._store.read() as s:
            return repo.count_users(s) == 0

    def create_first_admin(self, username: str, display_name: str, password: str) -> User:
        with self._store.transaction() as s:
            if repo.count_users(s) != 0:
                raise PermissionDeniedError("The first administrator already exists.")
            user = self._add(s, username, display_name, Role.ADMIN, password)
            repo.audit(s, AuditAction.CREATE, "user", user.id, user, "first-run administrator")
        log.info("first administrator created: %s", user.username)
        return user

    def create_user(
        self, actor: User, username: str, display_name: str, role: Role, password: str
    ) -> User:
        require(actor, Permission.MANAGE_USERS)
        with self._store.transaction() as s:
            user = self._add(s, username, display_name, role, password)
            repo.audit(s, AuditAction.CREATE, "user", user.id, actor, f"role={role.value}")
        log.info("user %s created by %s", user.username, actor.username)
        return user

    def list_users(self, actor: User) -> list[User]:
        require(actor, Permission.MANAGE_USERS)
        with self._store.read() as s:
            return repo.list_users(s)

    @staticmethod
    def _add(s: Session, username: str, display_name: str, role: Role, password: str) -> User:
        username = username.strip()
        if not username or len(username) > _USERNAME_MAX or any(c.isspace() for c in username):
            raise ValidationError("username_invalid", field="username")
        if repo.user_row_by_username(s, username) is not None:
            raise ValidationError("username_taken", field="username")
        problem = password_problem(password)
        if problem:
            raise ValidationError(f"password_{problem}", field="password")
        dealer = repo.first_dealer(s)
        return repo.add_user(
            s,
            username,
            display_name.strip() or username,
            role,
            hash_password(password),
            dealer_id=dealer.id if dealer else None,
        )

    def sign_in(self, username: str, password: str) -> User:
        """Raises AuthenticationError (same message for unknown user and wrong password).

        A refusal is decided inside the transaction but raised after it commits:
        the failed-attempt count, the lockout and the audit row must persist.
        """
        now = utcnow()
        refusal: AuthenticationError | None = None
        with self._store.transaction() as s:
            row = repo.user_row_by_username(s, username.strip())
            if row is None or not row.active:
                # Same work as a real check, so timing does not reveal which names exist.
                verify_password(password, _dummy_hash())
                repo.audit(s, AuditAction.SIGN_IN_FAILED, "user", None, None, "unknown user")
                refusal = AuthenticationError("bad_credentials")
            elif row.locked_until is not None and row.locked_until > now:
                # Only someone who knows the password learns that the account is locked;
                # a guesser gets the same answer as for a wrong password or unknown name.
                locked_right = verify_password(password, row.password_hash)
                repo.audit(s, AuditAction.SIGN_IN_FAILED, "user", row.id, repo.to_user(row),
                           "while locked")
                refusal = (AccountLockedError("locked") if locked_right
                           else AuthenticationError("bad_credentials"))
            elif not verify_password(password, row.password_hash):
                row.failed_attempts += 1
                user = repo.to_user(row)
                if row.failed_attempts >= MAX_FAILED_ATTEMPTS:
                    row.locked_until = now + LOCKOUT
                    row.failed_attempts = 0
                    repo.audit(s, AuditAction.SIGN_IN_FAILED, "user", row.id, user, "locked")
                    log.warning("account %s locked after failed sign-ins", row.username)
                else:
                    repo.audit(s, AuditAction.SIGN_IN_FAILED, "user", row.id, user)
                refusal = AuthenticationError("bad_credentials")
            else:
                row.failed_attempts = 0
                row.locked_until = None
                row.last_sign_in_at = now
                user = repo.to_user(row)
                repo.audit(s, AuditAction.SIGN_IN, "user", user.id, user)
        if refusal is not None:
            raise refusal
        log.info("signed in: %s (%s)", user.username, user.role.value)
        return user

    def record(self, user: User, action: AuditAction) -> None:
        with self._store.transaction() as s:
            repo.audit(s, action, "user", user.id, user)


def require(user: User, permission: Permission) -> None:
    if not user.can(permission):
        raise PermissionDeniedError(f"permission_denied:{permission.value}")
