"""The Chalice app imports and answers through Chalice's own test client."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from chalice.test import Client

from app import app
from stampbook.api.routes import DESCRIBED_BY
from tests.support.paths import EXAMPLE, FUNCTIONS


def test_health_answers_with_the_package_version() -> None:
    with Client(app) as client:
        response = client.http.get("/health")
    assert response.status_code == 200
    assert json.loads(response.body) == {"status": "ok", "version": "0.1.0"}


# What a cold start must not pay for: each loads on the first request that needs it.
HEAVY = ("pydantic", "yaml", "babel", "jinja2", "cryptography", "boto3", "botocore", "sqlite3")
HANDLERS = ("stampbook.api.till", "stampbook.bootstrap", "stampbook.store", "stampbook.mail")


LOADED = (
    "import json, sys; import app; context = sys.modules.get('stampbook.api.context'); "
    "print(json.dumps({'modules': sorted({name.split('.')[0] for name in sys.modules}"
    " | set(sys.modules)), 'wired': getattr(context, '_current', None) is not None}))"
)


def _imported(**variables: str) -> dict[str, Any]:
    """What `import app` loaded, and whether it wired the app, in a fresh interpreter."""
    env = {name: value for name, value in os.environ.items() if name != "_HANDLER"}
    done = subprocess.run(
        [sys.executable, "-c", LOADED],
        cwd=FUNCTIONS,
        env={**env, **variables},
        check=True,
        capture_output=True,
        text=True,
    )
    # Chalice logs to standard output: the probe's answer is the last line.
    *logged, probe = done.stdout.splitlines()
    answer: dict[str, Any] = json.loads(probe)
    return {**answer, "log": "\n".join([*logged, done.stderr])}


def test_importing_the_app_loads_no_models_store_or_templates() -> None:
    loaded = _imported()
    assert "chalice" in loaded["modules"]  # the probe sees what was imported
    assert [name for name in (*HEAVY, *HANDLERS) if name in loaded["modules"]] == []
    assert loaded["wired"] is False


def test_the_apis_lambda_function_wires_everything_before_its_first_request(
    tmp_path: Path,
) -> None:
    loaded = _imported(_HANDLER="app.app", **_files(tmp_path))
    assert [name for name in HANDLERS if name not in loaded["modules"]] == []
    assert {f"stampbook.api.{module}" for module in DESCRIBED_BY} <= set(loaded["modules"])
    assert loaded["wired"] is True


def test_a_programme_that_cannot_load_at_init_is_left_to_the_first_request(
    tmp_path: Path,
) -> None:
    files = {**_files(tmp_path), "STAMPBOOK_CAMPAIGNS": str(tmp_path / "missing")}
    loaded = _imported(_HANDLER="app.app", **files)
    assert "stampbook.api.till" in loaded["modules"]
    assert loaded["wired"] is False
    assert "requests will retry" in loaded["log"]


def _files(folder: Path) -> dict[str, str]:
    return {
        "STAMPBOOK_CAMPAIGNS": str(EXAMPLE),
        "STAMPBOOK_DB": str(folder / "app.db"),
        "STAMPBOOK_MAIL": "outbox",
        "STAMPBOOK_OUTBOX": str(folder / "outbox"),
        "STAMPBOOK_SIGNING_KEY_FILE": str(folder / "signing-keys"),
    }


def test_a_route_loads_its_handler_on_the_first_request() -> None:
    with Client(app) as client:
        response = client.http.get("/till/customers/NOPE")
    assert response.status_code == 401  # answered by the till's handler: no key given
    assert json.loads(response.body)["error"]["code"] == "unauthorized"


# As Lambda's runtime does: a handler on the root logger, at the template's level.
ROOT_HANDLER = """
import logging, sys
caught = []
class Keep(logging.Handler):
    def emit(self, record):
        caught.append(f"{record.name} {record.levelname} {record.getMessage()}")
logging.getLogger().addHandler(Keep())
logging.getLogger().setLevel(logging.INFO)
import app
logging.getLogger("stampbook.courier").warning("owed emails not delivered")
logging.getLogger("stampbook.queue").info("a batch of 5")
print("|".join(caught))
"""


def test_the_packages_logs_reach_the_handler_lambda_gives_the_root_logger() -> None:
    env = {name: value for name, value in os.environ.items() if name != "_HANDLER"}
    done = subprocess.run(
        [sys.executable, "-c", ROOT_HANDLER],
        cwd=FUNCTIONS,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    assert done.stdout.strip().split("|") == [
        "stampbook.courier WARNING owed emails not delivered",
        "stampbook.queue INFO a batch of 5",
    ]
