"""The reference central leasing service: FastAPI routes over `central.db`.

Every route is synchronous on purpose: FastAPI runs them on its thread pool, and
SQLite (or PostgreSQL) does the locking; there is no shared in-process state.
"""

from __future__ import annotations

import hashlib
import re
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Path, Query, Request, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi_offline import FastAPIOffline
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from central import __version__ as central_version
from central import auth, idempotency, service
from central.db import (
    Application,
    Campaign,
    CatalogVersion,
    Contract,
    Database,
    Document,
    StatusEvent,
    Upload,
    UploadChunk,
    utcnow,
)
from central.errors import ERROR_RESPONSES, ApiError, install_error_handlers, not_found
from central.schemas import (
    CHUNK_BYTES,
    MAX_DOCUMENT_BYTES,
    ApplicationIn,
    ApplicationOut,
    ApplicationPage,
    CampaignPage,
    Catalog,
    ContractInfo,
    DecisionEvent,
    DecisionFeed,
    EnrollRequest,
    ErrorBody,
    Health,
    RefreshRequest,
    RequoteIn,
    SignatureIn,
    TokenPair,
    UploadStart,
    UploadState,
    Version,
    WithdrawalIn,
)
from central.schemas import (
    Campaign as CampaignOut,
)

API_VERSION = "1.0"
MAX_BODY_BYTES = 4 * 1024 * 1024
MAX_WAIT_SECONDS = 30
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Cursors the contract can describe: "<µs since epoch>.<id>" for applications, a
# sequence number for the feeds.
APPLICATION_CURSOR = r"^(\d{1,16}\.[0-9a-f]{32})?$"
SEQ_CURSOR = {"pattern": r"^\d*$"}


