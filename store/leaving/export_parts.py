"""What Hearth holds about one person, gathered feature by feature for their download.

One function per part. Each reads only rows that are the person's own (every query is scoped by
their id), and shows other people only as the pages show them: a group-mate by first name where
they agreed, otherwise "A neighbour" (``store.groups.offers.member_label``). A home is given as
its neighbourhood and area only; the grid point behind it never leaves the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.accounts.api_tokens import tokens_of
from store.accounts.changes import pending_email_change
from store.accounts.models import User
from store.accounts.sessions import count_sessions
from store.conversations.models import Thread
from store.events.calendars import has_feed
from store.events.models import SignupStatus
from store.events.signups import signups_for_user
from store.events.times import describe_time
from store.events.words import resident_seat_short
from store.groups.models import Group, GroupMember, MeetAgain, SeatStatus
from store.groups.offers import describe, member_label
from store.groups.safety import people_not_grouped_with
from store.groups.words import member_words, resident_seat_words
from store.messages.outbox import messages_for
from store.messages.preferences import FREQUENCY_WORDS, TOPICS, preferences_for
from store.profiles import taxonomy as tx
from store.profiles.models import Profile
from store.recommendations.operations import recommendations_for
from store.social.models import CHECKIN_ANSWERS, CHECKIN_QUESTIONS, Report
from store.social.operations import blocks_by, checkin_trend

__all__ = ["Part", "PARTS", "gather"]

#: No person has more rows than this of one kind; a bound, so "all" is never unbounded.
_ALL = 100_000


@dataclass(frozen=True)
class Part:
    """One file of the download: ``data`` becomes ``<name>.json``; where there are ``columns``,
    ``rows`` (dicts) also become ``<name>.csv``."""

    name: str
    title: str
    data: Any
    columns: tuple[str, ...] = ()
    rows: list[dict] = field(default_factory=list)


def _when(moment: datetime | None) -> str | None:
    """An instant as ISO 8601 in UTC (how every time in the download is written)."""
    return moment.isoformat() if moment is not None else None


def _day(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def _labels(choices, keys) -> list[str]:
    return [tx.label_of(choices, k) for k in keys or ()]


def _profile(session: Session, user_id: int) -> Profile | None:
    return session.scalar(select(Profile).where(Profile.user_id == user_id))


def account_part(session: Session, user: User) -> Part:
    """The account itself: name, email, role and dates (never the password or any key)."""
    data = {
        "name": user.display_name,
        "email": user.email,
        "email_waiting_for_confirmation": pending_email_change(session, user.id),
        "role": user.role.value,
        "joined_at": _when(user.created_at),
        "email_confirmed_at": _when(user.email_confirmed_at),
        "last_logged_in_at": _when(user.last_login_at),
        "logged_in_on_devices": count_sessions(session, user.id),
        "has_calendar_feed": has_feed(session, user.id),
        "centres_you_organise": sorted(c.name for c in user.centres),
    }
    return Part("account", "Your account", data, tuple(data), [data])


def profile_part(session: Session, user: User) -> Part:
    """The questionnaire's answers, in the words the pages use. Where you live is your
    neighbourhood and area only."""
    profile = _profile(session, user.id)
    if profile is None:
        return Part("profile", "Your profile answers", {}, ("section", "question", "answer"), [])
    values = [{"statement": item.text, "answer": profile.value_answers[item.key],
               "answer_words": tx.label_of(tx.VALUE_SCALE, profile.value_answers[item.key])}
              for item in tx.VALUE_ITEMS if item.key in (profile.value_answers or {})]
    data = {
        "where": {"neighbourhood": profile.neighbourhood or None, "area": profile.place_label or None},
        "interests": [tx.interest_label(k) for k in profile.interests or ()],
        "about_you": profile.about,
        "values": values,
        "meeting": {
            "would_like_to": _labels(tx.ACTIVITY_KINDS, profile.wants),
            "group_size": tx.label_of(tx.GROUP_SIZES, profile.group_size) if profile.group_size else None,
            "how_often": tx.label_of(tx.FREQUENCIES, profile.frequency) if profile.frequency else None,
            "new_faces": tx.label_of(tx.NEW_FACES, profile.new_faces) if profile.new_faces else None,
            "travel_km": profile.travel_km,
            "travel_by": tx.label_of(tx.TRAVEL_MODES, profile.travel_mode) if profile.travel_mode else None,
        },
        "needs": {
            "access": _labels(tx.ACCESS_NEEDS, profile.access_needs),
            "food": _labels(tx.DIETARY, profile.dietary),
            "languages": _labels(tx.LANGUAGES, profile.languages),
        },
        "choices": {
            "include_me_in_groups": profile.include_in_matching,
            "show_my_first_name": profile.show_first_name,
            "paused_until": _day(profile.paused_until),
        },
        "started_at": _when(profile.created_at),
        "last_changed_at": _when(profile.updated_at),
    }
    rows = [{"section": "Where you live", "question": "Neighbourhood", "answer": profile.neighbourhood},
            {"section": "Where you live", "question": "Area", "answer": profile.place_label},
            {"section": "What you enjoy", "question": "Interests", "answer": "; ".join(data["interests"])},
            {"section": "What you enjoy", "question": "About you", "answer": profile.about}]
    rows += [{"section": "What matters to you", "question": v["statement"], "answer": v["answer_words"]}
             for v in values]
    for section, answers in (("When and how you'd like to meet", data["meeting"]), ("What helps you", data["needs"]),
                             ("Your choices", data["choices"])):
        for question, answer in answers.items():
            shown = "; ".join(answer) if isinstance(answer, list) else answer
            rows.append({"section": section, "question": question.replace("_", " ").capitalize(), "answer": shown})
    return Part("profile", "Your profile answers", data, ("section", "question", "answer"), rows)


def availability_part(session: Session, user: User) -> Part:
    """The times of the week you said you can usually meet."""
    profile = _profile(session, user.id)
    picked = set(profile.availability or ()) if profile is not None else set()
    rows = []
    for day, day_label in tx.WEEKDAYS:
        for part, part_label in tx.DAY_PARTS:
            if f"{day}_{part}" in picked:
                rows.append({"day": day_label, "time_of_day": part_label})
    return Part("availability", "When you can meet", rows, ("day", "time_of_day"), rows)


def signups_part(session: Session, user: User) -> Part:
    """Every date you signed up for, with where you stand (as "Your events" says it)."""
    rows = []
    for signup in signups_for_user(session, user.id, statuses=tuple(SignupStatus)):
        occurrence = signup.occurrence
        event = occurrence.event
        rows.append({
            "event": event.title, "centre": event.centre.name, "place": event.place_name,
            "when": describe_time(occurrence.starts_at, event.timezone), "starts_at": _when(occurrence.starts_at),
            "status": resident_seat_short(signup.status, guests=signup.guests or 0),
            "waiting_list_number": signup.queue_no if signup.status == SignupStatus.WAITLISTED else None,
            "signed_up_at": _when(signup.created_at), "seat_confirmed_at": _when(signup.confirmed_at),
            "cancelled_at": _when(signup.cancelled_at), "checked_in_at": _when(signup.checked_in_at),
        })
    columns = ("event", "centre", "place", "when", "starts_at", "status", "waiting_list_number", "signed_up_at",
               "seat_confirmed_at", "cancelled_at", "checked_in_at")
    return Part("signups", "Events you signed up for", rows, columns, rows)


def _others(session: Session, seat: GroupMember) -> list[dict]:
    """The rest of the group as its page shows them; nobody for a seat the page no longer shows."""
    if seat.status == SeatStatus.WITHDRAWN:
        return []
    return [{"name": member_label(other.user, _profile(session, other.user_id)), "answer": member_words(other)}
            for other in seat.group.active_seats if other.user_id != seat.user_id]


def groups_part(session: Session, user: User) -> Part:
    """Every group you were offered a seat in, your answer, and the others as the group page shows them."""
    seats = session.scalars(
        select(GroupMember).join(Group, GroupMember.group_id == Group.id)
        .where(GroupMember.user_id == user.id).order_by(Group.created_at, Group.id)
    ).all()
    data, rows = [], []
    for seat in seats:
        info = describe(session, seat.group)
        entry = {
            "group": seat.group_id, "event": info["title"], "when": info["when"], "where": info["where"],
            "status": resident_seat_words(seat).short, "your_answer": seat.status.value,
            "why_suggested": seat.group.reason, "offered_at": _when(seat.offered_at),
            "answered_at": _when(seat.responded_at), "you_said_you_went": seat.attended,
            "others": _others(session, seat),
        }
        data.append(entry)
        rows.append({**entry, "others": "; ".join(f"{o['name']} ({o['answer']})" for o in entry["others"])})
    columns = ("group", "event", "when", "where", "status", "your_answer", "why_suggested", "offered_at",
               "answered_at", "you_said_you_went", "others")
    return Part("groups", "Group offers and groups", data, columns, rows)


def feedback_part(session: Session, user: User) -> Part:
    """What you told us after meetings: whether you went, and whom you'd meet again (only your
    own answers; nobody else's about you)."""
    answers = session.scalars(
        select(MeetAgain).where(MeetAgain.rater_id == user.id).order_by(MeetAgain.created_at, MeetAgain.id)
    ).all()
    rows = []
    for answer in answers:
        group = session.get(Group, answer.group_id)
        ratee = session.get(User, answer.ratee_id)
        info = describe(session, group)
        rows.append({"group": answer.group_id, "event": info["title"], "when": info["when"],
                     "about": member_label(ratee, _profile(session, ratee.id)),
                     "would_meet_again": "yes" if answer.again else "no", "given_at": _when(answer.created_at)})
    meetings = session.scalars(
        select(GroupMember).where(GroupMember.user_id == user.id, GroupMember.feedback_at.is_not(None))
        .order_by(GroupMember.feedback_at)
    ).all()
    went = [{"group": seat.group_id, "event": describe(session, seat.group)["title"], "you_went": seat.attended,
             "told_us_at": _when(seat.feedback_at)} for seat in meetings]
    columns = ("group", "event", "when", "about", "would_meet_again", "given_at")
    return Part("feedback", "Feedback you gave", {"meetings": went, "meet_again": rows}, columns, rows)


