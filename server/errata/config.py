"""Settings, read once from the environment and passed to everything that needs them."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TypeVar

REPO_ROOT = Path(__file__).resolve().parents[2]  # server/errata/config.py -> the checkout
MIN_TOKEN_CHARS = 32  # a production maintainer token shorter than this is refused
PACKAGE_DATA = Path(__file__).resolve().parent / "_data"  # entries/ and skill/ in a wheel


def shipped(name: str) -> Path:
    """The curated `entries` or `skill` folder: in the installed wheel, else in the checkout."""
    packaged = PACKAGE_DATA / name
    return packaged if packaged.is_dir() else REPO_ROOT / name


def default_data_dir() -> Path:
    """The user's data folder (~/.local/share/errata on Linux): never the working directory,
    so a client that starts `errata mcp` in a project writes nothing into it."""
    from platformdirs import user_data_path

    return user_data_path("errata", appauthor=False)


class SettingsError(ValueError):
    """A setting from the environment has a value errata cannot use."""


@dataclass(frozen=True)
class Settings:
    """Everything errata can be configured with; see the README's configuration table."""

    data_dir: Path = field(default_factory=default_data_dir)
    entries_dir: Path = field(default_factory=lambda: shipped("entries"))
    database_url: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    mode: str = "development"
    maintainer_token: str = ""
    max_body_bytes: int = 1_048_576
    max_mcp_body_bytes: int = 8_388_608
    max_query_chars: int = 1_000_000
    search_rate_per_minute: int = 120  # searches per client per minute, per process (0: none)
    search_burst: int = 30  # searches a client may make at once before the rate applies
    heavy_search_chars: int = 20_000  # a query longer than this is a heavy search ...
    heavy_search_concurrency: int = 1  # ... and at most this many run at once per process
    submission_rate_per_minute: int = 5
    outcome_rate_per_minute: int = 20  # outcome reports per client per minute (REST and MCP)
    outcome_min_clients: int = 3  # distinct clients before outcome reports move ranking
    anonymous_writes: bool = True  # false: submissions and outcome reports need an API key
    verify_rate_per_minute: int = 20  # public POST /api/entries/{id}/verify per client per minute
    verify_concurrency: int = 2
    verify_queue_size: int = 100
    verify_timeout_seconds: float = 30.0
    verify_on_start: bool = True
    sandbox: str = "auto"  # auto: self-test at startup; off: verification unavailable
    allowed_hosts: tuple[str, ...] = field(default=("127.0.0.1:*", "localhost:*", "[::1]:*"))
    index_poll_seconds: float = 1.0
    public_url: str = ""
    trusted_proxies: tuple[str, ...] = ()  # addresses whose X-Forwarded-For is believed
    skill_dir: Path = field(default_factory=lambda: shipped("skill"))
    metrics: str = "local"  # who may read /metrics: off, local (loopback or token), public
    collect_gaps: bool = True  # keep masked no-match queries for maintainers (see README)
    gaps_retention_days: int = 30

    def __post_init__(self) -> None:
        if not self.database_url:
            object.__setattr__(self, "database_url", f"sqlite:///{self.data_dir / 'errata.db'}")
        if self.mode not in ("development", "production"):
            raise SettingsError(f"ERRATA_MODE must be development or production, not {self.mode!r}")
        if self.mode == "production" and not self.maintainer_token:
            raise SettingsError("ERRATA_MAINTAINER_TOKEN must be set in production mode")
        if self.mode == "production" and len(self.maintainer_token) < MIN_TOKEN_CHARS:
            raise SettingsError(
                f"ERRATA_MAINTAINER_TOKEN must be at least {MIN_TOKEN_CHARS} characters in"
                " production mode (python -c 'import secrets; print(secrets.token_hex())')"
            )
        self._check_limits()

    def _check_limits(self) -> None:
        if self.search_rate_per_minute < 0 or self.heavy_search_chars < 0:
            raise SettingsError(
                "ERRATA_SEARCH_RATE_PER_MINUTE and ERRATA_HEAVY_SEARCH_CHARS cannot be negative"
            )
        if self.search_burst < 1 or self.heavy_search_concurrency < 1:
            raise SettingsError(
                "ERRATA_SEARCH_BURST and ERRATA_HEAVY_SEARCH_CONCURRENCY must be at least 1"
            )
        if self.outcome_min_clients < 1:
            raise SettingsError("ERRATA_OUTCOME_MIN_CLIENTS must be at least 1")
        if self.metrics not in ("off", "local", "public"):
            raise SettingsError(
                f"ERRATA_METRICS must be off, local or public, not {self.metrics!r}"
            )

    @property
    def is_sqlite(self) -> bool:
        """True when the database is an embedded SQLite file."""
        return self.database_url.startswith("sqlite")

    def with_changes(self, **changes: object) -> Settings:
        """A copy with some settings changed (used by tests and the CLI)."""
        return replace(self, **changes)  # type: ignore[arg-type]


