"""The HTTP API: Chalice blueprints translating requests to use cases and back."""
