"""The loyalty rules engine: from the programme's rules and a customer's history,
decide ledger entries, tiers and certificates. Pure: no I/O, no clock (time is
passed in), no randomness (certificate codes are handed in by the caller).
"""
