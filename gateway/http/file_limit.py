"""The process's open-file limit, raised at start-up so the client connection cap can be met.

Every client connection is a file descriptor. Many systems start processes with a soft
limit of 1024, far below the default cap of 4096 connections: past the soft limit
`accept()` fails with EMFILE, the listening socket stays readable, and the server neither
serves nor refuses anyone. The hard limit is the ceiling an unprivileged process may raise
its own soft limit to.
"""

from __future__ import annotations

import logging
import resource

logger = logging.getLogger(__name__)

# Descriptors the process holds besides client sockets: the listening socket, the event
# loop's own, Redis, log files, and refused connections on their way out.
SPARE_DESCRIPTORS = 256


def descriptors_needed(client_connections: int, upstream_connections: int) -> int:
    return client_connections + upstream_connections + SPARE_DESCRIPTORS


def ensure_file_limit(needed: int) -> int:
    """Raise the soft RLIMIT_NOFILE towards the hard one if `needed` does not fit in it.

    Returns the soft limit in force afterwards. Logs one line when it changes anything or
    when `needed` cannot be met; says nothing when the limit was already enough.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= needed:
        return soft
    target = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError):
        # macOS refuses values above kern.maxfilesperproc even under an unlimited hard limit.
        target = soft
    if target < needed:
        logger.warning(
            "the open-file limit is %d, below the %d descriptors GATEWAY_MAX_CLIENT_CONNECTIONS "
            "needs; past it new connections are not accepted (raise the hard limit, "
            "`ulimit -Hn`, or lower the cap)",
            target,
            needed,
        )
    else:
        logger.info("raised the open-file limit from %d to %d for the connection cap", soft, target)
    return target
