"""The site's forms and the API agree: what a form sends is what its route accepts.

The body is built from the generated page the way `forms.js` builds it: every
named input, checkboxes as true or as the list of ticked values, and the
time the form was open.
"""

from __future__ import annotations

import re
from typing import Any

from app import app as chalice_app
from stampbook.sitegen import forms
from stampbook.sitegen.words import site_words

from .conftest import Api

FORM = re.compile(r'<form [^>]*data-sb-form="([^"]+)"[^>]*data-endpoint="([^"]+)"', re.S)
INPUT = re.compile(r"<input ([^>]*)>")
TEXTAREA = re.compile(r'<textarea [^>]*name="([^"]+)"')
ATTRIBUTE = re.compile(r'(\w[\w-]*)="([^"]*)"')


def form_named(page: str, wanted: str) -> tuple[str, str]:
    """The endpoint and HTML of the form `wanted` on `page`."""
    for chunk in page.split("</form>"):
        for name, endpoint in FORM.findall(chunk):
            if name == wanted:
                return endpoint, chunk
    raise AssertionError(f"no form {wanted!r}")


def sent_by(page: str, filled: dict[str, str]) -> dict[str, Any]:
    """The JSON `forms.js` sends for the first form of `page`, with `filled` typed in."""
    body: dict[str, Any] = {}
    page = page.split("</form>")[0]
    for match in INPUT.finditer(page):
        attributes = dict(ATTRIBUTE.findall(match.group(1)))
        name, kind = attributes.get("name"), attributes.get("type", "text")
        if not name:
            continue
        value = filled.get(name) or attributes.get("value") or ""
        if kind == "radio":  # only the one chosen: typed in, else checked on the page
            chosen = filled.get(name)
            checked = re.search(r"\bchecked\b", match.group(1)) is not None
            if chosen == attributes.get("value") or (chosen is None and checked):
                body[name] = attributes.get("value")
        elif kind == "checkbox":
            if attributes.get("value") == "true":
                body[name] = name in filled
            else:
                body.setdefault(name, [])
        elif value.strip():
            body[name] = value.strip()
    for name in TEXTAREA.findall(page):
        if filled.get(name, "").strip():
            body[name] = filled[name].strip()
    return body


def test_the_sign_up_form_is_accepted_and_a_confirmation_goes_out(api: Api) -> None:
    programme = api.app.programme
    for locale in programme.programme_file.locales.available:
        page = forms.signup_page(programme, locale, site_words(programme, locale), "/")
        ((name, endpoint),) = FORM.findall(page)
        assert name == "signup"
        body = sent_by(page, {"email": f"new-{locale}@example.com", "name": "Вера", "consent": ""})
        body["fill_ms"] = 12_000  # what forms.js adds: the time the form was open
        status, answer, _ = api.call("POST", f"/{endpoint}", body, key=None)
        assert (status, answer) == (202, {"status": "accepted"}), answer
        assert api.app.store.customer_by_email(f"new-{locale}@example.com") is not None


def test_forms_post_where_the_api_listens(api: Api) -> None:
    programme = api.app.programme
    words = site_words(programme, "ru")
    pages = [
        forms.confirm_page(words, "/"),
        forms.unsubscribe_page(words, "/"),
        forms.points_page("ru", words, "/"),
        forms.preferences_page(programme, "ru", words, "/"),
        forms.feedback_page(words, "/"),
        forms.site_feedback_page(words, "/"),
    ]
    served = {path.strip("/") for path in chalice_app.routes}
    for page in pages:
        for _, endpoint in FORM.findall(page):
            assert endpoint in served, endpoint


def test_the_preferences_form_is_accepted(api: Api) -> None:
    from stampbook.mail.tokens import Purpose

    from .test_subscriptions import sign

    programme = api.app.programme
    token = sign(api, Purpose.PREFERENCES, "c1")
    for locale in programme.programme_file.locales.available:
        page = forms.preferences_page(programme, locale, site_words(programme, locale), "/")
        endpoint, form = form_named(page, "preferences")
        body = {**sent_by(form, {"interests": "tea"}), "token": token}
        status, answer, _ = api.call("POST", f"/{endpoint}", body, key=None)
        assert status == 200, answer
        assert (answer["locale"], answer["marketing"]) == (locale, False)


def test_the_export_and_delete_forms_are_accepted(api: Api) -> None:
    from stampbook.mail.tokens import Purpose

    from .test_subscriptions import sign

    programme = api.app.programme
    token = sign(api, Purpose.PREFERENCES, "c1")
    page = forms.preferences_page(programme, "ru", site_words(programme, "ru"), "/")
    endpoint, form = form_named(page, "export")
    status, data, _ = api.call("POST", f"/{endpoint}", {**sent_by(form, {}), "token": token}, None)
    assert (status, data["customer"]["email"]) == (200, "anna@example.com"), data
    endpoint, form = form_named(page, "delete")
    unticked = {**sent_by(form, {}), "token": token}
    assert api.call("POST", f"/{endpoint}", unticked, key=None)[0] == 422
    ticked = {**sent_by(form, {"understood": ""}), "token": token}
    status, answer, _ = api.call("POST", f"/{endpoint}", ticked, key=None)
    assert (status, answer) == (200, {"status": "erased"}), answer
    assert api.app.store.customer("c1") is None


def test_every_reason_the_feedback_form_offers_is_accepted(api: Api) -> None:
    from stampbook.mail.tokens import Purpose
    from stampbook.records.feedback import FeedbackReason

    from .test_my_data import PURCHASE
    from .test_subscriptions import sign

    programme = api.app.programme
    for locale in programme.programme_file.locales.available:
        page = forms.feedback_page(site_words(programme, locale), "/")
        endpoint, form = form_named(page, "feedback")
        offered = re.findall(r'name="reason" type="radio" value="([^"]+)"', form)
        assert offered == [str(reason) for reason in FeedbackReason]
        for reason in offered:
            order_id = f"{locale}-{reason}"
            purchase = {**PURCHASE, "order_id": order_id}
            assert api.call("POST", "/till/purchases", purchase)[0] == 200
            body = sent_by(form, {"reason": reason, "text": "Не подошёл помол"})
            body["token"] = sign(api, Purpose.FEEDBACK, order_id)
            status, answer, _ = api.call("POST", f"/{endpoint}", body, key=None)
            assert (status, answer) == (200, {"status": "recorded"}), answer
    answers = api.app.store.feedback("c1")
    assert len(answers) == 4 * len(programme.programme_file.locales.available)
    assert {a.text for a in answers} == {"Не подошёл помол"}


def test_the_sites_own_questionnaire_is_accepted_without_a_link(api: Api) -> None:
    from .test_feedback import site_answers

    programme = api.app.programme
    locales = programme.programme_file.locales.available
    for locale in locales:
        page = forms.site_feedback_page(site_words(programme, locale), "/")
        endpoint, form = form_named(page, "site-feedback")
        assert "data-token" not in form  # anyone may send it
        typed = {"reason": "staff", "text": "Долго ждали", "order": "A-17"}
        body = {**sent_by(form, {**typed, "email": f"{locale}@example.com"}), "fill_ms": 12_000}
        assert 'name="website"' in form  # the hidden field: forms.js then sends the fill time
        status, answer, _ = api.call("POST", f"/{endpoint}", body, key=None)
        assert (status, answer) == (202, {"status": "accepted"}), answer
    kept = site_answers(api)
    assert sorted(a.reply_to for a in kept) == sorted(f"{locale}@example.com" for locale in locales)
    assert {(a.reason, a.text, a.order_ref) for a in kept} == {("staff", "Долго ждали", "A-17")}