class BodyLimit:
    """Refuse bodies over MAX_BODY_BYTES: by their declared length before reading them,
    and by counting as they stream in when no length is declared (chunked encoding).

    The body is read here, up to the limit, and handed to the app from memory: the app
    would buffer it anyway, and an error raised inside the app's own read would be
    turned into a parse error instead of a 413.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY_BYTES):
            await self._refuse(send)
            return
        chunks: list[bytes] = []
        total, more = 0, True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > MAX_BODY_BYTES:
                await self._refuse(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body, delivered = b"".join(chunks), False

        async def replay() -> Message:
            nonlocal delivered
            if not delivered:
                delivered = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()  # after the body: only a disconnect can come

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(send: Send) -> None:
        body = ErrorBody(code="too_large", message={
            "zh": "请求内容过大（上限 4 MiB；大文件请分块上传）。",
            "en": "The request body is too large (4 MiB at most; upload files in chunks)."})
        payload = body.model_dump_json().encode()
        await send({"type": "http.response.start", "status": 413, "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode())]})
        await send({"type": "http.response.body", "body": payload})


def _bad_cursor() -> ApiError:
    return ApiError(422, "bad_cursor", "游标无效，请使用上一页返回的 next_cursor。",
                    "Invalid cursor: pass the next_cursor of the previous page.")


def _seq_cursor(cursor: str | None) -> int:
    if cursor in (None, ""):
        return 0
    if not cursor.isdigit() or len(cursor) > 18:
        raise _bad_cursor()
    return int(cursor)


def _session(request: Request) -> Iterator[Session]:
    """For reads only: writes open their own session so they commit before answering."""
    with request.app.state.db.read() as s:
        yield s


_bearer = HTTPBearer(auto_error=False, description="The device's access token.")


def _caller(request: Request,
            credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
            ) -> auth.Caller:
    header = f"Bearer {credentials.credentials}" if credentials else None
    with request.app.state.db.read() as s:
        return auth.authenticate(s, header)


Caller = Annotated[auth.Caller, Depends(_caller)]
Db = Annotated[Session, Depends(_session)]


def _no_unknown_query(request: Request) -> None:
    from fastapi.exceptions import RequestValidationError
    route = request.scope.get("route")
    if route is None or not hasattr(route, "dependant"):
        return

    def walk(d):
        names = {p.alias for p in d.query_params}
        for sub in d.dependencies:
            names |= walk(sub)
        return names
    known = walk(route.dependant)
    extra = [k for k in request.query_params if k not in known]
    if extra:
        raise RequestValidationError([{"type": "extra_forbidden", "loc": ("query", k),
                                       "msg": "Extra inputs are not permitted", "input": None}
                                      for k in extra])


def create_app(db: Database) -> FastAPI:
    app = FastAPIOffline(
        title="Showroom central leasing API",
        version=API_VERSION,
        description=(
            "Reference implementation of the central leasing service that dealer desks talk "
            "to: device enrollment, idempotent application submission, resumable document "
            "upload, decision feed, contracts and signatures, catalog and campaigns. Money is "
            "integer fen; rates are decimal strings. Every error has one shape (ErrorBody)."
        ),
        openapi_url="/v1/openapi.json",
        generate_unique_id_function=_operation_id,
        docs_url="/docs",
        redoc_url="/redoc",
        dependencies=[Depends(_no_unknown_query)],
    )
    app.state.db = db
    app.add_middleware(BodyLimit)
    install_error_handlers(app)

    def own_application(s: Session, who: auth.Caller, application_id: str) -> Application:
        app_row = s.get(Application, application_id)
        # Another dealer's application is "not found", never "forbidden": no probing.
        if app_row is None or app_row.dealer_id != who.dealer_id:
            raise not_found("该申请", "application")
        return app_row

    # --- health ------------------------------------------------------------------

    @app.get("/v1/health", response_model=Health, tags=["service"])
    def health() -> Health:
        return Health(status="ok", time=utcnow())

    @app.get("/v1/version", response_model=Version, tags=["service"])
    def version() -> Version:
        return Version(service="showroom-central", version=central_version,
                       api_version=API_VERSION)

    # --- devices -------------------------------------------------------------------

    def _pair(issued: auth.Issued) -> TokenPair:
        return TokenPair(device_id=issued.device_id, dealer_code=issued.dealer_code,
                         access_token=issued.access_token,
                         access_expires_at=issued.access_expires_at,
                         refresh_token=issued.refresh_token,
                         refresh_expires_at=issued.refresh_expires_at)

    @app.post("/v1/devices/enroll", response_model=TokenPair, status_code=201, tags=["devices"],
              responses={403: {"model": ErrorBody, "description": "Enrollment refused."},
                         **ERROR_RESPONSES})
    def enroll(body: EnrollRequest) -> TokenPair:
        """Trade a dealer code and a one-time activation code for a device and its tokens."""
        # Writes commit before the answer leaves: explicit sessions, not a yield dependency.
        with db.session() as s:
            issued = auth.enroll(s, body.dealer_code, body.activation_code, body.device_name)
        return _pair(issued)

    @app.post("/v1/devices/refresh", response_model=TokenPair, tags=["devices"],
              responses=ERROR_RESPONSES)
    def refresh(body: RefreshRequest) -> TokenPair:
        """A new access token; the refresh token rotates (each one works once)."""
        with db.session() as s:
            issued = auth.refresh(s, body.refresh_token)
        return _pair(issued)

    @app.post("/v1/devices/revoke", status_code=204, tags=["devices"],
              responses=ERROR_RESPONSES)
    def revoke(who: Caller) -> Response:
        """Revoke the calling device and all its tokens (a stolen or retired PC)."""
        with db.session() as s:
            auth.revoke_device(s, who.device_id)
        return Response(status_code=204)

    # --- applications ---------------------------------------------------------------

    @app.post(
        "/v1/applications", response_model=ApplicationOut, status_code=201,
        tags=["applications"],
        responses={
            200: {"description": "Never sent; replays repeat the first answer, 201 included."},
            409: {"model": ErrorBody, "description": "Same key still in flight, or the "
                  "client_reference was already submitted under another key."},
            **ERROR_RESPONSES,
        },
    )
    def submit(
        body: ApplicationIn,
        who: Caller,
        idempotency_key: Annotated[str, Header(
            min_length=8, max_length=128, pattern=idempotency.KEY_PATTERN,
            description="Client-generated, unique per submission, the same on every retry "
                        "(8–128 printable ASCII). Kept at least 7 days.")],
    ) -> Response:
        """Submit an application. Replays with the same key return the stored answer byte
        for byte with `Idempotency-Replayed: true`; a different body under the same key is
        422; a replay while the first is still being processed is 409."""
        key = idempotency.check_key(idempotency_key)
        payload_hash = idempotency.request_hash("submit_application",
                                                body.model_dump(mode="json"))

        def work(s: Session) -> tuple[int, bytes, str]:
            out = service.submit(s, who.dealer_id, who.device_id, body)
            return 201, out.model_dump_json().encode(), "application/json"

        stored = idempotency.run_once(db, who.dealer_id, key, "submit_application",
                                      payload_hash, work)
        return _stored_response(stored)

    @app.get("/v1/applications", response_model=ApplicationPage, tags=["applications"],
             responses=ERROR_RESPONSES)
    def list_applications(
        who: Caller, s: Db,
        cursor: Annotated[str | None, Query(max_length=60, json_schema_extra={
            "pattern": APPLICATION_CURSOR})] = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 100,
    ) -> ApplicationPage:
        """This dealer's applications, oldest first, `limit` at a time."""
        stmt = select(Application).where(Application.dealer_id == who.dealer_id)
        if cursor:
            m = re.fullmatch(r"(\d{1,16})\.([0-9a-f]{32})", cursor)
            if m is None:
                raise _bad_cursor()
            after = EPOCH + timedelta(microseconds=int(m[1]))
            last_id = m[2]
            stmt = stmt.where(or_(Application.created_at > after,
                                  and_(Application.created_at == after,
                                       Application.id > last_id)))
        rows = s.scalars(stmt.order_by(Application.created_at, Application.id)
                         .limit(limit + 1)).all()
        page, more = rows[:limit], len(rows) > limit
        next_cursor = (f"{(page[-1].created_at - EPOCH) // timedelta(microseconds=1)}.{page[-1].id}"
                       if more else None)
        return ApplicationPage(items=[service.application_out(a) for a in page],
                               next_cursor=next_cursor)

    @app.get("/v1/applications/{application_id}", response_model=ApplicationOut,
             tags=["applications"], responses=ERROR_RESPONSES)
    def get_application(application_id: str, who: Caller, s: Db) -> ApplicationOut:
        return service.application_out(own_application(s, who, application_id))

    def application_action(who: Any, application_id: str, idempotency_key: str, name: str,
                           body: Any, act: Callable[[Session, Any], object]) -> Response:
        """A change to one of the dealer's applications, idempotent by key: `act` runs
        once per key; a retry gets the stored answer."""
        key = idempotency.check_key(idempotency_key)
        operation = f"{name}:{application_id}"
        payload_hash = idempotency.request_hash(operation, body.model_dump(mode="json"))

        def work(s: Session) -> tuple[int, bytes, str]:
            app_row = own_application(s, who, application_id)
            act(s, app_row)
            return (200, service.application_out(app_row).model_dump_json().encode(),
                    "application/json")

        stored = idempotency.run_once(db, who.dealer_id, key, operation, payload_hash, work)
        return _stored_response(stored)

    @app.post(
        "/v1/applications/{application_id}/withdrawal", response_model=ApplicationOut,
        tags=["applications"],
        responses={409: {"model": ErrorBody, "description": "Already withdrawn, declined or "
                         "signed, or the same key still in flight."},
                   **ERROR_RESPONSES},
    )
    def withdraw(
        application_id: str, body: WithdrawalIn, who: Caller,
        idempotency_key: Annotated[str, Header(
            min_length=8, max_length=128, pattern=idempotency.KEY_PATTERN,
            description="As for submissions: the same on every retry of one withdrawal.")],
    ) -> Response:
        """Withdraw an application before its contract is signed; the reason is added to
        its reasons and the change appears in the decision feed. Idempotent by key."""
        return application_action(who, application_id, idempotency_key, "withdraw", body,
                                  lambda s, row: service.withdraw(s, row, body.reason))

    @app.post(
        "/v1/applications/{application_id}/requote", response_model=ApplicationOut,
        tags=["applications"],
        responses={409: {"model": ErrorBody, "description": "Not a conditional approval, "
                         "or the same key still in flight."},
                   **ERROR_RESPONSES},
    )
    def requote(
        application_id: str, body: RequoteIn, who: Caller,
        idempotency_key: Annotated[str, Header(
            min_length=8, max_length=128, pattern=idempotency.KEY_PATTERN,
            description="As for submissions: the same on every retry of one requote.")],
    ) -> Response:
        """Answer a conditional approval with new figures; the application is decided
        again at once and the outcome appears in the decision feed. Idempotent by key."""
        return application_action(who, application_id, idempotency_key, "requote", body,
                                  lambda s, row: service.requote(s, row, body))

    # --- decision feed ---------------------------------------------------------------

    @app.get("/v1/decisions", response_model=DecisionFeed, tags=["decisions"],
             responses=ERROR_RESPONSES)
    def decisions(
        who: Caller,
        cursor: Annotated[str | None, Query(max_length=18, json_schema_extra=SEQ_CURSOR,
                                            description=(
            "The `next_cursor` of the previous answer; empty or 0 from the start."))] = None,
        wait: Annotated[int, Query(ge=0, le=MAX_WAIT_SECONDS, description=(
            "Long-poll: hold the request up to this many seconds until something "
            "happens."))] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 200,
    ) -> DecisionFeed:
        """Every status change since the cursor, in a stable order (the order of commits)."""
        after = _seq_cursor(cursor)
        deadline = time.monotonic() + wait
        while True:
            with db.read() as s:
                rows = s.execute(
                    select(StatusEvent, Application.client_reference)
                    .join(Application, Application.id == StatusEvent.application_id)
                    .where(StatusEvent.dealer_id == who.dealer_id, StatusEvent.seq > after)
                    .order_by(StatusEvent.seq).limit(limit)).all()
            if rows or time.monotonic() >= deadline:
                break
            time.sleep(0.2)
        events = [DecisionEvent(seq=e.seq, application_id=e.application_id,
                                client_reference=ref, status=e.status, reasons=e.reasons,
                                conditions=e.conditions, at=e.at) for e, ref in rows]
        return DecisionFeed(events=events,
                            next_cursor=str(events[-1].seq if events else after))

    # --- documents -----------------------------------------------------------------

    def _upload_state(upload: Upload) -> UploadState:
        return UploadState(upload_id=upload.id, application_id=upload.application_id,
                           size_bytes=upload.size_bytes, received_bytes=upload.received_bytes,
                           chunk_bytes=CHUNK_BYTES, complete=upload.document_id is not None,
                           document_id=upload.document_id)

    def own_upload(s: Session, who: auth.Caller, upload_id: str) -> Upload:
        upload = s.get(Upload, upload_id)
        if upload is None or upload.dealer_id != who.dealer_id:
            raise not_found("该上传", "upload")
        return upload

    def file_document(s: Session, who: auth.Caller, upload: Upload, tail: bytes = b"") -> bool:
        """Join the chunks (and `tail`, the last chunk in hand), check size and sha256 and
        file the document. On a mismatch the upload starts over from byte 0, which the
        caller commits before answering 422."""
        chunks = s.scalars(select(UploadChunk).where(UploadChunk.upload_id == upload.id)
                           .order_by(UploadChunk.offset)).all()
        data = b"".join(c.data for c in chunks) + tail
        for c in chunks:
            s.delete(c)
        if len(data) != upload.size_bytes or hashlib.sha256(data).hexdigest() != upload.sha256:
            upload.received_bytes = 0
            return False
        document = Document(id=uuid.uuid4().hex, dealer_id=who.dealer_id,
                            application_id=upload.application_id, doc_type=upload.doc_type,
                            mime_type=upload.mime_type, size_bytes=len(data),
                            sha256=upload.sha256, data=data)
        s.add(document)
        upload.received_bytes, upload.document_id = len(data), document.id
        return True

    def checksum_mismatch() -> ApiError:
        return ApiError(422, "checksum_mismatch",
                        "文件大小或 SHA-256 校验不符，请从头重新上传。",
                        "Size or SHA-256 does not match; upload the file again from the start.")

    @app.post("/v1/applications/{application_id}/documents", response_model=UploadState,
              status_code=201, tags=["documents"], responses=ERROR_RESPONSES)
    def start_upload(application_id: str, body: UploadStart, who: Caller) -> UploadState:
        """Announce a document (size and sha256); then send its chunks in order."""
        with db.session() as s:
            own_application(s, who, application_id)
            upload = Upload(id=uuid.uuid4().hex, dealer_id=who.dealer_id,
                            application_id=application_id, doc_type=body.doc_type,
                            mime_type=body.mime_type, size_bytes=body.size_bytes,
                            sha256=body.sha256, received_bytes=0)
            s.add(upload)
            s.flush()
            return _upload_state(upload)

    @app.get("/v1/uploads/{upload_id}", response_model=UploadState, tags=["documents"],
             responses=ERROR_RESPONSES)
    def upload_state(upload_id: str, who: Caller, s: Db) -> UploadState:
        """Where to resume after a cut: send the chunk that starts at `received_bytes`."""
        return _upload_state(own_upload(s, who, upload_id))

    @app.put(
        "/v1/uploads/{upload_id}/chunks/{offset}", response_model=UploadState,
        tags=["documents"],
        responses={409: {"model": ErrorBody, "description": "Not the next chunk."},
                   **ERROR_RESPONSES},
        openapi_extra={"requestBody": {"required": True, "content": {
            "application/octet-stream": {
                "schema": {"type": "string", "format": "binary",
                           "minLength": 1, "maxLength": CHUNK_BYTES},
                "example": "<bytes of the file from offset, at most 1 MiB>"}}}},
    )
    async def put_chunk(
        upload_id: str, offset: Annotated[int, Path(ge=0, le=MAX_DOCUMENT_BYTES)],
        request: Request, who: Caller,
    ) -> UploadState:
        """Append one chunk (at most 1 MiB). The chunk that reaches the announced size
        also checks size and sha256 and files the document (`complete` becomes true; a
        mismatch answers 422 and the upload starts over). Re-sending the last chunk
        after a lost reply is harmless."""
        data = await request.body()  # async only to read raw bytes; the DB work is not
        if not data or len(data) > CHUNK_BYTES:
            raise ApiError(422, "bad_chunk", "分块必须为 1 字节至 1 MiB。",
                           "A chunk must be 1 byte to 1 MiB.")

        def store() -> UploadState:
            with db.session() as s:
                upload = own_upload(s, who, upload_id)
                if upload.document_id is not None:
                    return _upload_state(upload)
                end = offset + len(data)
                existing = s.get(UploadChunk, (upload_id, offset))
                if existing is not None and existing.data == data:
                    return _upload_state(upload)  # a retry of a chunk we already have
                if offset != upload.received_bytes or end > upload.size_bytes:
                    raise ApiError(409, "offset_mismatch",
                                   f"应从第 {upload.received_bytes} 字节继续上传。",
                                   f"Resume at byte {upload.received_bytes}.")
                if end < upload.size_bytes:
                    s.add(UploadChunk(upload_id=upload_id, offset=offset, data=data))
                    upload.received_bytes = end
                    return _upload_state(upload)
                # The last chunk files the document at once: one exchange and one commit
                # fewer per document than a separate `complete`, which stays harmless.
                if file_document(s, who, upload, tail=data):
                    return _upload_state(upload)
            raise checksum_mismatch()

        # A blocking database call must not stall the event loop (and every other request).
        return await run_in_threadpool(store)

    @app.post("/v1/uploads/{upload_id}/complete", response_model=UploadState,
              tags=["documents"], responses=ERROR_RESPONSES)
    def complete_upload(upload_id: str, who: Caller) -> UploadState:
        """Check size and sha256, then file the document (already done when the last chunk
        arrived: then this only answers the state). A mismatch starts the upload over."""
        with db.session() as s:
            upload = own_upload(s, who, upload_id)
            if upload.document_id is not None:
                return _upload_state(upload)
            if file_document(s, who, upload):
                return _upload_state(upload)
        raise checksum_mismatch()

    # --- contracts ---------------------------------------------------------------------

    def own_contract(s: Session, who: auth.Caller, application_id: str) -> Contract:
        own_application(s, who, application_id)
        contract = s.scalars(select(Contract).where(
            Contract.application_id == application_id)).first()
        if contract is None:
            raise ApiError(409, "contract_not_ready", "该申请还没有合同。",
                           "There is no contract for this application yet.")
        return contract

    def _contract_info(c: Contract) -> ContractInfo:
        return ContractInfo(application_id=c.application_id, number=c.number,
                            product_code=c.product_code, pdf_sha256=c.pdf_sha256,
                            signed=c.signed_pdf is not None, signed_sha256=c.signed_sha256,
                            signer_name=c.signer_name, signed_at=c.signed_at)

    pdf_response = {200: {"content": {"application/pdf": {
        "schema": {"type": "string", "format": "binary"}}},
        "description": "The PDF document."},
        409: {"model": ErrorBody, "description": "No contract yet, or not signed yet."},
        **ERROR_RESPONSES}

    @app.get("/v1/applications/{application_id}/contract", response_model=ContractInfo,
             tags=["contracts"], responses={
                 409: {"model": ErrorBody, "description": "No contract yet."},
                 **ERROR_RESPONSES})
    def contract_info(application_id: str, who: Caller) -> ContractInfo:
        # Its own sessions, not `Db`: drawing a PDF not drawn yet writes, after the read.
        with db.read() as s:
            c = own_contract(s, who, application_id)
        return _contract_info(service.rendered(db, c))

    @app.get("/v1/applications/{application_id}/contract/pdf", response_class=Response,
             tags=["contracts"], responses=pdf_response)
    def contract_pdf(application_id: str, who: Caller) -> Response:
        """The contract as issued (unsigned)."""
        with db.read() as s:
            c = own_contract(s, who, application_id)
        c = service.rendered(db, c)
        return Response(c.pdf, media_type="application/pdf",
                        headers={"ETag": f'"{c.pdf_sha256}"'})

    @app.get("/v1/applications/{application_id}/contract/signed.pdf", response_class=Response,
             tags=["contracts"], responses=pdf_response)
    def signed_pdf(application_id: str, who: Caller, s: Db) -> Response:
        """The signed contract, final and unchangeable."""
        c = own_contract(s, who, application_id)
        if c.signed_pdf is None:
            raise ApiError(409, "not_signed", "合同尚未签署。", "The contract is not signed yet.")
        return Response(c.signed_pdf, media_type="application/pdf",
                        headers={"ETag": f'"{c.signed_sha256}"'})

    @app.post(
        "/v1/applications/{application_id}/contract/signature", response_model=ContractInfo,
        status_code=201, tags=["contracts"],
        responses={409: {"model": ErrorBody, "description": "Not ready, or already signed."},
                   **ERROR_RESPONSES},
    )
    def sign(
        application_id: str, body: SignatureIn, who: Caller,
        idempotency_key: Annotated[str, Header(
            min_length=8, max_length=128, pattern=idempotency.KEY_PATTERN,
            description="As for submissions: the same on every retry of one signature.")],
    ) -> Response:
        """The customer's signature (image, strokes, signer, time) places the signature in
        the PDF and records the signed document's sha256. Idempotent by key."""
        key = idempotency.check_key(idempotency_key)
        payload_hash = idempotency.request_hash(f"sign:{application_id}",
                                                body.model_dump(mode="json"))

        def work(s: Session) -> tuple[int, bytes, str]:
            app_row = own_application(s, who, application_id)
            contract = service.sign(s, app_row, body)
            return 201, _contract_info(contract).model_dump_json().encode(), "application/json"

        stored = idempotency.run_once(db, who.dealer_id, key, f"sign:{application_id}",
                                      payload_hash, work)
        return _stored_response(stored)

    # --- catalog and campaigns -------------------------------------------------------------

    @app.get("/v1/catalog", response_model=Catalog, tags=["catalog"],
             responses={304: {"description": "Unchanged since the ETag you hold."},
                        **ERROR_RESPONSES})
    def catalog(who: Caller, s: Db,
                if_none_match: Annotated[str | None, Header(max_length=200)] = None
                ) -> Response:
        """Products, terms, rate grid, fees and LTV caps; versioned, with an ETag."""
        del who
        latest = s.scalars(select(CatalogVersion).order_by(CatalogVersion.version.desc())
                           .limit(1)).first()
        if latest is None:
            raise not_found("产品目录", "catalog")
        etag = f'"catalog-{latest.version}"'
        if if_none_match == etag:
            return Response(status_code=304, headers={"ETag": etag})
        body = Catalog(version=latest.version, **latest.body)
        return Response(body.model_dump_json(), media_type="application/json",
                        headers={"ETag": etag})

    @app.get("/v1/campaigns", response_model=CampaignPage, tags=["catalog"],
             responses=ERROR_RESPONSES)
    def campaigns(who: Caller, s: Db,
                  cursor: Annotated[str | None, Query(max_length=18,
                                                      json_schema_extra=SEQ_CURSOR)] = None,
                  ) -> CampaignPage:
        """Campaigns changed since the cursor (all of them from an empty cursor)."""
        after = _seq_cursor(cursor)
        rows = s.scalars(select(Campaign).where(
            Campaign.updated_seq > after,
            or_(Campaign.dealer_id.is_(None), Campaign.dealer_id == who.dealer_id),
        ).order_by(Campaign.updated_seq)).all()
        last = max((c.updated_seq for c in rows), default=after)
        return CampaignPage(items=[CampaignOut(active=c.active, **c.body) for c in rows],
                            next_cursor=str(last))

    return app


def _operation_id(route: APIRoute) -> str:
    """Operation ids are the handlers' names: stable, readable in generated clients."""
    return route.name


def _stored_response(stored: idempotency.Stored) -> Response:
    headers = {"Idempotency-Replayed": "true" if stored.replayed else "false"}
    return Response(stored.body, status_code=stored.status_code, media_type=stored.media_type,
                    headers=headers)
