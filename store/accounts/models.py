"""People: accounts with a role, their log-in sessions, single-use password-reset tokens and the
personal access tokens other tools use."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.core.db import Base, utcnow

__all__ = ["Role", "User", "LoginSession", "TokenPurpose", "AccountToken", "ApiScope", "ApiToken", "ApiIdempotency"]


class Role(str, enum.Enum):
    """What a person can do: residents join in, organisers run a centre, admins run Hearth."""

    RESIDENT = "resident"
    ORGANISER = "organiser"
    ADMIN = "admin"


class User(Base):
    """An account. ``email`` is stored lower-cased; the password only as a scrypt hash."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True, index=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(
        Enum(Role, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e]),
        default=Role.RESIDENT,
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    #: When this person's last successful change was saved (any page, any device): a page kept in
    #: a short-lived cache is never served to them if it was worked out before this.
    last_wrote_at: Mapped[datetime | None] = mapped_column(default=None)

    centres: Mapped[list["Centre"]] = relationship(  # noqa: F821
        secondary="organiser_memberships", back_populates="organisers", lazy="select"
    )

    # Flask-Login's protocol, kept free of Flask itself.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    #: The key of the log-in session this copy of the account was loaded for (not a column):
    #: set by ``store.accounts.sessions`` when a person logs in or a request finds their session.
    login_key = None

    def get_id(self) -> str:
        """Flask-Login's id, ``"<user id>:<session key>"``: it names one log-in on one device."""
        if not self.login_key:
            raise ValueError("start a log-in session (store.accounts.sessions) before logging a person in")
        return f"{self.id}:{self.login_key}"

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_organiser(self) -> bool:
        return self.role in (Role.ORGANISER, Role.ADMIN)

    def organises(self, centre_id: int) -> bool:
        return self.role == Role.ADMIN or any(c.id == centre_id for c in self.centres)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


class LoginSession(Base):
    """One log-in on one device. Only the SHA-256 of its key is kept; deleting the row logs that
    device out for good, whatever cookies it saved."""

    __tablename__ = "login_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class TokenPurpose(str, enum.Enum):
    """What a link sent to a person's email lets them do."""

    CONFIRM_EMAIL = "confirm"
    RESET_PASSWORD = "reset"
    CHANGE_EMAIL = "email_change"  # moves the account to ``AccountToken.new_email`` once opened


class AccountToken(Base):
    """A link sent by email: only the SHA-256 of its token is kept; it works once, until it expires."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(
        Enum(TokenPurpose, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    #: For :attr:`TokenPurpose.CHANGE_EMAIL`: the address the account moves to when the link is
    #: opened (until then, the person logs in with their old one).
    new_email: Mapped[str | None] = mapped_column(String(254), default=None)

    user: Mapped[User] = relationship()


class ApiScope(str, enum.Enum):
    """What a personal access token lets another tool do on the person's behalf."""

    READ = "read"
    READ_WRITE = "read_write"


class ApiToken(Base):
    """A personal access token for another tool: only the SHA-256 of its secret is kept; it works
    until it expires or its owner revokes it, and goes with the account."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scopes: Mapped[ApiScope] = mapped_column(
        Enum(ApiScope, native_enum=False, length=16, values_callable=lambda e: [m.value for m in e])
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship()

    @property
    def can_write(self) -> bool:
        return self.scopes == ApiScope.READ_WRITE

    def works_at(self, now: datetime) -> bool:
        """Whether the token still opens the API at ``now``: not revoked and not expired."""
        return self.revoked_at is None and self.expires_at > now


class ApiIdempotency(Base):
    """What a token's POST with an ``Idempotency-Key`` answered, so the same request again gets the
    same answer (and nothing is made twice). Written in the transaction that made the thing."""

    __tablename__ = "api_idempotency"
    __table_args__ = (UniqueConstraint("token_id", "key", name="uq_api_idempotency_token_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(ForeignKey("api_tokens.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
