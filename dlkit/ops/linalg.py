"""Operators: linalg family (being written)."""
