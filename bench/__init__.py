"""Benchmark of the gateway against a plain Starlette + httpx proxy (issue 8). See README.md."""
