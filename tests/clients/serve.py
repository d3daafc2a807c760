"""Serve the sandbox and a gateway as the client tests do, for running clients/ by hand.

    .venv/bin/python -m tests.clients.serve

prints the environment the Node tools read, then serves until interrupted.
"""

from __future__ import annotations

import contextlib
import shlex
import threading

from tests.clients.support import running_stack


def main() -> None:
    with running_stack() as stack:
        for name, value in stack.env().items():
            # One line each (JSON allows a space wherever the seed has a line break).
            one_line = value.replace("\n", " ")
            print(f"export {name}={shlex.quote(one_line)}")
        print("# serving; Ctrl-C stops", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
