"""One error model for every failure: a code, a message in Chinese and English, field errors."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from central.schemas import ErrorBody, FieldError, Localized

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, zh: str, en: str,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(en)
        self.status, self.code, self.zh, self.en = status, code, zh, en
        self.headers = headers or {}

    def body(self) -> ErrorBody:
        return ErrorBody(code=self.code, message=Localized(zh=self.zh, en=self.en))


def not_found(what_zh: str, what_en: str) -> ApiError:
    return ApiError(404, "not_found", f"找不到{what_zh}。", f"No such {what_en}.")


def error_response(status: int, body: ErrorBody, headers: dict[str, str] | None = None
                   ) -> JSONResponse:
    return JSONResponse(body.model_dump(mode="json"), status_code=status, headers=headers)


_HTTP_TEXTS = {
    401: ("unauthorized", "需要有效的访问令牌。", "A valid bearer token is required."),
    403: ("forbidden", "无权访问。", "Not allowed."),
    404: ("not_found", "找不到该资源。", "No such resource."),
    405: ("method_not_allowed", "不支持该请求方法。", "Method not allowed."),
    406: ("not_acceptable", "无法提供所要求的格式。", "Cannot produce the requested format."),
    413: ("too_large", "请求内容过大。", "The request body is too large."),
    415: ("unsupported_media_type", "不支持的内容类型。", "Unsupported content type."),
}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.body(), exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        if errors and all(tuple(e.get("loc", ()))[:2] == ("header", "idempotency-key")
                          for e in errors):
            from central.idempotency import key_required
            return error_response(422, key_required().body())
        fields = []
        for err in exc.errors()[:50]:
            where = ".".join(str(p) for p in err.get("loc", ()))
            fields.append(FieldError(
                field=where,
                code=str(err.get("type", "invalid")),
                message=Localized(zh=f"字段 {where} 不符合要求：{err.get('msg', '')}",
                                  en=f"{where}: {err.get('msg', 'invalid')}"),
            ))
        body = ErrorBody(
            code="validation_error",
            message=Localized(zh="请求内容不符合要求，请按字段错误逐项修改。",
                              en="The request is not valid; see the field errors."),
            field_errors=fields,
        )
        return error_response(422, body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 405:
            methods = set()
            for route in _request.app.routes:
                regex = getattr(route, "path_regex", None)
                if regex is not None and regex.match(_request.url.path):
                    methods |= set(getattr(route, "methods", None) or ())
            code, zh, en = _HTTP_TEXTS[405]
            return error_response(405, ErrorBody(code=code, message=Localized(zh=zh, en=en)),
                                  {"Allow": ", ".join(sorted(methods))})
        if exc.status_code == 400:  # FastAPI: a body that is not even text (bad UTF-8)
            return error_response(422, ErrorBody(
                code="validation_error",
                message=Localized(zh="请求内容不是有效的 JSON。", en="The body is not valid JSON."),
                field_errors=[FieldError(field="body", code="json_invalid", message=Localized(
                    zh="请求内容不是有效的 UTF-8 JSON。", en="body: not valid UTF-8 JSON"))],
            ))
        code, zh, en = _HTTP_TEXTS.get(
            exc.status_code, ("http_error", "请求无法处理。", str(exc.detail)))
        return error_response(exc.status_code,
                              ErrorBody(code=code, message=Localized(zh=zh, en=en)),
                              getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def unexpected(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error")
        return error_response(500, ErrorBody(
            code="internal_error",
            message=Localized(zh="服务内部错误，请稍后重试。", en="Internal error; retry later."),
        ))


ERROR_RESPONSES: dict[int | str, dict] = {
    code: {"model": ErrorBody, "description": text}
    for code, text in {
        401: "Missing, expired or revoked token.",
        404: "Not found, or not this dealer's.",
        413: "Body too large.",
        422: "Invalid request (see field errors).",
    }.items()
}
