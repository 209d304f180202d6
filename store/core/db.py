"""The declarative base, engines for SQLite and PostgreSQL, and units of work with one commit."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator

from sqlalchemy import DateTime, Engine, Integer, MetaData, any_, bindparam, create_engine, event, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

__all__ = ["utcnow", "UTCDateTime", "Base", "make_engine", "Database", "safe_url", "short_reason", "among",
           "committed_state"]

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (a callable column default)."""
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware, on SQLite as on PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; give a timezone-aware time")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def among(session: Session, column, ids):
    """``column IN ids`` for a long list of integer ids (an area's thousands of residents): on
    PostgreSQL one array parameter (``column = ANY(:ids)``), which the driver sends as one value
    and the server hashes, instead of thousands of parameters; elsewhere the usual ``IN``."""
    ids = list(ids)
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, ids, type_=ARRAY(Integer)))
    return column.in_(ids)


def committed_state(session: Session) -> str | None:
    """Which committed transactions the database shows right now, as a key: PostgreSQL's
    snapshot (``xmin:xmax:in-progress ids``). Two reads under the same key see exactly the same
    rows, because any transaction that commits (or even ends) in between changes it. ``None``
    when it cannot say: on SQLite, or when this transaction has written something itself (its
    own uncommitted rows are not in the key)."""
    if session.get_bind().dialect.name != "postgresql":
        return None
    snapshot, own = session.execute(text("SELECT pg_current_snapshot()::text, pg_current_xact_id_if_assigned()")).one()
    return None if own is not None else snapshot


class Base(DeclarativeBase):
    """Base of every model: constraint naming conventions and UTC timestamps."""

    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}


def make_engine(url: str, **kwargs) -> Engine:
    """Create an engine; SQLite gets foreign keys, a busy timeout, WAL and explicit BEGINs.

    SQLite's Python driver opens transactions lazily and cannot do SAVEPOINTs or
    ``BEGIN IMMEDIATE`` reliably on its own; the listeners below give SQLAlchemy full control
    (the recipe from SQLAlchemy's SQLite dialect documentation). Bound values never appear in
    error messages (they may hold tokens or personal data that would reach a log), and
    PostgreSQL gives up connecting after 10 seconds.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        connect_args = kwargs.pop("connect_args", {})
        connect_args.setdefault("check_same_thread", False)
        connect_args.setdefault("timeout", 30)
        engine = create_engine(url, connect_args=connect_args, **kwargs)

        @event.listens_for(engine, "connect")
        def _on_connect(dbapi_connection, _record):
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            if ":memory:" not in url and url != "sqlite://":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _on_begin(connection):
            mode = connection.get_execution_options().get("sqlite_begin", "DEFERRED")
            connection.exec_driver_sql(f"BEGIN {mode}")

        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if url.startswith("postgresql"):
        kwargs.setdefault("connect_args", {}).setdefault("connect_timeout", 10)
    return create_engine(url, **kwargs)


def safe_url(url: str) -> str:
    """A database URL fit for a message: the password hidden."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # a URL SQLAlchemy cannot read is shown without what follows its scheme
        return url.split("://", 1)[0] + "://..."


def short_reason(exc: BaseException) -> str:
    """The first line of what went wrong, without SQLAlchemy's wrapping, for a one-line message."""
    inner = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    lines = [line.strip() for line in str(inner).splitlines() if line.strip()]
    text = lines[0] if lines else type(inner).__name__
    return text[:200]


class Database:
    """An engine and its session factory: one per process (web app or job worker)."""

    def __init__(self, url: str, **engine_kwargs):
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def bind_to(self, connection) -> None:
        """Make new sessions join ``connection``'s outer transaction (tests roll it back)."""
        self.session_factory = sessionmaker(
            bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
        )

    def unbind(self) -> None:
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)

    def session(self, *, writer: bool = False) -> Session:
        """A new session. ``writer``: on SQLite, take the write lock at the start (``BEGIN
        IMMEDIATE``), so writers queue for it instead of failing when a read went stale."""
        session = self.session_factory()
        if writer and self.is_sqlite:
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        return session

    @contextmanager
    def unit_of_work(self, *, writer: bool = True) -> Iterator[Session]:
        """A session that commits once at the end, or rolls back everything on an error.

        Units of work are writers by default (jobs and commands write); pass ``writer=False``
        for a read-only one."""
        session = self.session(writer=writer)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def ping(self) -> str | None:
        """``None`` when the database answers a trivial query; otherwise a short reason."""
        try:
            with self.engine.connect() as connection:
                connection.exec_driver_sql("SELECT 1")
        except SQLAlchemyError as exc:
            return short_reason(exc)
        return None

    def dispose(self) -> None:
        self.engine.dispose()
