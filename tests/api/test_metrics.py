"""The counts an operator's dashboard and alarms read on AWS: one embedded-metric line
on standard output per purchase, bounce or complaint, in CloudWatch's format, and no
address in any of them; nothing off Lambda."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from stampbook.audience.mail_events import MailEvent, MailEventKind
from stampbook.metrics import NAMESPACE, Metric
from stampbook.services.mail_events import handle_mail_events

from .conftest import NOW, Api
from .test_till import purchase


def metric_lines(out: str) -> list[dict[str, Any]]:
    """The lines CloudWatch would take as embedded metrics, each checked against the
    format's rules: every metric named under `_aws` is a number at the top level, and
    so is every dimension a value."""
    found = []
    for line in out.splitlines():
        if not line.startswith("{"):
            continue
        document = json.loads(line)
        directives = document["_aws"]["CloudWatchMetrics"]
        assert isinstance(document["_aws"]["Timestamp"], int)
        for directive in directives:
            assert directive["Namespace"] == NAMESPACE
            for dimensions in directive["Dimensions"]:
                assert all(isinstance(document[d], str) for d in dimensions)
            for metric in directive["Metrics"]:
                assert isinstance(document[metric["Name"]], int)
                assert metric["Unit"] == "Count"
        found.append(document)
    return found


def counted(out: str) -> dict[str, int]:
    totals: dict[str, int] = {}
    for document in metric_lines(out):
        for metric in Metric:
            if metric.value in document:
                totals[metric.value] = totals.get(metric.value, 0) + document[metric.value]
    return totals


def test_a_purchase_is_counted_once_on_lambda_and_its_retry_not_at_all(
    api: Api, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "stampbook-prod")
    capsys.readouterr()
    assert api.call("POST", "/till/purchases", purchase())[0] == 200
    assert api.call("POST", "/till/purchases", purchase())[0] == 200  # the till retried
    out = capsys.readouterr().out
    assert counted(out) == {"Purchases": 1}
    assert all(d["Function"] == "stampbook-prod" for d in metric_lines(out))
    assert "example.com" not in out.lower()


def test_bounces_and_complaints_are_counted_each_once(
    api: Api, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "stampbook-prod")
    events = [
        MailEvent("sns-1:anna", MailEventKind.BOUNCE, "anna@example.com", NOW, "m1"),
        MailEvent("sns-2:anna", MailEventKind.COMPLAINT, "anna@example.com", NOW, "m2"),
        MailEvent("sns-3:anna", MailEventKind.DELIVERY, "anna@example.com", NOW, "m3"),
    ]
    capsys.readouterr()
    handle_mail_events(api.app.store, events)
    handle_mail_events(api.app.store, events)  # SNS delivered them twice
    out = capsys.readouterr().out
    assert counted(out) == {"Bounces": 1, "Complaints": 1}
    assert "anna" not in out


def test_nothing_is_written_off_lambda(
    api: Api, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_LAMBDA_FUNCTION_NAME", raising=False)
    capsys.readouterr()
    api.call("POST", "/till/purchases", purchase(placed_at=(NOW - timedelta(hours=1)).isoformat()))
    assert metric_lines(capsys.readouterr().out) == []
