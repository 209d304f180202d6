"""Every model, imported once so that ``Base.metadata`` knows all tables (for Alembic and tests)."""

from store.calendars import CalendarFeed
from store.centres import Centre, Invitation, organiser_memberships
from store.db import Base
from store.events import Event, Occurrence, Venue, event_tags
from store.groups import Group, GroupMember, MeetAgain
from store.insight import ContactNote
from store.jobruns import JobRun
from store.notices import Notice
from store.outbox import Message
from store.places import GeocodeCache, Neighbourhood, Postcode
from store.profile_vectors import StoredVectorizer
from store.profiles import Profile
from store.recommendations import Recommendation
from store.signups import SignUp
from store.snapshots import GraphSnapshot
from store.social import Block, Checkin, Report, Tie
from store.users import AccountToken, Role, TokenPurpose, User

__all__ = [
    "Base",
    "Centre",
    "Invitation",
    "organiser_memberships",
    "Message",
    "Neighbourhood",
    "Postcode",
    "GeocodeCache",
    "Profile",
    "StoredVectorizer",
    "AccountToken",
    "TokenPurpose",
    "Role",
    "User",
    "Venue",
    "Event",
    "event_tags",
    "Occurrence",
    "SignUp",
    "CalendarFeed",
    "JobRun",
    "Group",
    "GroupMember",
    "MeetAgain",
    "Notice",
    "Recommendation",
    "Tie",
    "Block",
    "Report",
    "Checkin",
    "GraphSnapshot",
    "ContactNote",
]
