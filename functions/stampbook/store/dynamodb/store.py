"""The AWS store: one DynamoDB table, safe under at-least-once delivery and many Lambdas.

Keys and access patterns: `table.py`. How a commit stays correct
under concurrency: `writes.py`. In short:

- A request is finished when its record `REQUEST#<key>` exists. The record
  is permanent and is written in the same transaction as the request's
  effects, so a retry an hour later (far past `ClientRequestToken`'s ten
  minutes) still returns the first answer, and a different request under
  the same key is an `IdempotencyConflict`.
- Contention (a version moved, a transaction conflict, throttling) is
  retried with jittered backoff for up to `CONTENTION_SECONDS`, then
  reported as `StoreUnavailable`. botocore itself retries throttled calls
  ("standard" mode) before we see them.
- A transaction holds at most 100 writes. Batches (`add_customers`,
  `commit_batch`) are split between their items, never inside one, so each
  item is still all-or-nothing; a single change too big for one
  transaction is refused before anything is written (`ChangeTooLarge`).
  The engine's changes are a handful of writes.
- Every query follows `LastEvaluatedKey` to the end.

boto3 is imported when the store is opened, not when this module is, so a
Lambda cold start that never touches the store does not pay for it.
"""

from __future__ import annotations

import functools
import itertools
import json
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ...audience.consent import ConsentRecord
from ...audience.mail_events import MailEvent
from ...loyalty.errors import LoyaltyError
from ...loyalty.history import History
from ...loyalty.ledger import Entry
from ...loyalty.standing import Standing
from ...records.customers import EVERYONE, Customer, CustomerRange
from ...records.feedback import Feedback, SiteFeedback
from ...records.integrations import IntegrationKey
from ...records.owed_emails import OwedEmail
from ...records.webhooks import OwedWebhook
from ..base import (
    Batch,
    Change,
    Committed,
    CustomerExists,
    IdempotencyConflict,
    Request,
    StoreError,
    StoreUnavailable,
    UnknownCustomer,
)
from .automations import DynamoAutomationLog
from .items import (
    Item,
    Read,
    attributes,
    consent_from,
    consent_item,
    customer_fields,
    customer_from,
    customer_item,
    entry_from,
    feedback_from,
    feedback_item,
    integration_key_from,
    integration_key_item,
    mail_event_from,
    mail_event_item,
    number,
    owed_item,
    owed_webhook_item,
    site_feedback_from,
    site_feedback_item,
    text,
    unique_names,
)
from .sends import DynamoSends
from .table import (
    CLAIM,
    CONSENT,
    ENTRY,
    EVERY_CUSTOMER,
    EVERY_INTEGRATION_KEY,
    EXPIRES,
    FEEDBACK,
    INTEGRATION_KEY,
    LIMIT,
    LISTING,
    LISTING_PK,
    LISTING_SK,
    LOYALTY,
    MAIL_EVENT,
    OWED_EMAIL,
    PK,
    REQUEST,
    SK,
    claim_key,
    customer_key,
    integration_key_partition,
    limit_key,
    request_key,
    site_feedback_key,
    table_definition,
)
from .webhooks import DynamoWebhookLog
from .writes import (
    MAX_WRITES,
    Partition,
    Plan,
    Role,
    cancellation_codes,
    key,
    plan_commit,
    profile_key,
)

if TYPE_CHECKING:
    import boto3
    from mypy_boto3_dynamodb import DynamoDBClient

CONTENTION_SECONDS = 30.0
BATCH_WRITERS = 8  # customers of a batch written side by side
THROTTLED = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TransactionInProgressException",
    "InternalServerError",
}
# Cancellation reasons that say "try again", not "no".
TRANSIENT = {"TransactionConflict", "ThrottlingError", "ProvisionedThroughputExceeded"}


_SESSION_LOCK = threading.Lock()


@functools.cache
def _session() -> boto3.session.Session:
    """One boto3 session per process: it parses the service models once, not per store."""
    import boto3

    return boto3.session.Session()


class ChangeTooLarge(StoreError):
    """One change needs more writes than a DynamoDB transaction can hold."""


