"""The use cases' errors as the API's refusals, and a route's failures kept out of the logs.

Imported with the handlers, on the first request: it knows the domain's
errors, which a cold start does not need.
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from ..loyalty.errors import LoyaltyError
from ..records.customers import InvalidEmail
from ..services.limits import Limited
from ..store.base import IdempotencyConflict, StoreUnavailable, UnknownCustomer
from .errors import ApiError, error_response

log = logging.getLogger("stampbook.api")

V = TypeVar("V", bound=Callable[..., Any])


# What the records hold decides these, not the request's shape: a request well
# formed by the API's description may meet them, so they are 404 and 409, not 422.
_BY_THE_RECORDS = {
    "unknown_order": 404,
    "not_enough_points": 409,
    "refund_too_large": 409,
    "refund_before_purchase": 409,
    "certificate_not_usable": 409,
}


def refusal(error: Exception) -> ApiError | None:
    """The API's answer to an error a use case raised, if it is the caller's doing."""
    if isinstance(error, ApiError):
        return error
    if isinstance(error, LoyaltyError):
        return ApiError(_BY_THE_RECORDS.get(error.code, 422), error.code, str(error))
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


def answer_errors(view: V) -> V:
    """Wrap a route: its refusals and failures leave as the envelope.

    Chalice would turn an exception into its own 500 and log the traceback,
    message included, which may hold an email address; here the caller's
    mistakes become 4xx and the log gets the error's type and the lines it
    passed through, never its message.
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
            log.error(
                "unexpected %s in %s at %s",
                type(error).__name__,
                view.__name__,
                where_it_failed(error),
            )
            return error_response(500, "internal", "something went wrong on our side")

    return answering  # type: ignore[return-value]


_RETRY = {"Retry-After": "5"}


def where_it_failed(error: BaseException) -> str:
    """The traceback's frames, innermost last: file, line and function, no values."""
    frames = traceback.extract_tb(error.__traceback__)
    return " < ".join(
        f"{frame.filename.rsplit('/stampbook/', 1)[-1]}:{frame.lineno} {frame.name}"
        for frame in reversed(frames)
    )
