"""A centre's public feeds: its upcoming dates as schema.org JSON-LD, iCal and Atom, versioned for caches.

What is public is what an event's own page shows anyone who is not logged in: the title, the
description, the times, the public place (the venue, or the centre itself) and the centre that runs
it. Every event a centre posts has such a page, so every one of its dates is in the feeds; nobody's
name, seat or sign-up is (``event_item`` only adds seat numbers for the event's own page).
Cancelled dates stay in the feeds, marked, so the calendars and websites that follow them hear of it.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.centres.models import Centre
from store.core.db import utcnow
from store.events.calendars import public_calendar
from store.events.models import Event, Occurrence
from store.events.times import monthly_position, to_local
from store.events.words import schema_event_status, schedule_words
from store.messages import links
from store.profiles.taxonomy import interest_label

__all__ = [
    "FEED_DAYS", "FEED_LIMIT", "PublicDates", "public_centre", "public_dates", "event_item", "json_ld_feed",
    "ical_feed", "atom_feed", "feed_name",
]

#: How far ahead the feeds look, and the most dates they carry.
FEED_DAYS = 366
FEED_LIMIT = 500
_SLUG = re.compile(r"[a-z0-9-]{1,120}")

_ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class PublicDates:
    """A centre's upcoming public dates (soonest first, cancelled ones included), with ``version``
    (changes whenever any feed would) and ``updated`` (the latest change to any of their events)."""

    centre: Centre
    dates: list[Occurrence]
    version: str
    updated: datetime

    @property
    def events(self) -> list[Event]:
        """Each event once, in the order of its first date here."""
        return list({o.event_id: o.event for o in self.dates}.values())


def public_centre(session: Session, slug: str) -> Centre | None:
    """The centre with this slug, or None; a slug is never anything but ``slugify``'s letters,
    digits and hyphens, so any other text (a NUL byte, a quote) is no centre at all."""
    if not _SLUG.fullmatch(slug):
        return None
    return session.scalar(select(Centre).where(Centre.slug == slug))


def public_dates(session: Session, centre: Centre, *, now: datetime | None = None) -> PublicDates:
    """The dates a centre's feeds carry: every date still to come within ``FEED_DAYS``."""
    now = now or utcnow()
    dates = list(session.scalars(
        select(Occurrence).join(Occurrence.event)
        .where(Event.centre_id == centre.id, Occurrence.ends_at > now,
               Occurrence.starts_at < now + timedelta(days=FEED_DAYS))
        .order_by(Occurrence.starts_at, Occurrence.id).limit(FEED_LIMIT)
    ).unique())
    seen = [f"{centre.id}:{centre.name}:{centre.address}"]
    seen += [f"{o.id}:{o.event_id}:{o.event.revision}:{o.event.updated_at.isoformat()}:{o.is_cancelled}"
             for o in dates]
    version = hashlib.sha256("|".join(seen).encode("utf-8")).hexdigest()[:32]
    updated = max([o.event.updated_at for o in dates] + [centre.created_at])
    return PublicDates(centre, dates, version, updated.replace(microsecond=0))


def _place(event: Event) -> dict:
    place = {"@type": "Place", "name": event.place_name,
             "address": {"@type": "PostalAddress", "streetAddress": event.address}}
    if event.point:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": event.point[0], "longitude": event.point[1]}
    return place


def event_item(occurrence: Occurrence, settings: Settings, *, seats_left: int | None = None) -> dict:
    """One date as a schema.org ``Event``; ``seats_left`` (a number, never who) only on the event's page."""
    event = occurrence.event
    item = {
        "@type": "Event",
        "name": event.title,
        "description": event.description,
        "startDate": to_local(occurrence.starts_at, event.timezone).isoformat(),
        "endDate": to_local(occurrence.ends_at, event.timezone).isoformat(),
        "eventStatus": schema_event_status(occurrence.is_cancelled),
        "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
        "location": _place(event),
        "organizer": {"@type": "Organization", "name": event.centre.name,
                      "url": links.centre_link(settings, event.centre.slug)},
        "inLanguage": event.language,
        "keywords": ", ".join(interest_label(t) for t in event.tags),
        "url": links.event_link(settings, event.id, occurrence.id),
    }
    if seats_left is not None:
        item["maximumAttendeeCapacity"] = event.capacity
        item["remainingAttendeeCapacity"] = seats_left
    return item


