"""Helpers for the reliability tests: Hearth processes of their own, their environment, waiting."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from config import load_settings

__all__ = ["ROOT", "REDIS_URL", "hearth_env", "settings_from", "Process", "wait_for", "free_port"]

ROOT = Path(__file__).resolve().parents[2]
#: The Redis database these tests may use (and flush).
REDIS_URL = "redis://127.0.0.1:6379/13"


def hearth_env(url: str, instance: Path, **settings: str) -> dict[str, str]:
    """The environment for a Hearth process on ``url`` with its instance folder at ``instance``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("HEARTH_") and k not in ("DATABASE_URL", "SECRET_KEY")}
    env.update({"PYTHONPATH": str(ROOT), "DATABASE_URL": url, "HEARTH_INSTANCE_PATH": str(instance),
                "HEARTH_ENV": "testing", "HEARTH_BASE_URL": "http://127.0.0.1", "PYTHONUNBUFFERED": "1"})
    env.update({k: str(v) for k, v in settings.items()})
    return env


def settings_from(env: dict[str, str]):
    """The settings a process started with ``env`` reads."""
    return load_settings(environ=env)


class Process:
    """A Hearth process of its own, its output in a file (read with :meth:`output`)."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT):
        self.log = log
        self.handle = open(log, "ab")
        self.proc = subprocess.Popen([sys.executable, *args], env=env, cwd=str(cwd), stdout=self.handle,
                                     stderr=subprocess.STDOUT)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self) -> str:
        if not self.handle.closed:
            self.handle.flush()
        return self.log.read_text(errors="replace")

    def signal(self, signum: int) -> None:
        self.proc.send_signal(signum)

    def wait(self, timeout: float = 60) -> int:
        try:
            return self.proc.wait(timeout=timeout)
        finally:
            self.handle.close()

    def stop(self) -> None:
        """Stop it if it still runs (SIGKILL after 20 s of waiting for a SIGTERM)."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        self.handle.close()


def wait_for(predicate, timeout: float = 60.0, every: float = 0.02, what: str = "the condition"):
    """Poll ``predicate`` until it returns something true; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
