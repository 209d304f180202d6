"""What a running job can reach: the settings, the database, and the queue to enqueue follow-ups."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from config import Settings
from store.core.db import Database

if TYPE_CHECKING:
    from jobs.queue import Queue

__all__ = ["JobContext"]


@dataclass
class JobContext:
    settings: Settings
    database: Database
    queue: "Queue"
