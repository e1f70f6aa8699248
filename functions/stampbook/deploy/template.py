"""The SAM template `chalice package` writes, finished into one stack for a stage.

Chalice declares the functions, the REST API, the schedules and the SQS event
sources it finds in `app.py`. This adds what they use: the DynamoDB table
(from the store's one definition), the send queue and its dead-letter queue,
the SES configuration set whose bounce and complaint events reach the API by
SNS, the website's bucket and CloudFront distribution, one IAM role per
function granting only what that kind of function does, and the settings
each function reads from its environment.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from ..store.dynamodb.table import cloudformation_resource
from . import secrets, watch, website
from .stage import Stage

RUNTIME = "python3.12"  # Amazon Linux 2023; the bundle's wheels are cp312 (`bundle`)

Json = dict[str, Any]

TABLE = "StampbookTable"
SEND_QUEUE = "SendQueue"
DEAD_LETTERS = "SendDeadLetters"
CONFIGURATION_SET = "MailConfigurationSet"
EVENTS_TOPIC = "MailEventsTopic"
FUNCTION = "AWS::Serverless::Function"
NIGHTLY = "Nightly"  # the nightly run's function, as Chalice names it from app.py
MONTHLY_REPORT = "MonthlyReport"  # the owner's report by email, on the 1st
IAM_ROLE = "AWS::IAM::Role"

# Seconds a function may run, by what starts it. API Gateway gives up after
# 29 s; the nightly run lists every customer; a send batch sits between.
API_TIMEOUT = 29
NIGHTLY_TIMEOUT = 900
CONSUMER_TIMEOUT = 300
# More memory is also more CPU: pydantic and MJML start noticeably faster.
MEMORY_MB = 512
# Requests a second the whole API takes, steadily and in a burst: far above
# a shop's tills and forms, far below what would run up a bill.
THROTTLE_RATE = 50
THROTTLE_BURST = 100
# A message comes back after this long if its consumer failed; AWS advises
# six times the consumer's timeout. After five failures it is kept aside.
VISIBILITY_TIMEOUT = 6 * CONSUMER_TIMEOUT
MAX_RECEIVES = 5
FOURTEEN_DAYS = 14 * 24 * 3600

PARAMETERS: Json = {
    "MailDomain": {
        "Type": "String",
        "Description": "The domain the emails are sent from, verified in SES (e.g. coppercezve.ru)",
        "AllowedPattern": r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}",
    },
    "SiteOrigins": {
        "Type": "String",
        "Default": "",
        "Description": "Origins of the website allowed to call the API (comma-separated)",
    },
    "ApiUrl": {
        "Type": "String",
        "Default": "",
        "Description": "The API's public address for one-click unsubscribe (default: site /api/)",
    },
}

# Data-plane actions only: the store never creates or describes the table here.
STORE_ACTIONS = [
    "dynamodb:GetItem",
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:ConditionCheckItem",
    "dynamodb:Query",
]
MAIL_ACTIONS = ["ses:SendEmail", "ses:SendRawEmail"]
ENQUEUE_ACTIONS = ["sqs:SendMessage", "sqs:GetQueueUrl"]
CONSUME_ACTIONS = [
    "sqs:ReceiveMessage",
    "sqs:DeleteMessage",
    "sqs:ChangeMessageVisibility",
    "sqs:GetQueueAttributes",
]


def finish(generated: Json, stage: Stage) -> Json:
    """The stage's whole stack: Chalice's functions plus what they use, least privilege."""
    template = copy.deepcopy(generated)
    template["Description"] = f"Stampbook ({stage.name}): API, nightly run, sends, table, mail"
    template["Parameters"] = copy.deepcopy({**PARAMETERS, **watch.PARAMETERS})
    template["Conditions"] = copy.deepcopy(watch.CONDITIONS)
    resources: Json = template["Resources"]
    api = resources["RestAPI"]["Properties"]
    # Its name is the stack's, so its metrics (and the 5xx alarm) are this stage's alone.
    api["Name"] = {"Ref": "AWS::StackName"}
    # The site's distribution fronts it (`/api/*`): an edge-optimised API
    # would put a second CloudFront behind the first.
    api["EndpointConfiguration"] = "REGIONAL"
    # The outer limit, before any Lambda starts; the API's own limits are finer.
    api["MethodSettings"] = [
        {
            "ResourcePath": "/*",
            "HttpMethod": "*",
            "ThrottlingRateLimit": THROTTLE_RATE,
            "ThrottlingBurstLimit": THROTTLE_BURST,
        }
    ]
    # A role Chalice made from its own reading of the code gives way to ours.
    for name in [name for name, each in resources.items() if each["Type"] == IAM_ROLE]:
        del resources[name]
    resources.update(stage_resources(stage, api_stage_of(resources)))
    resources.update(gateway_responses())
    resources.update(website.site_resources())
    functions = [name for name, each in resources.items() if each["Type"] == FUNCTION]
    for name in functions:
        properties = resources[name]["Properties"]
        resources[f"{name}Role"] = _finish_function(name, properties, stage)
        properties["Role"] = {"Fn::GetAtt": [f"{name}Role", "Arn"]}
        resources.update(watch.observe_function(name, properties, stage))
    resources.update(watch.alarms(functions, DEAD_LETTERS, NIGHTLY))
    template.setdefault("Outputs", {}).update({**OUTPUTS, **website.OUTPUTS})
    return template


def api_stage_of(resources: Json) -> str:
    """The REST API's stage (Chalice's `api_gateway_stage`): the first part of every path."""
    stage: str = resources["RestAPI"]["Properties"]["StageName"]
    return stage


def stage_resources(stage: Stage, api_stage: str) -> Json:
    table = cloudformation_resource(stage.table)
    table["Properties"]["SSESpecification"] = {"SSEEnabled": True}
    return {
        TABLE: table,
        SEND_QUEUE: {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": stage.send_queue,
                "VisibilityTimeout": VISIBILITY_TIMEOUT,
                "SqsManagedSseEnabled": True,
                "RedrivePolicy": {
                    "deadLetterTargetArn": {"Fn::GetAtt": [DEAD_LETTERS, "Arn"]},
                    "maxReceiveCount": MAX_RECEIVES,
                },
            },
        },
        DEAD_LETTERS: {
            "Type": "AWS::SQS::Queue",
            "Properties": {
                "QueueName": stage.dead_letters,
                "MessageRetentionPeriod": FOURTEEN_DAYS,
                "SqsManagedSseEnabled": True,
            },
        },
        # Signed with SHA-256: the API refuses SignatureVersion 1 (SHA-1).
        EVENTS_TOPIC: {"Type": "AWS::SNS::Topic", "Properties": {"SignatureVersion": "2"}},
        "MailEventsTopicPolicy": {
            "Type": "AWS::SNS::TopicPolicy",
            "Properties": {
                "Topics": [{"Ref": EVENTS_TOPIC}],
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"Service": "ses.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": {"Ref": EVENTS_TOPIC},
                            "Condition": {
                                "StringEquals": {"AWS:SourceAccount": {"Ref": "AWS::AccountId"}}
                            },
                        }
                    ],
                },
            },
        },
        # SNS posts to the API, which checks the signature and confirms the subscription.
        "MailEventsSubscription": {
            "Type": "AWS::SNS::Subscription",
            "Properties": {
                "TopicArn": {"Ref": EVENTS_TOPIC},
                "Protocol": "https",
                "Endpoint": {
                    "Fn::Sub": "https://${RestAPI}.execute-api.${AWS::Region}.${AWS::URLSuffix}"
                    f"/{api_stage}/mail/events"
                },
            },
        },
        CONFIGURATION_SET: {
            "Type": "AWS::SES::ConfigurationSet",
            "Properties": {"Name": stage.configuration_set},
        },
        "MailEventDestination": {
            "Type": "AWS::SES::ConfigurationSetEventDestination",
            "Properties": {
                "ConfigurationSetName": {"Ref": CONFIGURATION_SET},
                "EventDestination": {
                    "Name": "bounces-and-complaints",
                    "Enabled": True,
                    "MatchingEventTypes": ["bounce", "complaint", "delivery", "reject"],
                    "SnsDestination": {"TopicARN": {"Ref": EVENTS_TOPIC}},
                },
            },
        },
    }


# API Gateway's own refusals, in the envelope every answer of the API has
# (`stampbook serve` answers the same): an unknown address is a 404, not
# "403 Missing Authentication Token".
_GATEWAY_REFUSALS = {
    "MISSING_AUTHENTICATION_TOKEN": ("404", "not_found", '"nothing answers at $context.path"'),
    "THROTTLED": ("429", "too_many_requests", "$context.error.messageString"),
    "DEFAULT_4XX": (None, "bad_request", "$context.error.messageString"),
    "DEFAULT_5XX": (None, "unavailable", "$context.error.messageString"),
}


def gateway_responses() -> Json:
    resources: Json = {}
    for kind, (status, code, message) in _GATEWAY_REFUSALS.items():
        # The message is a JSON string already ($context.error.messageString is quoted).
        body = json.dumps({"error": {"code": code, "message": "MESSAGE", "field": None}})
        properties: Json = {
            "RestApiId": {"Ref": "RestAPI"},
            "ResponseType": kind,
            "ResponseTemplates": {"application/json": body.replace('"MESSAGE"', message)},
        }
        if status is not None:
            properties["StatusCode"] = status
        name = "Refusal" + "".join(part.title() for part in kind.split("_"))
        resources[name] = {"Type": "AWS::ApiGateway::GatewayResponse", "Properties": properties}
    return resources


def settings(stage: Stage) -> Json:
    """The environment every function reads (see `config.Settings`)."""
    return {
        "STAMPBOOK_STORE": "dynamodb",
        "STAMPBOOK_TABLE": {"Ref": TABLE},
        "STAMPBOOK_CAMPAIGNS": "campaigns",
        "STAMPBOOK_MAIL": "ses",
        "STAMPBOOK_SES_CONFIGURATION_SET": {"Ref": CONFIGURATION_SET},
        "STAMPBOOK_SEND_QUEUE": stage.send_queue,
        "STAMPBOOK_SEND_QUEUE_URL": {"Ref": SEND_QUEUE},
        "STAMPBOOK_SNS_TOPICS": {"Ref": EVENTS_TOPIC},
        # The name of the SecureString, never the keys (`deploy.secrets`).
        "STAMPBOOK_SIGNING_KEYS_PARAMETER": secrets.parameter_name(stage.name),
        "STAMPBOOK_SITE_ORIGINS": {"Ref": "SiteOrigins"},
        "STAMPBOOK_API_URL": {"Ref": "ApiUrl"},
    }


def _finish_function(name: str, properties: Json, stage: Stage) -> Json:
    """Give one function its settings, timeout and memory; return its own role."""
    properties["Environment"] = {"Variables": settings(stage)}
    properties["MemorySize"] = MEMORY_MB
    # Chalice names the runtime after the Python that packaged; the bundle's
    # wheels are the runtime's own, whatever packaged them.
    properties["Runtime"] = RUNTIME
    events = properties.get("Events", {}).values()
    kinds = {event["Type"] for event in events}
    queues = [_wire_queue(event["Properties"], stage) for event in events if event["Type"] == "SQS"]
    statements = [_logs(stage), _traces(), _store(), _mail(), _signing_keys(stage)]
    if queues:
        properties["Timeout"] = CONSUMER_TIMEOUT
        statements.append(_allow(CONSUME_ACTIONS, queues))
    elif name == MONTHLY_REPORT:
        # The report reads the whole table (a parallel Scan); it alone may, and
        # it queues nothing.
        properties["Timeout"] = NIGHTLY_TIMEOUT
        statements.append(_allow(["dynamodb:Scan"], [{"Fn::GetAtt": [TABLE, "Arn"]}]))
    else:
        properties["Timeout"] = NIGHTLY_TIMEOUT if "Schedule" in kinds else API_TIMEOUT
        statements.append(_allow(ENQUEUE_ACTIONS, [{"Fn::GetAtt": [SEND_QUEUE, "Arn"]}]))
    return {
        "Type": IAM_ROLE,
        "Properties": {
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "lambda.amazonaws.com"},
                        "Action": "sts:AssumeRole",
                    }
                ],
            },
            "Policies": [
                {
                    "PolicyName": "stampbook",
                    "PolicyDocument": {"Version": "2012-10-17", "Statement": statements},
                }
            ],
        },
    }


def _wire_queue(event: Json, stage: Stage) -> Any:
    """Point a consumer of the stage's send queue at the queue this stack declares.

    Chalice names the queue by an ARN it builds from the name in `app.py`; the
    attribute makes CloudFormation create the queue before its event source.
    The consumer answers with the batch's failed messages alone, so Lambda
    must be told to read that answer, or one failure would resend the batch.
    """
    queue = event["Queue"]
    built = queue.get("Fn::Sub", "") if isinstance(queue, dict) else queue
    if isinstance(built, str) and built.endswith(f":{stage.send_queue}"):
        event["Queue"] = {"Fn::GetAtt": [SEND_QUEUE, "Arn"]}
        event["FunctionResponseTypes"] = ["ReportBatchItemFailures"]
    return event["Queue"]


def _allow(actions: list[str], resources: list[Any]) -> Json:
    return {"Effect": "Allow", "Action": actions, "Resource": resources}


def _logs(stage: Stage) -> Json:
    # The groups are the stack's own (with their retention): never created here.
    return _allow(["logs:CreateLogStream", "logs:PutLogEvents"], [watch.log_groups_arn(stage)])


# X-Ray takes no resource in a policy: these two are granted account-wide or not at all.
ACCOUNT_WIDE_ONLY = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]


def _traces() -> Json:
    return _allow(ACCOUNT_WIDE_ONLY, ["*"])


def _signing_keys(stage: Stage) -> Json:
    # Decrypted with the account's aws/ssm key, whose policy lets SSM's callers in.
    ssm = "arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter"
    return _allow(["ssm:GetParameter"], [{"Fn::Sub": ssm + secrets.parameter_name(stage.name)}])


def _store() -> Json:
    table = {"Fn::GetAtt": [TABLE, "Arn"]}
    return _allow(STORE_ACTIONS, [table, {"Fn::Sub": f"${{{TABLE}.Arn}}/index/*"}])


def _mail() -> Json:
    ses = "arn:${AWS::Partition}:ses:${AWS::Region}:${AWS::AccountId}:"
    return _allow(
        MAIL_ACTIONS,
        [
            {"Fn::Sub": ses + "identity/${MailDomain}"},
            {"Fn::Sub": ses + f"configuration-set/${{{CONFIGURATION_SET}}}"},
        ],
    )


OUTPUTS: Json = {
    "TableName": {"Value": {"Ref": TABLE}},
    "SendQueueUrl": {"Value": {"Ref": SEND_QUEUE}},
    "SendDeadLettersUrl": {"Value": {"Ref": DEAD_LETTERS}},
    "MailEventsTopic": {"Value": {"Ref": EVENTS_TOPIC}},
    "ConfigurationSet": {"Value": {"Ref": CONFIGURATION_SET}},
}
