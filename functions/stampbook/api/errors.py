"""One error shape for every refusal: `{"error": {"code", "message", "field"}}`.

Chalice answers some requests itself (unknown method, wrong content type)
with its own body; the middleware here rewrites those into the same shape,
and turns anything unexpected into a bare 500 that reveals nothing.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from chalice.app import Response

from ..customers import InvalidEmail
from ..loyalty.errors import LoyaltyError, NotEnoughPoints
from ..services.limits import Limited
from ..store.base import IdempotencyConflict, StoreUnavailable, UnknownCustomer

log = logging.getLogger("stampbook.api")

JSON = "application/json"
V = TypeVar("V", bound=Callable[..., Any])


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers or {}


def error_response(
    status: int, code: str, message: str, field: str | None = None, **headers: str
) -> Response:
    body = {"error": {"code": code, "message": message, "field": field}}
    return Response(
        body=json.dumps(body, ensure_ascii=False),
        status_code=status,
        headers={"Content-Type": JSON, **headers},
    )


def refusal(error: Exception) -> ApiError | None:
    """The API's answer to an error a use case raised, if it is the caller's doing."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, NotEnoughPoints):
        return ApiError(409, error.code, str(error))
    if isinstance(error, LoyaltyError):
        return ApiError(422, error.code, str(error))
    if isinstance(error, IdempotencyConflict):
        return ApiError(
            409, "idempotency_conflict", "this id was already used for a different request"
        )
    if isinstance(error, UnknownCustomer):
        return ApiError(404, "unknown_customer", "no such customer")
    if isinstance(error, InvalidEmail):
        return ApiError(422, "invalid_email", "not an email address", "email")
    if isinstance(error, Limited):
        retry = {"Retry-After": str(error.retry_after)}
        return ApiError(429, "too_many_requests", "too many requests; try again later", None, retry)
    return None


# Chalice's own error codes, as the envelope names them.
_CHALICE_CODES = {
    "BadRequestError": "bad_request",
    "BadRequest": "bad_request",
    "MethodNotAllowedError": "method_not_allowed",
    "UnsupportedMediaType": "unsupported_media_type",
    "NotFoundError": "not_found",
    "UnauthorizedError": "unauthorized",
    "ForbiddenError": "forbidden",
    "TooManyRequestsError": "too_many_requests",
    "RequestTimeoutError": "request_timeout",
    "ConflictError": "conflict",
    "UnprocessableEntityError": "unprocessable",
}


def answer_errors(view: V) -> V:
    """Wrap a route: its refusals and failures leave as the envelope.

    Chalice would turn an exception into its own 500 and log the traceback,
    message included, which may hold an email address; here the caller's
    mistakes become 4xx and the log gets the error's type only.
    """

    @wraps(view)
    def answering(*args: Any, **kwargs: Any) -> Any:
        try:
            return view(*args, **kwargs)
        except Exception as error:
            known = refusal(error)
            if known is not None:
                return error_response(
                    known.status, known.code, known.message, known.field, **known.headers
                )
            if isinstance(error, StoreUnavailable):
                return error_response(503, "unavailable", "try again shortly", **_RETRY)
            log.error("unexpected %s in %s", type(error).__name__, view.__name__)
            return error_response(500, "internal", "something went wrong on our side")

    return answering  # type: ignore[return-value]


_RETRY = {"Retry-After": "5"}


def in_envelope(event: Any, get_response: Callable[[Any], Response]) -> Response:
    """HTTP middleware: Chalice's own refusals (405, 415, ...) in the one envelope."""
    response = get_response(event)
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body:
        code = _CHALICE_CODES.get(str(body["Code"]), "bad_request")
        message = str(body.get("Message", code))
        headers = {k: str(v) for k, v in response.headers.items() if k.lower() != "content-type"}
        return error_response(response.status_code, code, message, None, **headers)
    return response
