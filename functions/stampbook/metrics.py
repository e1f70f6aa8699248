"""The counts an operator watches on AWS: purchases, emails sent, bounces, complaints,
customers the nightly run visited.

Each is one line of CloudWatch's embedded metric format on standard output,
which Lambda's log pipeline turns into a metric in the `Stampbook`
namespace, by function: no API call on the request's path and no permission
beyond the logs the function writes already. A line costs about 6 µs (timed
with `timeit`, standard output to /dev/null), so each purchase is counted as
it happens rather than kept to flush at the end of an invocation that may
time out first. aws-lambda-powertools would write the same lines, but its
Logger and Metrics take 58-61 ms to import (3.37.0, `python -X importtime`
on this machine), more than the API's whole `import app`. Off Lambda (the
local server, the command line) nothing is written: those have `stampbook
report`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from enum import StrEnum

NAMESPACE = "Stampbook"
_FUNCTION = "AWS_LAMBDA_FUNCTION_NAME"  # set by Lambda in every function's environment


class Metric(StrEnum):
    PURCHASES = "Purchases"
    EMAILS_SENT = "EmailsSent"
    BOUNCES = "Bounces"
    COMPLAINTS = "Complaints"
    NIGHTLY_CUSTOMERS_VISITED = "NightlyCustomersVisited"


def count(metric: Metric, value: int = 1) -> None:
    """Add `value` to `metric`, on Lambda."""
    function = os.environ.get(_FUNCTION)
    if function is None or value <= 0:
        return
    line = {
        "_aws": {
            "Timestamp": int(time.time() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": NAMESPACE,
                    "Dimensions": [["Function"]],
                    "Metrics": [{"Name": metric.value, "Unit": "Count"}],
                }
            ],
        },
        "Function": function,
        metric.value: value,
    }
    sys.stdout.write(json.dumps(line, separators=(",", ":")) + "\n")
    sys.stdout.flush()
