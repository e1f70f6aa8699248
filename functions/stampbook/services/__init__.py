"""The use cases: what customers, the till and the owner ask Stampbook to do."""
