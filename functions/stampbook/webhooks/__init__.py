"""Outgoing webhooks as the Standard Webhooks specification has them: each event's payload
(`events.py`), its signature (`signing.py`), and its delivery over HTTP (`delivery.py`)."""
