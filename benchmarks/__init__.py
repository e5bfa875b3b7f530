"""Benchmarks: scripts run by hand (`make bench`), figures in docs/benchmarks.md."""
