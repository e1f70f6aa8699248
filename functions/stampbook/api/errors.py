"""One error shape for every refusal: `{"error": {"code", "message", "field"}}`.

Chalice answers some requests itself (unknown method, wrong content type)
with its own body; the middleware here rewrites those into the same shape.
What the use cases raise is turned into it in `refusals`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from chalice.app import Response

JSON = "application/json"


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
