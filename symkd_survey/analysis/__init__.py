"""Analyses of the catalogue: the citation graph, text and taxonomy similarity, people and venues."""
