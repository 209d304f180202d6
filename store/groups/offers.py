"""A suggested group's life: offered, accepted or declined seat by seat, refilled, confirmed,
dissolved kindly when too few can come, and closed after the meeting."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, contains_eager, joinedload

from config import Settings
from store.accounts.models import User
from store.core.db import utcnow
from store.core.errors import HearthError
from store.events.holds import confirm_hold, hold_seat, release_hold
from store.events.models import EventError, Occurrence
from store.events.signups import lock_occurrence, seats_taken
from store.events.times import describe_time
from store.groups.candidates import candidates_for, mean_compatibility
from store.groups.models import (
    ACTIVE_GROUPS,
    ANSWER_BY,
    Group,
    GroupMember,
    GroupStatus,
    SeatStatus,
)
from store.groups.notes import meeting_note
from store.groups.reasons import reason_for
from store.groups.words import reply_by_words, resident_continuing_words
from store.messages import links
from store.messages.notices import send_once
from store.messages.rendering import render
from store.places.points import distance_km
from store.profiles.blocks import profile_blocks
from store.profiles.models import Profile
from store.social.operations import is_blocked_between

__all__ = [
    "ANSWER_BY", "GroupError", "first_name", "when_where", "member_label", "member_labels", "seat_of", "groups_for_user", "describe", "offer_group", "respond", "free_seat",
    "refill", "dissolve", "close_finished_groups", "withdraw_open_offers", "lapse_unanswered_offers",
]


class GroupError(HearthError):
    """Something the person can act on; the message is safe to show them."""


def first_name(user: User) -> str:
    return (user.display_name or "").split()[0] if user.display_name else "A neighbour"


def member_label(user: User, profile: Profile | None) -> str:
    """How a group-mate appears: their first name if they agreed to show it, else "A neighbour"."""
    if profile is not None and profile.show_first_name:
        return first_name(user)
    return "A neighbour"


def member_labels(session: Session, seats: list[GroupMember]) -> dict[int, str]:
    """:func:`member_label` of each seat's person, by user id, in one query of two columns."""
    ids = [s.user_id for s in seats]
    shown = {uid: show for uid, show in session.execute(
        select(Profile.user_id, Profile.show_first_name).where(Profile.user_id.in_(ids)))} if ids else {}
    return {s.user_id: first_name(s.user) if shown.get(s.user_id) else "A neighbour" for s in seats}


def seat_of(session: Session, group_id: int, user_id: int) -> GroupMember | None:
    """``user_id``'s seat in ``group_id``, or ``None`` (so the caller answers 404)."""
    return session.scalar(select(GroupMember).options(joinedload(GroupMember.group).selectinload(Group.seats))
                          .where(GroupMember.group_id == group_id, GroupMember.user_id == user_id))


def groups_for_user(session: Session, user_id: int, *, include_past: bool = True, home: bool = False) -> list[GroupMember]:
    """A person's own seats in groups, newest first (the query is scoped by ``user_id``), each
    with its group and the group's seats loaded in the same round trips.

    ``home``: only the groups the home page can show (still to meet, or met and waiting for this
    person's "How did it go?"), so that a long history costs the home page nothing."""
    query = (
        select(GroupMember)
        .join(Group, GroupMember.group_id == Group.id)
        .options(contains_eager(GroupMember.group).selectinload(Group.seats).lazyload(GroupMember.user))
        .where(GroupMember.user_id == user_id, GroupMember.status != SeatStatus.WITHDRAWN)
        .order_by(Group.created_at.desc(), Group.id.desc())
    )
    if not include_past:
        query = query.where(Group.status.in_(ACTIVE_GROUPS))
    elif home:
        query = query.where(or_(Group.status.in_(ACTIVE_GROUPS),
                                and_(Group.status == GroupStatus.MET, GroupMember.status == SeatStatus.ACCEPTED,
                                     GroupMember.feedback_at.is_(None))))
    return list(session.scalars(query))


