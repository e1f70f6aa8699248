"""`make bench`: every benchmark, numbers printed, nothing asserted."""

from __future__ import annotations

from . import ledger, mail, programme

if __name__ == "__main__":
    print("== loading the programme")
    programme.main()
    print("== the ledger on SQLite")
    ledger.main()
    print("== personal newsletter messages")
    mail.main()
