"""Operators: random family (being written)."""
