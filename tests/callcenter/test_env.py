from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from callcenter.env import env_bool, env_choice, env_int, env_list, env_secret, writable_dir


def test_env_bool_accepts_common_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in [("1", True), ("yes", True), ("TRUE", True), ("0", False), ("off", False)]:
        monkeypatch.setenv("X_FLAG", raw)
        assert env_bool("X_FLAG") is expected


def test_env_bool_rejects_other_values_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="X_FLAG='maybe' is not a boolean"):
        env_bool("X_FLAG")


def test_env_int_checks_type_and_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_PORT", "80a")
    with pytest.raises(ImproperlyConfigured, match="X_PORT='80a' is not an integer"):
        env_int("X_PORT", 1)
    monkeypatch.setenv("X_PORT", "0")
    with pytest.raises(ImproperlyConfigured, match="below the minimum 1"):
        env_int("X_PORT", 1, minimum=1)
    monkeypatch.delenv("X_PORT")
    assert env_int("X_PORT", 8000) == 8000


def test_env_secret_prefers_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    secret_file = tmp_path / "secret"
    secret_file.write_text("from-file\n")
    monkeypatch.setenv("X_SECRET", "from-env")
    assert env_secret("X_SECRET") == "from-env"
    monkeypatch.setenv("X_SECRET_FILE", str(secret_file))
    assert env_secret("X_SECRET") == "from-file"
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match=r"X_SECRET_FILE=.* cannot be read"):
        env_secret("X_SECRET")


def test_env_list_and_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("X_HOSTS", " a.example , b.example,,")
    assert env_list("X_HOSTS", []) == ["a.example", "b.example"]
    monkeypatch.setenv("X_MODE", "staging")
    with pytest.raises(ImproperlyConfigured, match="X_MODE='staging' must be one of"):
        env_choice("X_MODE", "development", ("development", "production"))


def test_writable_dir_creates_missing_directories(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("X_DIR", str(tmp_path / "a" / "b"))
    assert writable_dir("X_DIR", tmp_path) == (tmp_path / "a" / "b").resolve()
    assert (tmp_path / "a" / "b").is_dir()


def test_writable_dir_rejects_a_path_below_a_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("")
    monkeypatch.setenv("X_DIR", str(tmp_path / "file" / "data"))
    with pytest.raises(ImproperlyConfigured, match=r"X_DIR=.* is not a writable directory"):
        writable_dir("X_DIR", tmp_path)
