"""`stampbook deploy`: the packaged stage into a CloudFormation stack, by change set.

The bundle goes to S3 under its content hash (an unchanged bundle is not
uploaded again and the functions are not updated), the template beside it;
then a change set creates or updates the stack `stampbook-<stage>` and is
executed. Parameters not given again keep their previous values.
"""

from __future__ import annotations

import hashlib
import json
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from .bundle import Package
from .stage import Stage
from .template import FUNCTION

CAPABILITIES = ["CAPABILITY_IAM", "CAPABILITY_AUTO_EXPAND"]
NO_CHANGES = ("didn't contain changes", "No updates are to be performed")


class DeployError(RuntimeError):
    """The stack could not be deployed; the message says what AWS answered."""


@dataclass(frozen=True)
class Uploaded:
    template_url: str
    code_key: str


def check_credentials(session: Any) -> None:
    """Refuse early, before packaging, when no AWS credentials are to be found."""
    if session.get_credentials() is None:
        raise DeployError(
            "no AWS credentials: set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY, for an account allowed to deploy "
            "(the operator's guide: Going live on AWS)"
        )
    if not session.region_name:
        raise DeployError("no AWS region: set AWS_DEFAULT_REGION (e.g. eu-central-1)")


def upload(package: Package, stage: Stage, bucket: str, s3: Any) -> Uploaded:
    """Put the bundle and the template that points at it into the artifact bucket."""
    code = package.bundle.read_bytes()
    code_key = f"stampbook/{stage.name}/{_digest(code)}.zip"
    if not _exists(s3, bucket, code_key):
        s3.put_object(Bucket=bucket, Key=code_key, Body=code)
    template = json.loads(package.template.read_text(encoding="utf-8"))
    body = json.dumps(with_code_at(template, bucket, code_key), indent=1).encode()
    template_key = f"stampbook/{stage.name}/{_digest(body)}.template.json"
    s3.put_object(Bucket=bucket, Key=template_key, Body=body)
    # CloudFormation reads the template from S3 itself, by its S3 address.
    region = s3.meta.region_name
    return Uploaded(f"https://{bucket}.s3.{region}.amazonaws.com/{template_key}", code_key)


def with_code_at(template: dict[str, Any], bucket: str, key: str) -> dict[str, Any]:
    """The template with every function's code in S3 instead of the local zip."""
    for resource in template["Resources"].values():
        if resource["Type"] == FUNCTION:
            resource["Properties"]["CodeUri"] = {"Bucket": bucket, "Key": key}
    return template


def change_stack(
    cloudformation: Any,
    stage: Stage,
    template_url: str,
    parameters: dict[str, str],
    *,
    change_set: str,
) -> str:
    """Create and execute a change set; returns the stack's state when it settles."""
    exists = _stack_exists(cloudformation, stage.stack)
    given: list[dict[str, object]] = [
        {"ParameterKey": k, "ParameterValue": v} for k, v in parameters.items()
    ]
    if exists:
        given += [
            {"ParameterKey": k, "UsePreviousValue": True}
            for k in _declared_parameters(cloudformation, template_url)
            if k not in parameters
        ]
    cloudformation.create_change_set(
        StackName=stage.stack,
        ChangeSetName=change_set,
        ChangeSetType="UPDATE" if exists else "CREATE",
        TemplateURL=template_url,
        Parameters=given,
        Capabilities=CAPABILITIES,
    )
    described = _settled_change_set(cloudformation, stage.stack, change_set)
    if described["Status"] == "FAILED":
        reason = described.get("StatusReason", "")
        if any(phrase in reason for phrase in NO_CHANGES):
            cloudformation.delete_change_set(StackName=stage.stack, ChangeSetName=change_set)
            return "UNCHANGED"
        raise DeployError(f"change set refused: {reason}")
    cloudformation.execute_change_set(StackName=stage.stack, ChangeSetName=change_set)
    waiter = "stack_update_complete" if exists else "stack_create_complete"
    cloudformation.get_waiter(waiter).wait(StackName=stage.stack)
    state: str = cloudformation.describe_stacks(StackName=stage.stack)["Stacks"][0]["StackStatus"]
    return state


def outputs(cloudformation: Any, stage: Stage) -> dict[str, str]:
    """What the stack tells: the API's address, the site's bucket and distribution, ..."""
    [stack] = cloudformation.describe_stacks(StackName=stage.stack)["Stacks"]
    return {each["OutputKey"]: each["OutputValue"] for each in stack.get("Outputs", [])}


def _settled_change_set(cloudformation: Any, stack: str, name: str) -> dict[str, Any]:
    from botocore.exceptions import WaiterError

    # A failed change set ends the waiter too; its status says why.
    with suppress(WaiterError):
        cloudformation.get_waiter("change_set_create_complete").wait(
            StackName=stack, ChangeSetName=name
        )
    described: dict[str, Any] = cloudformation.describe_change_set(
        StackName=stack, ChangeSetName=name
    )
    return described


def _stack_exists(cloudformation: Any, stack: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        stacks = cloudformation.describe_stacks(StackName=stack)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error):
            return False
        raise
    # A stack whose creation was rolled back cannot be updated, only replaced.
    return bool(stacks) and stacks[0]["StackStatus"] != "REVIEW_IN_PROGRESS"


def _declared_parameters(cloudformation: Any, template_url: str) -> list[str]:
    summary = cloudformation.get_template_summary(TemplateURL=template_url)
    return [p["ParameterKey"] for p in summary.get("Parameters", [])]


def _exists(s3: Any, bucket: str, key: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        s3.head_object(Bucket=bucket, Key=key)
    except ClientError:
        return False
    return True


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:20]
