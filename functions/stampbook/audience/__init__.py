"""Who may receive what: consent states and segments. Pure."""
