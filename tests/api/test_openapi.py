"""`/openapi.json` describes every route, and the answers match what it says."""

from __future__ import annotations

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
