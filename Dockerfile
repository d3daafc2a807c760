# The gateway as a small non-root image: `docker build -t invoice-gateway .`
# Linted by tests/deploy (hadolint); it cannot be built on the test machine (no image can be
# pulled there), so tests/deploy/test_rolling_restart.py runs the same topology as processes.
#
#   docker run -p 8000:8000 -e GATEWAY_UPSTREAM_URL=... -e GATEWAY_REDIS_URL=... invoice-gateway
#   docker run -p 8001:8001 invoice-gateway sandbox --host 0.0.0.0 --port 8001   # the sandbox

# Build stage: the wheel and its dependencies go into a venv that is copied alone, so the
# runtime image carries neither the source tree nor pip's build leftovers.
FROM python:3.11-slim-bookworm AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv
# The project's metadata first, then its packages: only these are in the build context
# (.dockerignore lets nothing else in).
COPY pyproject.toml README.md ./
COPY gateway ./gateway
COPY upstream_sandbox ./upstream_sandbox
RUN /opt/venv/bin/pip install --no-cache-dir . \
    && /opt/venv/bin/python -m compileall -q /opt/venv

FROM python:3.11-slim-bookworm
# A fixed numeric uid, so Kubernetes' runAsNonRoot can check it without reading /etc/passwd.
RUN groupadd --system --gid 10001 gateway \
    && useradd --system --uid 10001 --gid gateway --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin gateway
COPY --from=build /opt/venv /opt/venv
# Bytecode was compiled at build time: the root filesystem can then be mounted read-only.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    GATEWAY_HOST=0.0.0.0 \
    GATEWAY_PORT=8000
USER 10001:10001
EXPOSE 8000
# slim has no curl: Python's own urllib asks /healthz, on the port the gateway was given. It
# is liveness, not readiness: a draining gateway, or one whose upstream is down, is still a
# healthy container (restarting it would not help), and /readyz is for the load balancer.
HEALTHCHECK --interval=15s --timeout=3s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen(f\"http://127.0.0.1:{os.environ['GATEWAY_PORT']}/healthz\", timeout=2)"]
# The exec form makes the gateway PID 1, so it gets the orchestrator's SIGTERM itself and
# drains (readyz 503, in-flight requests finish) before exiting.
# Host and port come from GATEWAY_HOST/GATEWAY_PORT above (change the port there, and the
# health check follows).
ENTRYPOINT ["invoice-gateway"]
CMD ["serve"]
