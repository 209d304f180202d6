"""The periodic schedule, as data: which job runs when (cron fields, in UTC)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Periodic", "SCHEDULE"]


@dataclass(frozen=True)
class Periodic:
    job: str
    minute: str = "*"
    hour: str = "*"
    day_of_week: str = "*"
    why: str = ""


SCHEDULE: tuple[Periodic, ...] = (
    Periodic("deliver_outbox", minute="*", why="send what could not be sent at once; retry SMTP failures"),
)
