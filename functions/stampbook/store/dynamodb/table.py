"""The one DynamoDB table Stampbook keeps everything in, and its keys.

Single-table design: a customer's partition holds their profile and
everything the loyalty engine reads, so one strongly consistent query
returns a whole `History`. Names that must be unique across customers (an
email, an order id, ...) are claimed by small items of their own, put in
the same transaction as what they name.

| item                       | pk                    | sk                                       |
|----------------------------|-----------------------|------------------------------------------|
| customer profile + version | `CUSTOMER#<id>`       | `PROFILE` (gsi1: `CUSTOMERS` / `<id>`)   |
| ledger entry               | `CUSTOMER#<id>`       | `LOYALTY#ENTRY#<version>#<n>`            |
| order                      | `CUSTOMER#<id>`       | `LOYALTY#ORDER#<placed at>#<order id>`   |
| refund                     | `CUSTOMER#<id>`       | `LOYALTY#REFUND#<refunded at>#<id>`      |
| certificate                | `CUSTOMER#<id>`       | `LOYALTY#CERTIFICATE#<issued at>#<id>`   |
| consent record             | `CUSTOMER#<id>`       | `CONSENT#<at>#<sequence>`                |
| questionnaire answer       | `CUSTOMER#<id>`       | `FEEDBACK#<at>#<feedback id>`            |
| bounce, complaint, delivery| `CUSTOMER#<id>`       | `EVENT#<at>#<event id>`                  |
| automatic email (claim)    | `CUSTOMER#<id>`       | `AUTOMATION#<automation>#<occasion>`     |
| automatic email owed       | `CUSTOMER#<id>`       | `EMAIL_OWED#<automation>#<occasion>`     |
| answer left on the site    | `SITEFEEDBACK#<address or empty>` | `<at>#<feedback id>`         |
| integration key (hashed)   | `INTEGRATION#<key id>`| `KEY` (gsi1: `INTEGRATION_KEYS` / `<id>`)|
| finished request           | `REQUEST#<key>`       | `REQUEST`                                |
| unique name (a claim)      | `<KIND>#<name>`       | `CLAIM`                                  |
| rate limit or hold         | `LIMIT#<key>`         | `LIMIT` (`hits`, `until`; TTL-able)      |
| webhook endpoint           | `WEBHOOK#<id>`        | `ENDPOINT` (gsi1: `WEBHOOK_ENDPOINTS`)   |
| webhook delivery owed      | `WEBHOOK#<id>`        | `OWED#<message id>`                      |
| webhook delivery log line  | `WEBHOOK#<id>`        | `ATTEMPT#<at>#<message>#<try>` (TTL-able)|

An automatic email once sent is listed in gsi1 under
`AUTOMATION_SENT#<automation>` / `<sent at>#<id>#<occasion>`. One owed (a
thank-you written with its purchase, until the courier sent it) is listed
under `EMAILS_OWED` / `<due, Unix seconds, 12 digits>#<id>#<automation>#<occasion>`;
a webhook delivery owed likewise under `WEBHOOKS_OWED` / `<due>#<endpoint id>#<message id>`.

Claimed kinds: `EMAIL`, `REFERRAL` (code), `ORDER`, `REFUND`, `CERTIFICATE`
(code), `FEEDBACK` (id), `MAILEVENT` (id; an event for no customer is its
claim alone).

| access pattern                  | how                                                      |
|---------------------------------|----------------------------------------------------------|
| customer by id                  | GetItem `CUSTOMER#<id>` / `PROFILE`                      |
| customer by email               | GetItem `EMAIL#<email>` / `CLAIM`, then by id            |
| customer by card code           | GetItem `REFERRAL#<code>` / `CLAIM`, then by id          |
| integration key (every request) | GetItem `INTEGRATION#<key id>` / `KEY`                   |
| a customer's history            | Query `CUSTOMER#<id>`, sk >= `LOYALTY#` (ends at PROFILE)|
| consents, answers of a customer | Query `CUSTOMER#<id>`, sk begins with `CONSENT#` / `FEEDBACK#` |
| site answers left with an address | Query `SITEFEEDBACK#<address>` (export, erase)         |
| was this request done?          | GetItem `REQUEST#<key>` / `REQUEST`                      |
| every customer (nightly run)    | Query gsi1 `CUSTOMERS`, sorted by id                     |
| count a request, hold a mail    | UpdateItem / conditional PutItem `LIMIT#<key>` / `LIMIT` |
| claim an automatic email        | conditional PutItem `CUSTOMER#<id>` / `AUTOMATION#...`   |
| automatic emails sent, per kind | COUNT Query gsi1 `AUTOMATION_SENT#<kind>`, by sent time  |
| owed emails that are due        | Query gsi1 `EMAILS_OWED`, sk before `<now + 1>`, then get|
| webhook endpoints (cached)      | Query gsi1 `WEBHOOK_ENDPOINTS`, then BatchGetItem        |
| webhook deliveries that are due | Query gsi1 `WEBHOOKS_OWED`, sk before `<now + 1>`, then get|
| an endpoint's delivery log      | Query `WEBHOOK#<id>`, sk begins with `ATTEMPT#`, backwards |

The gsi1 listing is for the nightly job and exports, not a request path; it
projects keys only, so a profile update that leaves the keys alone writes
nothing to the index. All customers share one index partition: fine for a
small business (imports of new customers are capped near 1 000/s by it).
Campaigns and their send records use the same index sparsely (records
waiting to be sent, under `SENDS#<slug>`): see `sends.py`. So do owed
emails: a purchase that owes a thank-you writes one small item to the index
(under `EMAILS_OWED`, one partition for all: about 1 000 purchases a second
at most, far beyond a small business), and it leaves once the email is dealt with.

Times in sort keys are UTC with a fixed width, so text order is time order.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

PK = "pk"
SK = "sk"
LISTING = "gsi1"
LISTING_PK = "gsi1pk"
LISTING_SK = "gsi1sk"

PROFILE = "PROFILE"
REQUEST = "REQUEST"
CLAIM = "CLAIM"
LOYALTY = "LOYALTY#"  # every history item's sort key starts so; PROFILE sorts after them
ENTRY = "LOYALTY#ENTRY#"
ORDER = "LOYALTY#ORDER#"
REFUND = "LOYALTY#REFUND#"
CERTIFICATE = "LOYALTY#CERTIFICATE#"
CONSENT = "CONSENT#"
FEEDBACK = "FEEDBACK#"
# Sorts before LOYALTY#, so a history query (sk >= LOYALTY#) never reads it.
MAIL_EVENT = "EVENT#"
# Also sorts before LOYALTY#: an automatic email's claim is no part of the history.
AUTOMATION = "AUTOMATION#"
# Before LOYALTY# too: an owed email is read by the courier, never with the history.
OWED_EMAIL = "EMAIL_OWED#"
EVERY_OWED_EMAIL = "EMAILS_OWED"
INTEGRATION_KEY = "KEY"
WEBHOOK_ENDPOINT = "ENDPOINT"
EVERY_WEBHOOK_ENDPOINT = "WEBHOOK_ENDPOINTS"
OWED_WEBHOOK = "OWED#"
EVERY_OWED_WEBHOOK = "WEBHOOKS_OWED"
WEBHOOK_ATTEMPT = "ATTEMPT#"
EVERY_INTEGRATION_KEY = "INTEGRATION_KEYS"
EVERY_CUSTOMER = "CUSTOMERS"
LIMIT = "LIMIT"
# Unix seconds after which DynamoDB deletes an item: limits and webhook log lines carry it.
EXPIRES = "until"
TIME_TO_LIVE = {"AttributeName": EXPIRES, "Enabled": True}


def table_definition(name: str) -> dict[str, Any]:
    """`CreateTable` arguments: the one definition of the table and its index."""
    return {
        "TableName": name,
        "BillingMode": "PAY_PER_REQUEST",
        "AttributeDefinitions": [
            {"AttributeName": attribute, "AttributeType": "S"}
            for attribute in (PK, SK, LISTING_PK, LISTING_SK)
        ],
        "KeySchema": [
            {"AttributeName": PK, "KeyType": "HASH"},
            {"AttributeName": SK, "KeyType": "RANGE"},
        ],
        "GlobalSecondaryIndexes": [
            {
                "IndexName": LISTING,
                "KeySchema": [
                    {"AttributeName": LISTING_PK, "KeyType": "HASH"},
                    {"AttributeName": LISTING_SK, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "KEYS_ONLY"},
            }
        ],
    }


def cloudformation_resource(name: str) -> dict[str, Any]:
    """The same table as an `AWS::DynamoDB::Table` resource for the deploy template."""
    definition = table_definition(name)
    return {
        "Type": "AWS::DynamoDB::Table",
        "DeletionPolicy": "Retain",  # the customer file outlives any stack
        "UpdateReplacePolicy": "Retain",
        "Properties": {
            **definition,
            "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": True},
            "TimeToLiveSpecification": TIME_TO_LIVE,
        },
    }


def customer_key(customer_id: str) -> str:
    return f"CUSTOMER#{customer_id}"


def claim_key(kind: str, name: str) -> str:
    """The partition that makes `name` unique among all of its `kind` (EMAIL, ORDER, ...)."""
    return f"{kind}#{name}"


def integration_key_partition(key_id: str) -> str:
    return f"INTEGRATION#{key_id}"


def webhook_key(endpoint_id: str) -> str:
    """The partition of one webhook endpoint: its record, its deliveries owed, its log."""
    return f"WEBHOOK#{endpoint_id}"


def site_feedback_key(reply_to: str) -> str:
    """Site answers by the address left for a reply; those without one share `SITEFEEDBACK#`."""
    return f"SITEFEEDBACK#{reply_to}"


def limit_key(key: str) -> str:
    return f"LIMIT#{key}"


def automation_sent_key(automation: str) -> str:
    """The listing partition of the automatic emails of one kind that were sent."""
    return f"AUTOMATION_SENT#{automation}"


def request_key(key: str) -> str:
    return f"REQUEST#{key}"


def sort_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
