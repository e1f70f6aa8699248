"""Lambda's part, played in a clean Python beside the unpacked bundle.

Run with the bundle as the working folder (Lambda's /var/task): imports
`app` as Lambda does, hands each event on stdin to its handler, and prints
the answers, where each library was loaded from and which owner's tools are
missing. Standard library only: this interpreter has boto3 and nothing else.
"""

import importlib.util
import json
import sys
from types import SimpleNamespace

sys.path.insert(0, ".")

import app  # the bundle's folder is on the path only now

LIBRARIES = ("stampbook", "pydantic_core", "yaml", "jinja2", "mjml", "boto3")
OWNER_TOOLS = ("click", "rich", "mkdocs", "pytest")


def found(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


context = SimpleNamespace(
    function_name="stampbook-test-APIHandler",
    aws_request_id="c0ffee",
    memory_limit_in_mb=512,
    get_remaining_time_in_millis=lambda: 29_000,
)
answers = [getattr(app, call["handler"])(call["event"], context) for call in json.load(sys.stdin)]
loaded = {name: getattr(sys.modules.get(name), "__file__", None) for name in LIBRARIES}
present = [name for name in OWNER_TOOLS if found(name)]
print(json.dumps({"answers": answers, "loaded": loaded, "owner_tools": present}))
