"""Settings, from environment variables only (12-factor). Every variable is documented in docs/configuration.md."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from docsplane.amqp_url import amqp_url

# The eventsourcing library reads these itself; we pass them through unchanged.
EVENT_STORE_VARIABLES = (
    "PERSISTENCE_MODULE", "SQLITE_DBNAME", "SQLITE_LOCK_TIMEOUT", "POSTGRES_DBNAME", "POSTGRES_HOST",
    "POSTGRES_PORT", "POSTGRES_USER", "POSTGRES_PASSWORD", "POSTGRES_SCHEMA", "POSTGRES_POOL_SIZE",
    "POSTGRES_MAX_OVERFLOW", "POSTGRES_LOCK_TIMEOUT", "POSTGRES_CONNECT_TIMEOUT", "POSTGRES_PRE_PING",
)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    event_store: dict[str, str]
    read_db_url: str
    write_wait_timeout: float = 2.0
    id_block_size: int = 10
    poll_interval: float = 0.05
    projector_batch_size: int = 500
    run_projector: bool = True
    page_size_max: int = 100
    max_body_bytes: int = 1024 * 1024
    # Where documentation is served; `{port}` is the API request's own port (":8000"), so on the embedded
    # default the docs host answers on the port of the API. Its host names the docs domain.
    docs_url: str = "http://{project}.docs.localhost{port}/{language}/{version}/"
    # Production behind nginx: the internal location that maps the artifact root ("" serves the files itself).
    docs_accel_redirect: str = ""
    # Requests per window, per token / per client address (parse_rate); "off" disables.
    rate_limit_authenticated: str = "5000/hour"
    rate_limit_anonymous: str = "60/minute"
    # Where the counters live (the `limits` library's storage URIs): memory:// per process, or redis://host:port/db.
    rate_limit_storage: str = "memory://"
    # None: read from secrets_key_file, or (embedded default only) generated once into data_dir
    # Kept out of repr(), hence of logs.
    secrets_key: str | None = field(default=None, repr=False)
    secrets_key_file: Path | None = None
    # Builds: seconds per step and per build, bytes of output kept per step.
    build_step_timeout: float = 900.0
    build_timeout: float = 1800.0
    build_output_max: int = 1024 * 1024
    # The build sandbox: "bwrap" (bubblewrap) or "none"; the limits of every step's processes, and the
    # host uid steps run as when the worker is root (a root-mapped sandbox escapes the process limit).
    build_sandbox: str = "bwrap"
    # The build sandbox's network: "isolated" (slirp4netns, not the host's loopback), "host" or "none".
    build_network: str = "isolated"
    build_memory_max: int = 4 * 1024 ** 3
    build_processes_max: int = 512
    build_open_files_max: int = 1024
    build_disk_max: int = 5 * 1024 ** 3
    build_uid: int = 65534
    # A worker renews its lease on a running build; one not renewed this long is retried or failed.
    build_lease_seconds: float = 60.0
    # Embedded mode (no broker): `docsplane serve` runs one build worker unless this is false.
    run_worker: bool = True
    # None: no broker; build jobs go through kombu's in-process memory transport and no relay runs.
    amqp_url: str | None = field(default=None, repr=False)  # may hold a password
    events_exchange: str = "docsplane.events"
    build_queue: str = "docsplane.builds"
    # Webhooks: attempts per delivery, first retry's delay (doubled each time),
    # seconds an attempt may take; the API's public address, for the URLs in payloads.
    webhook_attempts: int = 5
    webhook_backoff: float = 10.0
    webhook_timeout: float = 5.0
    run_webhooks: bool = True
    # Webhooks may not reach loopback, private, link-local or other non-public addresses (SSRF:
    # a project's webhook must not probe the service's own network) unless this is true.
    webhook_allow_private: bool = False
    public_url: str = "http://127.0.0.1:8000"
    # Health: a projector or follower further behind the log's head than this is "degraded".
    health_max_lag: int = 1000
    # Where builds' output is kept; None: <data dir>/artifacts.
    artifacts_dir: Path | None = None
    # Projects may name a local path or file:// repository (the build workers would read this machine's
    # files): from_env turns it on for the embedded SQLite default, off when PostgreSQL is configured.
    allow_local_repositories: bool = True

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        event_store = {k: env[k] for k in EVENT_STORE_VARIABLES if k in env}
        event_store.setdefault("PERSISTENCE_MODULE", "eventsourcing.sqlite")
        embedded = event_store["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"
        data_dir = _path_setting(env, "DOCSPLANE_DATA_DIR", embedded) or Path("data").resolve()
        key_file = _path_setting(env, "DOCSPLANE_SECRETS_KEY_FILE", embedded)
        read_db_url = env.get("DOCSPLANE_READ_DB_URL", f"sqlite:///{data_dir / 'readmodels.sqlite3'}")
        if not embedded and read_db_url.startswith("sqlite:///") and not Path(read_db_url[len("sqlite:///"):]).is_absolute():
            raise ConfigurationError(f"DOCSPLANE_READ_DB_URL: {RELATIVE}")
        if embedded:
            event_store.setdefault("SQLITE_DBNAME", str(data_dir / "events.sqlite3"))
            event_store.setdefault("SQLITE_LOCK_TIMEOUT", "30")
        else:
            # The library waits this long for a pool connection, and retries: its default would hold a
            # request for minutes while the database is down, instead of a quick 503.
            event_store.setdefault("POSTGRES_CONNECT_TIMEOUT", "5")
        return cls(
            data_dir=data_dir,
            event_store=event_store,
            read_db_url=read_db_url,
            write_wait_timeout=float(env.get("DOCSPLANE_WRITE_WAIT_TIMEOUT", "2.0")),
            id_block_size=int(env.get("DOCSPLANE_ID_BLOCK_SIZE", "10")),
            poll_interval=float(env.get("DOCSPLANE_POLL_INTERVAL", "0.05")),
            projector_batch_size=int(env.get("DOCSPLANE_PROJECTOR_BATCH_SIZE", "500")),
            run_projector=env.get("DOCSPLANE_RUN_PROJECTOR", "true").lower() in ("1", "true", "yes"),
            page_size_max=int(env.get("DOCSPLANE_PAGE_SIZE_MAX", "100")),
            max_body_bytes=int(env.get("DOCSPLANE_MAX_BODY_BYTES", str(1024 * 1024))),
            docs_url=env.get("DOCSPLANE_DOCS_URL", cls.docs_url),
            docs_accel_redirect=env.get("DOCSPLANE_DOCS_ACCEL_REDIRECT", cls.docs_accel_redirect),
            rate_limit_authenticated=_rate_setting(env, "DOCSPLANE_RATE_LIMIT_AUTHENTICATED", cls.rate_limit_authenticated),
            rate_limit_anonymous=_rate_setting(env, "DOCSPLANE_RATE_LIMIT_ANONYMOUS", cls.rate_limit_anonymous),
            rate_limit_storage=env.get("DOCSPLANE_RATE_LIMIT_STORAGE", cls.rate_limit_storage),
            secrets_key=env.get("DOCSPLANE_SECRETS_KEY") or None,
            secrets_key_file=key_file,
            build_step_timeout=float(env.get("DOCSPLANE_BUILD_STEP_TIMEOUT", str(cls.build_step_timeout))),
            build_timeout=float(env.get("DOCSPLANE_BUILD_TIMEOUT", str(cls.build_timeout))),
            build_output_max=int(env.get("DOCSPLANE_BUILD_OUTPUT_MAX", str(cls.build_output_max))),
            build_sandbox=_choice(env, "DOCSPLANE_BUILD_SANDBOX", cls.build_sandbox, ("bwrap", "none")),
            build_network=_choice(env, "DOCSPLANE_BUILD_NETWORK", cls.build_network, ("isolated", "host", "none")),
            build_memory_max=int(env.get("DOCSPLANE_BUILD_MEMORY_MAX", str(cls.build_memory_max))),
            build_processes_max=int(env.get("DOCSPLANE_BUILD_PROCESSES_MAX", str(cls.build_processes_max))),
            build_open_files_max=int(env.get("DOCSPLANE_BUILD_OPEN_FILES_MAX", str(cls.build_open_files_max))),
            build_disk_max=int(env.get("DOCSPLANE_BUILD_DISK_MAX", str(cls.build_disk_max))),
            build_uid=_unprivileged_uid(env.get("DOCSPLANE_BUILD_UID", str(cls.build_uid))),
            build_lease_seconds=float(env.get("DOCSPLANE_BUILD_LEASE_SECONDS", str(cls.build_lease_seconds))),
            run_worker=env.get("DOCSPLANE_RUN_WORKER", "true").lower() in ("1", "true", "yes"),
            amqp_url=_amqp_setting(env),
            events_exchange=env.get("DOCSPLANE_EVENTS_EXCHANGE", cls.events_exchange),
            build_queue=env.get("DOCSPLANE_BUILD_QUEUE", cls.build_queue),
            webhook_attempts=int(env.get("DOCSPLANE_WEBHOOK_ATTEMPTS", str(cls.webhook_attempts))),
            webhook_backoff=float(env.get("DOCSPLANE_WEBHOOK_BACKOFF", str(cls.webhook_backoff))),
            webhook_timeout=float(env.get("DOCSPLANE_WEBHOOK_TIMEOUT", str(cls.webhook_timeout))),
            run_webhooks=env.get("DOCSPLANE_RUN_WEBHOOKS", "true").lower() in ("1", "true", "yes"),
            webhook_allow_private=env.get("DOCSPLANE_WEBHOOK_ALLOW_PRIVATE", "false").lower() in ("1", "true", "yes"),
            public_url=env.get("DOCSPLANE_PUBLIC_URL", cls.public_url).rstrip("/"),
            health_max_lag=int(env.get("DOCSPLANE_HEALTH_MAX_LAG", str(cls.health_max_lag))),
            artifacts_dir=Path(env["DOCSPLANE_ARTIFACTS_DIR"]).resolve() if env.get("DOCSPLANE_ARTIFACTS_DIR") else None,
            allow_local_repositories=env.get(
                "DOCSPLANE_ALLOW_LOCAL_REPOSITORIES", "true" if event_store["PERSISTENCE_MODULE"] == "eventsourcing.sqlite" else "false",
            ).lower() in ("1", "true", "yes"),
        )

    def as_environ(self) -> dict[str, str]:
        """The environment variables that reproduce these settings in another process."""
        return {
            **self.event_store,
            "DOCSPLANE_DATA_DIR": str(self.data_dir),
            "DOCSPLANE_READ_DB_URL": self.read_db_url,
            "DOCSPLANE_WRITE_WAIT_TIMEOUT": str(self.write_wait_timeout),
            "DOCSPLANE_ID_BLOCK_SIZE": str(self.id_block_size),
            "DOCSPLANE_POLL_INTERVAL": str(self.poll_interval),
            "DOCSPLANE_PROJECTOR_BATCH_SIZE": str(self.projector_batch_size),
            "DOCSPLANE_RUN_PROJECTOR": "true" if self.run_projector else "false",
            "DOCSPLANE_PAGE_SIZE_MAX": str(self.page_size_max),
            "DOCSPLANE_MAX_BODY_BYTES": str(self.max_body_bytes),
            "DOCSPLANE_DOCS_URL": self.docs_url,
            "DOCSPLANE_DOCS_ACCEL_REDIRECT": self.docs_accel_redirect,
            "DOCSPLANE_RATE_LIMIT_AUTHENTICATED": self.rate_limit_authenticated,
            "DOCSPLANE_RATE_LIMIT_ANONYMOUS": self.rate_limit_anonymous,
            "DOCSPLANE_RATE_LIMIT_STORAGE": self.rate_limit_storage,
            "DOCSPLANE_BUILD_STEP_TIMEOUT": str(self.build_step_timeout),
            "DOCSPLANE_BUILD_TIMEOUT": str(self.build_timeout),
            "DOCSPLANE_BUILD_OUTPUT_MAX": str(self.build_output_max),
            "DOCSPLANE_BUILD_LEASE_SECONDS": str(self.build_lease_seconds),
            "DOCSPLANE_BUILD_SANDBOX": self.build_sandbox,
            "DOCSPLANE_BUILD_NETWORK": self.build_network,
            "DOCSPLANE_BUILD_MEMORY_MAX": str(self.build_memory_max),
            "DOCSPLANE_BUILD_PROCESSES_MAX": str(self.build_processes_max),
            "DOCSPLANE_BUILD_OPEN_FILES_MAX": str(self.build_open_files_max),
            "DOCSPLANE_BUILD_DISK_MAX": str(self.build_disk_max),
            "DOCSPLANE_BUILD_UID": str(self.build_uid),
            "DOCSPLANE_RUN_WORKER": "true" if self.run_worker else "false",
            "DOCSPLANE_WEBHOOK_ATTEMPTS": str(self.webhook_attempts),
            "DOCSPLANE_WEBHOOK_BACKOFF": str(self.webhook_backoff),
            "DOCSPLANE_WEBHOOK_TIMEOUT": str(self.webhook_timeout),
            "DOCSPLANE_RUN_WEBHOOKS": "true" if self.run_webhooks else "false",
            "DOCSPLANE_WEBHOOK_ALLOW_PRIVATE": "true" if self.webhook_allow_private else "false",
            "DOCSPLANE_PUBLIC_URL": self.public_url,
            "DOCSPLANE_HEALTH_MAX_LAG": str(self.health_max_lag),
            **({"DOCSPLANE_ARTIFACTS_DIR": str(self.artifacts_dir)} if self.artifacts_dir else {}),
            "DOCSPLANE_ALLOW_LOCAL_REPOSITORIES": "true" if self.allow_local_repositories else "false",
            **({"DOCSPLANE_SECRETS_KEY": self.secrets_key} if self.secrets_key else {}),
            **({"DOCSPLANE_SECRETS_KEY_FILE": str(self.secrets_key_file)} if self.secrets_key_file else {}),
            **({"DOCSPLANE_AMQP_URL": self.amqp_url} if self.amqp_url else {}),
            "DOCSPLANE_EVENTS_EXCHANGE": self.events_exchange,
            "DOCSPLANE_BUILD_QUEUE": self.build_queue,
        }

    @property
    def artifacts_root(self) -> Path:
        return self.artifacts_dir or self.data_dir / "artifacts"

    def __post_init__(self) -> None:
        from docshost.hosts import docs_domain

        docs_domain(self.docs_url)  # a template that would serve docs on the API's origin fails at start

    @property
    def uses_sqlite_event_store(self) -> bool:
        return self.event_store["PERSISTENCE_MODULE"] == "eventsourcing.sqlite"


class ConfigurationError(ValueError):
    """A setting that cannot be used: the process refuses to start, saying which and why in one line."""


RELATIVE = ("with PostgreSQL give an absolute path: processes started in other directories would "
            "read it as other files (another secrets key, another store)")


def _path_setting(env: Mapping[str, str], name: str, embedded: bool) -> Path | None:
    """A path setting, absolute. Embedded, a relative one is taken from the working directory (the
    event store lives there too, so a process started elsewhere sees another, empty store); with
    PostgreSQL, whose store every process shares, it is refused."""
    value = env.get(name)
    if not value:
        return None
    if not embedded and not Path(value).is_absolute():
        raise ConfigurationError(f"{name}={value}: {RELATIVE}")
    return Path(value).resolve()


def _amqp_setting(env: Mapping[str, str]) -> str | None:
    value = env.get("DOCSPLANE_AMQP_URL") or None
    try:
        return amqp_url(value) if value else None
    except ValueError as error:
        raise ConfigurationError(str(error)) from None


class Rate(NamedTuple):
    limit: int  # requests allowed ...
    period: int  # ... per this many seconds


PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
RATE = re.compile(r"^(\d+)\s*/\s*(?:(\d+)\s*s|(second|minute|hour|day)s?)$")


def parse_rate(text: str) -> Rate | None:
    """'5000/hour', '60/minute', '10/30s' → Rate; 'off' → None (no limit). ValueError otherwise."""
    text = text.strip().lower()
    if text == "off":
        return None
    match = RATE.match(text)
    if match is None or int(match[1]) < 1 or (match[2] is not None and int(match[2]) < 1):
        raise ValueError(f"invalid rate {text!r}: use N/second, N/minute, N/hour, N/day, N/<seconds>s or off")
    return Rate(int(match[1]), int(match[2]) if match[2] is not None else PERIODS[match[3]])


def _unprivileged_uid(text: str) -> int:
    uid = int(text)
    if uid <= 0:
        raise ValueError(f"DOCSPLANE_BUILD_UID: {uid} is not an unprivileged uid (root's processes escape the limits)")
    return uid


def _choice(env: Mapping[str, str], name: str, default: str, choices: tuple[str, ...]) -> str:
    value = env.get(name, default).strip().lower()
    if value not in choices:
        raise ValueError(f"{name}: {value!r} is not one of {', '.join(choices)}")
    return value


def _rate_setting(env: Mapping[str, str], name: str, default: str) -> str:
    value = env.get(name, default)
    try:
        parse_rate(value)
    except ValueError as error:
        raise ConfigurationError(f"{name}: {error}") from None
    return value
