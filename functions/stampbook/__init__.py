"""Stampbook: a loyalty programme and newsletter toolkit for a small business."""

__version__ = "0.1.0"
