"""Every model, imported once so that ``Base.metadata`` knows all tables (for Alembic and tests)."""

from store.calendars import CalendarFeed
from store.centres import Centre, Invitation, organiser_memberships
from store.db import Base
from store.events import Event, Occurrence, Venue, event_tags
from store.outbox import Message
from store.places import GeocodeCache, Neighbourhood, Postcode
from store.profile_vectors import StoredVectorizer
from store.profiles import Profile
from store.signups import SignUp
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
]
