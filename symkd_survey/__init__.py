"""symkd-survey: a validated catalogue of symbolic knowledge distillation of LLMs.

The library knows nothing of the command line; :mod:`symkd_survey.cli` is a thin layer.
"""

from __future__ import annotations

__version__ = "0.1.0"
