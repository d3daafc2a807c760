"""Command line: `python -m gateway [serve|sandbox|export-schema]`.

- `python -m gateway` (or `serve`) runs the gateway; with no configuration it serves
  `/graphql` on 127.0.0.1:8000 against the embedded sandbox upstream.
- `python -m gateway sandbox --port 8001` runs the sandbox upstream on its own, for other
  clients (its API lives under `/api/v1`).
- `python -m gateway export-schema` rewrites `schema.graphql` from the code.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import uvicorn
from starlette.applications import Starlette

from gateway.errors import SettingsError
from gateway.http.server import server_options
from gateway.logs import configure_logging
from gateway.settings import load_settings

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "schema.graphql"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m gateway", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command")
    for name, help_text in (
        ("serve", "run the gateway (the default)"),
        ("sandbox", "run the sandbox upstream on its own"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("--host", help="interface to listen on (default: GATEWAY_HOST)")
        command.add_argument("--port", type=int, help="port to listen on (default: GATEWAY_PORT)")
        if name == "serve":
            command.add_argument(
                "--workers", type=int, help="worker processes (default: GATEWAY_WORKERS)"
            )
        if name == "sandbox":
            command.add_argument("--token", help="the only API token the sandbox accepts")
    export = commands.add_parser("export-schema", help="write the SDL to schema.graphql")
    export.add_argument(
        "--output", type=Path, default=SCHEMA_FILE, help="file to write ('-': stdout)"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help")):
        argv = ["serve", *argv]  # `serve` is the default command
    args = _parser().parse_args(argv)
    if args.command == "export-schema":
        from gateway.schema import export_sdl

        sdl = export_sdl()
        if str(args.output) == "-":
            sys.stdout.write(sdl)
        else:
            args.output.write_text(sdl, encoding="utf-8")
            print(f"wrote {args.output}", file=sys.stderr)
        return 0

    overrides = {
        key: value
        for key in ("host", "port", "workers")
        if (value := getattr(args, key, None)) is not None
    }
    try:
        settings = load_settings(**overrides)
    except SettingsError as error:
        print(f"gateway: {error}", file=sys.stderr)
        return 2

    configure_logging(settings.log_level)
    if args.command == "serve":
        from gateway.app import create_app

        try:
            # Built here even for workers: a manifest that cannot be used stops the command
            # with its message, before any worker starts.
            app = create_app(settings)
        except SettingsError as error:
            print(f"gateway: {error}", file=sys.stderr)
            return 2
    if args.command == "serve" and settings.workers > 1:
        # Each worker process builds its own app from the environment (`worker_app`); only
        # the flags the command line took are handed over to them through it.
        for key, value in overrides.items():
            os.environ[f"GATEWAY_{key.upper()}"] = str(value)
        uvicorn.run(
            "gateway.__main__:worker_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_config=None,
            log_level=settings.log_level,
            access_log=False,
            # Handed to every worker with the rest of uvicorn's configuration.
            **server_options(settings),
        )
        return 0
    if args.command == "sandbox":
        from upstream_sandbox import create_app as create_sandbox

        app = create_sandbox(token=args.token)
        port = args.port if args.port is not None else 8001
    else:
        port = settings.port
    # The gateway writes its own access line (gateway.logs), with the upstream figures in it.
    uvicorn.run(
        app,
        host=settings.host,
        port=port,
        log_config=None,
        log_level=settings.log_level,
        access_log=False,
        **server_options(settings),
    )
    return 0


def worker_app() -> Starlette:
    """One worker process's app (`--workers N`): settings and logging from the environment."""
    from gateway.app import create_app

    settings = load_settings()
    configure_logging(settings.log_level)
    return create_app(settings)


if __name__ == "__main__":
    sys.exit(main())
