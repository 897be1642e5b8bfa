"""mx.nd.random (being written)."""
