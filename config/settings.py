"""The settings table, its parsers, and the one-time validation into an immutable object."""

from __future__ import annotations

import dataclasses
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

__all__ = ["Settings", "ConfigError", "load_settings", "DEV_SECRET_KEY", "SETTINGS_DOC"]

DEV_SECRET_KEY = "hearth-development-secret-do-not-use-in-production"

ENVIRONMENTS = ("development", "testing", "production")
GEOCODERS = ("offline", "nominatim")
_RATE = re.compile(r"^\s*\d+\s*(per|/)\s*(\d+\s*)?(second|minute|hour|day|month|year)s?\s*$")


class ConfigError(ValueError):
    """A setting is missing or wrong; the message starts with the setting's name."""

    def __init__(self, setting: str, problem: str):
        self.setting = setting
        self.problem = problem
        super().__init__(f"{setting}: {problem}")


def _text(value: str) -> str:
    return value.strip()


def _positive_int(value: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValueError(f"expected a whole number, got {value!r}") from None
    if number <= 0:
        raise ValueError(f"expected a number above 0, got {number}")
    return number


def _port(value: str) -> int:
    number = _positive_int(value)
    if number > 65535:
        raise ValueError(f"expected a port from 1 to 65535, got {number}")
    return number


def _remember_days(value: str) -> int:
    number = _positive_int(value)
    if number > 365:
        raise ValueError(f"expected from 1 to 365 days, got {number}")
    return number


def _bool(value: str) -> bool:
    lowered = str(value).strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def _choice(*choices: str) -> Callable[[str], str]:
    def parse(value: str) -> str:
        value = value.strip().lower()
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")
        return value

    return parse


def _rate_limits(value: str) -> str:
    parts = [p for p in value.split(";") if p.strip()]
    if not parts or not all(_RATE.match(p) for p in parts):
        raise ValueError(f"expected limits like '10 per minute;50 per hour', got {value!r}")
    return ";".join(p.strip() for p in parts)


def _database_url(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    for prefix in ("postgres://", "postgresql://"):
        if value.startswith(prefix):
            return "postgresql+psycopg://" + value[len(prefix):]
    if not (value.startswith("sqlite:") or value.startswith("postgresql+psycopg://")):
        raise ValueError("expected a sqlite:/// or postgresql:// URL")
    return value


def _storage_url(value: str) -> str:
    value = value.strip()
    if not value.startswith(("memory://", "redis://", "rediss://")):
        raise ValueError("expected memory:// or a redis:// URL")
    return value


def _queue_url(value: str) -> str:
    value = value.strip()
    if value and not value.startswith(("redis://", "rediss://", "sqlite://", "immediate://")):
        raise ValueError("expected empty (SQLite in the instance folder), immediate:// or a redis:// URL")
    return value


def _service_area(value: str) -> str:
    value = value.strip().strip("()")
    if not value:
        return ""
    parts = [p.strip() for p in value.split(",")]
    try:
        lat, lon, radius = (float(p) for p in parts)
    except ValueError:
        raise ValueError(f"expected 'lat,lon,radius_km' such as '53.80,-1.55,15', got {value!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not 0 < radius <= 20000:
        raise ValueError(f"expected a point on Earth and a radius above 0 km, got {value!r}")
    return f"{lat:g},{lon:g},{radius:g}"


@dataclass(frozen=True)
class _Spec:
    name: str
    env: str
    default: Any
    parse: Callable[[str], Any]
    doc: str


_SPECS: tuple[_Spec, ...] = (
    _Spec("env", "HEARTH_ENV", "development", _choice(*ENVIRONMENTS),
          "development, testing or production; production insists on a real secret key and Secure cookies"),
    _Spec("secret_key", "SECRET_KEY", DEV_SECRET_KEY, _text,
          "signs sessions and CSRF tokens; at least 32 random characters in production"),
    _Spec("instance_path", "HEARTH_INSTANCE_PATH", "instance", _text,
          "folder for the SQLite database, the queue, the outbox copies and other local state"),
    _Spec("database_url", "DATABASE_URL", "", _database_url,
          "SQLAlchemy URL; empty means a SQLite file `hearth.db` in the instance folder"),
    _Spec("queue_url", "HEARTH_QUEUE_URL", "", _queue_url,
          "task queue; empty means Huey on SQLite in the instance folder, or `redis://host:6379/0`"),
    _Spec("ratelimit_storage_url", "HEARTH_RATELIMIT_STORAGE_URL", "memory://", _storage_url,
          "where login and sign-up rate limits are counted: `memory://` or a `redis://` URL"),
    _Spec("login_rate_limit", "HEARTH_LOGIN_RATE_LIMIT", "10 per minute;50 per hour", _rate_limits,
          "attempts allowed per address at the log-in and password-reset forms"),
    _Spec("register_rate_limit", "HEARTH_REGISTER_RATE_LIMIT", "5 per minute;30 per hour", _rate_limits,
          "new accounts allowed per address"),
    _Spec("base_url", "HEARTH_BASE_URL", "http://127.0.0.1:5000", _text,
          "the public address used in links inside messages"),
    _Spec("mail_from", "HEARTH_MAIL_FROM", "Hearth <hello@hearth.localhost>", _text,
          "sender of outgoing messages"),
    _Spec("smtp_host", "HEARTH_SMTP_HOST", "", _text,
          "SMTP server; empty keeps messages in the in-app outbox and `instance/outbox/` only"),
    _Spec("smtp_port", "HEARTH_SMTP_PORT", 587, _port, "SMTP port"),
    _Spec("smtp_username", "HEARTH_SMTP_USERNAME", "", _text, "SMTP login, if the server needs one"),
    _Spec("smtp_password", "HEARTH_SMTP_PASSWORD", "", _text, "SMTP password"),
    _Spec("smtp_starttls", "HEARTH_SMTP_STARTTLS", True, _bool, "upgrade the SMTP connection with STARTTLS"),
    _Spec("reset_token_minutes", "HEARTH_RESET_TOKEN_MINUTES", 60, _positive_int,
          "how long a password-reset link works"),
    _Spec("invite_days", "HEARTH_INVITE_DAYS", 7, _positive_int,
          "how long an organiser invitation works"),
    _Spec("remember_days", "HEARTH_REMEMBER_DAYS", 30, _remember_days,
          "how long “keep me logged in” lasts on a device, from 1 to 365 days"),
    _Spec("geocoder", "HEARTH_GEOCODER", "offline", _choice(*GEOCODERS),
          "`offline` (gazetteers shipped in packages) or `nominatim` (falls back to offline on failure)"),
    _Spec("nominatim_user_agent", "HEARTH_NOMINATIM_USER_AGENT", "hearth-community-matching", _text,
          "User-Agent sent to Nominatim, as its usage policy asks"),
    _Spec("service_area", "HEARTH_SERVICE_AREA", "", _service_area,
          "where residents may live, as `lat,lon,radius_km` (e.g. `53.80,-1.55,15`); empty means anywhere"),
    _Spec("demo_town", "HEARTH_DEMO_TOWN", "Leeds", _text,
          "the town `flask hearth demo` builds (a place with bundled neighbourhoods)"),
    _Spec("log_level", "HEARTH_LOG_LEVEL", "INFO", _choice("debug", "info", "warning", "error"),
          "logging level"),
)

#: (environment variable, default, meaning) for each setting, for documentation.
SETTINGS_DOC: tuple[tuple[str, str, str], ...] = tuple(
    (s.env, "" if s.default == "" else str(s.default), s.doc) for s in _SPECS
)


@dataclass(frozen=True)
class Settings:
    """Validated, immutable settings; build one with :func:`load_settings`."""

    env: str
    secret_key: str
    instance_path: str
    database_url: str
    queue_url: str
    ratelimit_storage_url: str
    login_rate_limit: str
    register_rate_limit: str
    base_url: str
    mail_from: str
    smtp_host: str
    smtp_port: int
    smtp_username: str
    smtp_password: str
    smtp_starttls: bool
    reset_token_minutes: int
    invite_days: int
    remember_days: int
    geocoder: str
    nominatim_user_agent: str
    service_area: str
    demo_town: str
    log_level: str

    @property
    def is_production(self) -> bool:
        return self.env == "production"

    @property
    def service_circle(self) -> tuple[float, float, float] | None:
        """The service area as (lat, lon, radius_km), or ``None`` for anywhere."""
        if not self.service_area:
            return None
        lat, lon, radius = (float(p) for p in self.service_area.split(","))
        return lat, lon, radius

    @property
    def outbox_path(self) -> Path:
        return Path(self.instance_path) / "outbox"

    def replace(self, **changes: Any) -> "Settings":
        """A copy with some settings changed, validated again."""
        return load_settings(override={**dataclasses.asdict(self), **changes}, environ={})


def _parse(spec: _Spec, raw: Any, source: str) -> Any:
    if not isinstance(raw, str):
        raw = str(raw) if not isinstance(raw, bool) else ("true" if raw else "false")
    try:
        return spec.parse(raw)
    except ValueError as exc:
        raise ConfigError(spec.env, f"{exc} (from {source})") from None


def load_settings(
    override: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Read the settings once: defaults, then the TOML file named by ``HEARTH_CONFIG``, then the
    environment, then ``override`` (used by tests and the app factory).

    Raises :class:`ConfigError` naming the first bad setting.
    """
    environ = os.environ if environ is None else environ
    by_name = {s.name: s for s in _SPECS}
    values: dict[str, Any] = {s.name: s.default for s in _SPECS}

    config_file = environ.get("HEARTH_CONFIG", "").strip()
    if config_file:
        try:
            with open(config_file, "rb") as handle:
                data = tomllib.load(handle)
        except FileNotFoundError:
            raise ConfigError("HEARTH_CONFIG", f"no such file: {config_file}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError("HEARTH_CONFIG", f"{config_file} is not valid TOML ({exc})") from None
        for key, raw in data.items():
            spec = by_name.get(key)
            if spec is None:
                raise ConfigError("HEARTH_CONFIG", f"unknown setting {key!r} in {config_file}")
            values[key] = _parse(spec, raw, config_file)

    for spec in _SPECS:
        if spec.env in environ:
            values[spec.name] = _parse(spec, environ[spec.env], "the environment")

    for key, raw in (override or {}).items():
        spec = by_name.get(key)
        if spec is None:
            raise ConfigError(key, "unknown setting")
        values[key] = _parse(spec, raw, "the override")

    values["instance_path"] = str(Path(values["instance_path"]).expanduser().resolve())
    if not values["database_url"]:
        values["database_url"] = f"sqlite:///{Path(values['instance_path']) / 'hearth.db'}"
    values["base_url"] = values["base_url"].rstrip("/")
    if not values["base_url"].startswith(("http://", "https://")):
        raise ConfigError("HEARTH_BASE_URL", "expected an http:// or https:// address")
    if not values["secret_key"]:
        raise ConfigError("SECRET_KEY", "must not be empty")
    if values["env"] == "production":
        if values["secret_key"] == DEV_SECRET_KEY:
            raise ConfigError("SECRET_KEY", "production refuses the development secret key; set your own")
        if len(values["secret_key"]) < 32:
            raise ConfigError("SECRET_KEY", "must be at least 32 characters in production")
    return Settings(**values)
