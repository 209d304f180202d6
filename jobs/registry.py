"""Declaring jobs: a decorator that records a function and its retry policy, and the call being run.

Huey tasks are bound later, when a :class:`jobs.queue.Queue` is built from the settings, so
importing a job module does no work and opens no connection. While a job runs, the call that
started it (its name and arguments) is known to :func:`current_call`, so its run record can
say how to queue the same work again if the worker doing it stops.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Callable, Iterator

__all__ = ["JobSpec", "JobCall", "JOBS", "job", "current_call", "calling"]


@dataclass(frozen=True)
class JobSpec:
    name: str
    func: Callable
    retries: int
    retry_delay: int


@dataclass(frozen=True)
class JobCall:
    """A job by name with the arguments it was called with (ids, never ORM objects)."""

    name: str
    args: tuple = ()
    kwargs: dict | None = None


JOBS: dict[str, JobSpec] = {}
_CALL: ContextVar[JobCall | None] = ContextVar("hearth_job_call", default=None)


def current_call() -> JobCall | None:
    """The outermost job call running in this thread, if any."""
    return _CALL.get()


@contextmanager
def calling(call: JobCall) -> Iterator[JobCall]:
    """Run the enclosed work as ``call`` (the queue does this for every task it runs)."""
    token = _CALL.set(call)
    try:
        yield call
    finally:
        _CALL.reset(token)


def job(name: str, *, retries: int = 3, retry_delay: int = 10) -> Callable[[Callable], Callable]:
    """Register ``func`` as the job ``name``. It receives a :class:`jobs.runtime.JobContext`
    first, then the ids it was enqueued with. Failed attempts are retried with exponential
    back-off starting at ``retry_delay`` seconds. Called directly (by a command), a job records
    itself as the call being run unless it runs inside another job."""

    def register(func: Callable) -> Callable:
        @functools.wraps(func)
        def run(ctx, *args, **kwargs):
            if _CALL.get() is not None:
                return func(ctx, *args, **kwargs)
            with calling(JobCall(name, args, kwargs)):
                return func(ctx, *args, **kwargs)

        JOBS[name] = JobSpec(name, run, retries, retry_delay)
        return run

    return register
