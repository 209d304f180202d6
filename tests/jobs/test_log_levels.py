"""At INFO the job log says only what a person should see; the queue's routine lines are DEBUG."""

from __future__ import annotations

import logging

from jobs.log_levels import install_log_levels


def _emit():
    logging.getLogger("huey").info("Executing %s", "jobs.tasks.deliver_outbox: 1234")
    logging.getLogger("huey").info("jobs.tasks.deliver_outbox: 1234 executed in 0.002s")
    logging.getLogger("huey.consumer.Scheduler").info("Enqueueing periodic task %s.", "reap_runs")
    logging.getLogger("huey.consumer").info("The following commands are available:\n+ jobs.reaper.reap_runs")
    logging.getLogger("alembic.runtime.migration").info("Context impl SQLiteImpl.")
    logging.getLogger("alembic.runtime.migration").info("Running upgrade 0001 -> 0002, profiles")
    logging.getLogger("huey.consumer").info("Huey consumer started with %s %s", 2, "thread")
    logging.getLogger("huey").warning("Unhandled exception in task %s", "1234")


def test_routine_lines_are_hidden_at_info(caplog):
    install_log_levels()
    install_log_levels()  # twice: one filter each
    assert sum(type(f).__name__ == "_Routine" for f in logging.getLogger("huey").filters) == 1
    caplog.set_level(logging.INFO)
    _emit()
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("INFO", "Huey consumer started with 2 thread"),
        ("WARNING", "Unhandled exception in task 1234"),
    ]


def test_routine_lines_show_at_debug(caplog):
    install_log_levels()
    caplog.set_level(logging.DEBUG)
    for name in ("huey", "huey.consumer", "huey.consumer.Scheduler", "alembic.runtime.migration"):
        caplog.set_level(logging.DEBUG, logger=name)
    _emit()
    levels = [r.levelname for r in caplog.records]
    assert levels == ["DEBUG"] * 6 + ["INFO", "WARNING"]
