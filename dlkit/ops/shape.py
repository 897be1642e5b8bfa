"""Operators: shape family (being written)."""
