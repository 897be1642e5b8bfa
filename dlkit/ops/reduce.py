"""Operators: reduce family (being written)."""
