"""One truth: random sequences of the real operations, and after every step the stored state
keeps its rules and every page says the same thing about it.

Hypothesis's ``RuleBasedStateMachine`` signs people up and cancels, changes capacity, cancels
dates, runs matching, accepts, declines, lets offers lapse, blocks and unblocks, reports with
"never group me", pauses (the resident's own and an organiser's), withdraws consent, changes
profiles and deletes accounts. Each step is one unit of work, as a request or job is: a domain
error undoes the step and nothing else. After every step:

- no date has more seats taken (confirmed or held) than places;
- every yes in a live group stands on a confirmed seat, and every open offer on a held or
  confirmed seat; every held seat belongs to exactly one open offer;
- no blocked pair shares a live group;
- nobody paused (by themselves or an organiser) or without consent has an open offer;
- no group offer was sent twice;
- nobody who said "I'd rather meet new people next time" has an open offer of that group's next
  date (a group that keeps meeting), and the words for it are on their group page;
- and, from a resident's pages (groups list, group page, home, event page, calendar feed) and an
  organiser's date list, the words agree with the stored state.

Fixed seed and a bounded number of examples in ``make test``; ``make test-long`` runs many more
(``HEARTH_LONG_TESTS=1``).
"""

from __future__ import annotations

import dataclasses
import html
import os
import re
from datetime import date, timedelta

import hypothesis.strategies as st
from factories import make_centre, make_event, make_resident, make_user
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import func, select

from store.accounts.models import Role, User
from store.accounts.sessions import start_session
from store.core.errors import HearthError
from store.events.admin import details_of
from store.events.calendars import new_feed
from store.events.models import HOLDS_SEAT, TAKES_SEAT, Event, Occurrence, SignUp, SignupStatus
from store.events.signups import going_names, seat_summary, seats_taken, sign_up, signup_for, waitlist_position
from store.events.words import calendar_status, going_words, organiser_seat_words, resident_seat_words
from store.groups import dates as group_dates
from store.groups.continuing import rather_meet_new
from store.groups.feedback import save_feedback
from store.groups.matching import run_matching
from store.groups.membership import save_profile_step
from store.groups.models import ACTIVE_GROUPS, Group, GroupMember, GroupStatus, SeatStatus
from store.groups.offers import ANSWER_BY, close_finished_groups, lapse_unanswered_offers, respond
from store.groups.safety import block_person, lift_organiser_pause, pause_by_organiser, report_and_maybe_block
from store.groups.words import resident_continuing_words
from store.groups.words import resident_seat_words as group_words
from store.leaving.operations import delete_account
from store.messages.models import Message
from store.profiles.models import Profile
from store.profiles.operations import save_step
from store.social.models import Block
from store.social.operations import blocks_by, unblock

LONG = os.environ.get("HEARTH_LONG_TESTS") == "1"
PEOPLE = 8
person = st.integers(0, PEOPLE - 1)
day = st.integers(0, 1)