N = TypeVar("N", int, float)


def _number(env: Mapping[str, str], name: str, default: N, parse: type[N], what: str) -> N:
    """The variable `name` parsed as `parse` (int or float), `default` when unset or empty."""
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        return parse(raw)
    except ValueError as exc:
        raise SettingsError(f"{name} must be {what}, not {raw!r}") from exc


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    return _number(env, name, default, int, "an integer")


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    return _number(env, name, default, float, "a number")


def _bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    return raw.strip().lower() in ("1", "true", "yes", "on")


def _list(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in env.get(name, "").split(",") if item.strip())


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read the settings from the environment (or a given mapping), once."""
    env = os.environ if env is None else env
    defaults = Settings()
    data_dir = Path(env.get("ERRATA_DATA_DIR") or defaults.data_dir)
    hosts = env.get("ERRATA_ALLOWED_HOSTS")
    return Settings(
        data_dir=data_dir,
        entries_dir=Path(env.get("ERRATA_ENTRIES_DIR") or defaults.entries_dir),
        database_url=env.get("DATABASE_URL", ""),
        host=env.get("ERRATA_HOST") or defaults.host,
        port=_int(env, "ERRATA_PORT", defaults.port),
        mode=env.get("ERRATA_MODE") or defaults.mode,
        maintainer_token=env.get("ERRATA_MAINTAINER_TOKEN", ""),
        max_body_bytes=_int(env, "ERRATA_MAX_BODY_BYTES", defaults.max_body_bytes),
        max_mcp_body_bytes=_int(env, "ERRATA_MAX_MCP_BODY_BYTES", defaults.max_mcp_body_bytes),
        max_query_chars=_int(env, "ERRATA_MAX_QUERY_CHARS", defaults.max_query_chars),
        search_rate_per_minute=_int(
            env, "ERRATA_SEARCH_RATE_PER_MINUTE", defaults.search_rate_per_minute
        ),
        search_burst=_int(env, "ERRATA_SEARCH_BURST", defaults.search_burst),
        heavy_search_chars=_int(env, "ERRATA_HEAVY_SEARCH_CHARS", defaults.heavy_search_chars),
        heavy_search_concurrency=_int(
            env, "ERRATA_HEAVY_SEARCH_CONCURRENCY", defaults.heavy_search_concurrency
        ),
        submission_rate_per_minute=_int(
            env, "ERRATA_SUBMISSION_RATE_PER_MINUTE", defaults.submission_rate_per_minute
        ),
        outcome_rate_per_minute=_int(
            env, "ERRATA_OUTCOME_RATE_PER_MINUTE", defaults.outcome_rate_per_minute
        ),
        outcome_min_clients=_int(env, "ERRATA_OUTCOME_MIN_CLIENTS", defaults.outcome_min_clients),
        anonymous_writes=_bool(env, "ERRATA_ANONYMOUS_WRITES", defaults.anonymous_writes),
        verify_rate_per_minute=_int(
            env, "ERRATA_VERIFY_RATE_PER_MINUTE", defaults.verify_rate_per_minute
        ),
        verify_concurrency=_int(env, "ERRATA_VERIFY_CONCURRENCY", defaults.verify_concurrency),
        verify_queue_size=_int(env, "ERRATA_VERIFY_QUEUE_SIZE", defaults.verify_queue_size),
        verify_timeout_seconds=_float(
            env, "ERRATA_VERIFY_TIMEOUT_SECONDS", defaults.verify_timeout_seconds
        ),
        verify_on_start=_bool(env, "ERRATA_VERIFY_ON_START", defaults.verify_on_start),
        sandbox=env.get("ERRATA_SANDBOX") or defaults.sandbox,
        allowed_hosts=tuple(h.strip() for h in hosts.split(",") if h.strip())
        if hosts
        else defaults.allowed_hosts,
        index_poll_seconds=_float(env, "ERRATA_INDEX_POLL_SECONDS", defaults.index_poll_seconds),
        public_url=env.get("ERRATA_PUBLIC_URL", ""),
        trusted_proxies=_list(env, "ERRATA_TRUSTED_PROXIES"),
        skill_dir=Path(env.get("ERRATA_SKILL_DIR") or defaults.skill_dir),
        metrics=env.get("ERRATA_METRICS") or defaults.metrics,
        collect_gaps=_bool(env, "ERRATA_COLLECT_GAPS", defaults.collect_gaps),
        gaps_retention_days=_int(env, "ERRATA_GAPS_RETENTION_DAYS", defaults.gaps_retention_days),
    )
