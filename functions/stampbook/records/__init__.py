"""The customer file's record types that belong to no one layer: customers,
integration keys, owed and sent automatic emails, site feedback, money units.
Pure data and their small rules; no I/O."""
