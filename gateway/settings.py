"""Configuration. The only module that reads the environment.

Every setting is an environment variable with the `GATEWAY_` prefix; `python -m gateway`
flags override host and port. Invalid values stop the gateway at start-up with a message
naming the variable (see `load_settings`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

import limits
from pydantic import (
    AliasChoices,
    Field,
    HttpUrl,
    RedisDsn,
    SecretStr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from gateway.errors import SettingsError

# The embedded sandbox accepts any token; the gateway sends this one when it runs on it
# with no token configured, so the default set-up works with no configuration at all.
SANDBOX_TOKEN = "sandbox"

# An HTTP field name (RFC 9110 token characters).
HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")

# What `GATEWAY_PROFILE=production` changes, unless the variable itself is set: nothing of the
# schema's shape is shown to strangers, only the front ends' own documents run, and every
# client is rate limited.
PRODUCTION_DEFAULTS: dict[str, object] = {
    "introspection": False,
    "field_suggestions": False,
    "graphiql": False,
    "trusted_documents_mode": "enforce",
    "rate_limit": "50/second;1000/minute",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="GATEWAY_", frozen=True, extra="ignore", populate_by_name=True
    )

    profile: Literal["development", "production"] = Field(
        "development",
        description="`production` turns off introspection, suggestions and GraphiQL, and turns "
        "on trusted documents (enforce) and rate limits; each can still be set on its own.",
    )

    host: str = Field("127.0.0.1", description="Interface to listen on.")
    port: int = Field(8000, ge=0, le=65535, description="Port to listen on.")
    upstream_url: HttpUrl | None = Field(
        None,
        description="Base URL of the upstream API, e.g. https://faturamento.fintera.com.br/api/v1. "
        "Unset: the embedded sandbox upstream.",
    )
    upstream_token: SecretStr | None = Field(
        None,
        description="API token the gateway sends upstream as `Token token=...`. Unset: each "
        "client's own Authorization header is forwarded unchanged.",
    )
    connect_timeout: float = Field(5.0, gt=0, description="Seconds to open a connection upstream.")
    read_timeout: float = Field(30.0, gt=0, description="Seconds to wait for upstream bytes.")
    pool_timeout: float = Field(
        5.0, gt=0, description="Seconds to wait for a free upstream connection."
    )
    request_timeout: float = Field(
        60.0, gt=0, description="Deadline in seconds for a whole upstream exchange."
    )
    connect_retries: int = Field(
        2,
        ge=0,
        le=10,
        description="Retries of an upstream call that could not connect (never of one that did).",
    )
    breaker_failures: int = Field(
        5, ge=1, description="Consecutive upstream failures that open the circuit breaker."
    )
    breaker_reset_seconds: float = Field(
        30.0, gt=0, description="Seconds the circuit stays open before one trial call."
    )
    max_connections: int = Field(100, ge=1, description="Upper bound on upstream connections.")
    redis_url: RedisDsn | None = Field(
        None,
        description="Redis for idempotency keys shared by every gateway process, e.g. "
        "redis://localhost:6379/0. Unset: kept in this process's memory.",
    )
    idempotency_ttl_seconds: float = Field(
        24 * 3600, gt=0, description="How long an idempotency key and its outcome are kept."
    )
    idempotency_max_keys: int = Field(
        10_000,
        ge=1,
        description="Most idempotency keys kept in memory when GATEWAY_REDIS_URL is unset; past "
        "it the oldest recorded outcomes are dropped.",
    )
    webhook_secret: SecretStr | None = Field(
        None,
        description="The product's webhook secret, which signs each delivery to POST /webhooks. "
        "Unset: /webhooks answers 404, except on the embedded sandbox, which shares a secret "
        "the gateway makes at start-up.",
    )
    webhook_signature_header: str = Field(
        "X-Signature",
        description="Header carrying a delivery's HMAC-SHA1 signature (lowercase hex).",
    )
    webhook_request_id_header: str = Field(
        "X-Request-Id",
        description="Header carrying a delivery's request id, signed with its body and the key "
        "its retries are recognised by.",
    )
    webhook_dedup_seconds: float = Field(
        5 * 24 * 3600,
        gt=0,
        description="How long a delivery is remembered, so that the product's retries (up to 5, "
        "over about 4 days) are published once.",
    )
    webhook_dedup_max_keys: int = Field(
        100_000,
        ge=1,
        description="Most deliveries remembered in memory when GATEWAY_REDIS_URL is unset; past "
        "it the oldest are forgotten first.",
    )
    webhook_max_bytes: int = Field(
        64 * 1024, ge=256, le=8 * 1024 * 1024, description="Largest delivery body, in bytes."
    )
    max_subscriptions: int = Field(
        100,
        ge=1,
        le=10_000,
        description="Most subscriptions one WebSocket connection may run at once.",
    )
    max_subscriptions_per_credentials: int = Field(
        1_000,
        ge=1,
        description="Most subscriptions one set of credentials (Authorization) may run at once, "
        "over every transport and connection of the process.",
    )
    max_subscriptions_total: int = Field(
        10_000, ge=1, description="Most subscriptions the process runs at once."
    )
    subscription_max_pending: int = Field(
        256,
        ge=1,
        le=100_000,
        description="Events a subscriber may fall behind before it is disconnected as too slow.",
    )
    subscription_heartbeat_seconds: float = Field(
        15.0,
        gt=0,
        le=300,
        description="Seconds between heartbeats on an idle subscription (a graphql-ws ping, "
        "an SSE comment, a multipart `{}`).",
    )
    subscription_init_timeout: float = Field(
        10.0,
        gt=0,
        le=300,
        description="Seconds a WebSocket may take to send graphql-ws's `connection_init`.",
    )
    shutdown_delay_seconds: float = Field(
        5.0,
        ge=0,
        le=300,
        description="Seconds between SIGTERM and stopping, during which /readyz answers 503 "
        "and everything is still served, so that a load balancer takes the process out first.",
    )
    shutdown_grace_seconds: float = Field(
        30.0,
        ge=0,
        le=3600,
        description="Seconds requests in flight may take to finish once the process stops.",
    )
    graphiql: bool = Field(True, description="Serve the GraphiQL playground at /graphql.")
    introspection: bool = Field(True, description="Answer introspection queries.")
    field_suggestions: bool = Field(
        True, description="Suggest field names ('Did you mean ...') in validation errors."
    )
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated origins allowed to call the gateway from a browser "
        "(CORS). Empty: none.",
    )
    max_request_bytes: int = Field(
        8 * 1024 * 1024, ge=1024, description="Largest accepted request body, in bytes."
    )
    max_upload_bytes: int = Field(
        5 * 1024 * 1024, ge=1, description="Largest accepted uploaded file, in bytes."
    )
    max_list_length: int = Field(
        1000, ge=1, description="Most items in any list of the input (receivables, services, ...)."
    )
    max_string_length: int = Field(
        10_000,
        ge=1,
        description="Longest string in the input, in characters; an attachment's Base64 "
        "`content` is bounded by GATEWAY_MAX_UPLOAD_BYTES instead.",
    )
    max_query_depth: int = Field(
        12, ge=1, description="Deepest selection nesting accepted, fragments followed."
    )
    max_aliases: int = Field(15, ge=0, description="Most aliases in one document.")
    max_directives: int = Field(50, ge=0, description="Most directives in one document.")
    max_tokens: int = Field(1000, ge=100, description="Most lexical tokens in one document.")
    max_query_bytes: int = Field(
        32 * 1024, ge=1024, description="Longest query text, in bytes (refused before parsing)."
    )
    max_json_depth: int = Field(
        32, ge=4, le=256, description="Deepest nesting of arrays and objects in a JSON request."
    )
    max_batch_size: int = Field(10, ge=1, description="Most operations in one batched request.")
    max_header_bytes: int = Field(
        32 * 1024,
        ge=1024,
        description="Largest request head (request line and every header), in bytes: 431 past it.",
    )
    max_authorization_bytes: int = Field(
        4096, ge=64, description="Longest Authorization header, in bytes: 431 past it."
    )
    header_timeout: float = Field(
        10.0,
        gt=0,
        description="Seconds a client has to send a whole request head before the connection "
        "is closed (slow-header clients).",
    )
    body_timeout: float = Field(
        30.0,
        gt=0,
        description="Seconds a client has to send a whole request body once it has begun "
        "(slow-body clients): 408 past it.",
    )
    keepalive_timeout: float = Field(
        5.0, gt=0, description="Seconds an idle keep-alive connection is kept open."
    )
    max_client_connections: int = Field(
        4096,
        ge=1,
        description="Most client connections open at once; past it new ones get 503 at once.",
    )
    document_cache_bytes: int = Field(
        32 * 1024 * 1024,
        ge=0,
        description="Memory for parsed, validated documents and what is compiled for them.",
    )
    apq_max_entries: int = Field(
        1000, ge=1, description="Most automatic persisted queries kept (least recently used go)."
    )
    apq_max_bytes: int = Field(
        4 * 1024 * 1024, ge=0, description="Memory for automatic persisted queries' text."
    )
    idempotency_max_bytes: int = Field(
        32 * 1024 * 1024,
        ge=1024,
        description="Memory for idempotency outcomes when GATEWAY_REDIS_URL is unset.",
    )
    trusted_documents: Path | None = Field(
        None,
        description="A trusted-documents manifest: GraphQL Code Generator's persisted documents "
        "(`{hash: document}`) or Apollo's persisted query manifest.",
    )
    trusted_documents_mode: Literal["off", "log", "enforce"] = Field(
        "off",
        description="`log` runs unlisted documents and logs each; `enforce` refuses them.",
    )
    rate_limit: str = Field(
        "off",
        description="Requests each client may make, in `limits` notation (`50/second;1000/minute`)"
        ", per credentials or, without, per address; `off` for none.",
    )
    trusted_proxies: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Comma-separated addresses of proxies whose X-Forwarded-For is believed "
        "(the client address for rate limits and logs).",
    )
    fast_path: bool = Field(
        True,
        description="The compiled execution (gateway.fastpath); off serves with stock "
        "Strawberry execution: the same answers, more CPU per request.",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        "info", description="Log level."
    )
    metrics: bool = Field(
        False,
        description="Serve Prometheus metrics at GET /metrics on the main port (see also "
        "GATEWAY_METRICS_PORT).",
    )
    metrics_port: int | None = Field(
        None,
        ge=1,
        le=65535,
        description="Serve /metrics on this port instead of the main one (on GATEWAY_HOST).",
    )
    metrics_token: SecretStr | None = Field(
        None,
        description="A token /metrics requires as `Authorization: Bearer <token>`; unset: open.",
    )
    # OpenTelemetry's own variables, which its SDK also reads (sampler, headers, ...): these
    # say whether traces are exported at all.
    otel_exporter_otlp_endpoint: str | None = Field(
        None, validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_ENDPOINT")
    )
    otel_exporter_otlp_traces_endpoint: str | None = Field(
        None, validation_alias=AliasChoices("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")
    )
    otel_traces_exporter: str | None = Field(
        None, validation_alias=AliasChoices("OTEL_TRACES_EXPORTER")
    )
    otel_sdk_disabled: bool = Field(False, validation_alias=AliasChoices("OTEL_SDK_DISABLED"))
    otel_service_name: str | None = Field(None, validation_alias=AliasChoices("OTEL_SERVICE_NAME"))
    workers: int = Field(
        1,
        ge=1,
        le=64,
        description="Worker processes serving requests (one per core is the usual choice).",
    )

    @model_validator(mode="before")
    @classmethod
    def _profile_defaults(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("profile") == "production":
            return {**PRODUCTION_DEFAULTS, **data}
        return data

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @field_validator("rate_limit")
    @classmethod
    def _parse_rate_limit(cls, value: str) -> str:
        if value == "off":
            return value
        try:
            items = limits.parse_many(value)
        except ValueError:
            items = []
        # A limit of 0 would refuse every request: a typo, not a policy.
        if not items or any(item.amount < 1 for item in items):
            raise ValueError(
                "not a rate limit: use `limits` notation, one or more "
                "`N/second`, `N/minute`, `N/hour` or `N/day` with N at least 1, joined by `;` "
                "(e.g. `50/second;1000/minute`), or `off`"
            )
        return value

    @field_validator("webhook_signature_header", "webhook_request_id_header")
    @classmethod
    def _header_name(cls, value: str) -> str:
        if not HEADER_NAME.fullmatch(value):
            raise ValueError("not an HTTP header name (letters, digits and `-`, say)")
        return value

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [address.strip() for address in value.split(",") if address.strip()]
        return value

    @model_validator(mode="after")
    def _trusted_documents_need_a_manifest(self) -> Settings:
        if self.trusted_documents_mode != "off" and self.trusted_documents is None:
            raise ValueError(
                f"GATEWAY_TRUSTED_DOCUMENTS_MODE={self.trusted_documents_mode} needs "
                "GATEWAY_TRUSTED_DOCUMENTS (the manifest file); set the mode to `off` to run "
                "every document"
            )
        return self

    @field_validator("workers")
    @classmethod
    def _workers_share_state(cls, value: int, info: ValidationInfo) -> int:
        # Each process keeps its own memory: keys held by one worker would not stop a retry
        # landing on another from creating a second invoice, and each worker would have its
        # own embedded sandbox with its own invoices.
        if value > 1 and info.data.get("upstream_url") is None:
            raise ValueError("more than one worker needs GATEWAY_UPSTREAM_URL")
        if value > 1 and info.data.get("redis_url") is None:
            raise ValueError(
                "more than one worker needs GATEWAY_REDIS_URL, so that idempotency keys are "
                "shared between the workers"
            )
        return value

    @model_validator(mode="after")
    def _metrics_per_process(self) -> Settings:
        if self.workers > 1 and (self.metrics or self.metrics_port is not None):
            raise ValueError(
                "metrics with more than one worker would each count only their own requests "
                "behind one port: run one process per core behind a load balancer instead "
                "(see deploy/), each scraped on its own"
            )
        return self

    @property
    def tracing(self) -> bool:
        """Whether spans are exported: an OTLP endpoint is configured and nothing says no."""
        configured = self.otel_exporter_otlp_endpoint or self.otel_exporter_otlp_traces_endpoint
        return (
            bool(configured)
            and not self.otel_sdk_disabled
            and self.otel_traces_exporter in (None, "otlp")
        )

    @property
    def embedded(self) -> bool:
        """True when the gateway runs on its built-in sandbox upstream."""
        return self.upstream_url is None

    def upstream_authorization(self) -> str | None:
        """The Authorization header the deployment imposes, if any."""
        if self.upstream_token is not None:
            return f"Token token={self.upstream_token.get_secret_value()}"
        if self.embedded:
            return f"Token token={SANDBOX_TOKEN}"
        return None


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = []
        for item in error.errors():
            if not item["loc"]:  # a rule between settings: its message names them
                problems.append(item["msg"].removeprefix("Value error, "))
                continue
            name = "GATEWAY_" + "_".join(str(part) for part in item["loc"]).upper()
            problems.append(f"{name}: {item['msg']}")
        raise SettingsError("invalid configuration: " + "; ".join(problems)) from None
