"""Amazon SES v2 `SendEmail` with raw content, so our own headers (List-Unsubscribe,
List-Id, Message-ID) reach the reader exactly as built.

boto3 is imported on first send, not at import: a Lambda that never mails
does not pay for it at cold start. SES's error codes map to the package's
errors; botocore's own retries are off, so `Retrying` is the one policy.

SES gets 7-bit parts only (quoted-printable or base64): the v2 API's
RawMessage documentation asks it, "If any of the MIME parts in your
message contain content that is outside of the 7-bit ASCII character range,
you should encode that content"
(https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_RawMessage.html).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..message import Message
from .base import Accepted, DeliveryError, PermanentError, TransientError

if TYPE_CHECKING:
    from mypy_boto3_sesv2 import SESV2Client

# Worth another try later: throttling, a quota that refills, a busy service.
TRANSIENT_CODES = frozenset(
    {
        "TooManyRequestsException",
        "ThrottlingException",
        "Throttling",
        "LimitExceededException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalFailure",
        "InternalServerError",
        "RequestTimeout",
        "RequestTimeoutException",
    }
)
# Everything else fails again as it is, for example MessageRejected,
# MailFromDomainNotVerifiedException, AccountSuspendedException,
# SendingPausedException, NotFoundException (no such configuration set),
# BadRequestException.


@dataclass(frozen=True)
class SesSettings:
    region: str = "eu-central-1"
    endpoint_url: str | None = None  # e.g. an emulator on 127.0.0.1
    configuration_set: str | None = None  # where SES publishes delivery, bounce, complaint events


def ses_client(settings: SesSettings) -> SESV2Client:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "sesv2",
        region_name=settings.region,
        endpoint_url=settings.endpoint_url,
        config=Config(retries={"total_max_attempts": 1}),
    )


class SesTransport:
    def __init__(self, settings: SesSettings, client: SESV2Client | None = None) -> None:
        self._settings = settings
        self._client = client

    def send(self, message: Message) -> Accepted:
        from botocore.exceptions import BotoCoreError, ClientError

        if self._client is None:
            self._client = ses_client(self._settings)
        request: dict[str, Any] = {
            "Destination": {"ToAddresses": [message.to]},
            "Content": {"Raw": {"Data": message.data}},
        }
        if self._settings.configuration_set:
            request["ConfigurationSetName"] = self._settings.configuration_set
        try:
            response = self._client.send_email(**request)
        except ClientError as error:
            raise classify(error.response) from error
        except BotoCoreError as error:  # no connection, a timeout, no credentials
            raise _botocore_error(error) from error
        return Accepted(message.message_id, response["MessageId"])

    def accepts_8bit(self) -> bool:
        return False  # SES asks for 7-bit parts (see above)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def classify(response: Any) -> DeliveryError:
    """An SES error response as the package's error: transient or permanent."""
    error = response.get("Error", {})
    code = str(error.get("Code", ""))
    reason = str(error.get("Message", "")) or code
    status = int(response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0))
    if code in TRANSIENT_CODES or status == 429 or status >= 500:
        return TransientError(reason, code)
    return PermanentError(reason, code)


def _botocore_error(error: Exception) -> DeliveryError:
    from botocore.exceptions import NoCredentialsError, NoRegionError

    if isinstance(error, NoCredentialsError | NoRegionError):
        return PermanentError(f"SES is not set up: {error}")
    return TransientError(f"SES could not be reached: {error}")
