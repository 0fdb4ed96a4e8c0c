"""The static site: pages built from the catalogue and the MkDocs plugin that hands them over."""
