"""(being written: operators of the image family)."""
