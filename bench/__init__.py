"""Benchmarks and the load test, run by hand (python -m bench, python -m bench.load)."""
