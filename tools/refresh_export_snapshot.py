"""Rewrite tests/data/export-snapshot/ with the current code's exports of the shipped catalogue.

    python -m tools.refresh_export_snapshot        (from the repository's root)

Run it when the catalogue's data changed on purpose (an entry added or corrected), or when an
exporter's output changed on purpose; then review ``git diff tests/data/export-snapshot``: it
must show exactly the change intended. tests/test_export_snapshot.py compares the exports with
these files byte for byte. The files are written the way ``symkd export FORMAT --out FILE``
writes them, with ``catalogue.sha256`` recording which catalogue files they were made from.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = REPO_ROOT / "tests" / "data" / "export-snapshot"
FORMATS: dict[str, str] = {"bibtex": "bibtex.bib", "biblatex": "biblatex.bib", "csl-json": "csl.json"}
"""``symkd export`` format -> the snapshot file holding it."""
MANIFEST = "catalogue.sha256"


def catalogue_manifest(root: Path) -> str:
    """``sha256sum`` lines for the repository's catalogue files, sorted by name (``sha256sum -c`` reads them)."""
    files = sorted((root / "catalogue").glob("*.yaml"))
    return "".join(f"{hashlib.sha256(f.read_bytes()).hexdigest()}  catalogue/{f.name}\n" for f in files)


def read_manifest(text: str) -> dict[str, str]:
    """File name -> SHA-256, from :func:`catalogue_manifest`'s lines."""
    pairs = (line.split("  ", 1) for line in text.splitlines() if line.strip())
    return {name: digest for digest, name in pairs}


def write_snapshot(root: Path = REPO_ROOT, folder: Path = SNAPSHOT) -> list[Path]:
    """Export the catalogue at ``root`` in every format into ``folder``; return the files written."""
    from symkd_survey.cli import main as symkd

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for export_format, name in FORMATS.items():
        status = symkd(["--root", str(root), "export", export_format, "--out", str(folder / name)])
        if status != 0:
            raise SystemExit(f"symkd export {export_format} failed (status {status}); nothing more written")
        written.append(folder / name)
    (folder / MANIFEST).write_text(catalogue_manifest(root), encoding="utf-8")
    return [*written, folder / MANIFEST]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.refresh_export_snapshot",
                                     description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="the repository whose catalogue is exported")
    parser.add_argument("--out", type=Path, default=SNAPSHOT, help="the snapshot folder to write")
    args = parser.parse_args(argv)
    for file in write_snapshot(args.root, args.out):
        print(f"wrote {file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