def _occurrence(session: Session, group: Group) -> Occurrence:
    return session.get(Occurrence, group.occurrence_id)


def describe(session: Session, group: Group) -> dict:
    """What a resident needs to know about a group's meeting: the event, when, where."""
    occurrence = _occurrence(session, group)
    event = occurrence.event
    return {"title": event.title, "when": describe_time(occurrence.starts_at, event.timezone),
            "where": event.place_name, "address": event.address, "event_id": event.id,
            "starts_at": occurrence.starts_at}


def when_where(session: Session, group: Group) -> tuple[str, str]:
    occurrence = _occurrence(session, group)
    event = occurrence.event
    when = describe_time(occurrence.starts_at, event.timezone)
    return when, f"{event.title} at {event.place_name}"


def offer_group(session: Session, settings: Settings, group: Group) -> int:
    """Tell everyone offered a seat in ``group`` (each at most once), with their own reason, the
    reply-by time and the meeting note. Returns messages queued."""
    when, what = when_where(session, group)
    occurrence = _occurrence(session, group)
    reply = reply_by_words(occurrence.starts_at, occurrence.event.timezone)
    note = meeting_note(session, group)
    sent = 0
    for seat in group.seats_in(SeatStatus.OFFERED):
        message = send_once(
            session, f"offer:{group.id}:{seat.user_id}", seat.user, kind="group",
            content=render("group_offer", name=first_name(seat.user), what=what, when=when,
                           reason=reason_for(session, group, seat.user_id), reply_by=reply, note=note,
                           keeps_meeting=resident_continuing_words(seat, group),
                           group_link=links.group_link(settings, group.id)),
        )
        sent += message is not None
    return sent


def _confirm_to(session: Session, settings: Settings, group: Group, seat: GroupMember) -> None:
    when, what = when_where(session, group)
    send_once(
        session, f"confirmed:{group.id}:{seat.user_id}", seat.user, kind="group",
        content=render("group_confirmed", name=first_name(seat.user), what=what, when=when,
                       note=meeting_note(session, group), group_link=links.group_link(settings, group.id)),
    )


def respond(session: Session, settings: Settings, group_id: int, user: User, *, accept: bool,
            now: datetime | None = None) -> tuple[GroupMember, bool]:
    """Accept or decline one's own seat. Returns the seat and whether the group needs rematching
    (it was dissolved). Raises ``LookupError`` when the person has no seat in the group."""
    now = now or utcnow()
    seat = seat_of(session, group_id, user.id)
    if seat is None or seat.status == SeatStatus.WITHDRAWN:
        raise LookupError(group_id)
    group = seat.group
    if group.status not in ACTIVE_GROUPS:
        raise GroupError("This group has already finished, so there's nothing to change.")
    occurrence = lock_occurrence(session, group.occurrence_id)
    if occurrence.starts_at <= now:
        raise GroupError("This has already started, so it can't be changed now.")
    if occurrence.is_cancelled:
        raise GroupError("Sorry, this date has been cancelled, so the group won't meet.")
    if accept:
        if seat.status == SeatStatus.ACCEPTED:
            raise GroupError("You've already said yes to this group.")
        if seat.status == SeatStatus.DECLINED:
            raise GroupError("You said no to this group; its seat may have gone to someone else.")
        try:
            confirm_hold(session, settings, occurrence, user.id, now=now)  # a yes is a seat
        except EventError as exc:
            raise GroupError(str(exc)) from None
        seat.status, seat.responded_at = SeatStatus.ACCEPTED, now
        session.flush()
        if group.status == GroupStatus.PROPOSED and len(group.accepted) >= group.size_min:
            group.status, group.confirmed_at = GroupStatus.CONFIRMED, now
            for other in group.accepted:
                _confirm_to(session, settings, group, other)
        elif group.status == GroupStatus.CONFIRMED:
            _confirm_to(session, settings, group, seat)
        session.flush()
        return seat, False
    if seat.status == SeatStatus.DECLINED:
        raise GroupError("You've already said no to this group.")
    free_seat(session, settings, seat, SeatStatus.DECLINED, now=now)
    return seat, refill(session, settings, group, now=now)


