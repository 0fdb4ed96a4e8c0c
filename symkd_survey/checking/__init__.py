"""Checks: every rule an entry and the catalogue must pass, and ``validate`` that runs them."""