class OneTruth(RuleBasedStateMachine):
    """The world: one centre, two dates (a small meal and a walk), eight residents nearby."""

    app = None  # set by the test
    done: dict[str, int] = {}  # operations that took effect, across all examples (so the test can't be vacuous)

    def __init__(self):
        super().__init__()
        self.database = self.app.extensions["hearth.db"]
        self.connection = self.database.engine.connect()
        self.outer = self.connection.begin()
        self.database.bind_to(self.connection)
        self.session = self.database.session()
        self.settings = self.app.extensions["hearth.settings"]

    @initialize()
    def build_the_world(self):
        s = self.session
        self.centre = make_centre(s)
        self.organiser = make_user(s, role=Role.ORGANISER, centre=self.centre)
        self.dates = []
        for days_ahead, kind, capacity, title in ((3, "meal", 6, "Soup and bread"), (4, "exercise", 7, "Park walk")):
            event, occurrence = make_event(s, self.settings, self.centre, self.organiser, days_ahead=days_ahead,
                                           kind=kind, capacity=capacity, title=title, max_guests=2)
            self.dates.append(occurrence.id)
        self.people = [make_resident(s, name=f"Resident {i}").id for i in range(PEOPLE)]
        self.gone: set[int] = set()
        run_matching(s, self.settings, self.dates[0], size=(3, 5))  # a town where matching has run once
        s.commit()

    def teardown(self):
        self.session.close()
        self.database.unbind()
        self.outer.rollback()
        self.connection.close()

    # ---- helpers -------------------------------------------------------------------------
    def _step(self, operation, *args, **kwargs):
        """One unit of work: a domain error undoes this step only, as a request's would."""
        nested = self.session.begin_nested()
        try:
            result = operation(*args, **kwargs)
        except (HearthError, LookupError):
            nested.rollback()
            return None
        nested.commit()
        self.session.expire_all()
        name = getattr(operation, "__name__", "step")
        OneTruth.done[name] = OneTruth.done.get(name, 0) + 1
        return result

    def _user(self, i: int) -> User | None:
        uid = self.people[i]
        return None if uid in self.gone else self.session.get(User, uid)

    def _occurrence(self, d: int) -> Occurrence:
        return self.session.get(Occurrence, self.dates[d])

    def _seat(self, user: User, d: int) -> GroupMember | None:
        return self.session.scalar(
            select(GroupMember).join(Group, GroupMember.group_id == Group.id)
            .where(GroupMember.user_id == user.id, Group.occurrence_id == self.dates[d],
                   Group.status.in_(ACTIVE_GROUPS), GroupMember.status != SeatStatus.WITHDRAWN)
            .order_by(Group.id.desc()))

    # ---- the real operations -------------------------------------------------------------
    @rule(i=person, d=day, guests=st.sampled_from([0, 0, 1, 2]))
    def sign_up(self, i, d, guests):
        """Sign up, sometimes bringing one or two guests (each takes a seat)."""
        if user := self._user(i):
            if self._step(sign_up, self.session, self.settings, self.dates[d], user, guests=guests) and guests:
                OneTruth.done["guest"] = OneTruth.done.get("guest", 0) + 1

    @rule(k=st.integers(0, 99))
    def cancel_place(self, k):
        """Someone with a place for a date cancels it (the k-th such place)."""
        rows = self.session.scalars(select(SignUp).where(SignUp.status != SignupStatus.CANCELLED)
                                    .order_by(SignUp.id)).all()
        rows = [r for r in rows if r.user_id in self.people and r.user_id not in self.gone]
        if rows:
            row = rows[k % len(rows)]
            self._step(group_dates.cancel_place, self.session, self.settings, row.id, row.user)

    @rule(d=day, capacity=st.integers(2, 9))
    def change_capacity(self, d, capacity):
        event = self._occurrence(d).event
        details = dataclasses.replace(details_of(event), capacity=capacity)
        self._step(group_dates.update_event, self.session, self.settings, event, details, by=self.organiser)

    @rule(d=day)
    def cancel_date(self, d):
        self._step(group_dates.cancel_date, self.session, self.settings, self._occurrence(d), by=self.organiser)

    @rule(d=day, seed=st.integers(0, 3))
    def run_matching(self, d, seed):
        self._step(run_matching, self.session, self.settings, self.dates[d], size=(3, 5), seed=seed)

    @rule(k=st.integers(0, 99), yes=st.booleans())
    def answer(self, k, yes):
        """Someone with an open offer or a yes answers (the k-th such seat, so answers happen)."""
        seats = self.session.scalars(
            select(GroupMember).join(Group, GroupMember.group_id == Group.id)
            .where(Group.status.in_(ACTIVE_GROUPS),
                   GroupMember.status.in_((SeatStatus.OFFERED, SeatStatus.ACCEPTED)))
            .order_by(GroupMember.id)).all()
        if not seats:
            return
        seat = seats[k % len(seats)]
        if self._step(respond, self.session, self.settings, seat.group_id, seat.user, accept=yes) is not None:
            OneTruth.done["yes" if yes else "no"] = OneTruth.done.get("yes" if yes else "no", 0) + 1

    # Answers and matching runs are the heart of it; hypothesis picks among rules evenly (and
    # switches some off per example), so each has a second rule to come up more often.
    @rule(k=st.integers(0, 99), yes=st.booleans())
    def answer_again(self, k, yes):
        self.answer(k, yes)

    @rule(d=day, seed=st.integers(0, 3))
    def run_matching_again(self, d, seed):
        self.run_matching(d, seed)

    @rule(yes=st.booleans(), k=st.integers(0, 99))
    def meet_and_go_on(self, yes, k):
        """Everyone offered a group at the first date says yes, the meeting happens, its members say whether they'd meet again (all yes,
        or the k-th says no to everyone); then the second date is matched: a group that keeps
        meeting may be offered it together."""
        first = self._occurrence(0)
        after = first.ends_at + timedelta(minutes=5)
        for seat in self.session.scalars(select(GroupMember).join(Group, GroupMember.group_id == Group.id)
                                         .where(Group.occurrence_id == first.id, Group.status.in_(ACTIVE_GROUPS),
                                                GroupMember.status == SeatStatus.OFFERED)
                                         .order_by(GroupMember.id)).all():
            self._step(respond, self.session, self.settings, seat.group_id, seat.user, accept=True)  # all come
        self._step(close_finished_groups, self.session, self.settings, now=after)
        met = self.session.scalars(select(GroupMember).join(Group, GroupMember.group_id == Group.id)
                                   .where(Group.occurrence_id == first.id, Group.status == GroupStatus.MET,
                                          GroupMember.status == SeatStatus.ACCEPTED,
                                          GroupMember.feedback_at.is_(None)).order_by(GroupMember.id)).all()
        for n, seat in enumerate(met):
            again = {s.user_id: yes or n != k % max(len(met), 1) for s in seat.group.accepted if s.user_id != seat.user_id}
            self._step(save_feedback, self.session, seat.group_id, seat.user, attended=True, meet_again=again, now=after)
        counts = self._step(run_matching, self.session, self.settings, self.dates[1], size=(3, 5))
        if counts and counts.get("continued"):
            OneTruth.done["continued"] = OneTruth.done.get("continued", 0) + 1

    @rule(k=st.integers(0, 99))
    def rather_new_people(self, k):
        """Someone says "I'd rather meet new people next time" on one of their groups."""
        seats = self.session.scalars(select(GroupMember).where(
            GroupMember.status.in_((SeatStatus.OFFERED, SeatStatus.ACCEPTED))).order_by(GroupMember.id)).all()
        if seats:
            seat = seats[k % len(seats)]
            self._step(rather_meet_new, self.session, self.settings, seat.group_id, seat.user)

    @rule(d=day)
    def offers_lapse(self, d):
        later = self._occurrence(d).starts_at - ANSWER_BY / 2
        self._step(lapse_unanswered_offers, self.session, self.settings, now=later)

    @rule(i=person, j=person, never=st.booleans())
    def block_or_report(self, i, j, never):
        a, b = self._user(i), self._user(j)
        if a is None or b is None or a.id == b.id:
            return
        if never:
            self._step(report_and_maybe_block, self.session, self.settings, a, b.id, "Not kind to me",
                       centre_id=self.centre.id, group_id=None, never_group=True)
        else:
            self._step(block_person, self.session, self.settings, a, b.id)

    @rule(k=st.integers(0, 99), never=st.booleans())
    def block_a_groupmate(self, k, never):
        """Someone blocks, or reports with "never group me", a person in their own live group."""
        groups = self.session.scalars(select(Group).where(Group.status.in_(ACTIVE_GROUPS)).order_by(Group.id)).all()
        groups = [g for g in groups if len(g.active_seats) >= 2]
        if not groups:
            return
        group = groups[k % len(groups)]
        a, b = group.active_seats[k % 2].user, group.active_seats[1 - k % 2].user
        if never:
            self._step(report_and_maybe_block, self.session, self.settings, a, b.id, "Not kind to me",
                       centre_id=self.centre.id, group_id=group.id, never_group=True)
        else:
            self._step(block_person, self.session, self.settings, a, b.id, group_id=group.id)

    @rule(i=person)
    def unblock(self, i):
        user = self._user(i)
        rows = blocks_by(self.session, user.id) if user else []
        if rows:
            self._step(unblock, self.session, user, rows[0].id)

    @rule(i=person, days=st.integers(0, 12), consent=st.booleans())
    def own_choices(self, i, days, consent):
        """Pause (0 days: no pause) and consent, as the profile's last page saves them."""
        if user := self._user(i):
            paused = date.today() + timedelta(days=days) if days else None
            self._step(save_profile_step, self.session, self.settings, user.id, "needs",
                       {"include_in_matching": consent, "show_first_name": True, "paused_until": paused})

    @rule(i=person, lift=st.booleans())
    def organiser_pause(self, i, lift):
        if user := self._user(i):
            if lift:
                self._step(lift_organiser_pause, self.session, user.id)
            else:
                self._step(pause_by_organiser, self.session, self.settings, user.id, days=10, by=self.organiser)

    @rule(i=person, interests=st.sampled_from((("cooking",), ("walking", "gardening"), ("chess", "reading"))))
    def change_profile(self, i, interests):
        if user := self._user(i):
            self._step(save_step, self.session, user.id, "interests", {"interests": list(interests), "about": ""})

    @rule(i=person)
    def delete_account(self, i):
        if user := self._user(i):
            if self._step(delete_account, self.session, self.settings, user) is not None:
                self.gone.add(user.id)

    @rule(k=st.integers(0, 99))
    def look_as_resident(self, k):
        """Every page a resident reads says what the store holds (the k-th person with a seat or a
        place somewhere, so the pages looked at have something to say)."""
        busy = sorted({*self.session.scalars(select(GroupMember.user_id)), *self.session.scalars(select(SignUp.user_id))})
        busy = [uid for uid in busy if uid in self.people and uid not in self.gone]
        if not busy:
            return
        user = self.session.get(User, busy[k % len(busy)])
        client = self._client_for(user)
        groups_page = _text(client.get("/groups/"))
        home = _text(client.get("/"))
        token = self._step(new_feed, self.session, user.id)
        feed = client.get(f"/events/feed/{token}.ics").get_data(as_text=True)
        for seat in self.session.scalars(select(GroupMember).where(GroupMember.user_id == user.id)):
            if seat.status == SeatStatus.WITHDRAWN:
                continue
            words = group_words(seat)
            assert words.short in groups_page
            group_page = _text(client.get(f"/groups/{seat.group_id}"))
            assert words.sentence in group_page
            keeps = resident_continuing_words(seat)
            assert keeps is None or keeps in group_page
            if seat.group.status in ACTIVE_GROUPS:
                assert words.short.lower() in home.lower()
        for d in range(2):
            occurrence = self._occurrence(d)
            row = signup_for(self.session, occurrence.id, user.id)
            page = _text(client.get(f"/events/{occurrence.event_id}"))
            if not occurrence.is_cancelled:  # how many are going, guests and agreed first names included
                count = seat_summary(self.session, [occurrence.id])[occurrence.id]
                names = going_names(self.session, [occurrence.id])[occurrence.id]
                assert going_words(occurrence.event.capacity, count, names) in page
            if row is not None and row.status in HOLDS_SEAT + (SignupStatus.WAITLISTED, SignupStatus.HELD):
                if not occurrence.is_cancelled:
                    position = waitlist_position(self.session, row)
                    sentence = resident_seat_words(row.status, position, row.guests)
                    assert sentence in page
                    assert (str(position) in sentence) if position else (row.status != SignupStatus.WAITLISTED)
                expected = calendar_status(row.status, cancelled_date=occurrence.is_cancelled)
                assert _feed_status(feed, occurrence.id) == expected

    @rule(d=day)
    def look_as_organiser(self, d):
        """The date's list shows each person's place as the store holds it."""
        occurrence = self._occurrence(d)
        client = self._client_for(self.organiser)
        page = _text(client.get(f"/organiser/events/{occurrence.event_id}/dates/{occurrence.id}"))
        for row in self.session.scalars(select(SignUp).where(SignUp.occurrence_id == occurrence.id)):
            if row.status != SignupStatus.CANCELLED:
                assert organiser_seat_words(row, waitlist_position(self.session, row)) in page
                if row.guests:
                    assert f"(+{row.guests} guest" in page
            if row.status == SignupStatus.HELD:
                assert "held for group offers" in page

    def _client_for(self, user: User):
        """A browser-less client logged in as ``user`` (a real log-in session, no password form)."""
        if getattr(user, "login_key", None) is None:
            self._step(start_session, self.session, user, remember=False, remember_days=1)
        client = self.app.test_client()
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = user.get_id()
            flask_session["_fresh"] = True
        return client

    # ---- the rules that must always hold ----------------------------------------------------
    @invariant()
    def capacity_is_never_exceeded(self):
        if not hasattr(self, "dates"):
            return
        for occurrence_id in self.dates:
            occurrence = self.session.get(Occurrence, occurrence_id)
            taken = self.session.scalar(select(func.coalesce(func.sum(1 + SignUp.guests), 0)).where(
                SignUp.occurrence_id == occurrence_id, SignUp.status.in_(TAKES_SEAT)))
            assert taken <= occurrence.event.capacity or occurrence.is_cancelled  # guests take seats too
            assert taken == seats_taken(self.session, occurrence_id)  # the one count every page reads
            cancelled = self.session.scalar(select(func.count(SignUp.id)).where(
                SignUp.occurrence_id == occurrence_id, SignUp.status == SignupStatus.CANCELLED, SignUp.guests > 0))
            assert cancelled == 0  # cancelling frees the guests' seats too

    @invariant()
    def every_answer_stands_on_a_seat(self):
        if not hasattr(self, "dates"):
            return
        live = self.session.scalars(select(GroupMember).join(Group, GroupMember.group_id == Group.id)
                                    .where(Group.status.in_(ACTIVE_GROUPS))).all()
        holds = {}
        for seat in live:
            row = signup_for(self.session, seat.group.occurrence_id, seat.user_id)
            status = row.status if row is not None else None
            if seat.status == SeatStatus.ACCEPTED:
                assert status in HOLDS_SEAT, f"a yes without a seat: {seat.user_id} {status}"
            elif seat.status == SeatStatus.OFFERED:
                assert status in HOLDS_SEAT + (SignupStatus.HELD,), f"an offer without a seat: {status}"
                if status == SignupStatus.HELD:
                    holds[row.id] = holds.get(row.id, 0) + 1
        for row in self.session.scalars(select(SignUp).where(SignUp.status == SignupStatus.HELD)):
            assert holds.get(row.id) == 1, "a held seat with no open offer"

    @invariant()
    def every_answer_reads_as_it_is(self):
        """The words for each seat say the stored answer: a no never reads as a yes."""
        if not hasattr(self, "dates"):
            return
        for seat in self.session.scalars(select(GroupMember)):
            tone = group_words(seat).tone
            assert tone == _TONE.get((seat.status, seat.group.status.value), _TONE.get(seat.status)), (seat.status, tone)

    @invariant()
    def no_blocked_pair_shares_a_live_group(self):
        if not hasattr(self, "dates"):
            return
        blocked = {frozenset(p) for p in self.session.execute(select(Block.blocker_id, Block.blocked_id))}
        for group in self.session.scalars(select(Group).where(Group.status.in_(ACTIVE_GROUPS))):
            ids = [s.user_id for s in group.active_seats]
            assert not any(frozenset((a, b)) in blocked for a in ids for b in ids if a < b)

    @invariant()
    def nobody_paused_or_withdrawn_has_an_open_offer(self):
        if not hasattr(self, "dates"):
            return
        today = date.today()
        for seat in self.session.scalars(select(GroupMember).join(Group, GroupMember.group_id == Group.id)
                                         .where(Group.status.in_(ACTIVE_GROUPS),
                                                GroupMember.status == SeatStatus.OFFERED)):
            profile = self.session.scalar(select(Profile).where(Profile.user_id == seat.user_id))
            assert profile.include_in_matching
            assert profile.paused_until is None or profile.paused_until < today
            assert profile.organiser_paused_until is None or profile.organiser_paused_until < today

    @invariant()
    def a_choice_for_new_people_is_kept(self):
        if not hasattr(self, "dates"):
            return
        for group in self.session.scalars(select(Group).where(Group.continues_id.is_not(None))):
            source = self.session.get(Group, group.continues_id)
            said_new = {s.user_id for s in source.seats if s.rather_new_at is not None}
            if group.status in ACTIVE_GROUPS:
                offered = {s.user_id for s in group.seats if s.status == SeatStatus.OFFERED}
                assert not offered & said_new, "an offer to keep meeting after choosing new people"

    @invariant()
    def no_offer_is_sent_twice(self):
        if not hasattr(self, "dates"):
            return
        offers = self.session.scalars(select(Message).where(Message.kind == "group")).all()
        seen = set()
        for message in offers:
            link = re.search(r"/groups/(\d+)", message.body or "")
            if link is None or "Would you like to join" not in message.subject:
                continue
            key = (message.user_id, link.group(1))
            assert key not in seen, f"offer sent twice: {key}"
            seen.add(key)


