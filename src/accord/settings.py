"""Configuration: flags and `ACCORD_*` environment variables, documented in docs/configuration.md.

Build `Settings` once (in `main()` or a fixture) and pass it down; nothing reads it at import.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
import tempfile
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from accord.core.errors import InputError

SECRET_FILE = "secret_key"
MIN_SECRET_BYTES = 32
#: Secrets seen in tutorials and defaults; refused outside --dev, whatever their length.
KNOWN_SECRETS = frozenset({"", "secret", "changeme", "change-me", "accord", "password",
                           "development", "dev", "test", "insecure"})

log = logging.getLogger("accord")


def is_loopback(host: str) -> bool:
    """True for `localhost` and loopback addresses (127.0.0.0/8, ::1): reachable from here only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def is_weak_secret(key: str) -> bool:
    return key.strip().lower() in KNOWN_SECRETS or len(key.encode()) < MIN_SECRET_BYTES


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
    dev: bool = Field(False, description="Development mode: allows a weak secret key, on a "
                      "loopback address only")
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
    workers: int = Field(1, ge=1, le=64, description="Server processes `accord serve` runs "
                         "(more than one needs PostgreSQL)")
    job_workers: int = Field(2, ge=0, le=32, description="Background jobs (imports, "
                             "exports) each server process runs at once; 0: this process "
                             "runs none and leaves them to other replicas")
    job_file_ttl_s: int = Field(7 * 24 * 3600, gt=0, description="How long the file of a "
                                "finished export is kept for download")
    job_stale_after_s: int = Field(120, ge=10, description="A running job whose runner has "
                                   "not reported for this long is marked failed (its "
                                   "server stopped)")
    max_import_bytes: int = Field(2 * 1024 ** 3, gt=0, description="Largest file an import "
                                  "job accepts")

    @field_validator("data_dir")
    @classmethod
    def _is_not_a_file(cls, data_dir: Path) -> Path:
        if data_dir.exists() and not data_dir.is_dir():
            raise ValueError("this is a file; the data dir must be a directory (one is made "
                             "if missing)")
        return data_dir

    @model_validator(mode="after")
    def _workers_need_postgresql(self) -> Settings:
        if self.workers > 1 and not self.resolved_database_url.startswith("postgresql"):
            raise ValueError("workers: more than one server process needs PostgreSQL "
                             "(set the database URL); SQLite takes one writer at a time, "
                             "which one process queues fairly and several would not")
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'accord.db').resolve()}"

    @property
    def can_use_weak_secret(self) -> bool:
        """Only --dev on a loopback address: nobody else can reach a server signing with it."""
        return self.dev and is_loopback(self.host)

    def resolved_secret_key(self) -> str:
        """The configured secret, else the data dir's own, made on first use with mode 0600."""
        if self.secret_key is not None:
            return self.secret_key
        return load_or_create_secret(self.data_dir, allow_weak=self.can_use_weak_secret)

    def check_secret(self) -> None:
        """Refuse a weak secret unless --dev on loopback: sessions and tokens are only as safe
        as it is."""
        key = self.resolved_secret_key()
        if self.can_use_weak_secret or not is_weak_secret(key):
            return
        if self.dev:
            way_out = (f"--dev allows a weak secret only on a loopback address, and the host "
                       f"is {self.host}")
        else:
            way_out = "or pass --dev (on a loopback address) for local experiments"
        raise InputError(
            f"ACCORD_SECRET_KEY is a known or short secret ({len(key.encode())} bytes); "
            f"use at least {MIN_SECRET_BYTES} random bytes, or unset it to let Accord "
            f"generate one; {way_out}", code="weak_secret")


def load_or_create_secret(data_dir: Path, *, allow_weak: bool = False) -> str:
    """The secret in `<data_dir>/secret_key`, made (48 random bytes, mode 0600) if missing.

    An existing file readable by group or others is made private again, with a warning; one
    holding fewer than MIN_SECRET_BYTES is refused unless `allow_weak` (--dev on loopback).
    """
    path = data_dir / SECRET_FILE
    if not path.exists():
        _create_secret(path)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        path.chmod(0o600)
        log.warning("%s was readable by others (mode %03o); changed its mode to 600. Anyone "
                    "who read it can forge sessions: consider replacing it", path, mode)
    key = path.read_text().strip()
    if is_weak_secret(key) and not allow_weak:
        raise InputError(
            f"the secret in {path} is a known or short secret ({len(key.encode())} bytes); "
            f"use at least {MIN_SECRET_BYTES} random bytes, or delete the file to let Accord "
            "generate one (existing sessions and API tokens then stop working)",
            code="weak_secret", path=str(path))
    return key


def _create_secret(path: Path) -> None:
    """Write a new secret atomically: other processes see no file or the whole key, never a
    half-written one. If another process made one first, theirs is kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{SECRET_FILE}.")  # mode 0600
    try:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48) + "\n")  # 48 random bytes
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
    finally:
        os.unlink(temporary)
