"""`stampbook deploy`: refused without credentials; upload and change sets against moto.

moto cannot expand SAM (`AWS::Serverless::*`), so the change sets here carry
the stage's table and queues as plain CloudFormation; the whole template is
checked by cfn-lint instead (test_template.py).
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from stampbook.cli.main import main
from stampbook.deploy.bundle import Package
from stampbook.deploy.stack import change_stack, upload
from stampbook.deploy.stage import Stage
from stampbook.deploy.template import PARAMETERS, stage_resources

from .conftest import STAGE, aws_client

# Every place boto3 looks for credentials, emptied.
NO_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": None,
    "AWS_SECRET_ACCESS_KEY": None,
    "AWS_SESSION_TOKEN": None,
    "AWS_PROFILE": None,
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/credentials",
    "AWS_CONFIG_FILE": "/nonexistent/config",
    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": None,
    "AWS_CONTAINER_CREDENTIALS_FULL_URI": None,
    "AWS_WEB_IDENTITY_TOKEN_FILE": None,
    "AWS_EC2_METADATA_DISABLED": "true",
    "AWS_DEFAULT_REGION": "eu-central-1",
}


def test_without_credentials_deploy_refuses_before_building_anything(tmp_path: Path) -> None:
    out = tmp_path / "out"
    command = ["deploy", "--stage", "prod", "--bucket", "artifacts", "--out", str(out)]

    result = CliRunner().invoke(main, command, env=NO_CREDENTIALS)

    assert result.exit_code == 1
    assert "no AWS credentials" in result.output
    assert "AWS_PROFILE" in result.output
    assert not out.exists()


def test_a_bad_stage_name_is_refused(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["package", "--stage", "Prod_1", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "lower-case letters" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_bundle_is_uploaded_once_and_the_template_points_at_it(
    packaged: Package, s3: Any, bucket: str
) -> None:
    first = upload(packaged, STAGE, bucket, s3)
    again = upload(packaged, STAGE, bucket, s3)

    assert again.code_key == first.code_key
    code = s3.get_object(Bucket=bucket, Key=first.code_key)["Body"].read()
    assert code == packaged.bundle.read_bytes()
    zips = [
        each
        for each in s3.list_object_versions(Bucket=bucket)["Versions"]
        if each["Key"].endswith(".zip")
    ]
    assert len(zips) == 1  # an unchanged bundle is not sent twice
    template_key = first.template_url.split(".amazonaws.com/", 1)[1]
    sent = json.loads(s3.get_object(Bucket=bucket, Key=template_key)["Body"].read())
    for resource in sent["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            assert resource["Properties"]["CodeUri"] == {"Bucket": bucket, "Key": first.code_key}


def test_a_change_set_creates_the_stack_then_updates_it_keeping_parameters(
    moto: str, s3: Any, bucket: str
) -> None:
    stage = Stage(f"t{uuid.uuid4().hex[:8]}")
    cloudformation = aws_client("cloudformation", moto)
    resources = stage_resources(stage, "api")
    template: dict[str, Any] = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Parameters": PARAMETERS,
        "Resources": {
            name: resources[name] for name in ("StampbookTable", "SendQueue", "SendDeadLetters")
        },
    }

    def sent(key: str) -> str:
        s3.put_object(Bucket=bucket, Key=key, Body=json.dumps(template))
        return f"https://{bucket}.s3.eu-central-1.amazonaws.com/{key}"

    first = {"MailDomain": "coppercezve.ru"}
    created = change_stack(cloudformation, stage, sent("v1.json"), first, change_set="first")
    template["Resources"]["SendQueue"]["Properties"]["VisibilityTimeout"] = 600
    updated = change_stack(
        cloudformation,
        stage,
        sent("v2.json"),
        {"SiteOrigins": "https://coppercezve.ru"},
        change_set="second",
    )

    assert (created, updated) == ("CREATE_COMPLETE", "UPDATE_COMPLETE")
    [stack] = cloudformation.describe_stacks(StackName=stage.stack)["Stacks"]
    given = {each["ParameterKey"]: each["ParameterValue"] for each in stack["Parameters"]}
    assert given["MailDomain"] == "coppercezve.ru"  # kept from the first deploy
    assert given["SiteOrigins"] == "https://coppercezve.ru"
    sqs = aws_client("sqs", moto)
    queue = sqs.get_queue_url(QueueName=stage.send_queue)["QueueUrl"]
    attributes = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["VisibilityTimeout"])
    assert attributes["Attributes"]["VisibilityTimeout"] == "600"
