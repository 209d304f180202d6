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
    Periodic("plan_matching", minute="5", hour="*/6", why="form groups for every occurrence one to fourteen days away"),
    Periodic("send_reminders", minute="*/15", why="48-hour and 2-hour reminders to everyone with a seat"),
    Periodic("close_meetings", minute="*/30", why="mark met groups and ask how it went"),
    Periodic("daily_summaries", minute="0", hour="17", why="one summary to each person who chose daily messages"),
    Periodic("weekly_checkin", minute="0", hour="10", day_of_week="1", why="the weekly connectedness check-in"),
    Periodic("refit_vectors", minute="0", hour="3", why="refit the profile vectorizer on everyone's answers"),
    Periodic("refresh_recommendations", minute="30", hour="3", why="recommended events for everyone, nightly"),
    Periodic("graph_snapshot", minute="0", hour="2", why="each centre's match graph, figures and layout, nightly"),
    Periodic("geocode_pending", minute="20", why="map points for centres that have only an address"),
    Periodic("reap_runs", minute="*", why="runs whose worker stopped are marked interrupted and queued again"),
)
