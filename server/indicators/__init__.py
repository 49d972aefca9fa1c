"""Indicator aggregates: refresh (kept current on every write) and rollup (read by the pages)."""
