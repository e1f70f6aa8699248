"""The owner's CSV files: customers and purchases in, the customer file out."""
