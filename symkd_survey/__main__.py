"""``python -m symkd_survey`` runs the ``symkd`` command line."""

from __future__ import annotations

import sys

from symkd_survey.cli import main

if __name__ == "__main__":
    sys.exit(main())
