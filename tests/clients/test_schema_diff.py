"""The breaking-change check (clients/schema-diff.mjs, graphql-inspector diff)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.clients.support import run, run_ok

SCHEMA_V1 = '''
"""Reads."""
type Query {
  """One invoice."""
  invoice(id: ID!): Invoice
}

"""An invoice."""
type Invoice {
  """Id."""
  id: ID!
  """Gross amount."""
  grossValue: String
}
'''

# Removes Invoice.grossValue (breaking) and adds Invoice.state (safe).
SCHEMA_V2 = SCHEMA_V1.replace("grossValue: String", "state: String")
REMOVAL = "Field grossValue was removed from object type Invoice"


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@t", *args],
        check=True,
        capture_output=True,
    )


def commit_schema(repo: Path, text: str, message: str) -> None:
    (repo / "schema.graphql").write_text(text)
    git(repo, "add", "schema.graphql")
    git(repo, "commit", "-q", "-m", message)


def new_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    commit_schema(repo, SCHEMA_V1, "v1")
    (repo / "README.md").write_text("unrelated\n")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "unrelated")
    return repo


def diff(repo: Path) -> tuple[int, str]:
    result = run(["node", "schema-diff.mjs", "--root", str(repo)])
    return result.returncode, result.report()


def test_this_repository_has_no_unacknowledged_breaking_change() -> None:
    result = run_ok(["node", "schema-diff.mjs"])
    assert "previous schema.graphql:" in result.output, result.report()


def test_a_committed_breaking_change_fails_until_acknowledged(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    commit_schema(repo, SCHEMA_V2, "v2: drop grossValue")

    code, report = diff(repo)
    assert code == 1, report
    assert REMOVAL in report, report
    assert "Field state was added to object type Invoice" in report, report
    assert "Detected 1 breaking change" in report, report

    # As the diff prints it, or as its JSON message with quotes: both acknowledge it.
    (repo / "schema-changes-acknowledged.md").write_text(
        "# Acknowledged\n\n- Field 'grossValue' was removed from object type 'Invoice'\n"
    )
    code, report = diff(repo)
    assert code == 0, report
    assert "No breaking changes detected" in report, report
    assert REMOVAL in report, report


def test_an_uncommitted_breaking_change_is_compared_with_head(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    (repo / "schema.graphql").write_text(SCHEMA_V2)

    code, report = diff(repo)
    assert code == 1, report
    assert "uncommitted changes" in report, report
    assert REMOVAL in report, report


def test_a_schema_with_no_earlier_version_is_compared_with_itself(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)

    code, report = diff(repo)
    assert code == 0, report
    assert "no earlier version" in report, report
    assert "No changes detected" in report, report


def test_an_acknowledgement_of_another_change_does_not_help(tmp_path: Path) -> None:
    repo = new_repo(tmp_path)
    commit_schema(repo, SCHEMA_V2, "v2: drop grossValue")
    (repo / "schema-changes-acknowledged.md").write_text(
        "- Field id was removed from object type Invoice\n"
    )

    code, report = diff(repo)
    assert code == 1, report
    assert REMOVAL in report, report
