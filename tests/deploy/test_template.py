"""The stage's template: valid for cfn-lint, the table the code makes, least privilege."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from stampbook.deploy.bundle import Package, chalice_package
from stampbook.deploy.template import ACCOUNT_WIDE_ONLY, finish
from stampbook.deploy.website import FOLDER_INDEX
from stampbook.sender.settings import SendingSettings
from stampbook.services.automations import CLAIM_SECONDS
from stampbook.store.dynamodb.store import DynamoStore

from .conftest import STAGE

CFN_LINT = Path(sys.executable).parent / "cfn-lint"
ERRORS = 2  # cfn-lint's exit status is a bit mask: 2 errors, 4 warnings, 8 notes
# The stack's own log groups, and the indexes of its own table.
NARROWED_WILDCARDS = (f"/stampbook/{STAGE.name}/*", "${StampbookTable.Arn}/index/*")


def template_of(packaged: Package) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(packaged.template.read_text(encoding="utf-8"))
    return loaded


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(CFN_LINT), str(path)], capture_output=True, text=True, check=False)


def functions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        name: resource["Properties"]
        for name, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
    }


def statements(template: dict[str, Any], function: str) -> list[dict[str, Any]]:
    role = functions(template)[function]["Role"]["Fn::GetAtt"][0]
    policies = template["Resources"][role]["Properties"]["Policies"]
    return [each for policy in policies for each in policy["PolicyDocument"]["Statement"]]


def actions(template: dict[str, Any], function: str) -> set[str]:
    return {action for each in statements(template, function) for action in each["Action"]}


def test_the_template_passes_cfn_lint(packaged: Package) -> None:
    checked = lint(packaged.template)
    assert checked.returncode & ERRORS == 0, checked.stdout


def test_cfn_lint_expands_the_functions_and_finds_their_mistakes(
    packaged: Package, tmp_path: Path
) -> None:
    broken = template_of(packaged)
    functions(broken)["Nightly"]["Role"] = {"Fn::GetAtt": ["NoSuchRole", "Arn"]}
    (tmp_path / "broken.json").write_text(json.dumps(broken))
    checked = lint(tmp_path / "broken.json")
    assert checked.returncode & ERRORS
    assert "NoSuchRole" in checked.stdout


def test_the_templates_table_is_the_one_the_code_creates(
    packaged: Package, dynamodb_local: str
) -> None:
    declared = template_of(packaged)["Resources"]["StampbookTable"]["Properties"]
    tables = DynamoStore(declared["TableName"], endpoint_url=dynamodb_local)
    tables.create_table()
    try:
        made = tables.client.describe_table(TableName=declared["TableName"])["Table"]
    finally:
        tables.delete_table()
        tables.close()
    assert declared["TableName"] == STAGE.table
    assert declared["KeySchema"] == made["KeySchema"]
    assert sorted(declared["AttributeDefinitions"], key=str) == sorted(
        made["AttributeDefinitions"], key=str
    )
    [index] = made["GlobalSecondaryIndexes"]
    assert declared["GlobalSecondaryIndexes"] == [
        {key: index[key] for key in ("IndexName", "KeySchema", "Projection")}
    ]
    assert declared["BillingMode"] == made["BillingModeSummary"]["BillingMode"]


def test_every_function_has_its_own_role_and_reads_its_settings(packaged: Package) -> None:
    template = template_of(packaged)
    roles = {props["Role"]["Fn::GetAtt"][0] for props in functions(template).values()}
    assert roles == {
        "APIHandlerRole",
        "NightlyRole",
        "MonthlyReportRole",
        "SendBatchesRole",
        "ScheduledNewslettersRole",
    }
    for props in functions(template).values():
        assert props["Runtime"] == "python3.12"
        settings = props["Environment"]["Variables"]
        assert settings["STAMPBOOK_STORE"] == "dynamodb"
        assert settings["STAMPBOOK_TABLE"] == {"Ref": "StampbookTable"}
        assert settings["STAMPBOOK_MAIL"] == "ses"
        assert settings["STAMPBOOK_SES_CONFIGURATION_SET"] == {"Ref": "MailConfigurationSet"}
        assert settings["STAMPBOOK_SEND_QUEUE"] == STAGE.send_queue
        assert settings["STAMPBOOK_SNS_TOPICS"] == {"Ref": "MailEventsTopic"}
        assert settings["STAMPBOOK_SIGNING_KEYS_PARAMETER"] == "/stampbook/test/signing-keys"


def test_no_role_grants_a_wildcard_action_or_the_whole_account(packaged: Package) -> None:
    template = template_of(packaged)
    for function in functions(template):
        for statement in statements(template, function):
            if statement["Action"] == ACCOUNT_WIDE_ONLY:  # X-Ray names no resource
                assert statement["Resource"] == ["*"]
                continue
            assert all("*" not in action for action in statement["Action"]), statement
            named = json.dumps(statement["Resource"])
            for narrowed in NARROWED_WILDCARDS:
                named = named.replace(narrowed, "")
            assert "*" not in named, statement
        # Creating or dropping the customer file is never a function's business;
        # reading all of it is the monthly report's alone.
        assert not {"dynamodb:DeleteTable", "dynamodb:CreateTable"} & actions(template, function)
        scans = "dynamodb:Scan" in actions(template, function)
        assert scans is (function == "MonthlyReport"), function


def test_the_api_and_the_nightly_run_may_enqueue_sends_but_not_take_them(
    packaged: Package,
) -> None:
    template = template_of(packaged)
    for function in ("APIHandler", "Nightly", "ScheduledNewsletters"):
        granted = actions(template, function)
        assert "sqs:SendMessage" in granted
        assert "sqs:ReceiveMessage" not in granted
        assert {"ses:SendEmail", "dynamodb:Query", "dynamodb:PutItem"} <= granted


def test_the_newsletter_sender_takes_batches_from_the_stages_queue(packaged: Package) -> None:
    template = template_of(packaged)
    sender = functions(template)["SendBatches"]
    assert sender["Handler"] == "app.send_batches"
    [event] = sender["Events"].values()
    assert event["Properties"]["Queue"] == {"Fn::GetAtt": ["SendQueue", "Arn"]}
    # Failed messages are reported alone, so a batch is not resent whole.
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    granted = actions(template, "SendBatches")
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "ses:SendEmail"} <= granted


def test_the_nightly_run_is_scheduled_and_may_run_long(packaged: Package) -> None:
    nightly = functions(template_of(packaged))["Nightly"]
    assert nightly["Handler"] == "app.nightly"
    assert nightly["Events"]["NightlyEvent"] == {
        "Type": "Schedule",
        "Properties": {"Schedule": "cron(0 3 * * ? *)"},
    }
    assert nightly["Timeout"] == 900
    assert functions(template_of(packaged))["APIHandler"]["Timeout"] <= 29


def test_the_send_queue_keeps_failed_messages_aside(packaged: Package) -> None:
    resources = template_of(packaged)["Resources"]
    queue = resources["SendQueue"]["Properties"]
    assert queue["QueueName"] == STAGE.send_queue
    assert queue["RedrivePolicy"]["deadLetterTargetArn"] == {
        "Fn::GetAtt": ["SendDeadLetters", "Arn"]
    }
    assert resources["SendDeadLetters"]["Properties"]["QueueName"] == STAGE.dead_letters
    # A batch message whose Lambda died comes back once the records it claimed may be
    # claimed again, not before (it would find them still held, and be offered again).
    assert queue["VisibilityTimeout"] > SendingSettings().lease
    # A nightly shard's likewise once the automatic emails it had claimed have lapsed:
    # back sooner, it would find them held, and the day's birthdays would not go.
    assert queue["VisibilityTimeout"] > CLAIM_SECONDS
    assert queue["RedrivePolicy"]["maxReceiveCount"] >= 3


def test_bounces_and_complaints_reach_the_api_through_sns(packaged: Package) -> None:
    resources = template_of(packaged)["Resources"]
    destination = resources["MailEventDestination"]["Properties"]
    assert destination["ConfigurationSetName"] == {"Ref": "MailConfigurationSet"}
    assert {"bounce", "complaint"} <= set(destination["EventDestination"]["MatchingEventTypes"])
    assert destination["EventDestination"]["SnsDestination"] == {
        "TopicARN": {"Ref": "MailEventsTopic"}
    }
    # Signed with SHA-256, the only version the API accepts.
    assert resources["MailEventsTopic"]["Properties"]["SignatureVersion"] == "2"
    subscription = resources["MailEventsSubscription"]["Properties"]
    assert subscription["Protocol"] == "https"
    assert subscription["Endpoint"]["Fn::Sub"].endswith("/api/mail/events")


CONSUMER_APP = """
import os
from chalice import Chalice

