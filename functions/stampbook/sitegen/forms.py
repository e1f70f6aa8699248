"""The form pages: sign up, confirm, my points, preferences, unsubscribe, questionnaires.

Each is a Markdown page around one or more plain HTML forms that work with
`site/assets/stampbook/forms.js`. A form names its API endpoint and method
and carries every message the script may show, already in the page's
language, so the script has no words of its own. Pages opened from an email
link read the token from `?t=` and change nothing until a button is pressed:
a GET never acts, since mail scanners follow links.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from dataclasses import dataclass

from ..mail.strings import Strings
from ..programme import Programme
from .markdown import CUSTOMER_PAGE, heading
from .words import owner_text

# The API's routes, relative to its base URL (`extra.api_url`).
SUBSCRIBE = "subscribe"
CONFIRM = "subscribe/confirm"
POINTS = "points"
PREFERENCES = "preferences"
EXPORT = "preferences/export"
DELETE = "preferences/delete"
UNSUBSCRIBE = "unsubscribe"
FEEDBACK = "feedback"
SITE_FEEDBACK = "feedback/site"
# The site's words for the API's refusals: `errors.<code>`.
ERRORS = "errors."

# The questionnaire's answers as the API takes them (`FeedbackReason`), and the
# site's word for each (the word keys predate the domain's names).
FEEDBACK_REASONS = {
    "did_not_fit": "forms.reason_product",
    "staff": "forms.reason_staff",
    "pushy_sale": "forms.reason_pushy",
    "other": "forms.reason_other",
}


def _attr(text: str) -> str:
    return html.escape(text, quote=True)


@dataclass(frozen=True)
class Form:
    """One `<form>`: where it posts, what it says when done, its fields and button."""

    name: str
    endpoint: str
    done: str
    button: str
    fields: tuple[str, ...] = ()
    token: bool = False  # sends the `?t=` token of the page's link
    method: str = "POST"
    result: str = ""  # a GET form fills this element with the answer

    def html(self, words: Strings, api_url: str) -> str:
        messages = {
            "failed": words("forms.failed"),
            "offline": words("forms.offline"),
            "required": words("forms.required"),
            "working": words("forms.working"),
            "done": self.done,
            "no-token": words("forms.no_token"),
        }
        data = " ".join(f'data-msg-{key}="{_attr(value)}"' for key, value in messages.items())
        token = ' data-token="required"' if self.token else ""
        lines = [
            f'<form class="sb-form" data-sb-form="{self.name}" data-api="{_attr(api_url)}" '
            f'data-endpoint="{self.endpoint}" data-method="{self.method}"{token} {data} '
            "novalidate>",
            *self.fields,
            '<p><button type="submit" class="md-button md-button--primary">'
            f"{_attr(self.button)}</button></p>",
            '<p class="sb-status" role="status" aria-live="polite"></p>',
            "</form>",
        ]
        if self.result:
            lines.append(self.result)
        return "\n".join(lines)


def _field(
    name: str,
    label: str,
    kind: str = "text",
    *,
    required: bool = False,
    autocomplete: str = "",
) -> str:
    """A labelled input with its own error slot, tied by aria-describedby."""
    ident = f"sb-{name}"
    extra = ' required aria-required="true"' if required else ""
    if autocomplete:
        extra += f' autocomplete="{autocomplete}"'
    return (
        f'<p class="sb-field"><label for="{ident}">{_attr(label)}</label>'
        f'<input id="{ident}" name="{name}" type="{kind}"{extra} aria-describedby="{ident}-error">'
        f'<span class="sb-error" id="{ident}-error"></span></p>'
    )


def _checkbox(name: str, label: str, value: str = "true", *, required: bool = False) -> str:
    ident = f"sb-{name}-{value}" if value != "true" else f"sb-{name}"
    extra = ' required aria-required="true"' if required else ""
    error = f'<span class="sb-error" id="{ident}-error"></span>' if required else ""
    described = f' aria-describedby="{ident}-error"' if required else ""
    return (
        f'<p class="sb-check"><input id="{ident}" name="{name}" type="checkbox" '
        f'value="{_attr(value)}"'
        f"{extra}{described}>"
        f'<label for="{ident}">{_attr(label)}</label>{error}</p>'
    )


def _terms_checkbox(words: Strings) -> str:
    """The programme's terms, accepted to join: required, with the terms a click away."""
    said = _attr(words("errors.terms_required"))
    return (
        '<p class="sb-check"><input id="sb-terms" name="terms" type="checkbox" value="true" '
        'required aria-required="true" aria-describedby="sb-terms-error" '
        f'data-msg-required="{said}">'
        f'<label for="sb-terms">{_attr(words("forms.terms_accept"))} '
        f'(<a href="../terms/">{_attr(words("forms.terms_read"))}</a>)</label>'
        '<span class="sb-error" id="sb-terms-error"></span></p>'
    )


