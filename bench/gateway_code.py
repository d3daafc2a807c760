"""Which code a benchmark's gateways run: a snapshot of one commit, or the working tree.

Others commit to gateway/ while a benchmark runs, and each gateway reads the code when it
starts: a snapshot (`git archive` of the commit's packages, `gateway` and `upstream_sandbox`,
into the run's raw directory) keeps every gateway of a run on the same code, and lets one run
measure two commits side by side (`bench/run --compare REF`). A snapshot runs in the
project's .venv (the dependencies are the same): its root goes first on PYTHONPATH, ahead of
the project's editable install, whose finder comes after sys.path, and is the working
directory (`python -m` puts it first on sys.path). `working_tree()` runs the tree as it is,
whatever it holds at each start.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORKTREE = "worktree"  # the option value that means the working tree as it is
PACKAGES = ("gateway", "upstream_sandbox")  # the distribution's packages (pyproject.toml)


class CodeError(RuntimeError):
    """A revision git cannot resolve to a commit."""


@dataclass(frozen=True)
class Code:
    """Where a gateway's code comes from: `root` holds the `gateway` package."""

    root: Path
    commit: str | None  # the snapshot's commit (short hash); None: the working tree

    def version(self) -> str:
        """The code a gateway started now runs."""
        if self.commit is not None:
            return self.commit
        dirty = _git("status", "--porcelain", "--", *PACKAGES, "pyproject.toml")
        head = _git("rev-parse", "--short", "HEAD")
        return f"working tree at {head}" + (" plus uncommitted changes" if dirty else "")

    def environment(self, base: Mapping[str, str]) -> dict[str, str]:
        """`base` with this code first on PYTHONPATH (start the process in `root` too)."""
        return {**base, "PYTHONPATH": str(self.root)}


def _git(*argv: str) -> str:
    completed = subprocess.run(
        ["git", *argv], capture_output=True, text=True, cwd=REPO, timeout=30, check=True
    )
    return completed.stdout.strip()


def resolve(revision: str) -> str:
    """`revision` (any commit-ish) as a short commit hash."""
    try:
        return _git("rev-parse", "--short", "--verify", f"{revision}^{{commit}}")
    except subprocess.CalledProcessError as error:
        raise CodeError(f"not a commit: {revision!r} ({error.stderr.strip()})") from None


def snapshot(revision: str, into: Path) -> Code:
    """`revision`'s packages extracted under `into`, to run unchanged by others' edits."""
    commit = resolve(revision)
    present = set(_git("ls-tree", "--name-only", commit).splitlines())
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, *(p for p in PACKAGES if p in present)],
        capture_output=True,
        cwd=REPO,
        timeout=60,
        check=True,
    ).stdout
    root = into / f"code-{commit}"
    root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(root, filter="data")
    return Code(root=root, commit=commit)


def working_tree() -> Code:
    return Code(root=REPO, commit=None)


def from_option(value: str, into: Path) -> Code:
    """A `--code` option's value: `worktree`, or a revision to snapshot under `into`."""
    return working_tree() if value == WORKTREE else snapshot(value, into)
