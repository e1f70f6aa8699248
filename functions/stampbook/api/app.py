"""The Chalice app: HTTP routes, schedules and the send queue. Thin: the work is in `stampbook`.

It lives in the package, so an installed Stampbook serves it (`stampbook
serve`); Chalice and Lambda find it through an `app.py` that only imports
it (`functions/app.py` here, written into the bundle by `deploy.bundle`).

Importing it loads Chalice and the route table only: each route's handler
module is imported by the first request that reaches it (a Lambda cold
start pays for no model, store or template it does not use). The queue
consumer and the schedules import their work when they run, too. Only the
API's own Lambda function imports its handlers and wires the app in its init
phase (`stampbook.api.warm`), so the first customer does not wait for them.
"""

from __future__ import annotations

import logging
import os

from chalice.app import Chalice, CloudWatchEvent, Cron, Rate, SQSEvent

import stampbook
from stampbook.api.cors import answer_preflights, with_cors
from stampbook.api.errors import in_envelope
from stampbook.api.routes import (
    feedback,
    points,
    preferences,
    provider_events,
    shops,
    subscriptions,
    till,
)
from stampbook.api.warm import serves_http, warm

app = Chalice(app_name="stampbook")
# Chalice gives its app's logger ("stampbook", so every stampbook.* logger) a
# stdout handler of its own at ERROR that does not propagate: Lambda's JSON
# logs, with the request id and the level the template sets, would never see
# a warning. Handed back to the root logger, which Lambda's runtime configures.
app.log.handlers.clear()
app.log.propagate = True
app.log.setLevel(logging.NOTSET)
# First registered runs outermost: CORS headers go on the envelope's answers too.
app.register_middleware(with_cors, "http")
app.register_middleware(in_envelope, "http")
app.register_blueprint(till, url_prefix="/till")
app.register_blueprint(shops, url_prefix="/shops")
app.register_blueprint(provider_events, url_prefix="/mail")
app.register_blueprint(subscriptions)
app.register_blueprint(points)
app.register_blueprint(preferences)
app.register_blueprint(feedback)


@app.route("/health", methods=["GET"])
def health() -> dict[str, str]:
    """Liveness for the load balancer and for `chalice local` smoke tests."""
    return {"status": "ok", "version": stampbook.__version__}


@app.route("/openapi.json", methods=["GET"])
def openapi() -> dict[str, object]:
    """The API described for client generators and for schemathesis."""
    from stampbook.api.context import current
    from stampbook.api.openapi import described

    return described(current())


SEND_QUEUE = os.environ.get("STAMPBOOK_SEND_QUEUE") or "stampbook-sends"


@app.on_sqs_message(queue=SEND_QUEUE, batch_size=5)
def send_batches(event: SQSEvent) -> dict[str, list[dict[str, str]]]:
    """Newsletter batches queued by `stampbook send`, the automatic emails purchases
    owe (`stampbook.services.courier`) and the webhook deliveries changes owe
    (`stampbook.services.webhook_courier`); failed messages are reported alone."""
    from stampbook.api.context import current
    from stampbook.api.queue import consume, records_of

    return consume(current(), records_of(event.to_dict()))


answer_preflights(app)

if serves_http(os.environ):
    warm()


# 03:00 UTC: after midnight from Lisbon to Yerevan, before the shops open.
@app.schedule(Cron(0, 3, "*", "*", "?", "*"))
def nightly(event: CloudWatchEvent) -> dict[str, int]:
    """The nightly run (`stampbook daily`): pending points, birthdays, tiers, expiry.

    With the send queue, the customers are split into shards, one queue
    message each, run by the queue's consumer (`services.nightly`); without
    it, everyone here.
    """
    from stampbook.api.context import current
    from stampbook.sender.settings import SendingSettings
    from stampbook.services.courier import deliver_owed
    from stampbook.services.webhook_courier import deliver_webhooks

    app = current()
    queue_url = SendingSettings.from_env().queue_url
    if queue_url:
        import boto3

        from stampbook.services.nightly import plan_shards, queue_shards

        shards = queue_shards(boto3.client("sqs"), queue_url, plan_shards(app.store))
        app.store.forget_limits(int(app.loyalty.clock().timestamp()))
        deliver_owed(app.emails)
        deliver_webhooks(app.mailer)
        return {"shards": shards}
    customers = app.loyalty.run_daily()
    deliver_owed(app.emails)  # whatever purchases still owe (a lost queue message, say)
    deliver_webhooks(app.mailer)
    return {"customers": customers}


@app.schedule(Rate(5, unit=Rate.MINUTES))
def scheduled_newsletters(event: CloudWatchEvent) -> dict[str, int]:
    """Newsletters scheduled by `stampbook send` start at their send_at: queued for the senders.

    Automatic emails purchases and refunds owe, and webhook deliveries, that
    are due go too: a queue message lost, or one due again after a failure.
    """
    import boto3

    from stampbook.api.context import current
    from stampbook.services.campaigns import NoSendRecords
    from stampbook.services.courier import deliver_owed
    from stampbook.services.webhook_courier import deliver_webhooks

    deliver_owed(current().emails)
    deliver_webhooks(current().mailer)
    try:
        owner = current().campaigns()
    except NoSendRecords:
        return {}
    queue_url = owner.settings.queue_url
    if not queue_url:
        return {}  # nowhere to queue them: `stampbook send-due` sends them instead
    return owner.queue_due(boto3.client("sqs"), queue_url)


# 06:00 UTC on the 1st: the month before is over from Lisbon to Yerevan.
@app.schedule(Cron(0, 6, 1, "*", "?", "*"))
def monthly_report(event: CloudWatchEvent) -> dict[str, int]:
    """The month just past, emailed to the owner's `report.send_to` (if given)."""
    from stampbook.api.context import current
    from stampbook.bootstrap import open_report_reader, open_transport
    from stampbook.report.monthly import email_month_before

    app = current()
    transport = open_transport(app.settings)
    try:
        sent = email_month_before(
            app.programme,
            lambda: open_report_reader(app.settings),
            transport,
            app.loyalty.clock(),
        )
    finally:
        transport.close()
    return {"sent": int(sent is not None)}


# What Chalice's packager and Lambda look up in `app.py`: the app and its functions.
__all__ = [
    "app",
    "health",
    "monthly_report",
    "nightly",
    "openapi",
    "scheduled_newsletters",
    "send_batches",
]
