"""`python -m bench.instructions` (in bench/.venv): CPU instructions per request, or per
item, counted by valgrind's callgrind: the same figure for the same code and inputs whatever
else the machine does, where timings here move 1.5-2x between stretches of an hour and a
same-run A/B cannot tell a change under about 15% (bench/README.md).

Each figure is the difference of two counted runs of `bench/instructions_run.py`, with the
same warm-up, one sending `--requests` more requests, so that start-up and imports cancel
out. `read`: a 100-invoice page, every field; `per-item`: createInvoice with N receivables
and N services against N = 1 (instructions per extra item). The upstream is answered from
memory: this counts the gateway's own work, not its sockets. With `--compare REV`, the same
figures for a snapshot of each REV (`bench/gateway_code.py`), and the ratios.

    python -m bench.instructions                          # the working tree
    python -m bench.instructions --compare 8a73ded        # ... and that commit, with ratios
    python -m bench.instructions --only read --requests 100

Under valgrind the gateway runs about 50x slower: the defaults take about 6 minutes per code.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench import gateway_code
from bench.gateway_code import Code
from bench.scenarios import PROJECT_PYTHON, REPO

_COLLECTED = re.compile(r"Collected : (\d+)")
ITEMS = 1000


class CountFailed(Exception):
    """A counted run that did not finish cleanly (an old commit the runner cannot drive)."""


@dataclass(frozen=True)
class Counted:
    code: str
    read_per_page: float | None
    per_item: float | None


def count(code: Code, kind: str, requests: int) -> int:
    """Instructions callgrind counts for `requests` requests of `kind` (after the warm-up)."""
    with tempfile.TemporaryDirectory() as scratch:
        completed = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                f"--callgrind-out-file={scratch}/out",
                str(PROJECT_PYTHON),
                "-m",
                "bench.instructions_run",
                kind,
                str(requests),
            ],
            capture_output=True,
            text=True,
            cwd=code.root,
            # The snapshot's packages first, then the bench and examples of the working tree;
            # a fixed hash seed, so that dict and set layouts are the same in every run.
            env={**os.environ, "PYTHONPATH": f"{code.root}:{REPO}", "PYTHONHASHSEED": "0"},
            check=False,
        )
    found = _COLLECTED.search(completed.stderr)
    if completed.returncode != 0 or found is None:
        raise CountFailed(f"callgrind run failed ({kind}, {requests}): {completed.stderr[-2000:]}")
    return int(found.group(1))


def measure(code: Code, label: str, only: set[str], requests: int) -> Counted:
    read = per_item = None
    if "read" in only:
        base = count(code, "read", 0)
        read = (count(code, "read", requests) - base) / requests
        print(f"  {label}: read page {read:,.0f} instructions", file=sys.stderr)
    if "per-item" in only:
        # Each size against its own run without requests: the warm-ups differ by size.
        runs = max(1, requests // 20)
        one = count(code, "create:1", runs) - count(code, "create:1", 0)
        many = count(code, f"create:{ITEMS}", runs) - count(code, f"create:{ITEMS}", 0)
        per_item = (many - one) / runs / (2 * (ITEMS - 1))
        print(f"  {label}: {per_item:,.0f} instructions per extra item", file=sys.stderr)
    return Counted(label, read, per_item)


def _cell(value: float | None, first: float | None) -> str:
    if value is None:
        return "n/a"
    ratio = "" if first in (None, 0) or first is value else f" ({value / first:.3f}x)"
    return f"{value:,.0f}{ratio}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--compare", action="append", default=[], metavar="REV")
    parser.add_argument("--only", default="read,per-item", help="of read,per-item")
    parser.add_argument("--requests", type=int, default=200, help="read pages counted")
    args = parser.parse_args(argv)
    only = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as raw:
        codes = [gateway_code.snapshot(rev, Path(raw)) for rev in args.compare]
        codes.append(gateway_code.working_tree())
        results = []
        for code in codes:
            shown = code.commit or code.version()
            print(f"counting {shown}", file=sys.stderr)
            try:
                results.append(measure(code, shown, only, args.requests))
            except CountFailed as failure:
                if code.commit is None:
                    raise SystemExit(str(failure)) from None
                print(f"  {shown}: not counted: {failure}", file=sys.stderr)
                results.append(Counted(shown, None, None))
    first = results[0]
    print("| code | read page: instructions | per extra item: instructions |")
    print("| --- | --- | --- |")
    for result in results:
        print(
            f"| {result.code} | {_cell(result.read_per_page, first.read_per_page)} | "
            f"{_cell(result.per_item, first.per_item)} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