def _radio(name: str, label: str, value: str, *, checked: bool = False) -> str:
    ident = f"sb-{name}-{value}"
    on = " checked" if checked else ""
    return (
        f'<p class="sb-check"><input id="{ident}" name="{name}" type="radio" '
        f'value="{_attr(value)}"{on}><label for="{ident}" lang="{_attr(value)}">'
        f"{_attr(label)}</label></p>"
    )


def _language_name(code: str) -> str:
    """A language named in itself ("Русский", "Հայերեն"): its readers find it so."""
    from babel import Locale

    name = Locale.parse(code).get_display_name(code) or code
    return name[:1].upper() + name[1:]


def _choices(legend: str, boxes: Iterable[str]) -> str:
    return (
        f'<fieldset class="sb-choices"><legend>{_attr(legend)}</legend>{"".join(boxes)}</fieldset>'
    )


# People never see this field; bots fill it in, and the API then stores nothing.
# A form with it also tells the API how long it was open (forms.js).
def _hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{name}" value="{_attr(value)}">'


_HONEYPOT = (
    '<p class="sb-honeypot" aria-hidden="true"><label for="sb-website">Website</label>'
    '<input id="sb-website" name="website" type="text" tabindex="-1" autocomplete="off"></p>'
)


def _page(words: Strings, title: str, intro: str, *forms: str) -> str:
    body = "\n\n".join([heading(1, title), intro, *forms, _refusals(words)])
    return CUSTOMER_PAGE + body + "\n"