class Cancelled(StoreError):
    """A transaction was cancelled; `reasons` has one code per write ("None" if it was fine)."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__(f"transaction cancelled: {reasons}")
        self.reasons = reasons

    def failed(self, plan: Plan, role: Role) -> list[str]:
        """What the writes of `role` whose conditions failed were about."""
        return [
            about
            for (kind, about), reason in zip(plan.roles, self.reasons, strict=False)
            if kind is role and reason == "ConditionalCheckFailed"
        ]

    @property
    def transient(self) -> bool:
        return any(reason in TRANSIENT for reason in self.reasons)

    def refusal(self) -> StoreError | None:
        """A reason that is neither a condition nor contention (say, an item too large)."""
        odd = [r for r in self.reasons if r not in TRANSIENT | {"None", "ConditionalCheckFailed"}]
        return StoreError(f"DynamoDB refused the transaction: {', '.join(odd)}") if odd else None


# Campaigns and send records: sends.py; outgoing webhooks: webhooks.py.
class DynamoStore(DynamoAutomationLog, DynamoWebhookLog, DynamoSends):
    def __init__(
        self,
        table: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        page_size: int | None = None,
    ) -> None:
        """`page_size` caps each query page (tests use it to make paging happen)."""
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError

        self.table = table
        self.page_size = page_size
        config = Config(
            retries={"mode": "standard", "total_max_attempts": 8},
            max_pool_connections=64,  # threads share this client
            connect_timeout=5,
            read_timeout=20,
        )
        try:
            with _SESSION_LOCK:  # making clients from one session is not thread-safe
                self.client: DynamoDBClient = _session().client(
                    "dynamodb", endpoint_url=endpoint_url, region_name=region, config=config
                )
        except BotoCoreError as error:
            raise StoreUnavailable(f"cannot reach DynamoDB: {error}") from error
        self._sequence = 0
        self._lock = threading.Lock()

    def close(self) -> None:
        self.client.close()

    # -- the table -----------------------------------------------------------

    def create_table(self) -> bool:
        """Create the table and its index; False if it was there already."""
        try:
            with self._driver():
                self.client.create_table(**table_definition(self.table))
        except StoreError as error:
            if "ResourceInUseException" in str(error):
                return False
            raise
        with self._driver():
            self.client.get_waiter("table_exists").wait(TableName=self.table)
            self.client.update_time_to_live(
                TableName=self.table,
                TimeToLiveSpecification={"AttributeName": EXPIRES, "Enabled": True},
            )
        return True

    def delete_table(self) -> None:
        with self._driver():
            self.client.delete_table(TableName=self.table)

    # -- customers -----------------------------------------------------------

    def add_customer(
        self,
        customer: Customer,
        consent: ConsentRecord | None = None,
        webhooks: tuple[OwedWebhook, ...] = (),
    ) -> None:
        plan = self._new_customer(Plan(self.table), customer)
        if consent is not None:
            plan.put(consent_item(customer.customer_id, consent, self._next_sequence()))
        for delivery in webhooks:
            plan.put(owed_webhook_item(delivery))
        try:
            self._transact_patiently(plan)
        except Cancelled as cancelled:
            raise CustomerExists(customer.email) from cancelled

    def add_customers(self, customers: list[Customer]) -> list[Customer]:
        added: list[Customer] = []
        taken: set[tuple[str, str]] = set()
        batch: list[Customer] = []
        writes = 0
        for customer in customers:
            names = {("ID", customer.customer_id), *unique_names(customer)}
            if names & taken:
                continue  # the first of two with one email wins, as on SQLite
            taken |= names
            if writes + len(names) > MAX_WRITES:
                added += self._add_known_or_new(batch)
                batch, writes = [], 0
            batch.append(customer)
            writes += len(names)
        return added + self._add_known_or_new(batch)

    def _add_known_or_new(self, customers: list[Customer]) -> list[Customer]:
        """Add in one transaction those not known yet; the cancelled ones say who is known."""
        remaining = list(customers)
        for _ in self._contention():
            if not remaining:
                return []
            plan = Plan(self.table)
            owners: list[Customer] = []
            for customer in remaining:
                before = len(plan)
                self._new_customer(plan, customer)
                owners += [customer] * (len(plan) - before)
            try:
                self._transact(plan)
            except Cancelled as cancelled:
                if not cancelled.transient:
                    known = {
                        id(owner)
                        for owner, reason in zip(owners, cancelled.reasons, strict=False)
                        if reason == "ConditionalCheckFailed"
                    }
                    remaining = [c for c in remaining if id(c) not in known]
                continue
            return remaining
        raise AssertionError("unreachable")  # _contention raises when time is up

    def _new_customer(self, plan: Plan, customer: Customer) -> Plan:
        plan.put(customer_item(customer), Role.CLAIM, f"customer {customer.customer_id}")
        for kind, name in sorted(unique_names(customer)):
            plan.claim(kind, name, customer.customer_id)
        return plan

    def update_customer(self, customer: Customer) -> None:
        for _ in self._contention():
            before = self.customer(customer.customer_id)
            if before is None:
                raise UnknownCustomer(customer.customer_id)
            plan = Plan(self.table)
            fields = customer_fields(customer)
            expression, names, values = _update_expression(fields)
            values[":one"] = {"N": "1"}
            values[":email"] = {"S": before.email}
            values[":code"] = {"S": before.referral_code}
            plan.update(
                profile_key(customer.customer_id),
                Role.CURRENT,
                f"customer {customer.customer_id}",
                UpdateExpression=expression + " ADD version :one",
                ConditionExpression="email = :email AND referral_code = :code",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
            old, new = unique_names(before), unique_names(customer)
            for kind, name in sorted(old - new):
                plan.delete(
                    key(claim_key(kind, name), CLAIM),
                    "customer_id = :id",
                    attributes(**{":id": customer.customer_id}),
                    f"{kind.lower()} {name}",
                )
            for kind, name in sorted(new - old):
                plan.claim(kind, name, customer.customer_id)
            try:
                self._transact(plan)
            except Cancelled as cancelled:
                taken = cancelled.failed(plan, Role.CLAIM)
                if taken:
                    raise CustomerExists(", ".join(taken)) from cancelled
                continue  # the profile changed since it was read
            return

    def refer(self, customer_id: str, referrer_id: str) -> bool:
        plan = Plan(self.table)
        # The version moves too: a commit that read the history without a
        # referrer decides again.
        plan.update(
            profile_key(customer_id),
            Role.CURRENT,
            f"customer {customer_id}",
            UpdateExpression="SET referred_by = :by ADD version :one",
            ConditionExpression="attribute_exists(pk) AND attribute_not_exists(referred_by)",
            ExpressionAttributeValues={":by": {"S": referrer_id}, ":one": {"N": "1"}},
        )
        try:
            self._transact_patiently(plan)
        except Cancelled as cancelled:
            if not cancelled.failed(plan, Role.CURRENT):
                raise
            if self.customer(customer_id) is None:
                raise UnknownCustomer(customer_id) from cancelled
            return False
        return True

    def customer(self, customer_id: str) -> Customer | None:
        found = self._get(profile_key(customer_id))
        return customer_from(found) if found else None

    def customer_by_email(self, email: str) -> Customer | None:
        claim = self._get(key(claim_key("EMAIL", email), CLAIM))
        return self.customer(text(claim, "customer_id")) if claim else None

    def customer_ids_by_email(self, emails: list[str]) -> dict[str, str]:
        by_claim = {claim_key("EMAIL", email): email for email in emails}
        claims = self._get_many([key(claim, CLAIM) for claim in by_claim])
        return {by_claim[text(claim, "pk")]: text(claim, "customer_id") for claim in claims}

    def customer_by_code(self, code: str) -> Customer | None:
        wanted = code.strip().upper()
        if not wanted:
            return None
        claim = self._get(key(claim_key("REFERRAL", wanted), CLAIM))
        return self.customer(text(claim, "customer_id")) if claim else None

    def customer_ids(self, within: CustomerRange = EVERYONE) -> Iterator[str]:
        """Every customer id in order, from the keys-only listing index (the nightly run)."""
        # A key condition has no "from here up to, not including": BETWEEN takes the
        # range's stop too, and it is left out here.
        condition, values = f"{LISTING_PK} = :all", {":all": EVERY_CUSTOMER}
        if within.first is not None and within.stop is not None:
            condition += f" AND {LISTING_SK} BETWEEN :first AND :stop"
            values |= {":first": within.first, ":stop": within.stop}
        elif within.first is not None:
            condition += f" AND {LISTING_SK} >= :first"
            values[":first"] = within.first
        elif within.stop is not None:
            condition += f" AND {LISTING_SK} < :stop"
            values[":stop"] = within.stop
        for item in self._query(
            IndexName=LISTING,
            KeyConditionExpression=condition,
            ExpressionAttributeValues=attributes(**values),
        ):
            customer_id = text(item, LISTING_SK)
            if customer_id != within.stop:
                yield customer_id

    def nightly_customers(
        self, now: datetime, key: str, within: CustomerRange = EVERYONE
    ) -> Iterator[tuple[str, bool]]:
        """Each customer's profile read a hundred to a request, only the version and what
        the last nightly step kept: quiet while that was found at the current version."""
        moment = now.astimezone(UTC)

        def due(profile: Read | None) -> bool:
            if profile is None or "quiet_version" not in profile:
                return True
            return not (
                profile["quiet_version"] == profile.get("version")
                and text(profile, "quiet_key") == key
                and datetime.fromisoformat(text(profile, "quiet_until")) > moment
            )

        ids = self.customer_ids(within)
        while chunk := list(itertools.islice(ids, 100)):
            wanted = {customer_key(customer_id): customer_id for customer_id in chunk}
            profiles = {
                text(item, "pk"): item
                for item in self._get_many(
                    [profile_key(customer_id) for customer_id in chunk],
                    "pk, version, quiet_until, quiet_key, quiet_version",
                )
            }
            for pk, customer_id in wanted.items():
                yield customer_id, due(profiles.get(pk))

    def record_consent(
        self,
        customer_id: str,
        record: ConsentRecord,
        owed: OwedEmail | None = None,
        webhooks: tuple[OwedWebhook, ...] = (),
    ) -> None:
        plan = Plan(self.table)
        self._customer_exists(plan, customer_id)
        plan.put(consent_item(customer_id, record, self._next_sequence()))
        if owed is not None:
            plan.put(owed_item(owed))
        for delivery in webhooks:
            plan.put(owed_webhook_item(delivery))
        self._transact_for(customer_id, plan)

    def _next_sequence(self) -> int:
        """Orders consent records made in the same nanosecond by this process."""
        with self._lock:
            self._sequence = max(self._sequence + 1, time.time_ns())
            return self._sequence

    def consents(self, customer_id: str) -> list[ConsentRecord]:
        return [consent_from(item) for item in self._partition_items(customer_id, CONSENT)]

    def record_feedback(self, feedback: Feedback, webhooks: tuple[OwedWebhook, ...] = ()) -> bool:
        plan = Plan(self.table)
        self._customer_exists(plan, feedback.customer_id)
        plan.claim("FEEDBACK", feedback.feedback_id, feedback.customer_id)
        plan.put(feedback_item(feedback))
        for delivery in webhooks:
            plan.put(owed_webhook_item(delivery))
        try:
            self._transact_for(feedback.customer_id, plan)
        except Cancelled as cancelled:
            if cancelled.failed(plan, Role.CLAIM):
                return False
            raise
        return True

    def feedback(self, customer_id: str) -> list[Feedback]:
        return [feedback_from(item) for item in self._partition_items(customer_id, FEEDBACK)]

    def record_site_feedback(self, answer: SiteFeedback) -> None:
        with self._driver():
            self.client.put_item(TableName=self.table, Item=site_feedback_item(answer))

    def site_feedback(self, reply_to: str) -> list[SiteFeedback]:
        if not reply_to:
            return []  # the answers without an address are nobody's
        return [site_feedback_from(item) for item in self._site_answers(reply_to)]

    def _site_answers(self, reply_to: str) -> Iterator[Read]:
        return self._query(
            KeyConditionExpression="pk = :pk",
            ExpressionAttributeValues=attributes(**{":pk": site_feedback_key(reply_to)}),
            ConsistentRead=True,
        )

    def order_owner(self, order_id: str) -> str | None:
        claim = self._get(key(claim_key("ORDER", order_id), CLAIM))
        return text(claim, "customer_id") if claim else None

    def erase_customer(self, customer_id: str) -> bool:
        # The personal items go first, so a crash part-way leaves the profile
        # behind and a retry finishes the work; then the profile and the
        # names it claims go together. Loyalty items stay for the books.
        self._forget_personal_items(customer_id)
        for _ in self._contention():
            profile = self._get(profile_key(customer_id))
            if profile is None:
                return False
            plan = Plan(self.table)
            version = attributes(**{":version": number(profile, "version")})
            plan.delete(profile_key(customer_id), "version = :version", version, customer_id)
            for kind, name in sorted(unique_names(customer_from(profile))):
                plan.delete(
                    key(claim_key(kind, name), CLAIM),
                    # Already gone is fine; a name someone else holds now is theirs.
                    "attribute_not_exists(pk) OR customer_id = :id",
                    attributes(**{":id": customer_id}),
                    f"{kind.lower()} {name}",
                )
            try:
                self._transact(plan)
            except Cancelled:
                continue  # the profile changed since it was read (or contention)
            # A consent recorded between the first sweep and now checked a
            # profile that existed then; none can be written after it is gone.
            self._forget_personal_items(customer_id)
            return True
        raise AssertionError("unreachable")  # _contention raises when time is up

    def _forget_personal_items(self, customer_id: str) -> None:
        # With any email still owed: it would go to nobody, and holds what it was to tell.
        personal = [
            self._partition_items(customer_id, prefix) for prefix in (CONSENT, FEEDBACK, OWED_EMAIL)
        ]
        profile = self._get(profile_key(customer_id))
        if profile is not None:
            # Answers left on the site with their address are theirs too.
            personal.append(self._site_answers(text(profile, "email")))
        # A webhook delivery about them, still owed (with their address, for some).
        personal.append(self._owed_webhooks_about(customer_id))
        for items in personal:
            for item in list(items):
                with self._driver():
                    self.client.delete_item(
                        TableName=self.table, Key=key(item[PK]["S"], item[SK]["S"])
                    )
        for item in list(self._partition_items(customer_id, MAIL_EVENT)):
            with self._driver():
                self.client.update_item(
                    TableName=self.table,
                    Key=key(item[PK]["S"], item[SK]["S"]),
                    UpdateExpression="SET email = :blank",
                    ExpressionAttributeValues=attributes(**{":blank": ""}),
                )

    # -- what the mail provider reported ----------------------------------------

    def record_mail_event(self, event: MailEvent) -> bool:
        plan = Plan(self.table)
        owner = event.customer_id
        plan.claim("MAILEVENT", event.event_id, owner or "")
        if owner is not None:
            plan.put(mail_event_item(event, owner))
        try:
            self._transact_patiently(plan)
        except Cancelled as cancelled:
            if cancelled.failed(plan, Role.CLAIM):
                return False
            raise
        return True

    def mail_events(self, customer_id: str) -> list[MailEvent]:
        return [mail_event_from(item) for item in self._partition_items(customer_id, MAIL_EVENT)]

    # -- integration keys --------------------------------------------------------

    def add_integration_key(self, integration: IntegrationKey) -> None:
        plan = Plan(self.table)
        plan.put(integration_key_item(integration), Role.CLAIM, f"key {integration.key_id}")
        try:
            self._transact_patiently(plan)
        except Cancelled as cancelled:
            raise IdempotencyConflict(f"key {integration.key_id} exists") from cancelled

    def integration_key(self, key_id: str) -> IntegrationKey | None:
        found = self._get(key(integration_key_partition(key_id), INTEGRATION_KEY))
        return integration_key_from(found) if found else None

    def integration_keys(self) -> list[IntegrationKey]:
        listed = self._query(
            IndexName=LISTING,
            KeyConditionExpression=f"{LISTING_PK} = :all",
            ExpressionAttributeValues=attributes(**{":all": EVERY_INTEGRATION_KEY}),
        )
        found = [self.integration_key(text(item, LISTING_SK)) for item in listed]
        return sorted((k for k in found if k is not None), key=lambda k: (k.created_at, k.key_id))

    def revoke_integration_key(self, key_id: str, at: datetime) -> bool:
        plan = Plan(self.table)
        plan.update(
            key(integration_key_partition(key_id), INTEGRATION_KEY),
            Role.CURRENT,
            f"key {key_id}",
            UpdateExpression="SET revoked_at = :at",
            ConditionExpression="attribute_exists(pk) AND attribute_not_exists(revoked_at)",
            ExpressionAttributeValues=attributes(**{":at": at.astimezone(UTC).isoformat()}),
        )
        try:
            self._transact_patiently(plan)
        except Cancelled as cancelled:
            if cancelled.failed(plan, Role.CURRENT):
                return False
            raise
        return True

    # -- limits --------------------------------------------------------------

    def hold(self, key_name: str, now: int, until: int, owed: OwedEmail | None = None) -> bool:
        with self._driver():
            try:
                self.client.put_item(
                    TableName=self.table,
                    Item={
                        **key(limit_key(key_name), LIMIT),
                        **attributes(hits=1, until=until),
                    },
                    ConditionExpression="attribute_not_exists(pk) OR #until <= :now",
                    ExpressionAttributeNames={"#until": "until"},
                    ExpressionAttributeValues=attributes(**{":now": now}),
                )
            except self.client.exceptions.ConditionalCheckFailedException:
                return False
        # One request more, not a transaction: were it lost with the process, the
        # hold would only delay the email the person can ask for again.
        if owed is not None:
            self.owe_email(owed)
        return True

    def count_hit(self, key_name: str, until: int) -> int:
        with self._driver():
            answer = self.client.update_item(
                TableName=self.table,
                Key=key(limit_key(key_name), LIMIT),
                UpdateExpression="ADD hits :one SET #until = if_not_exists(#until, :until)",
                ExpressionAttributeNames={"#until": "until"},
                ExpressionAttributeValues=attributes(**{":one": 1, ":until": until}),
                ReturnValues="UPDATED_NEW",
            )
        return int(answer["Attributes"]["hits"]["N"])

    def hits(self, key_name: str, now: int) -> int:
        with self._driver():
            item = self.client.get_item(
                TableName=self.table, Key=key(limit_key(key_name), LIMIT), ConsistentRead=True
            ).get("Item")
        if item is None or int(item["until"]["N"]) <= now:
            return 0
        return int(item["hits"]["N"])

    def forget_limits(self, now: int) -> int:
        # The table's time to live (on `until`) deletes them, within a day or two
        # of `until`; until then `hits` and `hold` read them as gone.
        return 0

    def _customer_exists(self, plan: Plan, customer_id: str) -> None:
        plan.check(
            profile_key(customer_id),
            "attribute_exists(pk)",
            Role.CURRENT,
            f"customer {customer_id}",
        )

    def _transact_for(self, customer_id: str, plan: Plan) -> None:
        """Write `plan`, whose first write checks that the customer exists."""
        try:
            self._transact_patiently(plan)
        except Cancelled as cancelled:
            if cancelled.reasons[:1] == ["ConditionalCheckFailed"]:
                raise UnknownCustomer(customer_id) from cancelled
            raise

    # -- loyalty -------------------------------------------------------------

    def referral_entries(self, customer_id: str) -> tuple[Entry, ...]:
        # The sort key orders entries by when they were written, not by their key:
        # the filter still reads the customer's entries, but returns only these.
        found = self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            FilterExpression="begins_with(#key, :referral)",
            ExpressionAttributeNames={"#key": "key"},
            ExpressionAttributeValues=attributes(
                **{":pk": customer_key(customer_id), ":prefix": ENTRY, ":referral": "referral:"}
            ),
            ConsistentRead=True,
        )
        return tuple(entry_from(item) for item in found)

    def history(self, customer_id: str) -> History:
        return self._reading(customer_id).history

    def standing(self, customer_id: str, now: datetime) -> Standing:
        # The customer's loyalty items are one Query either way (their partition).
        return Standing.of(self.history(customer_id), now)

    def commit(
        self, customer_id: str, request: Request, decide: Callable[[History], Change]
    ) -> Committed:
        for _ in self._contention():
            finished = self._finished(request)
            if finished is not None:
                return finished
            readings = {customer_id: self._reading(customer_id)}
            change = decide(readings[customer_id].history)
            for owner, _entry in change.entries:
                if owner not in readings:
                    readings[owner] = self._reading(owner)
            plan = plan_commit(self.table, customer_id, request, change, readings)
            if len(plan) > MAX_WRITES:
                raise ChangeTooLarge(
                    f"{request.key} needs {len(plan)} writes; one transaction holds {MAX_WRITES}"
                )
            try:
                self._transact(plan)
            except Cancelled as cancelled:
                if cancelled.failed(plan, Role.REQUEST):
                    continue  # finished meanwhile: the next round replays it
                taken = cancelled.failed(plan, Role.CLAIM)
                if taken and not cancelled.transient:
                    raise IdempotencyConflict(
                        f"{request.key}: {', '.join(taken)} is already recorded"
                    ) from cancelled
                continue  # the customer changed since the read: decide again
            return Committed(change.result)
        raise AssertionError("unreachable")  # _contention raises when time is up

    def commit_batches(self, batches: list[Batch]) -> Iterator[list[Committed | Exception]]:
        for make in batches:
            yield self.commit_batch(make())

    def commit_batch(
        self, items: list[tuple[str, Request, Callable[[History], Change]]]
    ) -> list[Committed | Exception]:
        """Each item is its own transaction; one customer's items in order, customers side by side.

        A customer's later item sees what their earlier one wrote. Unlike SQLite,
        the batch is not one transaction: an interrupted import is run again,
        and the items already done replay instead of counting twice.
        """
        outcomes: list[Committed | Exception | None] = [None] * len(items)
        by_customer: dict[str, list[int]] = {}
        for index, (customer_id, _, _) in enumerate(items):
            by_customer.setdefault(customer_id, []).append(index)

        def commit_in_order(indexes: list[int]) -> None:
            for index in indexes:
                try:
                    outcomes[index] = self.commit(*items[index])
                except (LoyaltyError, UnknownCustomer, IdempotencyConflict) as refused:
                    outcomes[index] = refused

        with ThreadPoolExecutor(max_workers=BATCH_WRITERS) as pool:
            for done in [pool.submit(commit_in_order, group) for group in by_customer.values()]:
                done.result()  # anything else (the store unreachable) stops the batch
        return [outcome for outcome in outcomes if outcome is not None]

    def _finished(self, request: Request) -> Committed | None:
        record = self._get(key(request_key(request.key), REQUEST))
        if record is None:
            return None
        if text(record, "fingerprint") != request.fingerprint:
            raise IdempotencyConflict(f"{request.key} was already used for a different request")
        return Committed(json.loads(text(record, "result")), replayed=True)

    def _reading(self, customer_id: str) -> Partition:
        items = self._query(
            KeyConditionExpression="pk = :pk AND sk >= :loyalty",
            ExpressionAttributeValues=attributes(
                **{":pk": customer_key(customer_id), ":loyalty": LOYALTY}
            ),
            ConsistentRead=True,
        )
        reading = Partition.of(customer_id, items)
        if reading is None:
            raise UnknownCustomer(customer_id)
        return reading

    # -- the driver ----------------------------------------------------------

    def _get(self, item_key: Item) -> Read | None:
        with self._driver():
            found = self.client.get_item(TableName=self.table, Key=item_key, ConsistentRead=True)
        return found.get("Item")

    def _get_many(self, item_keys: list[Item], projection: str | None = None) -> Iterator[Read]:
        """The items of these keys that exist, 100 to a request (BatchGetItem's limit);
        with a projection, only those attributes (plain names, none reserved)."""
        for start in range(0, len(item_keys), 100):
            wanted: dict[str, Any] = {
                self.table: {"Keys": item_keys[start : start + 100], "ConsistentRead": True}
            }
            if projection is not None:
                names = [name.strip() for name in projection.split(",")]
                wanted[self.table]["ProjectionExpression"] = ", ".join(f"#{n}" for n in names)
                wanted[self.table]["ExpressionAttributeNames"] = {f"#{n}": n for n in names}
            while wanted:
                with self._driver():
                    found = self.client.batch_get_item(RequestItems=wanted)
                yield from found["Responses"].get(self.table, [])
                # Keys DynamoDB did not get to this time (throttled, or too much at once).
                wanted = found.get("UnprocessedKeys") or {}

    def _partition_items(self, customer_id: str, prefix: str) -> Iterator[Read]:
        return self._query(
            KeyConditionExpression="pk = :pk AND begins_with(sk, :prefix)",
            ExpressionAttributeValues=attributes(
                **{":pk": customer_key(customer_id), ":prefix": prefix}
            ),
            ConsistentRead=True,
        )

    def _query(self, **arguments: Any) -> Iterator[Read]:
        arguments["TableName"] = self.table
        if self.page_size:
            arguments["Limit"] = self.page_size
        while True:
            with self._driver():
                page = self.client.query(**arguments)
            yield from page["Items"]
            last = page.get("LastEvaluatedKey")
            if not last:
                return
            arguments["ExclusiveStartKey"] = last

    def _transact(self, plan: Plan) -> None:
        # A fresh token per attempt: botocore's own retries of this very call are
        # then idempotent, and no two attempts can be mistaken for one another.
        try:
            with self._driver():
                self.client.transact_write_items(
                    TransactItems=plan.writes,  # type: ignore[arg-type]
                    ClientRequestToken=uuid.uuid4().hex,
                )
        except Cancelled as cancelled:
            refusal = cancelled.refusal()
            if refusal is not None:
                raise refusal from cancelled
            raise

    def _transact_patiently(self, plan: Plan) -> None:
        """Write `plan`, again after a pause while it only met contention."""
        for _ in self._contention():
            try:
                self._transact(plan)
            except Cancelled as cancelled:
                if not cancelled.transient:
                    raise
                continue
            return

    def _contention(self) -> Iterator[int]:
        """Attempts, with jittered exponential pauses between them, until time is up."""
        deadline = time.monotonic() + CONTENTION_SECONDS
        attempt = 0
        while True:
            yield attempt
            attempt += 1
            if time.monotonic() > deadline:
                raise StoreUnavailable(f"still contended after {attempt} attempts; retry later")
            time.sleep(random.uniform(0, min(0.2, 0.005 * 2 ** min(attempt, 10))))

    @contextmanager
    def _driver(self) -> Iterator[None]:
        """botocore's errors, as the store's own."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            yield
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            message = error.response.get("Error", {}).get("Message", "")
            if code == "TransactionCanceledException":
                raise Cancelled(cancellation_codes(error)) from error
            if code in THROTTLED:
                raise StoreUnavailable(f"DynamoDB is busy ({code}); retry later") from error
            if code == "ResourceNotFoundException":
                raise StoreUnavailable(
                    f"no table {self.table!r}: run `stampbook store init` ({message})"
                ) from error
            raise StoreError(f"DynamoDB refused the request: {code}: {message}") from error
        except BotoCoreError as error:
            raise StoreUnavailable(f"cannot reach DynamoDB: {error}") from error


def _update_expression(fields: dict[str, str | None]) -> tuple[str, dict[str, str], Item]:
    """`SET` the fields that have values and `REMOVE` the others, by placeholder names."""
    names: dict[str, str] = {}
    values: Item = {}
    setting: list[str] = []
    removing: list[str] = []
    for n, (name, value) in enumerate(fields.items()):
        names[f"#f{n}"] = name
        if value is None:
            removing.append(f"#f{n}")
        else:
            values[f":f{n}"] = {"S": value}
            setting.append(f"#f{n} = :f{n}")
    expression = "SET " + ", ".join(setting)
    if removing:
        expression += " REMOVE " + ", ".join(removing)
    return expression, names, values
