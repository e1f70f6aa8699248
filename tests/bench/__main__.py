"""`make bench`: every benchmark, numbers printed, nothing asserted."""

from __future__ import annotations

from . import (
    api,
    automations,
    capacity,
    courier,
    dynamodb,
    enumeration,
    ledger,
    mail,
    nightly,
    nightly_dynamodb,
    outbox,
    programme,
    queue_workers,
    render,
    report,
    report_dynamodb,
    sender,
    site,
    startup,
    webhooks,
    webhooks_out,
)

if __name__ == "__main__":
    print("== start-up: the command line's help and the Lambda's import")
    startup.main()
    print("== loading the programme")
    programme.main()
    print("== the ledger on SQLite")
    ledger.main()
    print("== email rendering")
    render.main()
    print("== the ledger on DynamoDB Local")
    dynamodb.main()
    print("== personal newsletter messages")
    mail.main()
    print("== automatic emails of the nightly run on SQLite")
    automations.main()
    print("== the nightly run on SQLite: customers with nothing due")
    nightly.main()
    print("== the nightly run in the schedule's shards on DynamoDB Local")
    nightly_dynamodb.main()
    print("== DynamoDB capacity units per use case, and a subscriber's month")
    capacity.main()
    print("== the local courier: thank-yous while purchases come in")
    courier.main()
    print("== a newsletter campaign sent end to end on SQLite")
    sender.main()
    print("== a newsletter through the send queue: 1, 2 and 4 worker processes on DynamoDB Local")
    queue_workers.main()
    print("== the outbox folder: .eml files and their index")
    outbox.main()
    print("== the owner's report on SQLite")
    report.main()
    print("== the owner's report on DynamoDB Local")
    report_dynamodb.main()
    print("== the HTTP API: cold start and the till's routes")
    api.main()
    print("== web shops' order webhooks on stampbook serve")
    webhooks.main()
    print("== outgoing webhooks: deliveries per second to a receiver on 127.0.0.1")
    webhooks_out.main()
    print("== the public forms: answer times for known and unknown addresses")
    enumeration.main()
    print("== the website with a thousand archived newsletters")
    site.main()
