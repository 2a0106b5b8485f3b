"""Typed client for the central API (`sync/openapi.yaml`), on requests.

Every call has a connect and a read timeout, TLS is verified, proxies from the
environment are honoured (requests does that), one pooled session is reused, and
every failure becomes one of a few exceptions that say what to do next: retry later
(`CentralUnavailable`, `CentralBusy`, `CentralServerError`), sign in again
(`CentralAuthError`), or show a person the server's message (`CentralRejected`).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter

CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 30.0
CHUNK_BYTES = 1024 * 1024


# --- errors --------------------------------------------------------------------------


class CentralError(Exception):
    """Base: `str(error)` is a sentence for the log; `retryable` says whether to try again."""

    retryable = False

    def __init__(self, message: str, status: int | None = None, code: str | None = None,
                 zh: str | None = None, field_errors: list[dict] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.zh = status, code, zh
        self.field_errors = field_errors or []


class CentralUnavailable(CentralError):
    """No answer: connection refused or reset, DNS, TLS, timeout. Nothing is known to
    have happened on the server, so the same request (same idempotency key) is retried."""

    retryable = True


class CentralServerError(CentralError):
    """5xx: the server failed; retry with the same key."""

    retryable = True


class CentralBusy(CentralError):
    """409 on an idempotent request: the same key is still being processed; retry later."""

    retryable = True


class CentralAuthError(CentralError):
    """401 that a token refresh did not cure: the device must be enrolled again."""


class CentralRejected(CentralError):
    """Any other 4xx: the server refuses this request as it is; a person must look."""


# --- results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Tokens:
    device_id: str
    dealer_code: str
    access_token: str
    access_expires_at: str
    refresh_token: str
    refresh_expires_at: str


@dataclass(frozen=True)
class Reason:
    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Condition:
    code: str
    zh: str
    en: str
    value: str


@dataclass(frozen=True)
class RemoteApplication:
    id: str
    client_reference: str
    status: str
    reasons: tuple[Reason, ...]
    conditions: tuple[Condition, ...]
    created_at: str
    updated_at: str


@dataclass(frozen=True)
class Submitted:
    application: RemoteApplication
    replayed: bool


@dataclass(frozen=True)
class DecisionEvent:
    seq: int
    application_id: str
    client_reference: str
    status: str
    reasons: tuple[Reason, ...]
    conditions: tuple[Condition, ...]
    at: str


@dataclass(frozen=True)
class DecisionPage:
    events: tuple[DecisionEvent, ...]
    next_cursor: str


@dataclass(frozen=True)
class UploadState:
    upload_id: str
    application_id: str
    size_bytes: int
    received_bytes: int
    chunk_bytes: int
    complete: bool
    document_id: str | None


@dataclass(frozen=True)
class ContractInfo:
    application_id: str
    number: str
    product_code: str
    pdf_sha256: str
    signed: bool
    signed_sha256: str | None
    signer_name: str | None
    signed_at: str | None


@dataclass(frozen=True)
class CatalogResult:
    """`catalog` is None when the server said 304 (the copy behind `etag` is current)."""

    etag: str | None
    catalog: dict[str, Any] | None


@dataclass(frozen=True)
class CampaignPage:
    items: tuple[dict[str, Any], ...]
    next_cursor: str


def _tokens(d: dict) -> Tokens:
    return Tokens(d["device_id"], d["dealer_code"], d["access_token"], d["access_expires_at"],
                  d["refresh_token"], d["refresh_expires_at"])


def _reasons(items: list[dict]) -> tuple[Reason, ...]:
    return tuple(Reason(r["code"], r["zh"], r["en"]) for r in items)


def _conditions(items: list[dict]) -> tuple[Condition, ...]:
    return tuple(Condition(c["code"], c["zh"], c["en"], c["value"]) for c in items)


def _application(d: dict) -> RemoteApplication:
    return RemoteApplication(d["id"], d["client_reference"], d["status"],
                             _reasons(d["reasons"]), _conditions(d["conditions"]),
                             d["created_at"], d["updated_at"])


def _contract(d: dict) -> ContractInfo:
    return ContractInfo(d["application_id"], d["number"], d["product_code"], d["pdf_sha256"],
                        d["signed"], d["signed_sha256"], d["signer_name"], d["signed_at"])


def _upload(d: dict) -> UploadState:
    return UploadState(d["upload_id"], d["application_id"], d["size_bytes"],
                       d["received_bytes"], d["chunk_bytes"], d["complete"], d["document_id"])


# --- the client -------------------------------------------------------------------------


@dataclass
class CentralClient:
    """One per desk process; thread-safe for the token refresh it may do."""

    base_url: str
    tokens: Tokens | None = None
    on_tokens: Callable[[Tokens], None] | None = None  # persist rotated tokens
    timeout: tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT)
    verify: bool | str = True
    session: requests.Session = field(default_factory=requests.Session)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        self.base_url = self.base_url.rstrip("/")
        adapter = HTTPAdapter(pool_connections=4, pool_maxsize=8, max_retries=0)
        # Retries are ours (same idempotency key, backoff); urllib3 must not add its own.
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.session.headers["User-Agent"] = "showroom-desk"

    def close(self) -> None:
        self.session.close()

    # --- transport ---------------------------------------------------------------

    def _request(self, method: str, path: str, *, auth: bool = True,
                 key: str | None = None, timeout: tuple[float, float] | None = None,
                 **kwargs: Any) -> requests.Response:
        for attempt in (1, 2):
            headers = dict(kwargs.pop("headers", None) or {})
            if auth:
                if self.tokens is None:
                    raise CentralAuthError("This desk is not enrolled with central yet.")
                headers["Authorization"] = f"Bearer {self.tokens.access_token}"
            if key is not None:
                headers["Idempotency-Key"] = key
            try:
                response = self.session.request(
                    method, self.base_url + path, headers=headers, verify=self.verify,
                    timeout=timeout or self.timeout, **kwargs)
            except requests.Timeout as exc:
                raise CentralUnavailable(f"central did not answer in time ({exc})") from exc
            except requests.RequestException as exc:
                raise CentralUnavailable(f"central is unreachable ({exc})") from exc
            if response.status_code == 401 and auth and attempt == 1 and self._refresh():
                continue  # the access token expired: refreshed once, same request again
            self._raise_for(response, idempotent=key is not None)
            return response
        raise AssertionError("unreachable")

    def _raise_for(self, response: requests.Response, idempotent: bool) -> None:
        status = response.status_code
        if status < 400:
            return
        try:
            body = response.json()
            code, message = body.get("code"), body.get("message") or {}
            en, zh = message.get("en") or response.reason, message.get("zh")
            field_errors = body.get("field_errors") or []
        except (ValueError, AttributeError):
            # A proxy's HTML error page or a truncated reply: not the service's answer.
            code, en, zh, field_errors = None, f"HTTP {status} {response.reason}", None, []
        text = f"central answered {status}{f' {code}' if code else ''}: {en}"
        if status >= 500 or (code is None and status in (408, 429)):
            raise CentralServerError(text, status, code, zh, field_errors)
        if status == 409 and code == "in_flight" and idempotent:
            raise CentralBusy(text, status, code, zh, field_errors)
        if status == 401:
            raise CentralAuthError(text, status, code, zh, field_errors)
        raise CentralRejected(text, status, code, zh, field_errors)

    def _refresh(self) -> bool:
        with self._lock:
            current = self.tokens
            if current is None:
                return False
            try:
                response = self.session.post(
                    self.base_url + "/v1/devices/refresh", timeout=self.timeout,
                    verify=self.verify, json={"refresh_token": current.refresh_token})
            except requests.RequestException:
                return False
            if response.status_code != 200:
                return False
            self.tokens = _tokens(response.json())
            if self.on_tokens is not None:
                self.on_tokens(self.tokens)
            return True

    # --- service -----------------------------------------------------------------

    def health(self) -> bool:
        try:
            return self._request("GET", "/v1/health", auth=False,
                                 timeout=(2.0, 3.0)).json().get("status") == "ok"
        except CentralError:
            return False

    def version(self) -> dict[str, str]:
        return self._request("GET", "/v1/version", auth=False).json()

    # --- devices -------------------------------------------------------------------

    def enroll(self, dealer_code: str, activation_code: str, device_name: str) -> Tokens:
        response = self._request("POST", "/v1/devices/enroll", auth=False, json={
            "dealer_code": dealer_code, "activation_code": activation_code,
            "device_name": device_name})
        self.tokens = _tokens(response.json())
        if self.on_tokens is not None:
            self.on_tokens(self.tokens)
        return self.tokens

    # --- applications -----------------------------------------------------------------

    def submit_application(self, body: dict[str, Any], idempotency_key: str) -> Submitted:
        response = self._request("POST", "/v1/applications", key=idempotency_key, json=body)
        return Submitted(_application(response.json()),
                         response.headers.get("Idempotency-Replayed") == "true")

    def get_application(self, application_id: str) -> RemoteApplication:
        return _application(self._request("GET", f"/v1/applications/{application_id}").json())

    def iter_applications(self, limit: int = 500) -> Iterator[RemoteApplication]:
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": limit}
            if cursor:
                params["cursor"] = cursor
            page = self._request("GET", "/v1/applications", params=params).json()
            yield from (_application(a) for a in page["items"])
            cursor = page["next_cursor"]
            if not cursor:
                return

    def decisions(self, cursor: str = "0", wait: int = 0, limit: int = 200) -> DecisionPage:
        # A long-poll holds the reply up to `wait` seconds: the read timeout must allow it.
        timeout = (self.timeout[0], self.timeout[1] + wait)
        page = self._request("GET", "/v1/decisions", timeout=timeout,
                             params={"cursor": cursor, "wait": wait, "limit": limit}).json()
        events = tuple(DecisionEvent(e["seq"], e["application_id"], e["client_reference"],
                                     e["status"], _reasons(e["reasons"]),
                                     _conditions(e["conditions"]), e["at"])
                       for e in page["events"])
        return DecisionPage(events, page["next_cursor"])

    # --- documents ----------------------------------------------------------------------

    def start_upload(self, application_id: str, doc_type: str, mime_type: str,
                     data: bytes) -> UploadState:
        return _upload(self._request(
            "POST", f"/v1/applications/{application_id}/documents",
            json={"doc_type": doc_type, "mime_type": mime_type, "size_bytes": len(data),
                  "sha256": hashlib.sha256(data).hexdigest()}).json())

    def upload_state(self, upload_id: str) -> UploadState:
        return _upload(self._request("GET", f"/v1/uploads/{upload_id}").json())

    def put_chunk(self, upload_id: str, offset: int, chunk: bytes) -> UploadState:
        return _upload(self._request(
            "PUT", f"/v1/uploads/{upload_id}/chunks/{offset}", data=chunk,
            headers={"Content-Type": "application/octet-stream"}).json())

    def complete_upload(self, upload_id: str) -> UploadState:
        return _upload(self._request("POST", f"/v1/uploads/{upload_id}/complete").json())

    def resume_upload(self, upload_id: str, data: bytes,
                      state: UploadState | None = None) -> UploadState:
        """Send what the server does not have yet, then complete. Safe to call again
        after any failure: without a `state` just received from the server, it asks
        the server where to resume."""
        state = state or self.upload_state(upload_id)
        while not state.complete and state.received_bytes < len(data):
            start = state.received_bytes
            state = self.put_chunk(upload_id, start, data[start:start + state.chunk_bytes])
        return state if state.complete else self.complete_upload(upload_id)

    # --- contracts ------------------------------------------------------------------------

    def contract_info(self, application_id: str) -> ContractInfo:
        return _contract(
            self._request("GET", f"/v1/applications/{application_id}/contract").json())

    def contract_pdf(self, application_id: str, signed: bool = False) -> bytes:
        name = "signed.pdf" if signed else "pdf"
        return self._request("GET", f"/v1/applications/{application_id}/contract/{name}").content

    def sign(self, application_id: str, body: dict[str, Any], idempotency_key: str
             ) -> ContractInfo:
        return _contract(self._request(
            "POST", f"/v1/applications/{application_id}/contract/signature",
            key=idempotency_key, json=body).json())

    def withdraw(self, application_id: str, reason: str, idempotency_key: str
                 ) -> RemoteApplication:
        return _application(self._request(
            "POST", f"/v1/applications/{application_id}/withdrawal", key=idempotency_key,
            json={"reason": reason}).json())

    def requote(self, application_id: str, body: dict[str, Any], idempotency_key: str
                ) -> RemoteApplication:
        """New figures for a conditional approval; central decides again at once."""
        return _application(self._request(
            "POST", f"/v1/applications/{application_id}/requote", key=idempotency_key,
            json=body).json())

    # --- catalog and campaigns ------------------------------------------------------------------

    def catalog(self, etag: str | None = None) -> CatalogResult:
        headers = {"If-None-Match": etag} if etag else {}
        response = self._request("GET", "/v1/catalog", headers=headers)
        if response.status_code == 304:
            return CatalogResult(etag, None)
        return CatalogResult(response.headers.get("ETag"), response.json())

    def campaigns(self, cursor: str = "") -> CampaignPage:
        page = self._request("GET", "/v1/campaigns", params={"cursor": cursor}).json()
        return CampaignPage(tuple(page["items"]), page["next_cursor"])
