"""Knowing when something is wrong: logs that are kept a while, traces, alarms.

Each function writes JSON lines (Lambda's own format, with the request id)
into a log group of the stack's that forgets after `LOG_RETENTION_DAYS`;
its calls are traced. Alarms go to one SNS topic that emails the owner
(the `AlarmEmail` parameter): a message kept aside as undeliverable, a
function failing (the nightly run by name), the API answering 5xx, and
SES's bounce and complaint rates nearing the levels at which SES reviews or
pauses an account (5 % and 0.1 %).
"""

from __future__ import annotations

from typing import Any

from .stage import Stage

Json = dict[str, Any]

LOG_RETENTION_DAYS = 90
ALARM_TOPIC = "OwnerAlarms"
EMAIL_GIVEN = "AlarmEmailGiven"
FIVE_MINUTES = 300
# Below SES's own review thresholds, so the owner hears first.
BOUNCE_RATE = 0.04
COMPLAINT_RATE = 0.0008
API_5XX_RATE = 0.05

PARAMETERS: Json = {
    "AlarmEmail": {
        "Type": "String",
        "Default": "",
        "Description": "Where alarms are emailed (confirm the subscription AWS sends); empty: none",
    },
}
CONDITIONS: Json = {EMAIL_GIVEN: {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlarmEmail"}, ""]}]}}


def log_group_name(stage: Stage, function: str) -> str:
    return f"/stampbook/{stage.name}/{function}"


def log_groups_arn(stage: Stage) -> Json:
    """Every log group of the stage's functions, for their roles."""
    return {
        "Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:"
        f"{log_group_name(stage, '')}*"
    }


def observe_function(name: str, properties: Json, stage: Stage) -> Json:
    """JSON logs into the function's own log group, and traces; returns the group."""
    group = f"{name}Logs"
    properties["LoggingConfig"] = {
        "LogFormat": "JSON",
        "ApplicationLogLevel": "INFO",
        "SystemLogLevel": "WARN",
        "LogGroup": {"Ref": group},
    }
    properties["Tracing"] = "Active"
    return {
        group: {
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "Properties": {
                "LogGroupName": log_group_name(stage, name),
                "RetentionInDays": LOG_RETENTION_DAYS,
            },
        }
    }


def alarms(functions: list[str], dead_letters: str, nightly: str) -> Json:
    """The owner's topic and what raises an alarm on it."""
    resources: Json = {
        ALARM_TOPIC: {"Type": "AWS::SNS::Topic", "Properties": {"KmsMasterKeyId": "alias/aws/sns"}},
        "OwnerAlarmsByEmail": {
            "Type": "AWS::SNS::Subscription",
            "Condition": EMAIL_GIVEN,
            "Properties": {
                "TopicArn": {"Ref": ALARM_TOPIC},
                "Protocol": "email",
                "Endpoint": {"Ref": "AlarmEmail"},
            },
        },
        "UndeliverableMessagesAlarm": _alarm(
            "Messages were kept aside after failing five times: look at the dead-letter queue",
            "AWS/SQS",
            "ApproximateNumberOfMessagesVisible",
            {"QueueName": {"Fn::GetAtt": [dead_letters, "QueueName"]}},
            "Maximum",
            0,
        ),
        "ApiServerErrorsAlarm": _alarm(
            f"More than {API_5XX_RATE:.0%} of API answers were server errors",
            "AWS/ApiGateway",
            "5XXError",
            {"ApiName": {"Ref": "AWS::StackName"}},
            "Average",
            API_5XX_RATE,
        ),
        "BounceRateAlarm": _alarm(
            f"SES bounce rate over {BOUNCE_RATE:.0%}: SES reviews accounts at 5 %",
            "AWS/SES",
            "Reputation.BounceRate",
            {},
            "Maximum",
            BOUNCE_RATE,
        ),
        "ComplaintRateAlarm": _alarm(
            f"SES complaint rate over {COMPLAINT_RATE:.2%}: SES reviews accounts at 0.1 %",
            "AWS/SES",
            "Reputation.ComplaintRate",
            {},
            "Maximum",
            COMPLAINT_RATE,
        ),
    }
    for function in functions:
        what = "The nightly run failed" if function == nightly else f"{function} failed"
        resources[f"{function}ErrorsAlarm"] = _alarm(
            f"{what}: its log group says why",
            "AWS/Lambda",
            "Errors",
            {"FunctionName": {"Ref": function}},
            "Sum",
            0,
        )
    return resources


def _alarm(
    description: str,
    namespace: str,
    metric: str,
    dimensions: Json,
    statistic: str,
    above: float,
) -> Json:
    return {
        "Type": "AWS::CloudWatch::Alarm",
        "Properties": {
            "AlarmDescription": description,
            "Namespace": namespace,
            "MetricName": metric,
            "Dimensions": [{"Name": name, "Value": value} for name, value in dimensions.items()],
            "Statistic": statistic,
            "Period": FIVE_MINUTES,
            "EvaluationPeriods": 1,
            "Threshold": above,
            "ComparisonOperator": "GreaterThanThreshold",
            "TreatMissingData": "notBreaching",
            "AlarmActions": [{"Ref": ALARM_TOPIC}],
        },
    }
