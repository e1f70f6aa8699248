"""`/openapi.json` describes every route, and the answers match what it says."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import jsonschema
import pytest
from pydantic import BaseModel

from app import app as chalice_app
from stampbook.api.openapi import Operation, described, document

from .conftest import NOW, Api


def schema_of(document: dict[str, Any], path: str, method: str, status: str) -> dict[str, Any]:
    answer = document["paths"][path][method]["responses"][status]
    schema = answer["content"]["application/json"]["schema"]
    return {**schema, "components": document["components"]}


def test_every_route_of_the_app_is_described(api: Api) -> None:
    status, document, _ = api.call("GET", "/openapi.json", key=None)
    assert status == 200
    assert document["openapi"] == "3.1.0"
    served = {
        (path, method.lower())
        for path, methods in chalice_app.routes.items()
        for method in methods
        # Preflights are CORS plumbing, not operations a client calls.
        if path not in {"/health", "/openapi.json"} and method != "OPTIONS"
    }
    described = {(path, method) for path, ops in document["paths"].items() for method in ops}
    assert described == served


def test_answers_and_refusals_match_the_document(api: Api) -> None:
    _, document, _ = api.call("GET", "/openapi.json", key=None)
    body = {
        "customer": {"code": "ANNA2345"},
        "order_id": "T-9",
        "placed_at": NOW.isoformat(),
        "lines": [{"line_id": "1", "category": "beans", "amount": 990}],
    }
    status, answer, _ = api.call("POST", "/till/purchases", body)
    assert status == 200
    jsonschema.validate(answer, schema_of(document, "/till/purchases", "post", "200"))
    status, card, _ = api.call("GET", "/till/customers/ANNA2345")
    jsonschema.validate(card, schema_of(document, "/till/customers/{code}", "get", "200"))
    status, refusal, _ = api.call("POST", "/till/purchases", {**body, "lines": []})
    assert status == 422
    jsonschema.validate(refusal, schema_of(document, "/till/purchases", "post", "422"))
    for schema in document["components"]["schemas"].values():
        jsonschema.Draft202012Validator.check_schema(schema)


def test_two_models_of_one_name_are_refused_rather_than_one_hiding_the_other() -> None:
    class Out(BaseModel):
        code: str

    first = Out

    class Out(BaseModel):  # type: ignore[no-redef]
        value: str

    operations = [
        Operation("GET", "/a", "a", first),
        Operation("GET", "/b", "b", Out),
    ]
    with pytest.raises(ValueError, match="two different models are named Out"):
        document(operations)


def test_the_till_and_the_points_page_describe_their_own_certificates() -> None:
    schemas = described()["components"]["schemas"]
    assert set(schemas["CertificateOut"]["properties"]) == {"certificate_id", "value", "currency"}
    assert set(schemas["HeldCertificateOut"]["properties"]) == {"code", "value", "expires_at"}


def test_the_served_document_lists_what_the_programme_allows(api: Api) -> None:
    _, served, _ = api.call("GET", "/openapi.json", key=None)
    schemas = served["components"]["schemas"]
    programme = api.app.programme.programme_file
    assert schemas["Line"]["properties"]["category"]["enum"] == [c.id for c in programme.categories]
    rewards = schemas["RedemptionIn"]["properties"]["reward"]["enum"]
    assert rewards == [reward.id for reward in api.app.loyalty.rules.rewards.values()]
    assert schemas["SubscribeIn"]["properties"]["locale"]["enum"] == list(
        programme.locales.available
    )
    # The reference, written without a running programme, says them in words only.
    assert "enum" not in described()["components"]["schemas"]["Line"]["properties"]["category"]


def test_a_till_may_send_every_date_the_document_lists(api: Api) -> None:
    _, served, _ = api.call("GET", "/openapi.json", key=None)
    pattern = served["components"]["schemas"]["PurchaseIn"]["properties"]["placed_at"]["pattern"]
    dates = re.findall(r"\d{4}-\d\d-\d\d", pattern)
    assert dates[-1] == NOW.date().isoformat()
    assert len(dates) == 14 + 7  # the return window and the days a till may be late
    body = {
        "customer": {"code": "ANNA2345"},
        "lines": [{"line_id": "1", "category": "beans", "amount": "9.90"}],
    }
    # The earliest date at its first minute far east, the latest at its last far west:
    # a receipt's date, whatever its offset, is what the till's dates are judged on.
    for order, placed_at in (
        ("T-1", f"{dates[0]}T00:00:00+14:00"),
        ("T-2", f"{dates[-1]}T23:59:59-12:00"),
    ):
        assert re.fullmatch(pattern, placed_at)
        sent = {**body, "order_id": order, "placed_at": placed_at}
        assert api.call("POST", "/till/purchases", sent)[0] == 200, placed_at
    too_old = (NOW.date() - timedelta(days=14 + 7 + 1)).isoformat()
    sent = {**body, "order_id": "T-3", "placed_at": f"{too_old}T23:59:59-12:00"}
    assert api.call("POST", "/till/purchases", sent)[1]["error"]["field"] == "placed_at"


def test_what_the_records_decide_is_not_called_invalid(api: Api) -> None:
    refund = {
        "customer": {"code": "ANNA2345"},
        "refund_id": "R-1",
        "order_id": "never-sold",
        "refunded_at": NOW.isoformat(),
        "lines": {"1": "1"},
    }
    status, answer, _ = api.call("POST", "/till/refunds", refund)
    assert (status, answer["error"]["code"]) == (404, "unknown_order")
