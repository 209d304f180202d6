"""Loading the measurement-only attendance data sets into the ranker's inputs (never shipped)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

import networkx as nx
import pandas as pd

from matcher.ranking import Attendance, Event, Member

__all__ = ["Dataset", "load_bozeman", "load_la", "load_davis", "strip_html"]

_TAGS = re.compile(r"<[^>]+>")


def strip_html(text) -> str:
    """Plain text from an HTML description.

    Examples
    --------
    >>> strip_html("<p>Walk &amp; talk</p>")
    'Walk & talk'
    """
    if not isinstance(text, str):
        return ""
    return re.sub(r"\s+", " ", html.unescape(_TAGS.sub(" ", text))).strip()


@dataclass
class Dataset:
    """Inputs for the ranker plus the "yes" records the leave-one-out protocol hides one of.

    ``rsvps`` has columns member_id, event_id, start (UTC seconds) and at (UTC seconds, when
    the final "yes" was recorded).
    """

    name: str
    events: list[Event]
    attendance: list[Attendance]
    members: list[Member]
    rsvps: pd.DataFrame
    notes: list[str] = field(default_factory=list)


def _ms(value) -> datetime:
    return datetime.fromtimestamp(int(value) / 1000.0, tz=timezone.utc)


def _yes(rsvps: pd.DataFrame, starts: pd.Series) -> pd.DataFrame:
    yes = rsvps[rsvps["response"] == "yes"].copy()
    yes["event_id"] = yes["event_id"].astype(str)
    yes["member_id"] = yes["member_id"].astype(str)
    yes = yes[yes["event_id"].isin(starts.index)]
    yes["start"] = yes["event_id"].map(starts).astype(float)
    # the final "yes" was known by mtime at the latest (created may predate a change of mind)
    yes["at"] = yes[["created", "mtime"]].max(axis=1).astype(float) / 1000.0
    yes = yes.drop_duplicates(["member_id", "event_id"], keep="first")
    return yes[["member_id", "event_id", "start", "at"]].reset_index(drop=True)


def _attendance(yes: pd.DataFrame) -> list[Attendance]:
    return [Attendance(m, e, datetime.fromtimestamp(a, tz=timezone.utc))
            for m, e, a in zip(yes["member_id"], yes["event_id"], yes["at"])]


def load_bozeman(folder: Path) -> Dataset:
    """Montana: events with text, their group's topics as tags, venues, member topics."""
    folder = Path(folder)
    events = pd.read_csv(folder / "events.csv")
    groups = pd.read_csv(folder / "groups.csv")
    topics = pd.read_csv(folder / "groups_topics.csv")
    venues = pd.read_csv(folder / "venues.csv").drop_duplicates("id").set_index("id")
    members = pd.read_csv(folder / "members.csv")
    rsvps = pd.read_csv(folder / "rsvps.csv")
    topic_name = dict(zip(topics["id"].astype(str), topics["name"]))
    group_tags = topics.groupby("groupId")["name"].apply(tuple).to_dict()
    group_name = dict(zip(groups["id"], groups["name"]))
    out: list[Event] = []
    for row in events.itertuples(index=False):
        venue = None if pd.isna(row.venue_id) else int(row.venue_id)
        lat = lon = None
        if venue is not None and venue in venues.index:
            lat, lon = float(venues.at[venue, "lat"]), float(venues.at[venue, "lon"])
            if lat == 0 and lon == 0:
                lat = lon = None
        zone = timezone(timedelta(milliseconds=int(row.utc_offset)))
        out.append(Event(
            id=str(row.id), title=str(row.name), description=strip_html(row.description),
            tags=tuple(group_tags.get(row.group_id, ())), lat=lat, lon=lon,
            start=_ms(row.time).astimezone(zone), host=group_name.get(row.group_id, str(row.group_id)),
        ))
    starts = pd.Series({e.id: e.start.timestamp() for e in out})
    yes = _yes(rsvps, starts)
    interests: dict[str, list[str]] = {}
    for mid, text in zip(members["id"].astype(str), members["topics"]):
        bag = interests.setdefault(mid, [])
        for t in str(text).split(";") if isinstance(text, str) else []:
            name = topic_name.get(t.strip(), f"topic{t.strip()}")
            if t.strip() and name not in bag:
                bag.append(name)
    people = [Member(m, tuple(tags)) for m, tags in interests.items()]
    notes = ["member topics are the export's snapshot (end of 2015), not dated: a mild look-ahead "
             "for the content signal, shared by every method that uses it"]
    return Dataset("meetup-bozeman", out, _attendance(yes), people, yes, notes)


def load_la(folder: Path) -> Dataset:
    """Los Angeles: RSVPs only; an event's start is taken as its last RSVP change."""
    rsvps = pd.read_csv(Path(folder) / "rsvps.csv")
    rsvps["event_id"] = rsvps["event_id"].astype(str)
    last = rsvps.groupby("event_id")[["created", "mtime"]].max().max(axis=1) / 1000.0
    events = [Event(id=e, start=datetime.fromtimestamp(float(t), tz=timezone.utc))
              for e, t in last.sort_index().items()]
    yes = _yes(rsvps, last)
    notes = ["no events file: an event's start is approximated by its last RSVP change, and it "
             "has no text, tags, host or place"]
    return Dataset("meetup-la", events, _attendance(yes), [], yes, notes)


def load_davis() -> Dataset:
    """Davis's Southern Women (networkx): 18 women, 14 events, taken one week apart in E1..E14 order.

    Examples
    --------
    >>> d = load_davis()
    >>> len(d.events), len(d.rsvps)
    (14, 89)
    """
    G = nx.davis_southern_women_graph()
    clubs = sorted(G.graph["bottom"], key=lambda name: int(name[1:]))
    base = datetime(1935, 1, 6, 19, tzinfo=timezone.utc)
    events = [Event(id=c, start=base + timedelta(weeks=i)) for i, c in enumerate(clubs)]
    start = {e.id: e.start.timestamp() for e in events}
    rows = [(w, c, start[c], start[c]) for w, c in G.edges() if c in start]
    rows += [(c, w, start[w], start[w]) for c, w in G.edges() if w in start and c not in start]
    yes = pd.DataFrame(rows, columns=["member_id", "event_id", "start", "at"])
    yes = yes.drop_duplicates(["member_id", "event_id"]).sort_values(["member_id", "start"])
    attendance = [Attendance(m, e) for m, e in zip(yes["member_id"], yes["event_id"])]
    notes = ["event dates are not in the graph: E1..E14 are taken as weekly and in order; no "
             "sign-up times, so upcoming events show no sign-ups"]
    return Dataset("davis-southern-women", events, attendance, [], yes.reset_index(drop=True),
                   notes)
