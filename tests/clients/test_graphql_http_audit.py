"""GraphQL-over-HTTP conformance: graphql-http's audit suite (clients/audit.mjs)."""

from __future__ import annotations

import re

from tests.clients.support import Stack, run


def test_the_graphql_http_audit_reports_no_error_and_no_warning(stack: Stack) -> None:
    result = run(["node", "audit.mjs", stack.graphql_url])

    summary = re.search(
        r"(\d+) audits, (\d+) ok, (\d+) notice, (\d+) warn, (\d+) error", result.output
    )
    assert summary, result.report()
    audits, ok, _notice, warn, error = (int(group) for group in summary.groups())
    assert audits > 0, result.report()
    assert (warn, error) == (0, 0), result.report()
    assert ok > 0, result.report()
    assert result.returncode == 0, result.report()
