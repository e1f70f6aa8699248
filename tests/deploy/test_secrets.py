"""The signing keys of a stage live in SSM Parameter Store, on moto's server."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from stampbook.bootstrap import _parameter_keys, open_keyring
from stampbook.cli.main import main
from stampbook.config import MailSettings, Settings
from stampbook.deploy.secrets import first_keys, parameter_name, read_keys, rotate
from stampbook.mail.tokens import Keyring, Purpose, UnknownKey, parse_keys
from tests.support.moto_server import CREDENTIALS

from .conftest import aws_client

NOW = datetime(2027, 1, 1, tzinfo=UTC)


@pytest.fixture
def ssm(moto: str) -> Any:
    return aws_client("ssm", moto)


@pytest.fixture
def name() -> str:
    return parameter_name(f"t{uuid.uuid4().hex[:8]}")


def ids(text: str | None) -> list[str]:
    assert text is not None
    return [key.id for key in parse_keys(text)]


def test_a_stage_gets_a_key_once_and_keeps_it(ssm: Any, name: str) -> None:
    assert first_keys(ssm, name, None)
    made = read_keys(ssm, name)
    assert ids(made) == ["k1"]
    assert not first_keys(ssm, name, None)  # a second deploy leaves it be
    assert read_keys(ssm, name) == made
    stored = ssm.get_parameter(Name=name)["Parameter"]
    assert stored["Type"] == "SecureString"


def test_a_rotation_signs_with_a_new_key_and_keeps_the_last_to_verify(ssm: Any, name: str) -> None:
    first_keys(ssm, name, None)
    before = Keyring(parse_keys(read_keys(ssm, name) or ""))
    link = before.sign(Purpose.UNSUBSCRIBE, "c1", NOW)
    assert ids(rotate(ssm, name)) == ["k2", "k1"]
    after = Keyring(parse_keys(read_keys(ssm, name) or ""))
    assert after.verify(link, Purpose.UNSUBSCRIBE, NOW).subject == "c1"
    assert ids(rotate(ssm, name)) == ["k3", "k2"]
    latest = Keyring(parse_keys(read_keys(ssm, name) or ""))
    with pytest.raises(UnknownKey):  # two rotations ago
        latest.verify(link, Purpose.UNSUBSCRIBE, NOW)


def test_a_function_reads_its_keys_from_the_parameter(
    ssm: Any, name: str, moto: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable, value in CREDENTIALS.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", moto)
    first_keys(ssm, name, "k7:" + "s" * 43)
    _parameter_keys.cache_clear()
    keyring = open_keyring(Settings(mail=MailSettings(signing_keys_parameter=name)))
    link = keyring.sign(Purpose.POINTS, "c1", NOW)
    assert link.startswith("k7.")


def test_keys_rotate_on_a_stage_and_on_this_machine(
    ssm: Any, moto: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable, value in CREDENTIALS.items():
        monkeypatch.setenv(variable, value)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SSM", moto)
    stage = f"t{uuid.uuid4().hex[:8]}"
    first_keys(ssm, parameter_name(stage), None)
    done = CliRunner().invoke(main, ["keys", "rotate", "--stage", stage])
    assert done.exit_code == 0, done.output
    assert "k2 signs from now on; k1 still verifies" in done.output
    assert ids(read_keys(ssm, parameter_name(stage))) == ["k2", "k1"]

    key_file = tmp_path / "signing-keys"
    monkeypatch.delenv("STAMPBOOK_SIGNING_KEYS", raising=False)
    monkeypatch.setenv("STAMPBOOK_SIGNING_KEY_FILE", str(key_file))
    for expected in (["k1"], ["k2", "k1"], ["k3", "k2"]):
        done = CliRunner().invoke(main, ["keys", "rotate"])
        assert done.exit_code == 0, done.output
        assert ids(key_file.read_text().strip()) == expected
    assert key_file.stat().st_mode & 0o777 == 0o600
