"""Groups in words: one reply-by rule, meeting states, meeting notes, reasons that name only what the
reader shares, the compatibility floor, why there is no group yet, and the once-a-week check-in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from factories import make_centre, make_event, make_resident, make_user
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select

from matcher.reasons import reader_reason
from store.accounts.models import Role
from store.core.db import utcnow
from store.core.models import JobRun
from store.events.admin import cancel_occurrence
from store.groups.matching import LEFT_OUT, run_matching
from store.groups.models import ANSWER_BY, Group, GroupStatus, reply_by
from store.groups.notes import NoteError, meeting_note
from store.groups.offers import close_finished_groups, lapse_unanswered_offers, respond
from store.groups.organising import set_meeting_note
from store.groups.overview import home_groups, resident_view
from store.groups.reasons import reason_for
from store.groups.standing import why_no_group
from store.groups.words import member_words, reply_by_words, waiting_words
from store.insight.words import organiser_run_result
from store.messages.models import Message
from store.profiles.taxonomy import INTEREST_TAGS, group_size_words, interest_label
from store.social.models import Checkin, SocialError
from store.social.operations import record_checkin


@pytest.fixture
def world(db, settings):
    centre = make_centre(db)
    organiser = make_user(db, role=Role.ORGANISER, centre=centre)
    _, occurrence = make_event(db, settings, centre, organiser)
    return centre, organiser, occurrence


def _group(db, settings, occurrence, people=5, **kwargs):
    residents = [make_resident(db, **kwargs) for _ in range(people)]
    run_matching(db, settings, occurrence.id)
    return db.scalars(select(Group)).one(), residents


def _body(db, user_id, needle):
    return [m.body for m in db.scalars(select(Message).where(Message.user_id == user_id)) if needle in m.body]


# ------------------------------------------------------------------------------------ reply by
def test_the_offer_says_the_reply_by_time_the_lapsing_job_uses(db, settings, world):
    _, _, occurrence = world
    group, _ = _group(db, settings, occurrence)
    deadline = reply_by(occurrence.starts_at)
    assert deadline == occurrence.starts_at - ANSWER_BY
    words = reply_by_words(occurrence.starts_at, occurrence.event.timezone)
    assert words.startswith("Please reply by ")
    seat = group.seats[0]
    assert _body(db, seat.user_id, words), "the offer message says when to reply"
    assert resident_view(db, seat).reply_by == words
    assert lapse_unanswered_offers(db, settings, now=deadline - timedelta(minutes=1))["lapsed_offers"] == 0
    assert lapse_unanswered_offers(db, settings, now=deadline + timedelta(minutes=1))["lapsed_offers"] == 5
    assert resident_view(db, seat, now=deadline + timedelta(minutes=1)).reply_by is None


def test_reply_by_is_on_the_events_own_clock():
    from datetime import datetime, timezone

    starts = datetime(2026, 7, 7, 12, 30, tzinfo=timezone.utc)  # British Summer Time: 13:30 local
    assert reply_by_words(starts, "Europe/London") == "Please reply by Tuesday 7 Jul, 01:30"


# ------------------------------------------------------------------------------ meeting states
def test_after_the_meeting_nothing_says_coming_and_the_home_page_asks_how_it_went(db, settings, world):
    _, _, occurrence = world
    group, people = _group(db, settings, occurrence)
    for person in people[:4]:
        respond(db, settings, group.id, person, accept=True)
    seat, other = group.accepted[0], group.accepted[1]
    view = resident_view(db, seat)
    assert view.state == "coming" and member_words(other, view.state) == "coming"
    after = occurrence.ends_at + timedelta(minutes=5)
    close_finished_groups(db, settings, now=after)
    assert group.status == GroupStatus.MET
    view = resident_view(db, seat, now=after)
    assert view.state == "happened" and view.state_words == "this has happened"
    assert member_words(other, view.state) == "said they would come"
    assert view.words.short == "You met" and view.feedback_open
    home = home_groups(db, seat.user_id, now=after)
    assert [v.seat.id for v in home] == [seat.id] and home[0].feedback_open


def test_a_cancelled_date_reads_cancelled(db, settings, world):
    _, organiser, occurrence = world
    group, _ = _group(db, settings, occurrence)
    cancel_occurrence(db, settings, occurrence, by=organiser)
    db.refresh(group)
    view = resident_view(db, group.seats[0])
    assert view.state in ("cancelled", "not_going_ahead") and "coming" not in view.state_words


# --------------------------------------------------------------------------------- meeting notes
def test_a_meeting_note_reaches_the_members_and_a_groups_own_note_wins(db, settings, world):
    centre, organiser, occurrence = world
    group, people = _group(db, settings, occurrence)
    set_meeting_note(db, settings, organiser, occurrence_id=occurrence.id, text="  Look for the Hearth   sign ")
    assert meeting_note(db, group) == "Look for the Hearth sign"
    assert len(_body(db, people[0].id, "Look for the Hearth sign")) == 1
    set_meeting_note(db, settings, organiser, occurrence_id=occurrence.id, text="Look for the Hearth sign")
    assert len(_body(db, people[0].id, "Look for the Hearth sign")) == 1, "the same note is not sent twice"
    set_meeting_note(db, settings, organiser, occurrence_id=occurrence.id, group_id=group.id,
                     text="Table by the window")
    assert meeting_note(db, group) == "Table by the window"
    assert resident_view(db, group.seats[0]).note == "Table by the window"
    set_meeting_note(db, settings, organiser, occurrence_id=occurrence.id, group_id=group.id, text="")
    assert meeting_note(db, group) == "Look for the Hearth sign"
    with pytest.raises(NoteError):
        set_meeting_note(db, settings, organiser, occurrence_id=occurrence.id, text="x" * 301)
    with pytest.raises(NoteError):
        set_meeting_note(db, settings, organiser, occurrence_id=occurrence.id, text="bad\u200bnote")


def test_only_the_centres_organisers_write_notes(db, settings, world):
    _, _, occurrence = world
    group, people = _group(db, settings, occurrence)
    stranger = make_user(db, role=Role.ORGANISER, centre=make_centre(db, name="Elsewhere"))
    for who in (stranger, people[0]):
        with pytest.raises(LookupError):
            set_meeting_note(db, settings, who, occurrence_id=occurrence.id, text="Come to my house")
    assert meeting_note(db, group) == ""


def test_the_confirmation_carries_the_note(db, settings, world):
    _, organiser, occurrence = world
    group, people = _group(db, settings, occurrence)
    set_meeting_note(db, settings, organiser, occurrence_id=occurrence.id, text="Ask for Sam at the door")
    for person in people[:4]:
        respond(db, settings, group.id, person, accept=True)
    confirmed = [m for m in db.scalars(select(Message).where(Message.user_id == people[0].id))
                 if "confirmed" in m.body]
    assert confirmed and "Ask for Sam at the door" in confirmed[0].body


# ------------------------------------------------------------------------------------ reasons
def test_a_reason_never_names_an_interest_the_reader_did_not_pick(db, settings, world):
    _, _, occurrence = world
    settings_low = settings.replace(group_floor=0)
    dancers = [make_resident(db, interests=("dancing", "cooking")) for _ in range(4)]
    reader = make_resident(db, interests=("cooking", "chess"))
    run_matching(db, settings_low, occurrence.id)
    group = db.scalars(select(Group)).one()
    text = reason_for(db, group, reader.id)
    assert "dancing" not in text.lower() and "cooking" in text.lower() and "%" not in text
    offer = _body(db, reader.id, "say yes or no")[0]
    assert "dancing" not in offer.lower() and "%" not in offer
    assert "dancing" in reason_for(db, group, dancers[0].id).lower()


tags = st.lists(st.sampled_from(INTEREST_TAGS[:12]), max_size=5, unique=True)


@hsettings(max_examples=200, deadline=None)
@given(mine=tags, others=st.lists(tags, min_size=1, max_size=7))
def test_reader_reasons_name_only_the_readers_own_interests(mine, others):
    text = reader_reason(mine, others, label=lambda k: interest_label(k).lower(), venue="Oak Hall", trip_km=1.0)
    for tag in INTEREST_TAGS[:12]:
        if tag not in mine:
            assert interest_label(tag).lower() not in text.replace(" ", " ")
    assert "%" not in text and text.endswith(".") and text[0].isupper()


# ------------------------------------------------------------------------------------- the floor
def test_no_group_below_the_floor_and_those_left_out_are_counted(db, settings, world):
    _, _, occurrence = world
    pairs = [("dancing",), ("chess",), ("knitting",), ("hiking",), ("pottery",)]
    people = [make_resident(db, interests=tags_) for tags_ in pairs]
    counts = run_matching(db, settings.replace(group_floor=30), occurrence.id)
    assert counts["groups"] == 0 and counts["below_floor"] == 5
    assert sorted(counts[LEFT_OUT]) == sorted(p.id for p in people)
    assert db.scalars(select(Group)).all() == []
    run = JobRun(kind="match", key=f"occurrence={occurrence.id}", counts=counts)
    assert "below the compatibility floor" in organiser_run_result(run, [])
    counts = run_matching(db, settings.replace(group_floor=0), occurrence.id)
    assert counts["groups"] == 1 and counts["below_floor"] == 0 and LEFT_OUT not in counts


def test_the_floor_is_a_documented_setting_with_a_default(settings):
    from pathlib import Path

    from config import SETTINGS_DOC

    assert settings.group_floor == 10
    assert any(env == "HEARTH_GROUP_FLOOR" and default == "10" for env, default, _ in SETTINGS_DOC)
    assert "HEARTH_GROUP_FLOOR" in (Path(__file__).parents[2] / "README.md").read_text()


# ------------------------------------------------------------------------------ no group yet
def test_the_groups_page_gives_the_real_reason(db, settings, world):
    _, _, occurrence = world
    nobody = make_user(db)
    assert why_no_group(db, nobody.id)[0] == "no_profile"
    ready = make_resident(db)
    assert why_no_group(db, ready.id)[0] == "waiting"
    assert "Your profile is complete" in waiting_words("waiting")
    far = make_resident(db, offset_km=40.0, travel_km=1.0)
    assert why_no_group(db, far.id)[0] == "no_dates"
    out = make_resident(db, consent=False)
    assert why_no_group(db, out.id)[0] == "not_matching"
    paused = make_resident(db, paused_until=(utcnow() + timedelta(days=5)).date())
    reason, facts = why_no_group(db, paused.id)
    assert reason == "paused" and facts["until"] in waiting_words(reason, **facts)


def test_group_size_words_follow_the_size_setting():
    from matcher.defaults import GROUP_SIZE
    from store.profiles.taxonomy import GROUP_SIZES, number_word

    assert group_size_words() == "Four to eight people"
    low, high = GROUP_SIZE
    labels = " ".join(label for _, label in GROUP_SIZES)
    assert number_word(low) in labels and number_word(high) in labels
    assert all(number_word(n) not in labels.split() for n in range(1, low))  # no size Hearth never forms


# ---------------------------------------------------------------------------------- check-in
def test_the_weekly_checkin_is_kept_once_per_week(db):
    person = make_user(db)
    now = utcnow()
    record_checkin(db, person, companionship=2, left_out=2, isolated=2, now=now)
    with pytest.raises(SocialError, match="already checked in this week"):
        record_checkin(db, person, companionship=1, left_out=1, isolated=1, now=now + timedelta(minutes=1))
    record_checkin(db, person, companionship=1, left_out=1, isolated=1, now=now + timedelta(days=7))
    record_checkin(db, person, companionship=1, left_out=1, isolated=1, now=now, context="after-meeting")
    assert len(db.scalars(select(Checkin).where(Checkin.user_id == person.id)).all()) == 3
