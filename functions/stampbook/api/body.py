"""Reading a JSON request body into a typed model, or a 4xx saying what is wrong."""

from __future__ import annotations

from typing import TypeVar

from chalice.app import Request
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import JSON, ApiError

# A till's purchase with a few hundred lines fits many times over.
MAX_BODY_BYTES = 64 * 1024

M = TypeVar("M", bound=BaseModel)


class Body(BaseModel):
    """A request body: unknown fields are refused, not ignored, so typos surface."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def json_body(request: Request, model: type[M]) -> M:
    content_type = (request.headers.get("content-type") or JSON).split(";")[0].strip().lower()
    if content_type != JSON:
        raise ApiError(415, "unsupported_media_type", "send the body as application/json")
    raw = request.raw_body or b""
    if len(raw) > MAX_BODY_BYTES:
        raise ApiError(413, "too_large", f"the body is over {MAX_BODY_BYTES} bytes")
    try:
        return model.model_validate_json(raw or b"{}")
    except ValidationError as invalid:
        first = invalid.errors(include_url=False)[0]
        if first["type"] == "json_invalid":
            raise ApiError(400, "malformed_json", "the body is not valid JSON") from None
        field = ".".join(str(part) for part in first["loc"]) or None
        raise ApiError(422, "invalid", str(first["msg"]), field) from None
