"""The campaign sender: each newsletter to each person once, resumable, at the provider's pace.

- `states`: draft -> scheduled -> sending -> (paused) -> finished, or cancelled.
- `audience`: who an issue goes to, resolved at the start into one send
  record per person (store: `store.sends.SendStore`).
- `worker`: claim a batch with a lease, re-check each person, render, send at
  the pace, settle; the same step in the local thread pool and in the Lambda
  that reads the send queue (`queue`).
- `pace`: the configured rate shared by every worker through the store.

The one duplicate window: a message the provider has accepted is recorded
as sent a little later, together with the next few (`settle_every`, 20 by
default), in one transaction. A worker killed in between leaves those
records claimed; when the lease runs out another worker sends them again.
So a crash can give a second copy to at most `settle_every` + 1 people per
worker (the accepted but unrecorded, and the one on the wire), and never
skips anyone: a record is settled only after the transport answered.
"""
