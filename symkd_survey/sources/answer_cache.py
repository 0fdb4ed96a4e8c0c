"""The answer cache: the raw text of each answer (an arXiv page, a Semantic Scholar record),
one file per request key, so that asking twice does not touch the network.

It lives in the user's cache folder, never in the repository; a cache that cannot be read or
written is only slower. Clients decide what is worth caching (never an answer with gaps).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from symkd_survey.core.fileio import atomic_write


def default_cache_dir() -> Path:
    """``SYMKD_CACHE_DIR``, else the user cache folder (never inside the repository)."""
    override = os.environ.get("SYMKD_CACHE_DIR")
    return Path(override) if override else Path(platformdirs.user_cache_dir("symkd-survey"))


@dataclass(slots=True)
class DiskCache:
    """Raw answers keyed by request; one file each, written atomically."""

    folder: Path
    enabled: bool = True

    def _file(self, namespace: str, key: str) -> Path:
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()
        return self.folder / namespace / f"{digest}.txt"

    def get(self, namespace: str, key: str) -> str | None:
        if not self.enabled:
            return None
        try:
            return self._file(namespace, key).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put(self, namespace: str, key: str, text: str) -> None:
        if not self.enabled:
            return
        with contextlib.suppress(OSError):  # a cache that cannot be written is only slower
            atomic_write(self._file(namespace, key), text)