def checkins_part(session: Session, user: User) -> Part:
    """Your connectedness check-ins, with each answer in words."""
    rows = []
    for checkin in checkin_trend(session, user.id, limit=_ALL):
        row = {"at": _when(checkin.created_at), "asked": checkin.context}
        for key, _question in CHECKIN_QUESTIONS:
            row[key] = tx.label_of(CHECKIN_ANSWERS, getattr(checkin, key))
        row["total_3_to_9"] = checkin.total
        row["happy_to_be_contacted"] = checkin.follow_up_consent
        rows.append(row)
    columns = ("at", "asked") + tuple(k for k, _ in CHECKIN_QUESTIONS) + ("total_3_to_9", "happy_to_be_contacted")
    data = {"questions": dict(CHECKIN_QUESTIONS), "answers": rows}
    return Part("checkins", "Your check-ins", data, columns, rows)


def messages_part(session: Session, user: User) -> Part:
    """Every message Hearth sent you (what your Messages page lists), oldest first."""
    rows = [{"sent_at": _when(m.created_at), "to": m.to_email, "subject": m.subject, "kind": m.kind,
             "read_at": _when(m.read_at), "delivered_at": _when(m.delivered_at),
             "attachments": "; ".join(a.get("filename", "") for a in m.attachments or ()), "text": m.body}
            for m in reversed(messages_for(session, user.id, limit=_ALL))]
    columns = ("sent_at", "to", "subject", "kind", "read_at", "delivered_at", "attachments", "text")
    return Part("messages", "Messages you received", rows, columns, rows)


