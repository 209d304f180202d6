"""What a running job can reach: the settings, the database, and the queue to enqueue follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from config import Settings
from store.core.db import Database

__all__ = ["JobContext", "Enqueuer"]


class Enqueuer(Protocol):
    """What a job needs of the queue (``jobs.queue.Queue``): to put follow-ups on it."""

    @property
    def immediate(self) -> bool: ...

    def enqueue(self, name: str, *args, **kwargs): ...


@dataclass
class JobContext:
    settings: Settings
    database: Database
    queue: Enqueuer
