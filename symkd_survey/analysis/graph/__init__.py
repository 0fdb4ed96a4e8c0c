"""The citation graph: building it (:mod:`.building`), its analyses, the report and the exports."""

EXPORT_FORMATS: tuple[str, ...] = ("graphml", "gexf", "json")
"""What ``symkd export graph --format`` offers (here, so that the command line lists them without networkx)."""
