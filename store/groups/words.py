"""How a group and one's answer read: one function per audience (the resident, the organisers).

The groups list, the home page, the group page and the messages about a group all call these, so
a "no" never reads as a "yes" and "confirmed" always means the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from store.events.models import Occurrence
from store.events.times import to_local
from store.groups.models import MIX_RUN, Group, GroupMember, GroupStatus, SeatStatus, reply_by

__all__ = [
    "SeatWords", "MEETING_STATES", "meeting_state", "meeting_state_words", "reply_by_words", "resident_seat_words",
    "member_words", "organiser_group_words", "WAITING", "waiting_words", "resident_continuing_words",
    "organiser_continuing_words", "faces_choice_words",
]

#: A group's meeting as people read it: still to come, it happened, the date was cancelled, or
#: the group did not go ahead. Worked out from the stored states (group, date, clock), never stored.
MEETING_STATES = ("coming", "happened", "cancelled", "not_going_ahead")


def meeting_state(group: Group, occurrence: Occurrence, now: datetime) -> str:
    """Which of ``MEETING_STATES`` a group's meeting is in, from its status, its date and the time."""
    if group.status == GroupStatus.DISSOLVED:
        return "not_going_ahead"
    if occurrence.is_cancelled:
        return "cancelled"
    if group.status == GroupStatus.MET or occurrence.ends_at <= now:
        return "happened"
    return "coming"


def meeting_state_words(state: str) -> str:
    """The words beside a group's date on every page: "coming up", "this has happened", ...

    >>> meeting_state_words("happened")
    'this has happened'
    """
    return {"coming": "coming up", "happened": "this has happened", "cancelled": "this date was cancelled",
            "not_going_ahead": "didn't go ahead"}[state]


def reply_by_words(starts_at: datetime, tz_name: str) -> str:
    """When an offer must be answered, on the event's own clock: "Please reply by Monday 7 Dec, 00:30".

    >>> from datetime import timezone
    >>> reply_by_words(datetime(2026, 12, 7, 12, 30, tzinfo=timezone.utc), "Europe/London")
    'Please reply by Monday 7 Dec, 00:30'
    """
    local = to_local(reply_by(starts_at), tz_name)
    return f"Please reply by {local:%A} {local.day} {local:%b}, {local:%H:%M}"


@dataclass(frozen=True)
class SeatWords:
    """``short`` for lists, ``sentence`` for the group's own page, ``tone`` for styling
    (``waiting``, ``yes``, ``no``, ``done`` or ``gone``)."""

    short: str
    sentence: str
    tone: str


def resident_seat_words(seat: GroupMember, state: str | None = None) -> SeatWords:
    """What the person whose seat it is reads about their group and their own answer; ``state``
    (``meeting_state``) once known, so that a meeting that has ended never reads as still to come.

    >>> import store.models  # every table, so the mappers can be built
    >>> from store.groups.models import Group, GroupMember
    >>> seat = GroupMember(status=SeatStatus.DECLINED); seat.group = Group(status=GroupStatus.PROPOSED)
    >>> resident_seat_words(seat).short
    'You said no'
    """
    group, status = seat.group, seat.status
    if status == SeatStatus.WITHDRAWN:
        if group.status == GroupStatus.DISSOLVED:
            return SeatWords("This group didn't go ahead",
                             "Not quite enough people could make it this time, so this group didn't go ahead. "
                             "We'll suggest another.", "gone")
        return SeatWords("The group changed", "This group changed and went ahead without you this time. "
                         "We'll suggest another group for you soon.", "gone")
    if status == SeatStatus.DECLINED:
        return SeatWords("You said no", "You said no to this group. Thank you for letting us know.", "no")
    if state == "cancelled":
        return SeatWords("This date was cancelled", "Sorry: the centre cancelled this date, so the group "
                         "won't meet. We'll suggest another.", "gone")
    if group.status == GroupStatus.MET or (state == "happened" and status == SeatStatus.ACCEPTED):
        return SeatWords("You met", "You met with this group.", "done")
    if state == "happened":
        return SeatWords("The meeting has happened", "This meeting has happened; the offer has closed.", "gone")
    if status == SeatStatus.OFFERED:
        return SeatWords("Waiting for your answer", "We've kept you a seat while you decide.", "waiting")
    if group.status == GroupStatus.CONFIRMED:
        return SeatWords("You said yes, and the group is on",
                         "You're coming, and the group is confirmed. Your seat at the event is booked.", "yes")
    return SeatWords("You said yes; waiting for others",
                     "You're coming; we'll tell you once enough people have said yes. Your seat at the event "
                     "is booked.", "yes")


