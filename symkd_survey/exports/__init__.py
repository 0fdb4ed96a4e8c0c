"""Exports: BibTeX and BibLaTeX, CSL-JSON and RIS, derived from the one entry model."""