def _refusals(words: Strings) -> str:
    """What the API may refuse with, by code, in the page's language: the
    script shows these, never the envelope's English `message`."""
    said = {
        key.removeprefix(ERRORS): words(key)
        for key in sorted(words.texts)
        if key.startswith(ERRORS)
    }
    blob = json.dumps(said, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    return f'<script type="application/json" id="sb-errors">{blob}</script>'


def signup_page(programme: Programme, locale: str, words: Strings, api_url: str) -> str:
    programme_file = programme.programme_file
    interests = [
        _checkbox("interests", owner_text(programme, interest.name, locale), interest.id)
        for interest in programme_file.interests
    ]
    consent = owner_text(programme, programme_file.consent.text, locale)
    version = programme_file.consent.version
    fields = [
        _field("email", words("forms.email"), "email", required=True, autocomplete="email"),
        _field("name", words("forms.name"), autocomplete="name"),
        _field("birthday", words("forms.birthday"), "date", autocomplete="bday"),
        # Filled in from the sign-up link's `?ref=` (forms.js).
        _field("ref", words("forms.referral_code"), autocomplete="off"),
        *([_choices(words("forms.interests"), interests)] if interests else []),
        # Two consents, asked apart: joining needs the terms; the newsletter is a
        # choice of its own, left unticked (GDPR art. 7; 38-FZ art. 18).
        _terms_checkbox(words),
        _checkbox("consent", consent),
        _hidden("consent_version", programme_file.consent.version),
        _hidden("locale", locale),
        _HONEYPOT,
        f'<p class="sb-note">{_attr(words("forms.consent_version", version=version))}</p>',
    ]
    form = Form(
        "signup", SUBSCRIBE, words("forms.signup_done"), words("forms.signup_button"), tuple(fields)
    )
    return _page(words, words("nav.signup"), words("forms.signup_intro"), form.html(words, api_url))


def confirm_page(words: Strings, api_url: str) -> str:
    form = Form(
        "confirm", CONFIRM, words("forms.confirm_done"), words("forms.confirm_button"), token=True
    )
    return _page(
        words, words("nav.confirm"), words("forms.confirm_intro"), form.html(words, api_url)
    )


def _email_request(words: Strings) -> tuple[str, ...]:
    # The link is written in the customer's own language, as the store knows it.
    return (_field("email", words("forms.email"), "email", required=True, autocomplete="email"),)


def points_page(locale: str, words: Strings, api_url: str, *, certificates: bool = True) -> str:
    """The member's own page, filled from the API's answer in the page's words (`shown`).

    `certificates`: whether the programme gives any (else no section for them).
    """

    def said(key: str, tag: str = "p", css: str = "") -> str:
        css_class = f' class="{css}"' if css else ""
        return f'<{tag}{css_class} data-sb-shown="{key}" hidden></{tag}>'

    def section(key: str, title: str, *inside: str) -> str:
        body = "".join(inside)
        return (
            f'<section class="sb-member__{key}" data-sb-list="{key}" hidden>'
            f"<h2>{_attr(title)}</h2>{body}</section>"
        )

    columns = "".join(
        f'<th scope="col"{klass}>{_attr(words(f"member.col_{name}"))}</th>'
        for name, klass in (
            ("date", ""),
            ("what", ""),
            ("order", ""),
            ("points", ' class="sb-points"'),  # over its figures, aligned as they are
        )
    )
    parts = [
        said("balance", "p", "sb-member__balance"),
        said("pending"),
        said("expiring"),
        said("tier", "p", "sb-member__tier"),
        '<progress class="sb-member__progress" max="1" data-sb-shown="progress" '
        f'aria-label="{_attr(words("forms.points_tier"))}" hidden></progress>',
        said("next_tier"),
    ]
    if certificates:
        parts.append(
            section("certificates", words("member.certificates"), '<ul class="sb-cards"></ul>')
        )
    # A class of its own keeps Material from wrapping it in a second scroller; the one
    # it has can be reached and scrolled from the keyboard.
    table = f'<table class="sb-history"><thead><tr>{columns}</tr></thead><tbody></tbody></table>'
    history = _attr(words("member.history"))
    more = _attr(words("member.more"))
    copy, copied = _attr(words("member.copy")), _attr(words("member.copied"))
    invite = _attr(words("member.invite"))
    parts += [
        section("rewards", words("member.rewards"), "<ul></ul>"),
        said("next_reward"),
        section(
            "history",
            words("member.history"),
            f'<div class="sb-table" tabindex="0" role="region" aria-label="{history}">'
            f"{table}</div>",
            f'<button type="button" class="md-button" data-sb-more hidden>{more}</button>',
        ),
        section(
            "card",
            words("member.card"),
            '<div class="sb-card-qr" data-sb-svg="card_qr"></div>',
            '<p class="sb-card-code" data-sb-shown="card_code"></p>',
            f"<p>{_attr(words('member.card_hint'))}</p>",
        ),
        section(
            "invite",
            words("member.invite"),
            f"<p>{_attr(words('member.invite_hint'))}</p>",
            '<p class="sb-invite"><input type="text" readonly data-sb-shown="referral_url" '
            f'aria-label="{invite}"> <button type="button" class="md-button" data-sb-copy '
            f'data-copied="{copied}">{copy}</button></p>',
        ),
        f'<p class="sb-note">{_attr(words("member.manage"))}</p>',
        # The settings change things: their link goes to her address, not to this page.
        Form(
            "settings-request",
            POINTS,
            words("member.settings_sent"),
            words("member.settings_button"),
            token=True,
        ).html(words, api_url),
    ]
    result = f'<div class="sb-member" data-sb-result="points" hidden>{"".join(parts)}</div>'
    view = Form(
        "points-view", POINTS, "", words("nav.points"), token=True, method="GET", result=result
    )
    request = Form(
        "points-request",
        POINTS,
        words("forms.points_sent"),
        words("forms.points_button"),
        _email_request(words),
    )
    return _page(
        words,
        words("nav.points"),
        f'<p class="sb-intro" data-sb-intro>{_attr(words("forms.points_intro"))}</p>',
        view.html(words, api_url),
        request.html(words, api_url),
    )


def preferences_page(programme: Programme, locale: str, words: Strings, api_url: str) -> str:
    interests = [
        _checkbox("interests", owner_text(programme, interest.name, locale), interest.id)
        for interest in programme.programme_file.interests
    ]
    programme_file = programme.programme_file
    languages = [
        _radio("locale", _language_name(code), code, checked=code == locale)
        for code in programme_file.locales.available
    ]
    birthday = programme_file.loyalty.birthday
    # When a changed birthday pays, from the rule the engine applies.
    said = words("forms.birthday_rule", days=birthday.min_days_known) if birthday else ""
    rule = f'<p class="sb-note">{_attr(said)}</p>' if said else ""
    fields = (
        _checkbox("marketing", words("forms.preferences_marketing")),
        *([_choices(words("forms.interests"), interests)] if interests else []),
        _choices(words("forms.language"), languages),
        _field("birthday", words("forms.birthday"), "date", autocomplete="bday") + rule,
    )
    save = Form(
        "preferences",
        PREFERENCES,
        words("forms.preferences_saved"),
        words("forms.preferences_button"),
        fields,
        token=True,
    )
    export = Form("export", EXPORT, "", words("forms.export_button"), token=True)
    delete = Form(
        "delete",
        DELETE,
        words("forms.deleted"),
        words("forms.delete_button"),
        (_checkbox("understood", words("forms.delete_confirm"), required=True),),
        token=True,
    )
    return _page(
        words,
        words("nav.preferences"),
        words("forms.preferences_intro"),
        save.html(words, api_url),
        heading(2, words("forms.export_title")),
        words("forms.export_intro"),
        export.html(words, api_url),
        heading(2, words("forms.delete_title")),
        words("forms.delete_intro"),
        delete.html(words, api_url),
    )


def unsubscribe_page(words: Strings, api_url: str) -> str:
    form = Form(
        "unsubscribe",
        UNSUBSCRIBE,
        words("forms.unsubscribed"),
        words("forms.unsubscribe_button"),
        token=True,
    )
    return _page(
        words, words("nav.unsubscribe"), words("forms.unsubscribe_intro"), form.html(words, api_url)
    )


def _questionnaire(words: Strings) -> tuple[str, str]:
    """The reasons to choose from (one required) and the free text."""
    reasons = "".join(
        f'<p class="sb-check"><input id="sb-reason-{reason}" name="reason" type="radio" '
        f'value="{reason}" required><label for="sb-reason-{reason}">'
        f"{_attr(words(word))}</label></p>"
        for reason, word in FEEDBACK_REASONS.items()
    )
    return (
        f'<fieldset class="sb-choices" aria-describedby="sb-reason-error">'
        f"<legend>{_attr(words('forms.feedback_reason'))}</legend>{reasons}"
        f'<span class="sb-error" id="sb-reason-error"></span></fieldset>',
        f'<p class="sb-field"><label for="sb-text">{_attr(words("forms.feedback_text"))}</label>'
        f'<textarea id="sb-text" name="text" rows="4" maxlength="2000"></textarea></p>',
    )


def feedback_page(words: Strings, api_url: str) -> str:
    form = Form(
        "feedback",
        FEEDBACK,
        words("forms.feedback_thanks"),
        words("forms.feedback_button"),
        _questionnaire(words),
        token=True,
    )
    return _page(
        words, words("nav.feedback"), words("forms.feedback_intro"), form.html(words, api_url)
    )


def site_feedback_page(words: Strings, api_url: str) -> str:
    """The questionnaire anyone may fill in, without an email's link."""
    fields = (
        *_questionnaire(words),
        _field("order", words("forms.site_feedback_order")),
        _field("email", words("forms.site_feedback_email"), "email", autocomplete="email"),
        f'<p class="sb-note">{_attr(words("forms.site_feedback_note"))}</p>',
        _HONEYPOT,
    )
    form = Form(
        "site-feedback",
        SITE_FEEDBACK,
        words("forms.feedback_thanks"),
        words("forms.feedback_button"),
        fields,
    )
    return _page(
        words, words("nav.tell_us"), words("forms.site_feedback_intro"), form.html(words, api_url)
    )
