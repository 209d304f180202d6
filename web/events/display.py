"""How events read on a page: local times in plain words, seats, distances, labels and JSON-LD."""

from __future__ import annotations

import json

from flask import Blueprint
from markupsafe import Markup

from store.core.db import utcnow
from store.events.feeds import event_item
from store.events.models import KINDS, Event, Occurrence
from store.events.search import NEXT_DATES, Hit
from store.events.times import monthly_position, recurrence_label, to_local
from store.events.words import (
    going_words,
    guests_allowed_words,
    place_words,
    roster_name,
    schedule_words,
    search_count_words,
    seats_left_words,
)
from store.profiles.taxonomy import (
    ACCESS_NEEDS,
    DIETARY,
    INTEREST_GROUPS,
    LANGUAGES,
    interest_label,
    label_of,
)

__all__ = ["init_filters", "when", "seats_text", "distance_text", "json_ld", "event_json_ld", "schedule_of",
           "hit_schedule", "osm_link", "osm_directions", "webcal"]


def when(occurrence, *, year: bool = False) -> str:
    """``"Tuesday 3 March, 12:30 to 14:00"`` in the event's own time zone (an occurrence or a search hit)."""
    tz = occurrence.timezone if isinstance(occurrence, Hit) else occurrence.event.timezone
    start, end = to_local(occurrence.starts_at, tz), to_local(occurrence.ends_at, tz)
    day = f"{start:%A} {start.day} {start:%B}" + (f" {start.year}" if year else "")
    return f"{day}, {start:%H:%M} to {end:%H:%M}"


def seats_text(capacity: int, taken: int, waiting: int = 0) -> str:
    """What a resident reads about room (``store.events.words.seats_left_words``)."""
    return seats_left_words(capacity, taken, waiting)


def schedule_of(event: Event) -> str:
    """An event's rhythm and next dates, from its own dates still to come."""
    now = utcnow()
    upcoming = [o.local_date for o in event.occurrences if o.ends_at > now and not o.is_cancelled][:NEXT_DATES]
    nth = monthly_position(event.start_date) if event.recurrence == "monthly" else None
    return schedule_words(event.recurrence, event.start_date, event.start_time, event.end_time, nth=nth,
                          next_days=upcoming)


def hit_schedule(hit: Hit) -> str:
    """The same for a search result (its next matching dates)."""
    nth = monthly_position(hit.start_date) if hit.recurrence == "monthly" else None
    return schedule_words(hit.recurrence, hit.start_date, hit.start_time, hit.end_time, nth=nth,
                          next_days=[d.local_date for d in hit.dates])


def osm_link(point) -> str:
    """A plain link to a public place on OpenStreetMap (nothing is loaded from it on our pages)."""
    lat, lon = point
    return f"https://www.openstreetmap.org/?mlat={lat:.5f}&mlon={lon:.5f}#map=17/{lat:.5f}/{lon:.5f}"


def osm_directions(point) -> str:
    """OpenStreetMap's directions to a public place; the person fills in where they start."""
    lat, lon = point
    return f"https://www.openstreetmap.org/directions?to={lat:.5f}%2C{lon:.5f}"


def webcal(url: str) -> str:
    """A calendar feed's address as ``webcal://``, which calendar apps open as a subscription."""
    for scheme in ("https://", "http://"):
        if url.startswith(scheme):
            return "webcal://" + url[len(scheme):]
    return url


def distance_text(km: float | None) -> str:
    if km is None:
        return ""
    if km < 0.1:
        return "Very close to you"
    return f"{km:.1f} km away" if km < 10 else f"{km:.0f} km away"


def json_ld(data) -> Markup:
    """JSON safe inside ``<script type="application/ld+json">``: no ``<``, ``>`` or ``&`` survive."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                         ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return Markup(text)


def event_json_ld(dates: list[tuple[Occurrence, int]], settings) -> list[dict]:
    """schema.org ``Event`` objects for the dates an event's page shows (occurrence, seats left):
    the feeds' own ``store.events.feeds.event_item``, with the seat numbers the page shows."""
    return [{"@context": "https://schema.org", **event_item(o, settings, seats_left=left)} for o, left in dates]


def init_filters(bp: Blueprint) -> None:
    """Make the helpers available to every template."""
    bp.add_app_template_filter(when, "when")
    bp.add_app_template_filter(distance_text, "distance")
    bp.add_app_template_filter(json_ld, "json_ld")
    bp.add_app_template_global(seats_text, "seats_text")
    for helper in (schedule_of, hit_schedule, osm_link, osm_directions, going_words, place_words, roster_name,
                   guests_allowed_words, search_count_words):
        bp.add_app_template_global(helper, helper.__name__)
    bp.add_app_template_filter(webcal, "webcal")
    bp.add_app_template_global(recurrence_label, "recurrence_label")
    bp.add_app_template_global(INTEREST_GROUPS, "interest_groups")
    bp.add_app_template_filter(lambda k: dict(KINDS).get(k, k), "kind_label")
    bp.add_app_template_filter(interest_label, "tag_label")
    bp.add_app_template_filter(lambda k: label_of(ACCESS_NEEDS, k), "access_label")
    bp.add_app_template_filter(lambda k: label_of(DIETARY, k), "diet_label")
    bp.add_app_template_filter(lambda k: label_of(LANGUAGES, k), "language_label")
