"""Sign-up with double opt-in, confirmation, and unsubscribing (RFC 8058 one-click too).

`POST /subscribe` answers `202` the same way for every address. The links
in emails open the site's pages, which show a button; only the button's
`POST` changes anything (mail scanners follow links). The one-click route
is what mailbox providers `POST` to from the `List-Unsubscribe` header:
no cookies, no key, both form encodings, `200` without a redirect.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from chalice.app import Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from ..mail.tokens import Purpose
from ..services.limits import Rate
from ..services.subscriptions import SIGN_UP_FORM, Evidence, SignUp, confirm, subscribe, unsubscribe
from .body import Body, json_body
from .context import current
from .errors import ApiError
from .formats import EMAIL, NAME, NOT_BLANK, TOKEN
from .openapi import Operation
from .public import (
    NO_REFERRER,
    address,
    answer,
    caller_ip,
    claim_of,
    is_a_bot,
    limit,
    limit_address,
    mailer,
    offered,
    query_token,
    subject_of,
    user_agent,
)
from .refusals import answer_errors
from .routes import FORMS, subscriptions

PER_IP = Rate("subscribe-ip", 20, 600)
PER_ADDRESS = Rate("subscribe-address", 5, 3600)

Token = Annotated[
    str,
    StringConstraints(min_length=1, max_length=512),
    Field(json_schema_extra={"pattern": TOKEN}),
]


class PublicFormIn(Body):
    """A form anyone may send: a hidden field and the fill time tell bots from people."""

    # Left empty by people (the field is hidden); bots fill it in.
    website: str = Field(default="", max_length=254)
    # Milliseconds between showing the form and sending it, measured by the page.
    fill_ms: int = Field(ge=0, le=86_400_000)


def _terms_or_newsletter(schema: dict[str, Any]) -> None:
    """Say in the document what `sign_up` checks: one of the two boxes ticked."""
    schema["anyOf"] = [
        {"required": [box], "properties": {box: {"const": True}}} for box in ("terms", "consent")
    ]


class SubscribeIn(PublicFormIn):
    model_config = ConfigDict(json_schema_extra=_terms_or_newsletter)

    email: str = Field(max_length=254, json_schema_extra={"pattern": EMAIL})
    name: str = Field(default="", max_length=80, json_schema_extra={"pattern": NAME})
    locale: str = Field(max_length=16)
    birthday: date | None = None
    interests: tuple[Annotated[str, StringConstraints(max_length=64)], ...] = Field(
        default=(), max_length=32
    )
    # Two consents, asked apart: the programme's terms (to join, required) and the
    # newsletter (marketing email, optional). A form that asks only `consent`
    # (the one box before the two) joined the programme with it.
    terms: bool = False
    consent: bool = False  # the newsletter's box, ticked
    # The text shown beside it.
    consent_version: str = Field(
        min_length=1, max_length=64, json_schema_extra={"pattern": NOT_BLANK}
    )
    # A friend's referral code (the sign-up link's `?ref=`); optional.
    ref: str = Field(default="", max_length=32)

    @field_validator("name")
    @classmethod
    def _plain_name(cls, name: str) -> str:
        # The name is the only text of theirs an email repeats: no links, no markup.
        if not name.isprintable() or any(bad in name.lower() for bad in ("://", "www.", "<", ">")):
            raise ValueError("a name, please: no links or markup")
        return name


class TokenIn(Body):
    token: Token


class Accepted(BaseModel):
    status: Literal["accepted"]


class Action(BaseModel):
    """What the `POST` of this link would do; the `GET` itself changes nothing."""

    action: Literal["confirm", "unsubscribe"]
    method: Literal["POST"]
    expires_at: str


class ConsentOut(BaseModel):
    status: Literal["unconfirmed", "confirmed", "member", "paused", "unsubscribed", "suppressed"]


class OneClickIn(BaseModel):
    """RFC 8058: the body a mailbox provider sends."""

    model_config = {"populate_by_name": True}
    list_unsubscribe: Literal["One-Click"] = Field(alias="List-Unsubscribe")


_TOKEN_REFUSALS = (400, 403, 410, 413, 415, 422, 429, 503)

OPERATIONS = [
    Operation(
        "POST",
        "/subscribe",
        "Sign up for the newsletter; a confirmation email follows (double opt-in)",
        Accepted,
        SubscribeIn,
        integration_key=False,
        refusals=(400, 404, 413, 415, 422, 429, 503),
        status=202,
    ),
    Operation(
        "GET",
        "/subscribe/confirm",
        "What confirming with this link will do (changes nothing)",
        Action,
        integration_key=False,
        refusals=(400, 403, 410),
        query=("t",),
    ),
    Operation(
        "POST",
        "/subscribe/confirm",
        "Confirm a sign-up; the welcome email follows. Repeating it is harmless",
        ConsentOut,
        TokenIn,
        integration_key=False,
        refusals=_TOKEN_REFUSALS,
    ),
    Operation(
        "GET",
        "/unsubscribe",
        "What unsubscribing with this link will do (changes nothing)",
        Action,
        integration_key=False,
        refusals=(400, 403, 410),
        query=("t",),
    ),
    Operation(
        "POST",
        "/unsubscribe",
        "Unsubscribe from all marketing email, at once",
        ConsentOut,
        TokenIn,
        integration_key=False,
        refusals=_TOKEN_REFUSALS,
    ),
    Operation(
        "POST",
        "/unsubscribe/one-click",
        "RFC 8058 one-click unsubscribe, as mailbox providers send it",
        ConsentOut,
        OneClickIn,
        integration_key=False,
        refusals=(400, 403, 410, 413, 415, 429, 503),
        query=("t",),
        body_types=FORMS,
    ),
]


def _evidence(form: str) -> Evidence:
    request = subscriptions.current_request
    return Evidence(form, caller_ip(request), user_agent(request))


@answer_errors
def sign_up() -> Response:
    request = subscriptions.current_request
    body = json_body(request, SubscribeIn)
    limit(PER_IP, caller_ip(request))
    email = address(body.email)
    offered(body.locale, body.interests)
    accepted = answer({"status": "accepted"}, 202)
    if is_a_bot(body.website, body.fill_ms):
        return accepted
    if not (body.terms or body.consent):
        from ..sitegen.words import site_words

        words = site_words(current().programme, body.locale)
        raise ApiError(422, "terms_required", words("errors.terms_required"), "terms")
    limit_address(PER_ADDRESS, email)
    invited_by = _referrer(body.ref, body.locale)
    form = SignUp(
        email,
        body.name,
        body.locale,
        body.consent_version,
        body.birthday,
        tuple(dict.fromkeys(body.interests)),
        invited_by=invited_by,
        newsletter=body.consent,
    )
    subscribe(current().emails, form, _evidence(SIGN_UP_FORM))
    return accepted


def _referrer(code: str, locale: str) -> str | None:
    """The id of the customer whose code this is; an unknown code is refused before
    anything is stored, so a mistyped one can be corrected instead of lost."""
    if not code.strip():
        return None
    referrer = current().store.customer_by_code(code)
    if referrer is None:
        from ..sitegen.words import site_words

        words = site_words(current().programme, locale)
        # Whether a code exists is the customer file's to say, not the form's: a 404.
        raise ApiError(404, "unknown_referral_code", words("errors.unknown_referral_code"), "ref")
    return referrer.customer_id


def _described(action: Literal["confirm", "unsubscribe"], purpose: Purpose) -> Response:
    claim = claim_of(query_token(subscriptions.current_request), purpose)
    body = {"action": action, "method": "POST", "expires_at": claim.expires.isoformat()}
    return answer(body, headers=NO_REFERRER)


def _acted(purpose: Purpose, form: str, token: str | None = None) -> Response:
    """The `POST` of a confirm or unsubscribe link: do it, and say where things stand."""
    if token is None:
        token = json_body(subscriptions.current_request, TokenIn).token
        customer_id = subject_of(token, purpose, "token")
    else:
        customer_id = subject_of(token, purpose)
    if purpose is Purpose.CONFIRM:
        status = confirm(current().emails, customer_id, _evidence(form))
    else:
        status = unsubscribe(mailer(), customer_id, _evidence(form))
    return answer({"status": str(status or "unconfirmed")}, headers=NO_REFERRER)


@answer_errors
def what_confirming_does() -> Response:
    return _described("confirm", Purpose.CONFIRM)


@answer_errors
def confirm_sign_up() -> Response:
    return _acted(Purpose.CONFIRM, "site:confirm")


@answer_errors
def what_unsubscribing_does() -> Response:
    return _described("unsubscribe", Purpose.UNSUBSCRIBE)


@answer_errors
def unsubscribe_by_button() -> Response:
    return _acted(Purpose.UNSUBSCRIBE, "site:unsubscribe")


@answer_errors
def unsubscribe_in_one_click() -> Response:
    request = subscriptions.current_request
    if len(request.raw_body or b"") > 16 * 1024:
        raise ApiError(413, "too_large", "a one-click body is a single short field")
    # The token alone decides (RFC 8058 bodies vary between providers, and the
    # token already says who and what); the body is not needed to act.
    return _acted(Purpose.UNSUBSCRIBE, "one-click", query_token(request) or "")
