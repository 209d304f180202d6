"""Settings: defaults, then a file, then the environment; validated once; immutable."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from config import DEV_SECRET_KEY, SETTINGS_DOC, ConfigError, load_settings


def test_defaults_run_on_a_laptop(tmp_path):
    settings = load_settings(environ={"HEARTH_INSTANCE_PATH": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'hearth.db'}"
    assert settings.ratelimit_storage_url == "memory://"
    assert settings.env == "development" and settings.secret_key == DEV_SECRET_KEY


def test_layers_file_then_environment_then_override(tmp_path):
    config_file = tmp_path / "hearth.toml"
    config_file.write_text('base_url = "https://file.example"\nsmtp_port = 2525\ninvite_days = 3\n')
    environ = {"HEARTH_CONFIG": str(config_file), "HEARTH_SMTP_PORT": "465"}
    settings = load_settings(override={"invite_days": 9}, environ=environ)
    assert settings.base_url == "https://file.example"
    assert settings.smtp_port == 465
    assert settings.invite_days == 9


def test_postgres_urls_use_psycopg3():
    settings = load_settings(environ={"DATABASE_URL": "postgresql://postgres@127.0.0.1/test"})
    assert settings.database_url == "postgresql+psycopg://postgres@127.0.0.1/test"


def test_settings_are_immutable():
    settings = load_settings(environ={})
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.secret_key = "x"  # type: ignore[misc]


@pytest.mark.parametrize(
    "environ,setting",
    [
        ({"HEARTH_SMTP_PORT": "seventy"}, "HEARTH_SMTP_PORT"),
        ({"HEARTH_ENV": "staging"}, "HEARTH_ENV"),
        ({"DATABASE_URL": "mysql://x"}, "DATABASE_URL"),
        ({"HEARTH_LOGIN_RATE_LIMIT": "lots"}, "HEARTH_LOGIN_RATE_LIMIT"),
        ({"HEARTH_ENV": "production"}, "SECRET_KEY"),
        ({"HEARTH_ENV": "production", "SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"HEARTH_CONFIG": "/no/such/file.toml"}, "HEARTH_CONFIG"),
        ({"HEARTH_BASE_URL": "example.org"}, "HEARTH_BASE_URL"),
    ],
)
def test_bad_settings_name_the_setting(environ, setting):
    with pytest.raises(ConfigError) as error:
        load_settings(environ=environ)
    assert str(error.value).startswith(setting)


def test_unknown_key_in_file(tmp_path):
    config_file = tmp_path / "bad.toml"
    config_file.write_text('colour = "blue"\n')
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        load_settings(environ={"HEARTH_CONFIG": str(config_file)})


def test_readme_documents_every_setting():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for env, _default, _doc in SETTINGS_DOC:
        assert f"`{env}`" in readme, f"README lacks {env}"
