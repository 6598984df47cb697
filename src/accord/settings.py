"""Configuration: flags and `ACCORD_*` environment variables, documented in docs/configuration.md.

Build `Settings` once (in `main()` or a fixture) and pass it down; nothing reads it at import.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from accord.core.errors import InputError

SECRET_FILE = "secret_key"
MIN_SECRET_BYTES = 32
#: Secrets seen in tutorials and defaults; refused outside --dev, whatever their length.
KNOWN_SECRETS = frozenset({"", "secret", "changeme", "change-me", "accord", "password",
                           "development", "dev", "test", "insecure"})


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="ACCORD_", extra="ignore")

    data_dir: Path = Field(Path("accord-data"), description="Where the SQLite database, the "
                           "secret key and media live; created on first start")
    database_url: str | None = Field(None, description="SQLAlchemy URL; default: SQLite in "
                                     "the data dir. PostgreSQL: postgresql+psycopg://…")
    secret_key: str | None = Field(None, description="Signing secret; default: a random "
                                   "key kept in <data_dir>/secret_key (mode 0600)")
    host: str = Field("127.0.0.1", description="Address `accord serve` binds to")
    port: int = Field(8080, gt=0, lt=65536, description="Port `accord serve` listens on")
    dev: bool = Field(False, description="Development mode: allows a weak secret key")
    debug: bool = Field(False, description="Include stack traces in 500 responses")
    session_ttl_s: int = Field(14 * 24 * 3600, gt=0, description="Browser session lifetime")
    login_attempts_per_window: int = Field(10, gt=0, description="Failed logins allowed per "
                                           "account and client address in one window")
    login_window_s: int = Field(300, gt=0, description="Login throttling window")
    anonymous_requests_per_minute: int = Field(600, gt=0, description="Throttle for "
                                               "unauthenticated API calls per client address")
    trust_proxy_headers: bool = Field(False, description="Honour X-Forwarded-Proto/Host from "
                                      "a reverse proxy in front of Accord")
    max_tasks_per_request: int = Field(100_000, gt=0, description="Bulk task create limit")

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'accord.db').resolve()}"

    def resolved_secret_key(self) -> str:
        """The configured secret, else the data dir's own, made on first use with mode 0600."""
        if self.secret_key is not None:
            return self.secret_key
        return load_or_create_secret(self.data_dir)

    def check_secret(self) -> None:
        """Refuse a weak secret unless in --dev: sessions and tokens are only as safe as it."""
        key = self.resolved_secret_key()
        if self.dev:
            return
        if key.strip().lower() in KNOWN_SECRETS or len(key.encode()) < MIN_SECRET_BYTES:
            raise InputError(
                f"ACCORD_SECRET_KEY is a known or short secret ({len(key.encode())} bytes); "
                f"use at least {MIN_SECRET_BYTES} random bytes, or unset it to let Accord "
                "generate one, or pass --dev for local experiments", code="weak_secret")


def load_or_create_secret(data_dir: Path) -> str:
    path = data_dir / SECRET_FILE
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)  # 48 random bytes
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key + "\n")
    return key
