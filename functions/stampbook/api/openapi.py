"""The OpenAPI 3.1 document, built from the same models the routes validate with."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

import stampbook

from .formats import IDEMPOTENCY_KEY, TOKEN
from .routes import DESCRIBED_BY

if TYPE_CHECKING:
    from ..bootstrap import App

REF = "#/components/schemas/{model}"
# The only query parameter: a link's token, `?t=`.
LINK_TOKEN = {"type": "string", "minLength": 1, "pattern": TOKEN}

_REASONS = {
    400: "Malformed JSON or a missing header",
    401: "No valid integration key, or a webhook not signed with the shop's secret",
    403: "A link token that is not ours, or not a signed message from an expected SNS topic",
    404: "Unknown customer, order or referral code",
    409: "Id reused for a different request, not enough points, a refund the order does not"
    " allow, or a certificate that is used or expired",
    413: "Body too large",
    415: "Body is not application/json",
    410: "The link has expired; ask for a new one",
    422: "A field is invalid; `field` names it",
    429: "Too many requests; retry after `Retry-After` seconds",
    503: "Busy; retry after `Retry-After` seconds",
}


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    summary: str
    answer: type[BaseModel]
    body: type[BaseModel] | None = None
    idempotency_key: bool = False
    integration_key: bool = True
    refusals: tuple[int, ...] = (400, 401, 404, 409, 413, 415, 422, 503)
    status: int = 200
    query: tuple[str, ...] = ()  # required query parameters (a link's token `t`)
    headers: tuple[str, ...] = ()  # required headers (a webhook's signature)
    # How the body may be sent; a form body is described by the same model.
    body_types: tuple[str, ...] = ("application/json",)


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None


class ErrorEnvelope(BaseModel):
    error: ErrorDetail


def described(app: App | None = None) -> dict[str, Any]:
    """The document for every route the app registers (`routes.DESCRIBED_BY`).

    With the `app` that answers them, it lists what that app's programme
    allows (categories, rewards, languages, a till's dates); without, as the
    reference has it, those are said in words only.
    """
    operations: list[Operation] = []
    for module in DESCRIBED_BY:
        operations += import_module(f"stampbook.api.{module}").OPERATIONS
    if app is None:
        return document(operations)
    from .programme_terms import with_the_programme

    return with_the_programme(document(operations), app)


def document(operations: list[Operation]) -> dict[str, Any]:
    schemas: dict[str, Any] = {}

    def keep(name: str, schema: dict[str, Any]) -> None:
        # Schemas are named by their model's class name: two models of one name
        # in different modules would describe one body with the other's fields.
        if schemas.setdefault(name, schema) != schema:
            raise ValueError(f"two different models are named {name}: rename one")

    def ref(model: type[BaseModel]) -> dict[str, str]:
        schema = model.model_json_schema(ref_template=REF, mode="validation")
        for name, nested in schema.pop("$defs", {}).items():
            keep(name, nested)
        keep(model.__name__, schema)
        return {"$ref": REF.format(model=model.__name__)}

    error = {"content": {"application/json": {"schema": ref(ErrorEnvelope)}}}
    paths: dict[str, Any] = {}
    for op in operations:
        entry: dict[str, Any] = {
            "summary": op.summary,
            "operationId": f"{op.method.lower()}_{op.path.strip('/').replace('/', '_')}".replace(
                "{", ""
            ).replace("}", ""),
            "responses": {
                str(op.status): {
                    "description": "Done (a retry gets the first answer)"
                    if op.status == 200
                    else "Accepted",
                    "content": {"application/json": {"schema": ref(op.answer)}},
                },
                **{str(code): {"description": _REASONS[code], **error} for code in op.refusals},
            },
        }
        parameters = [
            {"name": name[1:-1], "in": "path", "required": True, "schema": {"type": "string"}}
            for name in op.path.split("/")
            if name.startswith("{")
        ]
        parameters += [
            {"name": name, "in": "query", "required": True, "schema": LINK_TOKEN}
            for name in op.query
        ]
        parameters += [
            {"name": name, "in": "header", "required": True, "schema": {"type": "string"}}
            for name in op.headers
        ]
        if op.idempotency_key:
            parameters.append(
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": True,
                    "schema": {
                        "type": "string",
                        "minLength": 8,
                        "maxLength": 128,
                        "pattern": IDEMPOTENCY_KEY,
                    },
                }
            )
        if parameters:
            entry["parameters"] = parameters
        if op.body is not None:
            entry["requestBody"] = {
                "required": True,
                "content": {kind: {"schema": ref(op.body)} for kind in op.body_types},
            }
        if op.integration_key:
            entry["security"] = [{"integrationKey": []}]
        paths.setdefault(op.path, {})[op.method.lower()] = entry
    return {
        "openapi": "3.1.0",
        "info": {"title": "Stampbook", "version": stampbook.__version__},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "integrationKey": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "`stampbook keys add NAME` issues one per till or shop",
                }
            },
        },
    }
