"""Benchmarks of community-optimizer (not timed tests): see bench/README.md."""
