"""The signing secret: a weak one only with --dev on a loopback address; the data dir's own file."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from cli_support import ADMIN, local

from accord.core.errors import InputError
from accord.settings import Settings, is_loopback, load_or_create_secret

STRONG = "k" * 48


@pytest.fixture
def no_accord_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Settings see only what the test passes, not the ACCORD_* variables of the shell."""
    for name in os.environ:
        if name.startswith("ACCORD_"):
            monkeypatch.delenv(name)


pytestmark = pytest.mark.usefixtures("no_accord_env")


@pytest.mark.parametrize(("host", "expected"), [
    ("127.0.0.1", True), ("127.8.9.10", True), ("::1", True), ("localhost", True),
    ("0.0.0.0", False), ("::", False), ("192.168.1.20", False), ("example.org", False),
    ("localhost.example.org", False)])
def test_only_loopback_addresses_count_as_loopback(host: str, expected: bool) -> None:
    assert is_loopback(host) is expected


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_dev_on_a_loopback_address_allows_a_weak_secret(tmp_path: Path, host: str) -> None:
    Settings(data_dir=tmp_path, dev=True, host=host, secret_key="secret").check_secret()


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.20"])
def test_dev_on_a_reachable_address_still_refuses_a_weak_secret(tmp_path: Path,
                                                                host: str) -> None:
    settings = Settings(data_dir=tmp_path, dev=True, host=host, secret_key="secret")
    with pytest.raises(InputError, match=f"only on a loopback address, and the host is {host}"
                       ) as caught:
        settings.check_secret()
    assert caught.value.code == "weak_secret"


@pytest.mark.parametrize("key", ["secret", "changeme", "x" * 31])
def test_without_dev_a_known_or_short_secret_is_refused_even_on_loopback(tmp_path: Path,
                                                                         key: str) -> None:
    with pytest.raises(InputError, match="known or short secret.*pass --dev"):
        Settings(data_dir=tmp_path, secret_key=key).check_secret()
    Settings(data_dir=tmp_path, secret_key=STRONG).check_secret()


def test_serve_dev_on_all_interfaces_refuses_a_weak_secret_before_listening(
        tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ACCORD_")}
    result = subprocess.run(
        [sys.executable, "-m", "accord", "serve", "--dev", "--host", "0.0.0.0", "--port",
         "8999", "--data-dir", str(tmp_path / "data")],
        capture_output=True, text=True, timeout=60, env={**env, "ACCORD_SECRET_KEY": "secret"})
    assert result.returncode == 1
    assert result.stderr.startswith("error: ACCORD_SECRET_KEY is a known or short secret")
    assert "only on a loopback address" in result.stderr and "Traceback" not in result.stderr


def test_fresh_data_dirs_get_different_private_secrets(tmp_path: Path) -> None:
    first, second = (load_or_create_secret(tmp_path / name) for name in ("one", "two"))
    assert first != second and min(len(first.encode()), len(second.encode())) >= 32
    for name, key in (("one", first), ("two", second)):
        assert [p.name for p in (tmp_path / name).iterdir()] == ["secret_key"]
        path = tmp_path / name / "secret_key"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert load_or_create_secret(tmp_path / name) == key


def test_a_secret_file_readable_by_others_is_made_private_with_a_warning(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "secret_key"
    path.write_text(STRONG + "\n")
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="accord"):
        assert load_or_create_secret(tmp_path) == STRONG
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    [record] = [r for r in caplog.records if r.name == "accord"]
    assert record.levelno == logging.WARNING and "mode 644" in record.getMessage()
    caplog.clear()
    assert load_or_create_secret(tmp_path) == STRONG
    assert caplog.records == []  # already private: nothing to say


def test_a_short_secret_file_is_refused_unless_dev_on_loopback(tmp_path: Path) -> None:
    path = tmp_path / "secret_key"
    path.write_text("too-short\n")
    path.chmod(0o600)
    for settings in (Settings(data_dir=tmp_path), Settings(data_dir=tmp_path, dev=True,
                                                           host="0.0.0.0")):
        with pytest.raises(InputError, match=f"the secret in {path} is a known or short "
                           "secret \\(9 bytes\\).*delete the file") as caught:
            settings.resolved_secret_key()
        assert caught.value.code == "weak_secret"
    assert Settings(data_dir=tmp_path, dev=True, host="127.0.0.1").resolved_secret_key() == (
        "too-short")


def test_a_command_using_a_short_secret_file_fails_clearly(tmp_path: Path) -> None:
    accord = local(tmp_path / "data")
    accord.ok("user", "add", ADMIN, "--role", "admin")
    (tmp_path / "data" / "secret_key").write_text("short\n")
    message = accord.fails("token", "create", ADMIN)
    assert "secret_key is a known or short secret (5 bytes)" in message
