"""The Atom feed of recent additions."""

from __future__ import annotations

import datetime as dt
from xml.etree import ElementTree as ET

from symkd_survey.core.dates import publication_text
from symkd_survey.site.model import SiteModel, newest_additions
from symkd_survey.site.paths import page_url, paper_page
from symkd_survey.site.rendering import display_name

FEED_SIZE = 30


def atom_feed(model: SiteModel, site_url: str | None, title: str = "Catalogue", stem: str = "catalogue") -> bytes:
    """The newest additions as an Atom feed (XML built by ElementTree: always well-formed)."""
    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)
    feed = ET.Element(f"{{{ns}}}feed")
    base = (site_url or "").rstrip("/") + "/" if site_url else ""
    ET.SubElement(feed, f"{{{ns}}}title").text = f"{title}: recent additions"
    ET.SubElement(feed, f"{{{ns}}}id").text = base + "feed.xml" if base else f"urn:{stem}:feed"
    newest = newest_additions(model)[:FEED_SIZE]
    updated = max((model.entries[k].added for k in newest), default=dt.date(2024, 1, 1))
    ET.SubElement(feed, f"{{{ns}}}updated").text = f"{updated.isoformat()}T00:00:00Z"
    author = ET.SubElement(feed, f"{{{ns}}}author")
    ET.SubElement(author, f"{{{ns}}}name").text = f"{title} contributors"
    for key in newest:
        entry = model.entries[key]
        item = ET.SubElement(feed, f"{{{ns}}}entry")
        ET.SubElement(item, f"{{{ns}}}title").text = entry.title
        ET.SubElement(item, f"{{{ns}}}id").text = f"urn:{stem}:{key}"
        ET.SubElement(item, f"{{{ns}}}updated").text = f"{entry.added.isoformat()}T00:00:00Z"
        link = ET.SubElement(item, f"{{{ns}}}link")
        link.set("href", base + page_url(paper_page(key)) if base else page_url(paper_page(key)))
        summary = entry.summary or ", ".join(display_name(a) for a in entry.authors[:3])
        ET.SubElement(item, f"{{{ns}}}published").text = f"{entry.added.isoformat()}T00:00:00Z"
        ET.SubElement(item, f"{{{ns}}}summary").text = f"{summary} ({publication_text(entry)})"
    text: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return text
