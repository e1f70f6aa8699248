"""The OpenAPI 3.1 document, built from the same models the routes validate with."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from pydantic import BaseModel

import stampbook

from .routes import DESCRIBED_BY

REF = "#/components/schemas/{model}"

_REASONS = {
    400: "Malformed JSON, a missing header, or a link token that is not ours",
    401: "No valid integration key",
    403: "Not a signed message from an expected SNS topic",
    404: "Unknown customer",
    409: "Id reused for a different request, or not enough points",
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
    # How the body may be sent; a form body is described by the same model.
    body_types: tuple[str, ...] = ("application/json",)


class ErrorDetail(BaseModel):
    code: str
    message: str
    field: str | None


class ErrorEnvelope(BaseModel):
    error: ErrorDetail


def described() -> dict[str, Any]:
    """The document for every route the app registers (`routes.DESCRIBED_BY`)."""
    operations: list[Operation] = []
    for module in DESCRIBED_BY:
        operations += import_module(f"stampbook.api.{module}").OPERATIONS
    return document(operations)


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
            {"name": name, "in": "query", "required": True, "schema": {"type": "string"}}
            for name in op.query
        ]
        if op.idempotency_key:
            parameters.append(
                {
                    "name": "Idempotency-Key",
                    "in": "header",
                    "required": True,
                    "schema": {"type": "string", "minLength": 8, "maxLength": 128},
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
