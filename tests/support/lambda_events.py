"""Events as AWS hands them to a Lambda function, for tests that invoke a handler as Lambda does."""

from __future__ import annotations

import json
import uuid
from typing import Any


def proxy_event(
    method: str,
    path: str,
    body: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """What API Gateway's REST proxy integration hands the API function."""
    sent = {"Content-Type": "application/json", "User-Agent": "Fx/1", "Host": "api.example"}
    sent |= headers or {}
    return {
        "resource": path,
        "path": path,
        "httpMethod": method,
        "headers": sent,
        "multiValueHeaders": {name: [value] for name, value in sent.items()},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": path,
            "httpMethod": method,
            "path": f"/api{path}",
            "stage": "api",
            "requestId": uuid.uuid4().hex,
            "identity": {"sourceIp": "203.0.113.7", "userAgent": "Fx/1"},
        },
        "body": json.dumps(body) if body is not None else None,
        "isBase64Encoded": False,
    }