app = Chalice(app_name="stampbook")


@app.route("/health")
def health():
    return {}


@app.on_sqs_message(queue=os.environ.get("STAMPBOOK_SEND_QUEUE", "stampbook-sends"))
def send_batch(event):
    pass
"""


@pytest.fixture(scope="module")
def with_consumer(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The template of a small app with a send-queue consumer of its own."""
    project = tmp_path_factory.mktemp("consumer")
    (project / "app.py").write_text(CONSUMER_APP)
    (project / ".chalice").mkdir()
    config = {"version": "2.0", "app_name": "stampbook", "stages": {STAGE.name: {}}}
    (project / ".chalice" / "config.json").write_text(json.dumps(config))
    return finish(chalice_package(project, STAGE, project / "out"), STAGE)


def test_a_consumer_of_the_send_queue_is_wired_to_the_stages_queue(
    with_consumer: dict[str, Any], tmp_path: Path
) -> None:
    consumer = functions(with_consumer)["SendBatch"]
    [event] = consumer["Events"].values()
    assert event["Type"] == "SQS"
    assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert event["Properties"]["Queue"] == {"Fn::GetAtt": ["SendQueue", "Arn"]}
    assert (
        consumer["Timeout"] * 6
        <= (with_consumer["Resources"]["SendQueue"]["Properties"]["VisibilityTimeout"])
    )
    granted = actions(with_consumer, "SendBatch")
    assert {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"} <= granted
    assert "sqs:SendMessage" not in granted
    (tmp_path / "template.json").write_text(json.dumps(with_consumer))
    checked = lint(tmp_path / "template.json")
    assert checked.returncode & ERRORS == 0, checked.stdout


def test_the_site_bucket_is_private_and_read_only_by_the_stacks_distribution(
    packaged: Package,
) -> None:
    resources = template_of(packaged)["Resources"]
    blocked = resources["SiteBucket"]["Properties"]["PublicAccessBlockConfiguration"]
    assert all(blocked.values())
    [grant] = resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    assert grant["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert grant["Action"] == "s3:GetObject"
    assert grant["Condition"]["StringEquals"]["AWS:SourceArn"]["Fn::Sub"].endswith(
        "distribution/${SiteDistribution}"
    )
    config = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"


@pytest.mark.parametrize(
    ("asked", "served"),
    [
        ("/", "/index.html"),
        ("/en/", "/en/index.html"),
        ("/en/rewards", "/en/rewards/index.html"),
        ("/assets/stylesheets/main.8608ea7d.min.css", "/assets/stylesheets/main.8608ea7d.min.css"),
        ("/sitemap.xml", "/sitemap.xml"),
    ],
)
@pytest.mark.node
def test_folder_addresses_reach_their_index_page(asked: str, served: str) -> None:
    """The CloudFront function, run by Node as CloudFront's JavaScript runtime would."""
    script = FOLDER_INDEX + f"console.log(handler({{request: {{uri: {json.dumps(asked)}}}}}).uri);"
    ran = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    assert ran.stdout.strip() == served


def test_api_gateways_own_refusals_come_in_the_apis_envelope(packaged: Package) -> None:
    resources = template_of(packaged)["Resources"]
    refusals = {
        each["Properties"]["ResponseType"]: each["Properties"]
        for each in resources.values()
        if each["Type"] == "AWS::ApiGateway::GatewayResponse"
    }
    assert set(refusals) == {
        "MISSING_AUTHENTICATION_TOKEN",
        "THROTTLED",
        "DEFAULT_4XX",
        "DEFAULT_5XX",
    }
    unknown = refusals["MISSING_AUTHENTICATION_TOKEN"]
    assert unknown["StatusCode"] == "404"
    assert unknown["RestApiId"] == {"Ref": "RestAPI"}
    # The template API Gateway fills, with its variable as a quoted JSON string.
    body = unknown["ResponseTemplates"]["application/json"]
    assert json.loads(body.replace("$context.path", "/nowhere")) == {
        "error": {"code": "not_found", "message": "nothing answers at /nowhere", "field": None}
    }
    default = refusals["DEFAULT_5XX"]["ResponseTemplates"]["application/json"]
    assert (
        json.loads(default.replace("$context.error.messageString", '"Internal server error"'))[
            "error"
        ]["code"]
        == "unavailable"
    )


def test_every_function_logs_json_into_a_group_that_forgets_and_is_traced(
    packaged: Package,
) -> None:
    template = template_of(packaged)
    resources = template["Resources"]
    for name, props in functions(template).items():
        logging = props["LoggingConfig"]
        assert (logging["LogFormat"], logging["ApplicationLogLevel"]) == ("JSON", "INFO")
        group = resources[logging["LogGroup"]["Ref"]]
        assert group["Type"] == "AWS::Logs::LogGroup"
        assert group["Properties"]["RetentionInDays"] == 90
        assert group["Properties"]["LogGroupName"] == f"/stampbook/{STAGE.name}/{name}"
        assert props["Tracing"] == "Active"
        # It may write to its stage's groups, and create none (they have their retention).
        assert {"logs:PutLogEvents", "logs:CreateLogStream"} <= actions(template, name)
        assert "logs:CreateLogGroup" not in actions(template, name)


def test_alarms_reach_the_owner_by_email(packaged: Package) -> None:
    template = template_of(packaged)
    resources = template["Resources"]
    alarms = {
        name: each["Properties"]
        for name, each in resources.items()
        if each["Type"] == "AWS::CloudWatch::Alarm"
    }
    watched = {(props["Namespace"], props["MetricName"]) for props in alarms.values()}
    assert watched == {
        ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
        ("AWS/ApiGateway", "5XXError"),
        ("AWS/SES", "Reputation.BounceRate"),
        ("AWS/SES", "Reputation.ComplaintRate"),
        ("AWS/Lambda", "Errors"),
    }
    failing = {
        props["Dimensions"][0]["Value"]["Ref"]
        for props in alarms.values()
        if props["MetricName"] == "Errors"
    }
    assert failing == set(functions(template))
    assert "nightly run failed" in alarms["NightlyErrorsAlarm"]["AlarmDescription"]
    assert alarms["BounceRateAlarm"]["Threshold"] == 0.04
    assert alarms["ComplaintRateAlarm"]["Threshold"] == 0.0008
    dead = alarms["UndeliverableMessagesAlarm"]["Dimensions"][0]["Value"]
    assert dead == {"Fn::GetAtt": ["SendDeadLetters", "QueueName"]}
    assert all(props["AlarmActions"] == [{"Ref": "OwnerAlarms"}] for props in alarms.values())
    email = resources["OwnerAlarmsByEmail"]
    assert (email["Condition"], email["Properties"]["Endpoint"]) == (
        "AlarmEmailGiven",
        {"Ref": "AlarmEmail"},
    )
    assert template["Parameters"]["AlarmEmail"]["Default"] == ""


def test_the_site_and_the_api_share_one_origin(packaged: Package) -> None:
    resources = template_of(packaged)["Resources"]
    config = resources["SiteDistribution"]["Properties"]["DistributionConfig"]
    origins = {origin["Id"]: origin for origin in config["Origins"]}
    assert origins["api"]["DomainName"] == {
        "Fn::Sub": "${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
    }
    assert origins["api"]["CustomOriginConfig"]["OriginProtocolPolicy"] == "https-only"
    (api,) = config["CacheBehaviors"]
    assert (api["PathPattern"], api["TargetOriginId"]) == ("/api/*", "api")
    assert set(api["AllowedMethods"]) == {
        "GET",
        "HEAD",
        "OPTIONS",
        "PUT",
        "PATCH",
        "POST",
        "DELETE",
    }
    assert api["CachePolicyId"] == "4135ea2d-6df8-44a3-9df3-4b5a84be39ad"  # CachingDisabled
    assert api["OriginRequestPolicyId"] == "b689b0a8-53d0-40ab-baf2-68738e2966ac"  # no Host
    # The API's stage is `api`: /api/points reaches the route /points unrewritten.
    rest = resources["RestAPI"]["Properties"]
    assert rest["StageName"] == "api"
    assert rest["EndpointConfiguration"] == "REGIONAL"
    (throttle,) = rest["MethodSettings"]
    assert (throttle["ThrottlingRateLimit"], throttle["ThrottlingBurstLimit"]) == (50, 100)


def test_no_secret_is_in_the_template_or_an_environment(packaged: Package) -> None:
    template = template_of(packaged)
    assert not any(each.get("NoEcho") for each in template["Parameters"].values())
    for name, props in functions(template).items():
        settings = props["Environment"]["Variables"]
        assert not {"STAMPBOOK_SIGNING_KEYS", "STAMPBOOK_SMTP_PASSWORD"} & set(settings)
        granted = [s for s in statements(template, name) if s["Action"] == ["ssm:GetParameter"]]
        assert granted == [
            {
                "Effect": "Allow",
                "Action": ["ssm:GetParameter"],
                "Resource": [
                    {
                        "Fn::Sub": "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}"
                        ":parameter/stampbook/test/signing-keys"
                    }
                ],
            }
        ]
