"""The demo town's programme: a realistic few weeks of meals, social events and exercise at each centre.

Called from ``build_demo_town``. With ``history_weeks`` the ``RUNNING`` events were posted that many weeks
ago, so its dates reach into the past (``store.demo.weeks`` lives through them). Bulk sign-ups for
the coming fortnight are written directly (no messages); the demo resident signs up through the
real operations, so their messages and calendar look lived-in.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from config import Settings
from store.accounts.models import Role, User
from store.centres.models import Centre
from store.core.db import utcnow
from store.demo.weeks import RUNNING, lived_through, signed_up_by_history
from store.events.admin import EventDetails, create_event
from store.events.models import Event, SignUp, SignupStatus, Venue
from store.events.signups import sign_up
from store.events.times import local_datetime, to_local

__all__ = ["PROGRAMME", "TODAY", "RUNNING", "build_demo_programme"]

_MON, _TUE, _WED, _THU, _FRI, _SAT, _SUN = range(7)

# (centre index, title, kind, weekday, start, end, repeats, capacity, tags, extras)
PROGRAMME: tuple[tuple, ...] = (
    (0, "Tuesday lunch club", "meal", _TUE, time(12, 30), time(14, 0), "weekly", 24, ("cooking", "world_food"),
     {"step_free": True, "hearing_loop": True, "dietary": ("vegetarian", "halal"), "cost_note": "£3, or pay what you can",
      "description": "A hot two-course lunch cooked by volunteers, shared at long tables. Come on your own: "
                     "someone will always save you a seat."}),
    (0, "Park walk and talk", "exercise", _THU, time(10, 0), time(11, 0), "weekly", 20, ("walking", "birdwatching"),
     {"cost_note": "Free", "description": "An easy hour round Woodhouse Moor at a chatting pace, then tea back at the hall."}),
    (0, "Games afternoon", "event", _FRI, time(14, 0), time(16, 0), "fortnightly", 16, ("board_games", "card_games"),
     {"quiet": True, "step_free": True, "cost_note": "Free, tea and biscuits included",
      "description": "Dominoes, Scrabble, rummy and whatever you'd like to teach us."}),
    (0, "Community supper", "meal", _FRI, time(18, 0), time(20, 0), "monthly", 40, ("cooking", "world_food"),
     {"dietary": ("vegetarian", "vegan", "halal", "gluten_free"), "cost_note": "£4 for adults, children free",
      "description": "Our big monthly supper: food from the neighbourhood's many kitchens, music after."}),
    (1, "Gentle chair yoga", "exercise", _MON, time(10, 30), time(11, 30), "weekly", 14, ("chair_exercise", "yoga"),
     {"step_free": True, "quiet": True, "cost_note": "£2",
      "description": "Stretching and breathing, all done seated or standing by a chair. No experience needed."}),
    (1, "Knit and natter", "event", _WED, time(14, 0), time(16, 0), "weekly", 18, ("knitting", "sewing"),
     {"quiet": True, "hearing_loop": True, "cost_note": "Free",
      "description": "Bring a project or learn a first stitch; spare needles and wool on the table."}),
    (1, "Sunday lunch club", "meal", _SUN, time(12, 30), time(14, 30), "weekly", 30, ("cooking", "eating_out"),
     {"step_free": True, "dietary": ("vegetarian", "gluten_free"), "cost_note": "£4",
      "description": "A proper roast with all the trimmings, and a pudding."}),
    (1, "Dance for fun", "exercise", _SAT, time(11, 0), time(12, 0), "fortnightly", 20, ("dancing", "music_listening"),
     {"cost_note": "£2", "description": "Easy routines to music from every decade. Partners not needed."}),
    (2, "Wednesday games club", "event", _WED, time(13, 30), time(16, 0), "weekly", 20, ("board_games", "chess", "quizzes"),
     {"step_free": True, "cost_note": "Free", "description": "Chess, draughts, cards and a short quiz at three."}),
    (2, "Cook and eat together", "meal", _THU, time(17, 30), time(19, 30), "weekly", 12,
     ("cooking", "cooking_on_a_budget"),
     {"dietary": ("vegetarian", "halal"), "cost_note": "Free",
      "description": "We cook a simple meal for under £1 a head together, then sit down and eat it."}),
    (2, "Local history talk", "event", _TUE, time(19, 0), time(20, 30), "monthly", 35, ("local_history", "talks"),
     {"venue": ("Beeston Library", "Town Street, Beeston, Leeds", 53.7787, -1.5682), "step_free": True,
      "hearing_loop": True, "cost_note": "Free",
      "description": "A talk with old photographs of Beeston, Holbeck and Cottingley, and your memories."}),
    (2, "Repair café", "event", _SAT, time(10, 0), time(13, 0), "monthly", 25, ("repair_cafe", "diy_home"),
     {"venue": ("Beeston Library", "Town Street, Beeston, Leeds", 53.7787, -1.5682), "cost_note": "Free, donations welcome",
      "description": "Bring a broken lamp, toaster or torn coat; volunteers fix it with you."}),
    (2, "Seated exercise", "exercise", _TUE, time(11, 0), time(12, 0), "weekly", 15, ("chair_exercise",),
     {"step_free": True, "cost_note": "£1", "description": "Half an hour of gentle movement, then a cuppa."}),
)




#: An event on the day the demo is built, at the organiser's centre, so check-in can be tried at
#: once: (title, kind, start, end, capacity, tags, extras). It runs all day, so whenever the demo
#: is built it is "today" on the centre's clock.
TODAY: tuple = (
    "Open day: tea, cake and company", "event", time(10, 0), time(20, 0), 30, ("baking", "talks"),
    {"step_free": True, "hearing_loop": True, "cost_note": "Free",
     "description": "Drop in any time for tea and homemade cake, meet the volunteers and hear what's on."},
)


def _today_event(session: Session, settings: Settings, centre: Centre, admin: User, now: datetime) -> Event:
    """The one-off event today (created as of the start of the day, so its hours may have begun)."""
    title, kind, start, end, capacity, tags, extras = TODAY
    today = to_local(now, centre.timezone).date()
    details = EventDetails(title=title, kind=kind, start_date=today, start_time=start, end_time=end,
                           recurrence="none", capacity=capacity, tags=tags, **extras)
    morning = local_datetime(today, time(0, 0), centre.timezone)
    return create_event(session, settings, centre=centre, details=details, by=admin, now=min(morning, now))


def _first(today: date, weekday: int) -> date:
    return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)


def _venue(session: Session, centre: Centre, name: str, address: str, lat: float, lon: float) -> None:
    if session.scalar(select(Venue.id).where(Venue.centre_id == centre.id, Venue.address == address)) is None:
        session.add(Venue(centre_id=centre.id, name=name, address=address, lat=lat, lon=lon))
        session.flush()


def _fill(session: Session, event: Event, people: list[User], rng: random.Random, now: datetime,
          history_weeks: int) -> None:
    """Seats taken by residents in the coming fortnight; some dates full with a waiting list."""
    for occurrence in event.occurrences:
        if occurrence.event.title in RUNNING and (lived_through(occurrence, now) or
                                                  signed_up_by_history(occurrence, now, history_weeks)):
            continue  # its regulars signed up (``store.demo.weeks``); today's open day keeps its seats
        if occurrence.starts_at > now + timedelta(days=15):
            break
        wanted = int(event.capacity * rng.uniform(0.3, 1.25))
        chosen = rng.sample(people, min(wanted, len(people)))
        for n, person in enumerate(chosen):
            stamp = now - timedelta(hours=len(chosen) - n)
            if n < event.capacity:
                row = SignUp(user_id=person.id, status=SignupStatus.CONFIRMED, created_at=stamp, confirmed_at=stamp)
            else:
                row = SignUp(user_id=person.id, status=SignupStatus.WAITLISTED, created_at=stamp,
                             waitlisted_at=stamp, queue_no=n - event.capacity + 1)
            row.occurrence_id = occurrence.id
            session.add(row)
    session.flush()


def build_demo_programme(session: Session, settings: Settings, centres: list[Centre], residents: list[User], *,
                         weeks: int = 6, history_weeks: int = 0, seed: int = 11,
                         now: datetime | None = None) -> list[Event]:
    """Post the programme at the demo centres for the next ``weeks`` (the ``RUNNING`` events as if
    posted ``history_weeks`` ago, with their dates since) and sign residents up for the coming fortnight."""
    now = now or utcnow()
    rng = random.Random(seed)
    admin = session.scalar(select(User).where(User.role == Role.ADMIN).order_by(User.id))
    if admin is None or not centres:
        return []
    events = []
    for index, title, kind, weekday, start, end, repeats, capacity, tags, extras in PROGRAMME:
        centre = centres[index % len(centres)]
        today = to_local(now, centre.timezone).date()
        first = _first(today, weekday)
        back = timedelta(weeks=history_weeks if title in RUNNING else 0)
        extras = dict(extras)
        venue = extras.pop("venue", None)
        if venue:
            _venue(session, centre, *venue)
            extras.update(venue_name=venue[0], venue_address=venue[1])
        details = EventDetails(
            title=title, kind=kind, start_date=first - back, start_time=start, end_time=end,
            recurrence=repeats, repeat_until=today + timedelta(weeks=weeks), capacity=capacity, tags=tags, **extras,
        )
        event = create_event(session, settings, centre=centre, details=details, by=admin, now=now - back)
        events.append(event)
    events.append(_today_event(session, settings, centres[0], admin, now))
    others = [r for r in residents[1:]]
    for event in events:
        _fill(session, event, others, rng, now, history_weeks)
    if residents:
        demo_resident = residents[0]
        for event in (events[0], events[9]):  # a seat at lunch; probably the waiting list for cooking
            upcoming = next(o for o in event.occurrences if o.starts_at > now)
            sign_up(session, settings, upcoming.id, demo_resident, now=now)
    return events