def member_words(other: GroupMember, state: str = "coming") -> str:
    """How another member's answer reads to the rest of their group, as the meeting's ``state``
    (one of ``MEETING_STATES``) has it: "coming" only while the meeting is still to come.

    >>> member_words(GroupMember(status=SeatStatus.ACCEPTED), "happened")
    'said they would come'
    """
    if other.status == SeatStatus.ACCEPTED:
        return {"coming": "coming", "happened": "said they would come"}.get(state, "had said yes")
    return "invited" if state == "coming" else "didn't answer"


def organiser_group_words(group: Group) -> str:
    """A group's state as organisers read it, with who has answered."""
    coming = len(group.accepted)
    invited = len(group.active_seats)
    if group.status == GroupStatus.PROPOSED:
        return f"Proposed: {coming} of {invited} said yes"
    if group.status == GroupStatus.CONFIRMED:
        waiting = invited - coming
        return f"Confirmed: {coming} coming" + (f", {waiting} still to answer" if waiting else "")
    if group.status == GroupStatus.MET:
        return f"Met: {coming} came"
    return "Didn't go ahead"


def resident_continuing_words(seat: GroupMember, group: Group | None = None) -> str | None:
    """What a member reads about their group keeping on meeting (the group page, the offer): that
    they chose to meet new people next time, that this is a group that keeps meeting, or nothing.
    ``group`` is the seat's group when the caller has it loaded already.

    >>> import store.models  # every table, so the mappers can be built
    >>> from datetime import timezone
    >>> seat = GroupMember(status=SeatStatus.OFFERED); seat.group = Group(status=GroupStatus.PROPOSED, continues_id=3)
    >>> resident_continuing_words(seat)[:31]
    'This group keeps meeting: most '
    >>> seat.rather_new_at = datetime(2026, 12, 1, tzinfo=timezone.utc)
    >>> resident_continuing_words(seat)[:39]
    'You chose to meet new people next time.'
    """
    if seat.rather_new_at is not None:
        return ("You chose to meet new people next time. We won't offer this group's next date to you "
                "together; we'll suggest new neighbours instead.")
    if (group if group is not None else seat.group).continues_id is not None:
        return ("This group keeps meeting: most of you said you'd like to meet again, so you're offered "
                "this date together, before we form new groups.")
    return None


def organiser_continuing_words(group: Group, meetings: int = 2) -> str:
    """How organisers read a standing group on a date's groups: "" for a group formed afresh.
    ``meetings`` is how many meetings its run holds (``continuing.meetings_in_a_row``).

    >>> organiser_continuing_words(Group(continues_id=7), 3)
    'Keeps meeting: their 3rd date together'
    >>> organiser_continuing_words(Group())
    ''
    """
    if group.continues_id is None:
        return ""
    nth = {1: "1st", 2: "2nd", 3: "3rd"}.get(meetings, f"{meetings}th")
    return f"Keeps meeting: their {nth} date together"


def faces_choice_words() -> str:
    """What the profile's "New faces or familiar ones?" choice means for groups that keep meeting
    (``store.groups.continuing``), beside the question.

    >>> faces_choice_words()[:36]
    'Some of us want to meet lots of new '
    """
    return ("Some of us want to meet lots of new people; some would rather see the same friendly faces. "
            "When most of a group would like to meet again, we offer them the next date together. "
            "Familiar faces keep meeting their group; a mix (also if you don't choose) meets it up to "
            f"{MIX_RUN} times in a row, then new people too; new people are always matched afresh.")


#: Why a resident has no group yet, each in words on the Groups page (``store.groups.standing``
#: decides which applies).
WAITING: dict[str, str] = {
    "no_profile": "We need to know a little about you first: what you enjoy, when you're free and roughly "
                  "where you live. Then we can suggest a small group of neighbours.",
    "no_home": "We need to know roughly where you live (never shown to anyone) to find neighbours near you.",
    "not_matching": "You've chosen not to be placed in groups. You can change that in your profile at any time.",
    "paused": "You've paused group suggestions until {until}. We'll start suggesting groups again after that.",
    "on_hold": "Group suggestions are on hold for now. You're still welcome at any of the centre's events.",
    "no_availability": "You haven't told us when you're free, so we can't find a time to meet. Add the times "
                       "that suit you in your profile.",
    "no_dates": "Nothing is planned near you at the times you're free in the next two weeks. We'll look "
                "again as new events are posted; adding more times in your profile helps.",
    "waiting": "Your profile is complete. We look for neighbours to meet every few hours; your first "
               "suggestion will appear here and in your messages.",
}


def waiting_words(reason: str, **facts) -> str:
    """The Groups page's words when a resident has no group, for a ``WAITING`` reason.

    >>> waiting_words("paused", until="Friday 4 December")[:43]
    "You've paused group suggestions until Frida"
    """
    return WAITING[reason].format(**facts)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