def free_seat(session: Session, settings: Settings, seat: GroupMember, status: SeatStatus,
              *, now: datetime) -> None:
    """End ``seat`` (declined or withdrawn) and free the event seat held for its offer, if any.

    A confirmed event seat stays the person's: only a hold made for the offer is given back.
    """
    was_offered = seat.status == SeatStatus.OFFERED
    seat.status, seat.responded_at = status, now
    session.flush()
    if was_offered:
        occurrence = lock_occurrence(session, seat.group.occurrence_id)
        release_hold(session, settings, occurrence, seat.user_id, now=now)


def _best_replacement(session: Session, group: Group, occurrence: Occurrence, now: datetime, *,
                      isolated_first: bool = True) -> int | None:
    """Who is offered a freed seat: among the date's candidates who may join (not tried before, a
    seat for them, blocked with nobody in the group), those Hearth puts first (never placed, or
    isolated: ``Candidate.first``) before the others, then the most compatible and nearest."""

    active = [s.user_id for s in group.active_seats]
    tried = {s.user_id for s in group.seats}
    if group.continues_id is not None:  # a standing group: nobody of the old group who was not carried over
        source = session.get(Group, group.continues_id)
        tried |= {s.user_id for s in source.seats} if source is not None else set()
    room = seats_taken(session, occurrence.id) < occurrence.event.capacity
    cands = [c for c in candidates_for(session, occurrence, now=now, exclude=tried)
             if (c.signed_up or room)
             and not any(is_blocked_between(session, c.user_id, other) for other in active)]
    if not cands:
        return None
    blocks = profile_blocks(session, [c.user_id for c in cands] + active)
    homes = {p.user_id: (p.home_lat, p.home_lon) for p in session.scalars(select(Profile).where(Profile.user_id.in_(active)))}

    def score(c) -> float:
        km = [distance_km((c.lat, c.lon), homes[u]) for u in active if u in homes and homes[u][0] is not None]
        trip = sum(km) / len(km) if km else 0.0
        return mean_compatibility(blocks, c.user_id, active) - 0.05 * trip

    return max(cands, key=lambda c: (c.first(isolated_first), score(c), -c.user_id)).user_id


def refill(session: Session, settings: Settings, group: Group, *, now: datetime | None = None) -> bool:
    """After a seat frees: offer it to the next best neighbour, or let the group shrink within its
    size range, or dissolve it kindly when it falls below the minimum. Returns whether to rematch."""
    now = now or utcnow()
    occurrence = lock_occurrence(session, group.occurrence_id)
    if occurrence.is_cancelled or occurrence.starts_at <= now:
        dissolve(session, settings, group, now=now, quietly=True)
        return False
    if len(group.active_seats) < group.size_max:
        replacement = _best_replacement(session, group, occurrence, now,
                                        isolated_first=settings.match_isolated_first)
        if replacement is not None:
            try:
                hold_seat(session, occurrence, replacement, group.id)
            except EventError:  # a replacement waiting with a guest may need more room than is free
                replacement = None
        if replacement is not None:
            session.add(GroupMember(group_id=group.id, user_id=replacement, offered_at=now))
            session.flush()
            session.refresh(group)
            offer_group(session, settings, group)
            return False
    if len(group.active_seats) >= group.size_min:
        return False
    dissolve(session, settings, group, now=now)
    return True


def dissolve(session: Session, settings: Settings, group: Group, *, now: datetime | None = None,
             quietly: bool = False) -> None:
    """Let a group go: its remaining people are told kindly and become free to be matched again."""
    now = now or utcnow()
    when, what = when_where(session, group)
    group.status, group.closed_at = GroupStatus.DISSOLVED, now
    for seat in group.active_seats:
        free_seat(session, settings, seat, SeatStatus.WITHDRAWN, now=now)
        if quietly:
            continue
        send_once(
            session, f"dissolved:{group.id}:{seat.user_id}", seat.user, kind="group",
            content=render("group_dissolved", name=first_name(seat.user), what=what, when=when),
        )
    session.flush()


