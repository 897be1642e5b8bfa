"""Operators: nn family (being written)."""
