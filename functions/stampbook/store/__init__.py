"""Ports (what the use cases need from storage) and their adapters."""
