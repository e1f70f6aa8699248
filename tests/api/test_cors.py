"""Browsers on the business's own site may call the public routes; no one else may."""

from __future__ import annotations

import pytest

from .conftest import Api

SITE = "https://coppercezve.example"


@pytest.fixture(autouse=True)
def site(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAMPBOOK_SITE_ORIGINS", f"{SITE}/, https://www.coppercezve.example")


def test_the_sites_origin_may_read_a_public_answer(api: Api) -> None:
    status, _, headers = api.call(
        "POST", "/points", {"email": "anna@example.com"}, None, Origin=SITE
    )
    assert status == 202
    assert headers["Access-Control-Allow-Origin"] == SITE
    assert headers["Vary"] == "Origin"


def test_refusals_carry_the_headers_too_so_the_site_can_show_them(api: Api) -> None:
    status, body, headers = api.call("POST", "/points", {"email": "nope"}, None, Origin=SITE)
    assert status == 422
    assert body["error"]["field"] == "email"
    assert headers["Access-Control-Allow-Origin"] == SITE


@pytest.mark.parametrize("origin", ["null", "https://evil.example", f"{SITE}.evil.example"])
def test_other_origins_get_no_cors_headers(api: Api, origin: str) -> None:
    status, _, headers = api.call(
        "POST", "/points", {"email": "anna@example.com"}, None, Origin=origin
    )
    assert status == 202
    assert not [name for name in headers if name.lower().startswith("access-control-")]
    assert headers["Vary"] == "Origin"


def test_without_configured_origins_no_one_gets_cors_headers(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("STAMPBOOK_SITE_ORIGINS")
    _, _, headers = api.call("GET", "/health", key=None, Origin=SITE)
    assert not [name for name in headers if name.lower().startswith("access-control-")]


def preflight(api: Api, path: str, origin: str) -> tuple[int, dict[str, str]]:
    response = api.client.http.request(
        "OPTIONS",
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    return response.status_code, response.headers


def test_a_preflight_from_the_site_is_answered(api: Api) -> None:
    status, headers = preflight(api, "/subscribe/confirm", "https://www.coppercezve.example")
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == "https://www.coppercezve.example"
    assert headers["Access-Control-Allow-Methods"] == "GET,POST"
    assert headers["Access-Control-Allow-Headers"] == "Content-Type"
    assert headers["Vary"] == "Origin"


@pytest.mark.parametrize("origin", ["null", "https://evil.example"])
def test_a_preflight_from_elsewhere_allows_nothing(api: Api, origin: str) -> None:
    status, headers = preflight(api, "/subscribe", origin)
    assert status == 204
    assert not [name for name in headers if name.lower().startswith("access-control-")]


@pytest.mark.parametrize(
    ("path", "method"),
    [("/till/purchases", "POST"), ("/till/customers/ANNA2345", "GET"), ("/mail/events", "POST")],
)
def test_the_till_and_the_mail_provider_never_answer_a_browser(
    api: Api, path: str, method: str
) -> None:
    _, _, headers = api.call(method, path, {} if method == "POST" else None, Origin=SITE)
    assert not [name for name in headers if name.lower().startswith("access-control-")]
    _, headers = preflight(api, path, SITE)
    assert not [name for name in headers if name.lower().startswith("access-control-")]
