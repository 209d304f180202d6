"""The settings table, its parsers, and the one-time validation into an immutable object."""

from __future__ import annotations

import dataclasses
import math
import os
import re
import tomllib
from dataclasses import dataclass
from email.utils import parseaddr
from pathlib import Path
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

__all__ = ["Settings", "ConfigError", "load_settings", "prepare_instance_folder", "DEV_SECRET_KEY", "SETTINGS_DOC"]

DEV_SECRET_KEY = "hearth-development-secret-do-not-use-in-production"

ENVIRONMENTS = ("development", "testing", "production")
GEOCODERS = ("offline", "nominatim")
_RATE = re.compile(r"^\s*(\d+)\s*(per|/)\s*(\d+\s*)?(second|minute|hour|day|month|year)s?\s*$")
_LABEL = r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_HOST = re.compile(rf"^(?=.{{1,253}}$){_LABEL}(\.{_LABEL})*$")
_ADDRESS = re.compile(rf"^[A-Za-z0-9.!#$%&'*+/=?^_`{{|}}~-]{{1,64}}@{_LABEL}(\.{_LABEL})+$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class ConfigError(ValueError):
    """A setting is missing or wrong; the message starts with the setting's name."""

    def __init__(self, setting: str, problem: str):
        if len(problem) > 400:  # a huge value is not repeated back in full
            problem = problem[:397] + "..."
        self.setting = setting
        self.problem = problem
        super().__init__(f"{setting}: {problem}")


def _line(most: int = 200, *, empty: bool = True) -> Callable[[str], str]:
    """One line of text: no line breaks or other control characters, at most ``most`` long."""

    def parse(value: str) -> str:
        value = value.strip()
        if _CONTROL.search(value):
            raise ValueError("expected one line of plain text, without line breaks or control characters")
        if len(value) > most:
            raise ValueError(f"expected at most {most} characters, got {len(value)}")
        if not value and not empty:
            raise ValueError("must not be empty")
        return value

    return parse


def _whole(low: int, high: int, unit: str = "") -> Callable[[str], int]:
    """A whole number from ``low`` to ``high`` inclusive."""
    words = f" {unit}" if unit else ""

    def parse(value: str) -> int:
        try:
            number = int(str(value).strip())
        except (TypeError, ValueError):
            raise ValueError(f"expected a whole number from {low} to {high}{words}, got {value!r}") from None
        if not low <= number <= high:
            raise ValueError(f"expected a whole number from {low} to {high}{words}, got {number}")
        return number

    return parse


def _seconds(low: float, high: float) -> Callable[[str], float]:
    """A number of seconds from ``low`` to ``high`` inclusive (decimals allowed)."""

    def parse(value: str) -> float:
        try:
            number = float(str(value).strip())
        except (TypeError, ValueError):
            raise ValueError(f"expected a number of seconds from {low:g} to {high:g}, got {value!r}") from None
        if not (math.isfinite(number) and low <= number <= high):
            raise ValueError(f"expected a number of seconds from {low:g} to {high:g}, got {number:g}")
        return number

    return parse


_port = _whole(1, 65535)


_remember_days = _whole(1, 365, "days")


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
    matches = [_RATE.match(p) for p in parts]
    if not parts or not all(matches):
        raise ValueError(f"expected limits like '10 per minute;50 per hour', got {value!r}")
    for part, match in zip(parts, matches, strict=True):
        if not 1 <= int(match.group(1)) <= 100000:
            raise ValueError(f"each limit allows from 1 to 100000 attempts, got {part.strip()!r}")
    return ";".join(p.strip() for p in parts)


def _instance_path(value: str) -> str:
    value = value.strip()
    if not value or _CONTROL.search(value):
        raise ValueError("expected a folder path")
    return value


def _base_url(value: str) -> str:
    value = value.strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or _CONTROL.search(value) or " " in value:
        raise ValueError(f"expected an http:// or https:// address such as https://hearth.example.org, got {value!r}")
    if parts.query or parts.fragment:
        raise ValueError(f"expected an address without ? or #, got {value!r}")
    try:
        port = parts.port
    except ValueError:
        port = 0
    if port == 0:
        raise ValueError(f"expected a port from 1 to 65535 in {value!r}")
    return value


def _mail_from(value: str) -> str:
    value = value.strip()
    name, address = parseaddr(value)
    if _CONTROL.search(value) or not _ADDRESS.match(address) or len(value) > 200:
        raise ValueError(f"expected an email address such as 'Hearth <hello@example.org>', got {value!r}")
    return value


def _host(value: str) -> str:
    value = value.strip()
    if value and not _HOST.match(value):
        raise ValueError(f"expected a host name such as smtp.example.org, got {value!r}")
    return value


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
    if not all(math.isfinite(x) for x in (lat, lon, radius)) or not (
            -90 <= lat <= 90 and -180 <= lon <= 180) or not 0 < radius <= 20000:
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
    _Spec("secret_key", "SECRET_KEY", DEV_SECRET_KEY, _line(1000),
          "signs sessions and CSRF tokens; at least 32 random characters in production"),
    _Spec("instance_path", "HEARTH_INSTANCE_PATH", "instance", _instance_path,
          "folder for the SQLite database, the queue, the outbox copies and other local state; must be writable"),
    _Spec("database_url", "DATABASE_URL", "", _database_url,
          "SQLAlchemy URL; empty means a SQLite file `hearth.db` in the instance folder"),
    _Spec("queue_url", "HEARTH_QUEUE_URL", "", _queue_url,
          "task queue; empty means Huey on SQLite in the instance folder, or `redis://host:6379/0`"),
    _Spec("ratelimit_storage_url", "HEARTH_RATELIMIT_STORAGE_URL", "memory://", _storage_url,
          "where login and sign-up rate limits are counted: `memory://` or a `redis://` URL"),
    _Spec("login_rate_limit", "HEARTH_LOGIN_RATE_LIMIT", "10 per minute;50 per hour", _rate_limits,
          "attempts allowed per address at the log-in and password-reset forms, and per account at the account "
          "page's email and password forms (each from 1 to 100000)"),
    _Spec("register_rate_limit", "HEARTH_REGISTER_RATE_LIMIT", "5 per minute;30 per hour", _rate_limits,
          "new accounts allowed per address (each from 1 to 100000)"),
    _Spec("base_url", "HEARTH_BASE_URL", "http://127.0.0.1:5000", _base_url,
          "the public address used in links inside messages"),
    _Spec("mail_from", "HEARTH_MAIL_FROM", "Hearth <hello@hearth.localhost>", _mail_from,
          "sender of outgoing messages: an address, with a name if you like"),
    _Spec("smtp_host", "HEARTH_SMTP_HOST", "", _host,
          "SMTP server; empty keeps messages in the in-app outbox and `instance/outbox/` only"),
    _Spec("smtp_port", "HEARTH_SMTP_PORT", 587, _port, "SMTP port, 1 to 65535"),
    _Spec("smtp_username", "HEARTH_SMTP_USERNAME", "", _line(320), "SMTP login, if the server needs one"),
    _Spec("smtp_password", "HEARTH_SMTP_PASSWORD", "", _line(1000), "SMTP password"),
    _Spec("smtp_starttls", "HEARTH_SMTP_STARTTLS", True, _bool, "upgrade the SMTP connection with STARTTLS"),
    _Spec("reset_token_minutes", "HEARTH_RESET_TOKEN_MINUTES", 60, _whole(5, 1440, "minutes"),
          "how long a password-reset link works, 5 to 1440 minutes"),
    _Spec("invite_days", "HEARTH_INVITE_DAYS", 7, _whole(1, 90, "days"),
          "how long an organiser invitation works, 1 to 90 days"),
    _Spec("remember_days", "HEARTH_REMEMBER_DAYS", 30, _remember_days,
          "how long “keep me logged in” lasts on a device, from 1 to 365 days"),
    _Spec("geocoder", "HEARTH_GEOCODER", "offline", _choice(*GEOCODERS),
          "`offline` (gazetteers shipped in packages) or `nominatim` (falls back to offline on failure)"),
    _Spec("nominatim_user_agent", "HEARTH_NOMINATIM_USER_AGENT", "hearth-community-matching", _line(200, empty=False),
          "User-Agent sent to Nominatim, as its usage policy asks"),
    _Spec("service_area", "HEARTH_SERVICE_AREA", "", _service_area,
          "where residents may live, as `lat,lon,radius_km` (e.g. `53.80,-1.55,15`); empty means anywhere"),
    _Spec("demo_town", "HEARTH_DEMO_TOWN", "Leeds", _line(100, empty=False),
          "the town `flask hearth demo` builds (a place with bundled neighbourhoods)"),
    _Spec("log_level", "HEARTH_LOG_LEVEL", "INFO", _choice("debug", "info", "warning", "error"),
          "logging level: debug, info, warning or error"),
    _Spec("job_lease_seconds", "HEARTH_JOB_LEASE_SECONDS", 60, _whole(2, 3600, "seconds"),
          "how long a background job may go unheard before it counts as interrupted and is queued "
          "again, 2 to 3600 seconds (its heartbeat renews it several times a lease)"),
    _Spec("group_floor", "HEARTH_GROUP_FLOOR", 10, _whole(0, 100, "percent"),
          "the compatibility floor: no group is offered whose members' interests match less than this "
          "on average (0 to 100 percent; 0 offers every group); those left out get events recommended"),
    _Spec("match_exact_seconds", "HEARTH_MATCH_EXACT_SECONDS", 0.5, _seconds(0, 10),
          "time per date and region for proving the groups found optimal (the exact path), 0 to 10 seconds; "
          "0 keeps the search alone"),
    _Spec("match_exact_up_to", "HEARTH_MATCH_EXACT_UP_TO", 20, _whole(0, 200, "people"),
          "the exact path runs only for dates and regions with at most this many candidates, 0 to 200 "
          "(0 never); larger ones use the search alone"),
    _Spec("match_newcomers_first", "HEARTH_MATCH_NEWCOMERS_FIRST", True, _bool,
          "the matcher seats people never placed in a group before first (on by default; off only "
          "to measure what that priority adds, as the connectedness bench does)"),
    _Spec("match_isolated_first", "HEARTH_MATCH_ISOLATED_FIRST", True, _bool,
          "people with few ties met in person, or whose latest check-in says they often feel isolated, "
          "are offered groups first, as those never placed are (on by default; off only to measure what "
          "that priority adds, as the connectedness bench does)"),
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
    job_lease_seconds: int
    group_floor: int
    match_exact_seconds: float
    match_exact_up_to: int
    match_newcomers_first: bool
    match_isolated_first: bool

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


def _writable_folder(value: str) -> str:
    """The instance folder, resolved: it must be a writable folder, or creatable in one."""
    try:
        path = Path(value).expanduser().resolve()
        existing = path
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        is_dir = existing.is_dir()
    except (OSError, RuntimeError) as exc:
        shown = value if len(value) <= 80 else value[:77] + "..."
        reason = getattr(exc, "strerror", None) or exc
        raise ConfigError("HEARTH_INSTANCE_PATH", f"cannot use {shown!r} ({reason})") from None
    if existing != path and not is_dir:
        raise ConfigError("HEARTH_INSTANCE_PATH", f"cannot create {path}: {existing} is not a folder")
    if existing == path and not is_dir:
        raise ConfigError("HEARTH_INSTANCE_PATH", f"{path} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        where = "is not writable" if existing == path else f"cannot be created: {existing} is not writable"
        raise ConfigError("HEARTH_INSTANCE_PATH", f"{path} {where} by this user")
    return str(path)


def prepare_instance_folder(settings: Settings) -> Path:
    """Create the instance folder if need be and prove it is writable (once, at start-up).

    Raises :class:`ConfigError` naming ``HEARTH_INSTANCE_PATH`` when it cannot be used."""
    path = Path(settings.instance_path)
    probe = path / f".hearth-write-check-{os.getpid()}"
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise ConfigError("HEARTH_INSTANCE_PATH", f"cannot write in {path} ({exc.strerror or exc})") from None
    return path


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

    values["instance_path"] = _writable_folder(values["instance_path"])
    if not values["database_url"]:
        values["database_url"] = f"sqlite:///{Path(values['instance_path']) / 'hearth.db'}"
    if values["geocoder"] == "nominatim" and not values["nominatim_user_agent"]:
        raise ConfigError("HEARTH_NOMINATIM_USER_AGENT", "Nominatim's usage policy asks for a User-Agent; set one")
    if not values["secret_key"]:
        raise ConfigError("SECRET_KEY", "must not be empty")
    if values["env"] == "production":
        if values["secret_key"] == DEV_SECRET_KEY:
            raise ConfigError("SECRET_KEY", "production refuses the development secret key; set your own")
        if len(values["secret_key"]) < 32:
            raise ConfigError("SECRET_KEY", "must be at least 32 characters in production")
    return Settings(**values)