def feed_name(centre: Centre) -> str:
    return f"{centre.name}: what's on"


def json_ld_feed(public: PublicDates, settings: Settings) -> dict:
    """The centre's dates as one JSON-LD document: an ``ItemList`` of ``Event``s, soonest first."""
    return {
        "@context": "https://schema.org",
        "@type": "ItemList",
        "name": feed_name(public.centre),
        "url": links.centre_link(settings, public.centre.slug),
        "numberOfItems": len(public.dates),
        "itemListElement": [{"@type": "ListItem", "position": n, "item": event_item(o, settings)}
                            for n, o in enumerate(public.dates, 1)],
    }


def ical_feed(public: PublicDates, settings: Settings) -> bytes:
    """The centre's dates as an iCalendar any calendar app can subscribe to."""
    return public_calendar(public.dates, settings, name=feed_name(public.centre))


def _stamp(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _entry_text(event: Event, dates: list[Occurrence]) -> str:
    coming = [o.local_date for o in dates if not o.is_cancelled]
    nth = monthly_position(event.start_date) if event.recurrence == "monthly" else None
    lines = []
    if event.is_cancelled:
        lines.append(f"{event.centre.name} has cancelled this event.")
    elif coming:
        lines.append(schedule_words(event.recurrence, event.start_date, event.start_time, event.end_time, nth=nth,
                                    next_days=coming[:3]) + f" ({event.timezone} time).")
    off = [f"{o.local_date:%A} {o.local_date.day} {o.local_date:%B}" for o in dates if o.is_cancelled]
    if off and not event.is_cancelled:
        lines.append("Not happening on " + ", ".join(off) + ".")
    lines.append(f"Where: {', '.join(part for part in (event.place_name, event.address) if part)}.")
    if event.cost_note:
        lines.append(event.cost_note)
    if event.description.strip():
        lines.append("")
        lines.append(event.description.strip())
    return "\n".join(lines)


def atom_feed(public: PublicDates, settings: Settings) -> bytes:
    """The centre's events as an Atom feed (RFC 4287): one entry per event, its dates in words."""
    centre = public.centre
    host = urlsplit(settings.base_url).hostname or "hearth.localhost"
    ET.register_namespace("", _ATOM)

    def sub(parent, tag, text=None, **attrs):
        node = ET.SubElement(parent, f"{{{_ATOM}}}{tag}", attrs)
        if text is not None:
            node.text = text
        return node

    feed = ET.Element(f"{{{_ATOM}}}feed")
    sub(feed, "title", feed_name(centre))
    sub(feed, "subtitle", f"Meals, events and exercise groups at {centre.name}, from Hearth.")
    sub(feed, "id", f"tag:{host},{centre.created_at:%Y-%m-%d}:centre-{centre.id}")
    sub(feed, "updated", _stamp(public.updated))
    sub(feed, "link", rel="self", type="application/atom+xml",
        href=links.centre_feed_link(settings, centre.slug, "atom"))
    sub(feed, "link", rel="alternate", type="text/html", href=links.centre_link(settings, centre.slug))
    author = sub(feed, "author")
    sub(author, "name", centre.name)
    sub(author, "uri", links.centre_link(settings, centre.slug))
    sub(feed, "generator", "Hearth")
    by_event: dict[int, list[Occurrence]] = {}
    for occurrence in public.dates:
        by_event.setdefault(occurrence.event_id, []).append(occurrence)
    for event in public.events:
        entry = sub(feed, "entry")
        sub(entry, "title", ("Cancelled: " if event.is_cancelled else "") + event.title)
        sub(entry, "id", f"tag:{host},{event.created_at:%Y-%m-%d}:event-{event.id}")
        sub(entry, "updated", _stamp(event.updated_at))
        sub(entry, "published", _stamp(event.created_at))
        sub(entry, "link", rel="alternate", type="text/html", href=links.event_link(settings, event.id))
        for tag in event.tags:
            sub(entry, "category", term=tag, label=interest_label(tag))
        sub(entry, "content", _entry_text(event, by_event[event.id]), type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
