"""Issue 17's cost per item, also checked against the code the issue was filed against.

The issue sets "at most 8 µs of CPU per receivable or service in createInvoice (today about
30 µs)": an absolute figure, on a machine whose speed swings 1.5-1.8x between stretches of
the same hour (bench/README.md). So the per-item scenario also runs a snapshot of that code,
`ISSUE_BASELINE` (the commit of the benchmark's first full run, which the issue's work is
measured against), in the same rounds as the gateway under test, and the target is checked a
second time as the same-run ratio the issue's figures imply: at most 8/30 of the baseline's
cost at every N. Both checks are reported; neither replaces the other.
"""

from __future__ import annotations

from dataclasses import dataclass

ISSUE_BASELINE = "d9865b1"
TARGET_US = 8.0
BASELINE_US = 30.0  # "today about 30 µs", as the issue was filed
SHARE = TARGET_US / BASELINE_US

PerItem = list[tuple[int, float]]  # (N, CPU µs per extra receivable or service)


@dataclass(frozen=True)
class Ratio:
    items: int
    ours_us: float
    theirs_us: float

    @property
    def ratio(self) -> float:
        return self.ours_us / self.theirs_us


def ratios(ours: PerItem, theirs: PerItem) -> list[Ratio]:
    """The gateway's cost per item against the baseline's, for every N both ran."""
    by_size = dict(theirs)
    return [Ratio(items, us, by_size[items]) for items, us in ours if by_size.get(items, 0.0) > 0]


def check_name(commit: str) -> str:
    return (
        f"createInvoice CPU per item <= {SHARE:.2f}x the issue's baseline ({commit}) in the "
        f"same run ({TARGET_US:.0f} of its {BASELINE_US:.0f} µs)"
    )


def holds(found: list[Ratio]) -> bool:
    return max(r.ratio for r in found) <= SHARE


def detail(found: list[Ratio]) -> str:
    return ", ".join(
        f"{r.ratio:.2f}x at N={r.items} ({r.ours_us:.1f} vs {r.theirs_us:.1f} µs)" for r in found
    )


def table(commit: str, found: list[Ratio]) -> list[str]:
    """The per-item figures beside the baseline's, for the report."""
    if not found:
        return []
    return [
        "",
        f"Beside the code the issue was filed against ({commit}), in the same rounds "
        f"(target: at most {SHARE:.2f}x, the issue's {TARGET_US:.0f} of {BASELINE_US:.0f} µs):",
        "",
        f"| N | gateway: µs per extra item | {commit}: µs per extra item | ratio |",
        "| --- | --- | --- | --- |",
        *(
            f"| {r.items} | {r.ours_us:.1f} | {r.theirs_us:.1f} | **{r.ratio:.2f}x** |"
            for r in found
        ),
    ]
