"""Settings: a bad value stops start-up with one clear line naming the variable."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from app.core.settings import load_settings
from bench.processes import SYNCLOG


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("SYNCLOG_SIGNUPS", "maybe"),
        ("SYNCLOG_DATABASE_URL", "mysql://db"),
        ("SYNCLOG_RATE_LIMIT_API", "lots"),
        ("SYNCLOG_MAX_BODY_BYTES", "huge"),
        ("SYNCLOG_COOKIE_SECURE", "sometimes"),
        ("SYNCLOG_SQLITE_SYNCHRONOUS", "OFF"),
        ("SYNCLOG_LOG_FORMAT", "xml"),
        ("SYNCLOG_TRUSTED_PROXIES", "127.0.0.1, proxy.example"),
        ("SYNCLOG_TRUSTED_PROXIES", "*"),
        ("SYNCLOG_METRICS_TOKEN", "too-short"),
        ("SYNCLOG_HEADER_TIMEOUT_SECONDS", "0"),
    ],
)
def test_bad_setting_is_one_line_naming_it(
    variable: str, value: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit) as stopped:
        load_settings()
    assert stopped.value.code == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and variable in lines[0]


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in list(os.environ):
        if name.startswith("SYNCLOG_"):
            monkeypatch.delenv(name)
    settings = load_settings()
    assert settings.database_url == "sqlite:///./data/synclog.db"
    assert (settings.signups, settings.rate_limits, settings.cookie_secure) == ("open", "on", "auto")
    assert settings.max_body_bytes == 1024 * 1024


def test_the_command_stops_on_a_bad_setting(tmp_path: Path) -> None:
    env = {**os.environ, "SYNCLOG_DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "SYNCLOG_SIGNUPS": "maybe"}
    result = subprocess.run(  # noqa: S603 - our own console script
        [SYNCLOG, "migrate"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert "SYNCLOG_SIGNUPS" in result.stderr
