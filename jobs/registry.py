"""Declaring jobs: a decorator that records a function and its retry policy, nothing more.

Huey tasks are bound later, when a :class:`jobs.queue.Queue` is built from the settings, so
importing a job module does no work and opens no connection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

__all__ = ["JobSpec", "JOBS", "job"]


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable
    retries: int
    retry_delay: int


JOBS: dict[str, JobSpec] = {}


def job(name: str, *, retries: int = 3, retry_delay: int = 10) -> Callable[[Callable], Callable]:
    """Register ``func`` as the job ``name``. It receives a :class:`jobs.runtime.JobContext`
    first, then the ids it was enqueued with. Failed attempts are retried with exponential
    back-off starting at ``retry_delay`` seconds."""

    def register(func: Callable) -> Callable:
        JOBS[name] = JobSpec(name, func, retries, retry_delay)
        return func

    return register
