"""The AWS store: one DynamoDB table, single-table design.

Importing this package does not import boto3: `store.py` does, and it is
imported by the composition root only when the settings ask for DynamoDB.
"""
