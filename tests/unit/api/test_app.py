"""The Chalice app imports and answers through Chalice's own test client."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from chalice.test import Client

from app import app


def test_health_answers_with_the_package_version() -> None:
    with Client(app) as client:
        response = client.http.get("/health")
    assert response.status_code == 200
    assert json.loads(response.body) == {"status": "ok", "version": "0.1.0"}


# What a cold start must not pay for: each loads on the first request that needs it.
HEAVY = ("pydantic", "yaml", "babel", "jinja2", "cryptography", "boto3", "botocore", "sqlite3")
HANDLERS = ("stampbook.api.till", "stampbook.bootstrap", "stampbook.store", "stampbook.mail")


def test_importing_the_app_loads_no_models_store_or_templates() -> None:
    script = (
        "import json, sys; import app; "
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules} | set(sys.modules))))"
    )
    functions = Path(__file__).parents[3] / "functions"
    loaded = json.loads(
        subprocess.run(
            [sys.executable, "-c", script],
            cwd=functions,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    )
    assert "chalice" in loaded  # the probe sees what was imported
    assert [name for name in (*HEAVY, *HANDLERS) if name in loaded] == []


def test_a_route_loads_its_handler_on_the_first_request() -> None:
    with Client(app) as client:
        response = client.http.get("/till/customers/NOPE")
    assert response.status_code == 401  # answered by the till's handler: no key given
    assert json.loads(response.body)["error"]["code"] == "unauthorized"
