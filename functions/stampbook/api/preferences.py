"""The preferences page: see and change my settings, pause the newsletter.

Everything here goes through the preferences link of a marketing email
(`Purpose.PREFERENCES`, about one customer). `GET /preferences?t=` shows the
settings and changes nothing; `POST /preferences` changes those it is sent.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from chalice.app import Blueprint, Response
from pydantic import BaseModel, Field, StringConstraints

from ..mail.tokens import Purpose
from ..services.preferences import PREFERENCES_FORM, Change, change_settings, settings_of
from ..services.subscriptions import Evidence
from .body import json_body
from .errors import answer_errors
from .openapi import Operation
from .public import (
    NO_REFERRER,
    answer,
    caller_ip,
    offered,
    postman,
    query_token,
    subject_of,
    user_agent,
)
from .subscriptions import Token, TokenIn

preferences = Blueprint(__name__)

Interest = Annotated[str, StringConstraints(max_length=64)]


class PreferencesIn(TokenIn):
    """Only the settings sent change; `birthday: null` forgets the birthday."""

    marketing: bool | None = None
    interests: tuple[Interest, ...] | None = Field(default=None, max_length=32)
    locale: str | None = Field(default=None, max_length=16)
    birthday: date | None = None


class PreferencesOut(BaseModel):
    locale: str
    interests: list[str]
    birthday: str | None
    marketing: bool  # the newsletter comes (consent confirmed and not paused)
    status: Literal["unconfirmed", "confirmed", "paused", "unsubscribed", "suppressed"]


_TOKEN_REFUSALS = (400, 404, 410, 413, 415, 422, 503)

OPERATIONS = [
    Operation(
        "GET",
        "/preferences",
        "My settings, through the preferences link (changes nothing)",
        PreferencesOut,
        integration_key=False,
        refusals=(400, 404, 410, 503),
        query=("t",),
    ),
    Operation(
        "POST",
        "/preferences",
        "Change my language, interests or birthday; pause or resume the newsletter",
        PreferencesOut,
        PreferencesIn,
        integration_key=False,
        refusals=_TOKEN_REFUSALS,
    ),
]


def customer_of(token: Token | None, field: str = "token") -> str:
    return subject_of(token, Purpose.PREFERENCES, field)


@preferences.route("/preferences", methods=["GET"])
@answer_errors
def show() -> Response:
    customer_id = customer_of(query_token(preferences.current_request), "t")
    return answer(settings_of(postman(), customer_id), headers=NO_REFERRER)


@preferences.route("/preferences", methods=["POST"])
@answer_errors
def change() -> Response:
    request = preferences.current_request
    body = json_body(request, PreferencesIn)
    customer_id = customer_of(body.token)
    offered(body.locale, body.interests or ())
    wanted = Change(
        locale=body.locale,
        interests=body.interests,
        birthday=body.birthday,
        forget_birthday="birthday" in body.model_fields_set and body.birthday is None,
        marketing=body.marketing,
    )
    evidence = Evidence(PREFERENCES_FORM, caller_ip(request), user_agent(request))
    return answer(change_settings(postman(), customer_id, wanted, evidence), headers=NO_REFERRER)