#: What each answer must read as (the group's state only matters once it has met).
_TONE = {SeatStatus.OFFERED: "waiting", SeatStatus.ACCEPTED: "yes", SeatStatus.DECLINED: "no",
         SeatStatus.WITHDRAWN: "gone", (SeatStatus.ACCEPTED, "met"): "done", (SeatStatus.OFFERED, "met"): "done"}


def _text(response) -> str:
    assert response.status_code == 200, response.status_code
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def _feed_status(feed: str, occurrence_id: int) -> str | None:
    for block in feed.split("BEGIN:VEVENT")[1:]:
        if f"UID:occurrence-{occurrence_id}@" in block:
            return re.search(r"STATUS:(\w+)", block).group(1)
    return None


def test_every_page_agrees_with_the_stored_state(app):
    OneTruth.app = app  # each example runs in its own transaction, rolled back at its end
    OneTruth.done = {}
    run_state_machine_as_test(OneTruth, settings=settings(
        max_examples=200 if LONG else 15, stateful_step_count=40 if LONG else 30, deadline=None,
        derandomize=not LONG, database=None, suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate] if os.environ.get("NO_SHRINK") else list(Phase),
    ))
    print(OneTruth.done)
    for operation in ("run_matching", "yes", "no", "block_person", "report_and_maybe_block", "pause_by_organiser",
                      "save_profile_step", "delete_account", "cancel_place", "update_event", "cancel_date", "guest",
                      "save_feedback", "rather_meet_new", "continued"):
        assert OneTruth.done.get(operation), f"no example ever got to {operation}: {OneTruth.done}"
    assert Event  # the module's tables are all in play
