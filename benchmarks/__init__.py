"""Benchmarks on synthetic catalogues of realistic shape: ``python -m benchmarks.run``."""
