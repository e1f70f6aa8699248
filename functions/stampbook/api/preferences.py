"""The preferences page: see and change my settings, pause the newsletter.

Everything here goes through the preferences link of a marketing email
(`Purpose.PREFERENCES`, about one customer). `GET /preferences?t=` shows the
settings and changes nothing; `POST /preferences` changes those it is sent.
`POST /preferences/export` hands over everything we hold about the customer;
`POST /preferences/delete` erases them (the books keep anonymous figures).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from chalice.app import Response
from pydantic import BaseModel, Field, StringConstraints

from ..mail.tokens import Purpose
from ..services.my_data import erase_me, my_data
from ..services.preferences import PREFERENCES_FORM, Change, change_settings, settings_of
from ..services.subscriptions import Evidence
from .body import json_body
from .context import current
from .openapi import Operation
from .public import (
    NO_REFERRER,
    answer,
    caller_ip,
    mailer,
    offered,
    query_token,
    subject_of,
    user_agent,
)
from .refusals import answer_errors
from .routes import preferences
from .subscriptions import Token, TokenIn

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
    status: Literal["unconfirmed", "confirmed", "member", "paused", "unsubscribed", "suppressed"]


class DeleteIn(TokenIn):
    understood: Literal[True]  # the box "I understand this cannot be undone", ticked


class MyDataOut(BaseModel):
    """Everything the customer file holds about me, as the owner's export has it."""

    customer: dict[str, Any]
    consents: list[dict[str, Any]]
    points: dict[str, Any]
    ledger: list[dict[str, Any]]
    orders: list[dict[str, Any]]
    refunds: list[dict[str, Any]]
    certificates: list[dict[str, Any]]
    feedback: list[dict[str, Any]]
    site_feedback: list[dict[str, Any]]  # left on the site with this address, for a reply


class Erased(BaseModel):
    status: Literal["erased"]


_TOKEN_REFUSALS = (400, 403, 404, 410, 413, 415, 422, 503)

OPERATIONS = [
    Operation(
        "GET",
        "/preferences",
        "My settings, through the preferences link (changes nothing)",
        PreferencesOut,
        integration_key=False,
        refusals=(400, 403, 404, 410, 503),
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
    Operation(
        "POST",
        "/preferences/export",
        "Everything held about me, as JSON to keep (changes nothing)",
        MyDataOut,
        TokenIn,
        integration_key=False,
        refusals=_TOKEN_REFUSALS,
    ),
    Operation(
        "POST",
        "/preferences/delete",
        "Erase me: my profile, consents and answers go; the books keep anonymous figures."
        " Repeating it is harmless",
        Erased,
        DeleteIn,
        integration_key=False,
        refusals=(400, 403, 410, 413, 415, 422, 503),
    ),
]


def customer_of(token: Token | None, field: str = "token") -> str:
    return subject_of(token, Purpose.PREFERENCES, field)


@answer_errors
def show() -> Response:
    customer_id = customer_of(query_token(preferences.current_request), "t")
    return answer(settings_of(mailer(), customer_id).as_json(), headers=NO_REFERRER)


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
    settings = change_settings(mailer(), customer_id, wanted, evidence)
    return answer(settings.as_json(), headers=NO_REFERRER)


@answer_errors
def export() -> Response:
    body = json_body(preferences.current_request, TokenIn)
    record = my_data(current().loyalty, customer_of(body.token))
    return answer(record.as_json(), headers=NO_REFERRER)


@answer_errors
def delete() -> Response:
    body = json_body(preferences.current_request, DeleteIn)
    # Already erased answers as erased now: a retry after a lost answer must
    # not read as a failure, and the link's owner learns nothing new from it.
    erase_me(current().store, customer_of(body.token))
    return answer({"status": "erased"}, headers=NO_REFERRER)
