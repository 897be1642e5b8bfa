"""mx.sym (being written)."""
