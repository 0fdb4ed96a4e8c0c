"""Reading the catalogue's history from git: which files changed, and what a file held at a ref.

git is run as a subprocess with a list of arguments (never through a shell), with ``-C`` set
to the repository root, so that paths are relative to it even when the catalogue lives in a
sub-folder of a larger git repository. Refs are checked before use: a ref that starts with
``-`` would be read by git as an option, and an unknown ref is reported as an issue, never as
a traceback.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from symkd_survey.core.catalogue import CATALOGUE_DIR, ENTRY_SUFFIX, TAXONOMY_FILE, Repository, load_catalogue
from symkd_survey.core.issues import SymkdError, error

CHECK = "git"
WORKING_TREE = "working tree"
"""How the working tree (uncommitted and untracked files included) is named in reports."""


@dataclass(frozen=True, slots=True)
class TreeFile:
    """A file of a commit's tree: its path (relative to the repository root), mode and blob id."""

    path: str
    mode: str
    blob: str

    @property
    def is_link(self) -> bool:
        return self.mode == "120000"


class Git:
    """The git repository that holds a catalogue repository."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.root = repo.root
        self._prefix: str | None = None

    # ------------------------------------------------------------------ plumbing

    def run(self, *args: str, stdin: bytes | None = None, what: str = "git") -> bytes:
        """Run ``git ARGS`` in the repository root; a failure becomes a :class:`SymkdError`."""
        env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"}
        try:
            done = subprocess.run(["git", "-C", str(self.root), *args], input=stdin, capture_output=True,
                                  check=False, env=env)
        except FileNotFoundError:
            raise SymkdError([error(CHECK, what, 0, "git is not installed", "install git, or run without a ref")]) \
                from None
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            first = message[0] if message else f"exit status {done.returncode}"
            raise SymkdError([error(CHECK, what, 0, f"git {args[0]} failed: {first.removeprefix('fatal: ')}")])
        return done.stdout

    @property
    def prefix(self) -> str:
        """The repository root's path inside the git work tree (``""`` or ``"sub/dir/"``)."""
        if self._prefix is None:
            try:
                self._prefix = self.run("rev-parse", "--show-prefix", what=str(self.root)).decode().strip()
            except SymkdError:
                raise SymkdError([error(CHECK, str(self.root), 0, "not inside a git repository",
                                        "run 'git init', or compare folders without refs")]) from None
        return self._prefix

    def resolve(self, ref: str) -> str:
        """The commit id ``ref`` names; an issue for an unknown ref or one that looks like an option."""
        if not ref or ref.startswith("-") or any(ch.isspace() or ord(ch) < 32 for ch in ref):
            raise SymkdError([error(CHECK, ref or "''", 0, f"'{ref}' is not a git ref",
                                    "give a branch, tag or commit, e.g. origin/main")])
        _ = self.prefix  # "not inside a git repository" first, when it applies
        try:
            out = self.run("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", what=ref)
        except SymkdError:
            raise SymkdError([error(CHECK, ref, 0, f"unknown git ref '{ref}'",
                                    "fetch it first (git fetch), or check the spelling")]) from None
        return out.decode().strip()

    # ------------------------------------------------------------------ reading

    def list_files(self, commit: str, folder: str) -> list[TreeFile]:
        """Every file under ``folder`` (relative to the repository root) in ``commit``'s tree."""
        prefix = self.prefix  # pathspecs are relative to the repository root (git's cwd); output is not
        out = self.run("ls-tree", "-r", "-z", "--full-name", commit, "--", folder, what=commit)
        files: list[TreeFile] = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, name = record.partition(b"\t")
            mode, kind, blob = meta.decode().split(" ")
            if kind != "blob":  # a submodule
                continue
            path = name.decode("utf-8", "surrogateescape").removeprefix(prefix)
            files.append(TreeFile(path, mode, blob))
        return files

    def read_blobs(self, blobs: list[str]) -> dict[str, bytes]:
        """The contents of many blobs in one ``git cat-file --batch`` call."""
        if not blobs:
            return {}
        out = self.run("cat-file", "--batch", stdin=("\n".join(blobs) + "\n").encode(), what="git cat-file")
        contents: dict[str, bytes] = {}
        position = 0
        for blob in blobs:
            header_end = out.index(b"\n", position)
            header = out[position:header_end].decode().split(" ")
            if len(header) != 3:  # "<id> missing"
                raise SymkdError([error(CHECK, blob, 0, f"git has no object {blob}")])
            size = int(header[2])
            start = header_end + 1
            contents[blob] = out[start:start + size]
            position = start + size + 1  # the content is followed by a newline
        return contents

    def read_file(self, commit: str, path: str) -> bytes | None:
        """The content of ``path`` (relative to the repository root) at ``commit``, or None."""
        files = [f for f in self.list_files(commit, path) if f.path == path]
        if not files:
            return None
        return self.read_blobs([files[0].blob])[files[0].blob]

    def changed_since(self, commit: str, paths: list[str]) -> tuple[list[str], list[str]]:
        """Files under ``paths`` that differ between ``commit`` and the working tree.

        Returns (changed or added files that exist now, files that were deleted), relative to
        the repository root; untracked files (not ignored) count as added.
        """
        scope = ["--", *paths]
        diff = self.run("diff", "--name-status", "--no-renames", "-z", "--relative", commit, *scope, what=commit)
        fields = [f.decode("utf-8", "surrogateescape") for f in diff.split(b"\0") if f]
        present: list[str] = []
        deleted: list[str] = []
        for status, path in zip(fields[0::2], fields[1::2], strict=True):
            (deleted if status == "D" else present).append(path)
        untracked = self.run("ls-files", "--others", "--exclude-standard", "-z", *scope, what=commit)
        present += [f.decode("utf-8", "surrogateescape") for f in untracked.split(b"\0") if f]
        return sorted(set(present)), sorted(set(deleted))


