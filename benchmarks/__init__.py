"""Benchmarks that print JSON figures (`make bench`). Targets live here, not in tests."""
