"""Every model, imported once so that ``Base.metadata`` knows all tables (for Alembic and tests)."""

from store.accounts.models import AccountToken, ApiIdempotency, ApiScope, ApiToken, LoginSession, Role, TokenPurpose, User
from store.centres.models import Centre, Invitation, organiser_memberships
from store.conversations.models import Post, Thread
from store.core.db import Base
from store.core.models import JobRun
from store.events.models import (
    CalendarFeed,
    Event,
    Occurrence,
    SignUp,
    Venue,
    event_tags,
)
from store.groups.models import Group, GroupMember, MeetAgain
from store.insight.models import ContactNote, GraphSnapshot
from store.messages.models import Message, MessagePreference, Notice
from store.places.models import GeocodeCache, Neighbourhood, Postcode
from store.profiles.models import Profile, StoredVectorizer
from store.recommendations.models import Recommendation
from store.social.models import Block, Checkin, Report, Tie

__all__ = [
    "Base",
    "ApiIdempotency",
    "Centre",
    "Invitation",
    "organiser_memberships",
    "Message",
    "MessagePreference",
    "Thread",
    "Post",
    "Neighbourhood",
    "Postcode",
    "GeocodeCache",
    "Profile",
    "StoredVectorizer",
    "AccountToken",
    "ApiScope",
    "ApiToken",
    "LoginSession",
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
