"""The Chalice app imports and answers through Chalice's own test client."""

from __future__ import annotations

import json

from chalice.test import Client

from app import app


def test_health_answers_with_the_package_version() -> None:
    with Client(app) as client:
        response = client.http.get("/health")
    assert response.status_code == 200
    assert json.loads(response.body) == {"status": "ok", "version": "0.1.0"}