def blocks_part(session: Session, user: User) -> Part:
    """The people you asked not to be grouped with, as your list of them shows them."""
    made = {row.id: row for row in blocks_by(session, user.id)}
    rows = [{"person": person.label, "where_you_met": person.where_met,
             "since": _when(made[person.block_id].created_at)}
            for person in people_not_grouped_with(session, user.id)]
    return Part("blocks", "People you'd rather not be grouped with", rows, ("person", "where_you_met", "since"), rows)


def reports_part(session: Session, user: User) -> Part:
    """Concerns you reported to organisers: what you wrote, and about whom as your group page showed them."""
    reports = session.scalars(
        select(Report).where(Report.reporter_id == user.id).order_by(Report.created_at, Report.id)
    ).all()
    rows = [{"at": _when(r.created_at), "about": member_label(r.reported, _profile(session, r.reported_id)),
             "you_wrote": r.reason} for r in reports]
    return Part("reports", "Concerns you reported", rows, ("at", "about", "you_wrote"), rows)


def recommendations_part(session: Session, user: User) -> Part:
    """The events suggested to you now, and why."""
    rows = [{"event": s.occurrence.event.title,
             "when": describe_time(s.occurrence.starts_at, s.occurrence.event.timezone),
             "why": s.reason} for s in recommendations_for(session, user.id)]
    return Part("recommendations", "Events suggested for you", rows, ("event", "when", "why"), rows)


