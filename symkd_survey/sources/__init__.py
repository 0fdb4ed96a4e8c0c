"""Sources of entries and facts: the network layer, arXiv, Semantic Scholar, BibTeX import, ``add``."""