def close_finished_groups(session: Session, settings: Settings, *, now: datetime | None = None) -> dict:
    """Mark confirmed groups whose meeting has ended as met and ask each member how it went (once);
    let unconfirmed groups whose meeting has started go quietly."""
    now = now or utcnow()
    counts = {"met": 0, "lapsed": 0, "prompts": 0}
    rows = session.scalars(
        select(Group).join(Occurrence, Group.occurrence_id == Occurrence.id)
        .where(Group.status.in_(ACTIVE_GROUPS), Occurrence.starts_at <= now)
    ).all()
    for group in rows:
        occurrence = _occurrence(session, group)
        if group.status == GroupStatus.PROPOSED:
            dissolve(session, settings, group, now=now, quietly=True)
            counts["lapsed"] += 1
            continue
        if occurrence.ends_at > now:
            continue
        group.status, group.closed_at = GroupStatus.MET, now
        counts["met"] += 1
        _, what = when_where(session, group)
        for seat in group.accepted:
            sent = send_once(
                session, f"feedback:{group.id}:{seat.user_id}", seat.user, kind="feedback",
                content=render("group_feedback", name=first_name(seat.user), what=what,
                               feedback_link=links.feedback_link(settings, group.id)),
            )
            counts["prompts"] += sent is not None
    session.flush()
    return counts


def withdraw_open_offers(session: Session, settings: Settings, user_id: int, *,
                         now: datetime | None = None) -> list[int]:
    """Take back the group offers a person has not answered yet (they paused matching or withdrew
    consent): each seat is offered to someone else, or the group shrinks or dissolves. Groups they
    already said yes to stay as they are. Returns the occurrences that need rematching."""
    now = now or utcnow()
    seats = session.scalars(
        select(GroupMember).join(Group, GroupMember.group_id == Group.id)
        .where(GroupMember.user_id == user_id, GroupMember.status == SeatStatus.OFFERED,
               Group.status.in_(ACTIVE_GROUPS))
    ).all()
    rematch = []
    for seat in seats:
        free_seat(session, settings, seat, SeatStatus.WITHDRAWN, now=now)
        if refill(session, settings, seat.group, now=now):
            rematch.append(seat.group.occurrence_id)
    return rematch


def lapse_unanswered_offers(session: Session, settings: Settings, *, now: datetime | None = None) -> dict:
    """Offers not answered by ``ANSWER_BY`` before the meeting lapse quietly. A group that still
    has its minimum goes ahead smaller (and is confirmed); one that doesn't is dissolved kindly,
    its people keeping any event seats they took. Safe to run twice."""
    now = now or utcnow()
    seats = session.scalars(
        select(GroupMember).join(Group, GroupMember.group_id == Group.id)
        .join(Occurrence, Group.occurrence_id == Occurrence.id)
        .where(GroupMember.status == SeatStatus.OFFERED, Group.status.in_(ACTIVE_GROUPS),
               Occurrence.starts_at > now, Occurrence.starts_at <= now + ANSWER_BY)  # i.e. reply_by(starts_at) <= now
    ).all()
    groups = {}
    for seat in seats:
        free_seat(session, settings, seat, SeatStatus.WITHDRAWN, now=now)
        groups[seat.group_id] = seat.group
    counts = {"lapsed_offers": len(seats), "confirmed": 0, "dissolved": 0}
    session.flush()
    for group in groups.values():
        if len(group.accepted) >= group.size_min:
            if group.status == GroupStatus.PROPOSED:
                group.status, group.confirmed_at = GroupStatus.CONFIRMED, now
                for seat in group.accepted:
                    _confirm_to(session, settings, group, seat)
                counts["confirmed"] += 1
        else:
            dissolve(session, settings, group, now=now)
            counts["dissolved"] += 1
    session.flush()
    return counts
