"""The entry point Chalice and Lambda look for: the app lives in `stampbook.api.app`."""

from stampbook.api.app import *  # noqa: F403
from stampbook.api.app import app as app
