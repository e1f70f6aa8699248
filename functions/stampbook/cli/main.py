"""The owner's command line: every command in one table, its module imported only when run.

`stampbook --help` lists the commands from this table without importing any
of them (the store, the mail renderer, boto3 ...), so it answers at once. A
test checks each line here against the command's own help, so they cannot
drift apart.
"""

from __future__ import annotations

from importlib import import_module

import click

# command -> (the module under `stampbook.cli` that defines it, its short help)
COMMANDS: dict[str, tuple[str, str]] = {
    "check": (
        "programme",
        "Check the programme in CAMPAIGNS (default: ./campaigns); exit 1 if it has errors.",
    ),
    "show": ("programme", "Print what the programme in CAMPAIGNS contains."),
    "schema": (
        "programme",
        "Write JSON Schemas into CAMPAIGNS/schemas so editors can autocomplete the YAML.",
    ),
    "init": (
        "programme",
        "Create DIRECTORY, a new business's project, from the example coffee roastery.",
    ),
    "customers": ("loyalty", "The customer file: import from CSV, export everything."),
    "purchases": ("loyalty", "Purchases from the till or the web shop."),
    "points": (
        "loyalty",
        "Show a customer's balance, tier, pending and expiring points, and history.",
    ),
    "purchase": ("loyalty", "Record a purchase at the counter."),
    "refund": ("loyalty", "Record a refund of what is left of an order, or of part of one line."),
    "redeem": ("loyalty", "Spend a customer's points on a reward from the catalogue."),
    "daily": (
        "loyalty",
        "The nightly run: pending points, birthdays, referrals, certificates, tiers, expiry.",
    ),
    "referral": ("referral", "Bring-a-friend: record who referred a customer."),
    "keys": ("keys", "Keys for tills and web shops; rotating the keys that sign links."),
    "shops": (
        "shops",
        "Web shops (Shopify, WooCommerce, Square) whose orders earn points by webhook.",
    ),
    "webhooks": (
        "webhooks",
        "Signed webhooks to other tools: who joined, earned, redeemed, left or answered.",
    ),
    "report": (
        "report",
        "Who comes back, who drifts away, why they leave, and what the programme costs.",
    ),
    "serve": (
        "serve",
        "Serve the site and the API (under /api/) on http://127.0.0.1:PORT until interrupted.",
    ),
    "store": (
        "store",
        "The database: SQLite (STAMPBOOK_DB) or DynamoDB (STAMPBOOK_STORE=dynamodb).",
    ),
    "preview": ("mail", "Write the HTML and text of NAME to a folder and print their paths."),
    "send-test": (
        "mail",
        "Send one real copy of NAME (an issue or a one-off email) to ADDRESS.",
    ),
    "send": ("send", "Send newsletter ISSUE (its slug) to its audience, once per person."),
    "send-due": ("send", "Send every scheduled newsletter whose send_at has come."),
    "campaigns": ("send", "List newsletter campaigns with their state and counts."),
    "pause": ("send", "Stop sending ISSUE after the messages under way; resume later."),
    "resume": ("send", "Let a paused ISSUE carry on; then run `stampbook send ISSUE`."),
    "cancel": ("send", "Stop ISSUE for good: nobody not yet sent to will get it."),
    "site": (
        "site",
        "The customer-facing website: terms, rewards, archive and forms, in every language.",
    ),
    "package": (
        "deploy",
        "Build the Lambda bundle and the stage's SAM template (functions, table, queue, mail).",
    ),
    "deploy": (
        "deploy",
        "Package, upload and create or update the stack `stampbook-STAGE` by change set.",
    ),
}


AWS_LIBRARIES = frozenset({"boto3", "botocore", "mypy_boto3_dynamodb", "mypy_boto3_sesv2"})


class Commands(click.Group):
    """A group whose commands are imported when one is run, not to list them."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        entry = COMMANDS.get(cmd_name)
        if entry is None:
            return None
        commands: tuple[click.Command, ...] = import_module(f"{__package__}.{entry[0]}").COMMANDS
        return next(command for command in commands if command.name == cmd_name)

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except ModuleNotFoundError as missing:
            # AWS's libraries are an extra: one machine with SQLite never needs them.
            if (missing.name or "").partition(".")[0] in AWS_LIBRARIES:
                raise click.ClickException(
                    "this needs the AWS libraries, which this installation does not have:"
                    " pip install 'stampbook[aws]'"
                ) from None
            raise

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(len(name) for name in names)
        # Shortened as click shortens a command's own help for this list.
        rows = [(name, _short(COMMANDS[name][1], limit)) for name in names]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _short(text: str, limit: int) -> str:
    return click.Command("listed", help=text).get_short_help_str(limit)


@click.group(cls=Commands)
@click.version_option(package_name="stampbook")
def main() -> None:
    """Stampbook: your loyalty programme and newsletters, kept in plain YAML."""


__all__ = ["COMMANDS", "main"]