def message_choices_part(session: Session, user: User) -> Part:
    """Which messages you chose to get, and how often (as your account page shows them)."""
    chosen = preferences_for(session, user.id)
    rows = [{"messages": topic.label, "how_often": FREQUENCY_WORDS.get(chosen.get(topic.key, ""), chosen.get(topic.key))}
            for topic in TOPICS]
    return Part("message_choices", "Which messages you get, and how often", rows, ("messages", "how_often"), rows)


def conversations_part(session: Session, user: User) -> Part:
    """What you wrote to your centres and what they answered (organisers appear as the centre)."""
    threads = session.scalars(select(Thread).where(Thread.resident_id == user.id).order_by(Thread.id)).all()
    rows = [{"centre": thread.centre.name, "subject": thread.subject, "at": _when(post.created_at),
             "from": thread.centre.name if post.from_centre else "you", "text": post.body}
            for thread in threads for post in thread.posts]
    return Part("conversations", "What you wrote to your centres, and their answers", rows,
                ("centre", "subject", "at", "from", "text"), rows)


def api_tokens_part(session: Session, user: User) -> Part:
    """The access tokens you made for other tools, as your account page lists them (never their secrets)."""
    rows = [{"name": t.name, "may": "read and make changes" if t.can_write else "only read",
             "made_at": _when(t.created_at), "works_until": _when(t.expires_at),
             "last_used_at": _when(t.last_used_at), "revoked_at": _when(t.revoked_at)} for t in tokens_of(session, user)]
    columns = ("name", "may", "made_at", "works_until", "last_used_at", "revoked_at")
    return Part("access_tokens", "Access tokens you made for other tools", rows, columns, rows)


#: Every part, in the order the download's README lists them.
PARTS = (account_part, profile_part, availability_part, signups_part, groups_part, feedback_part, checkins_part,
         messages_part, message_choices_part, conversations_part, blocks_part, reports_part, recommendations_part,
         api_tokens_part)


def gather(session: Session, user: User) -> list[Part]:
    """Everything Hearth holds about ``user`` that is theirs to take away, part by part."""
    return [part(session, user) for part in PARTS]
