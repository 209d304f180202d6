"""Settings: defaults, then a file, then the environment; validated once; immutable."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from config import DEV_SECRET_KEY, SETTINGS_DOC, ConfigError, load_settings, prepare_instance_folder


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


@pytest.mark.parametrize(
    "environ,setting",
    [
        ({"HEARTH_RESET_TOKEN_MINUTES": "6000000000"}, "HEARTH_RESET_TOKEN_MINUTES"),
        ({"HEARTH_RESET_TOKEN_MINUTES": "0"}, "HEARTH_RESET_TOKEN_MINUTES"),
        ({"HEARTH_INVITE_DAYS": "99999999999"}, "HEARTH_INVITE_DAYS"),
        ({"HEARTH_INVITE_DAYS": "-3"}, "HEARTH_INVITE_DAYS"),
        ({"HEARTH_LOGIN_RATE_LIMIT": "0 per minute"}, "HEARTH_LOGIN_RATE_LIMIT"),
        ({"HEARTH_REGISTER_RATE_LIMIT": "5 per minute;0 per hour"}, "HEARTH_REGISTER_RATE_LIMIT"),
        ({"HEARTH_MAIL_FROM": "not an address"}, "HEARTH_MAIL_FROM"),
        ({"HEARTH_MAIL_FROM": "Hearth <hello@example.org>\r\nBcc: evil@example.org"}, "HEARTH_MAIL_FROM"),
        ({"HEARTH_SMTP_HOST": "smtp example org"}, "HEARTH_SMTP_HOST"),
        ({"HEARTH_SMTP_PORT": "70000"}, "HEARTH_SMTP_PORT"),
        ({"HEARTH_SMTP_PASSWORD": "one\nline too many"}, "HEARTH_SMTP_PASSWORD"),
        ({"HEARTH_BASE_URL": "http://"}, "HEARTH_BASE_URL"),
        ({"HEARTH_BASE_URL": "https://hearth.example.org/?next=x"}, "HEARTH_BASE_URL"),
        ({"HEARTH_BASE_URL": "https://hearth.example.org:99999"}, "HEARTH_BASE_URL"),
        ({"HEARTH_SERVICE_AREA": "nan,-1.5,5"}, "HEARTH_SERVICE_AREA"),
        ({"HEARTH_DEMO_TOWN": ""}, "HEARTH_DEMO_TOWN"),
        ({"HEARTH_JOB_LEASE_SECONDS": "1"}, "HEARTH_JOB_LEASE_SECONDS"),
        ({"HEARTH_JOB_LEASE_SECONDS": "soon"}, "HEARTH_JOB_LEASE_SECONDS"),
        ({"HEARTH_GEOCODER": "nominatim", "HEARTH_NOMINATIM_USER_AGENT": ""}, "HEARTH_NOMINATIM_USER_AGENT"),
    ],
)
def test_every_setting_has_a_range_and_a_format(environ, setting):
    with pytest.raises(ConfigError) as error:
        load_settings(environ=environ)
    assert str(error.value).startswith(f"{setting}: ")
    assert "\n" not in str(error.value).replace("\\n", "")  # one line, whatever was given


@pytest.mark.parametrize("env", [env for env, _default, _doc in SETTINGS_DOC])
def test_an_absurd_value_is_refused_for_every_setting(env, tmp_path):
    """Five thousand characters fit no setting: each refuses them with its own name."""
    environ = {env: "x" * 5000}
    with pytest.raises(ConfigError) as error:
        settings = load_settings(environ=environ)
        prepare_instance_folder(settings)  # a path can only be proven by using it
    assert str(error.value).startswith(f"{env}: ")


def test_the_edges_of_each_range_are_accepted():
    settings = load_settings(environ={"HEARTH_RESET_TOKEN_MINUTES": "1440", "HEARTH_INVITE_DAYS": "90",
                                      "HEARTH_LOGIN_RATE_LIMIT": "1 per minute", "HEARTH_JOB_LEASE_SECONDS": "2",
                                      "HEARTH_MAIL_FROM": "hello@hearth.example.org", "HEARTH_SMTP_PORT": "65535"})
    assert (settings.reset_token_minutes, settings.invite_days, settings.job_lease_seconds) == (1440, 90, 2)


def test_an_instance_folder_that_cannot_be_written_is_one_line(tmp_path):
    (tmp_path / "a-file").write_text("not a folder")
    with pytest.raises(ConfigError, match="^HEARTH_INSTANCE_PATH: cannot create .* is not a folder"):
        load_settings(environ={"HEARTH_INSTANCE_PATH": str(tmp_path / "a-file" / "instance")})
    settings = load_settings(environ={"HEARTH_INSTANCE_PATH": "/proc/hearth-instance"})
    with pytest.raises(ConfigError, match="^HEARTH_INSTANCE_PATH: cannot write in /proc/hearth-instance"):
        prepare_instance_folder(settings)
    good = load_settings(environ={"HEARTH_INSTANCE_PATH": str(tmp_path / "new" / "instance")})
    assert prepare_instance_folder(good).is_dir()


def test_the_largest_allowed_link_lifetimes_work(app, db, settings):
    from factories import make_centre, make_user

    from store.accounts.models import AccountToken
    from store.accounts.operations import request_password_reset
    from store.centres.models import Invitation
    from store.centres.organisers import invite_organiser

    longest = settings.replace(reset_token_minutes=1440, invite_days=90)
    user = make_user(db)
    request_password_reset(db, longest, user.email)
    invite_organiser(db, longest, centre=make_centre(db), email="new@example.org", invited_by=None)
    assert db.query(AccountToken).count() >= 1 and db.query(Invitation).count() == 1


def test_readme_settings_table_matches_the_settings():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    for env, _default, doc in SETTINGS_DOC:
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{env}` |")), None)
        assert row is not None and row.endswith(f"| {doc} |"), f"README's row for {env} says something else"


def test_the_exact_matching_settings_have_ranges():
    settings = load_settings(environ={})
    assert (settings.match_exact_seconds, settings.match_exact_up_to) == (0.5, 20)
    edge = load_settings(environ={"HEARTH_MATCH_EXACT_SECONDS": "10", "HEARTH_MATCH_EXACT_UP_TO": "0"})
    assert (edge.match_exact_seconds, edge.match_exact_up_to) == (10.0, 0)
    for env, value in (("HEARTH_MATCH_EXACT_SECONDS", "-1"), ("HEARTH_MATCH_EXACT_SECONDS", "nan"),
                       ("HEARTH_MATCH_EXACT_SECONDS", "11"), ("HEARTH_MATCH_EXACT_UP_TO", "201")):
        with pytest.raises(ConfigError, match=f"^{env}: "):
            load_settings(environ={env: value})