def working_path(repo: Repository, path: str) -> Path:
    """A repository-relative path as a file path."""
    return repo.root / path


@dataclass(slots=True)
class ChangedEntries:
    """What ``symkd validate --changed-since REF`` has to check."""

    ref: str
    paths: list[Path]
    """Entry files added or changed since ``ref`` (untracked ones included), and the entries
    that cite a key whose file was deleted or renamed."""
    everything: str | None = None
    """Why the whole catalogue must be checked instead (e.g. ``taxonomy.yaml`` changed), or None."""


def changed_entries(repo: Repository, ref: str) -> ChangedEntries:
    """The entry files to validate after a change since ``ref``.

    A change to ``taxonomy.yaml`` or inside a sub-folder of the catalogue means checking
    everything: a taxonomy change can break any entry, and only a whole-catalogue run reports
    sub-folders. A deleted (or renamed) entry breaks the entries that cite its key, so those
    are checked too.
    """
    git = Git(repo)
    commit = git.resolve(ref)
    present, deleted = git.changed_since(commit, [f"{CATALOGUE_DIR}/", TAXONOMY_FILE])
    result = ChangedEntries(ref, [])
    if TAXONOMY_FILE in present or TAXONOMY_FILE in deleted:
        result.everything = f"{TAXONOMY_FILE} changed since {ref}"
        return result
    for path in present:
        name = path.removeprefix(f"{CATALOGUE_DIR}/")
        if "/" in name:
            result.everything = f"{CATALOGUE_DIR}/{name.split('/')[0]}/ is a sub-folder"
            return result
        if not name.startswith("."):
            result.paths.append(working_path(repo, path))
    gone = {path.removeprefix(f"{CATALOGUE_DIR}/").removesuffix(ENTRY_SUFFIX) for path in deleted
            if path.endswith(ENTRY_SUFFIX) and "/" not in path.removeprefix(f"{CATALOGUE_DIR}/")}
    if gone:
        chosen = set(result.paths)
        for item in load_catalogue(repo):
            file = working_path(repo, item.path)
            if file not in chosen and gone.intersection(item.entry.cites):
                result.paths.append(file)
                chosen.add(file)
    result.paths.sort()
    return result
