"""How a group and one's answer read: one function per audience (the resident, the organisers).

The groups list, the home page, the group page and the messages about a group all call these, so
a "no" never reads as a "yes" and "confirmed" always means the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.groups.models import Group, GroupMember, GroupStatus, SeatStatus

__all__ = ["SeatWords", "resident_seat_words", "member_words", "organiser_group_words"]


@dataclass(frozen=True)
class SeatWords:
    """``short`` for lists, ``sentence`` for the group's own page, ``tone`` for styling
    (``waiting``, ``yes``, ``no``, ``done`` or ``gone``)."""

    short: str
    sentence: str
    tone: str


def resident_seat_words(seat: GroupMember) -> SeatWords:
    """What the person whose seat it is reads about their group and their own answer.

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
    if group.status == GroupStatus.MET:
        return SeatWords("You met", "You met with this group.", "done")
    if status == SeatStatus.OFFERED:
        return SeatWords("Waiting for your answer", "We've kept you a seat while you decide.", "waiting")
    if group.status == GroupStatus.CONFIRMED:
        return SeatWords("You said yes, and the group is on",
                         "You're coming, and the group is confirmed. Your seat at the event is booked.", "yes")
    return SeatWords("You said yes; waiting for others",
                     "You're coming; we'll tell you once enough people have said yes. Your seat at the event "
                     "is booked.", "yes")


def member_words(other: GroupMember) -> str:
    """How another member's answer reads to the rest of their group."""
    return "coming" if other.status == SeatStatus.ACCEPTED else "invited"


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
