"""Every link an email carries, built in one place from ``settings.base_url``.

The paths here are the web app's routes; ``tests/store/test_message_templates.py`` checks each one
against the app's URL map, so a renamed page cannot leave emails pointing nowhere.
"""

from __future__ import annotations

from config import Settings

__all__ = [
    "login_link", "reset_request_link", "reset_link", "confirm_link", "invite_link", "events_link",
    "event_link", "checkin_link", "group_link", "feedback_link", "report_link", "email_change_link", "message_link",
    "conversation_link", "inbox_thread_link", "preferences_link", "centre_link", "centre_feed_link",
]


def _url(settings: Settings, path: str) -> str:
    return f"{settings.base_url}{path}"


def login_link(settings: Settings) -> str:
    return _url(settings, "/login")


def reset_request_link(settings: Settings) -> str:
    """The page where someone asks for a new password."""
    return _url(settings, "/reset")


def reset_link(settings: Settings, token: str) -> str:
    """A one-time link to choose a new password."""
    return _url(settings, f"/reset/{token}")


def confirm_link(settings: Settings, token: str) -> str:
    """A new account's email confirmation."""
    return _url(settings, f"/confirm/{token}")


def invite_link(settings: Settings, token: str) -> str:
    """An invitation to organise a centre."""
    return _url(settings, f"/invite/{token}")


def events_link(settings: Settings) -> str:
    """Everything on nearby."""
    return _url(settings, "/events/")


def event_link(settings: Settings, event_id: int, occurrence_id: int | None = None) -> str:
    """An event's page, scrolled to one of its dates when ``occurrence_id`` is given."""
    anchor = f"#date-{occurrence_id}" if occurrence_id is not None else ""
    return _url(settings, f"/events/{event_id}{anchor}")


def checkin_link(settings: Settings) -> str:
    """The weekly check-in."""
    return _url(settings, "/checkin/")


def group_link(settings: Settings, group_id: int) -> str:
    """A group's page, where a resident answers an offer or lets the group go."""
    return _url(settings, f"/groups/{group_id}")


def feedback_link(settings: Settings, group_id: int) -> str:
    """"How did it go?" after a group has met."""
    return _url(settings, f"/groups/{group_id}/feedback")


def report_link(settings: Settings, centre_id: int, report_id: int) -> str:
    """A report, on the organisers' pages of its centre."""
    return _url(settings, f"/organiser/centres/{centre_id}/reports/{report_id}")


def email_change_link(settings: Settings, token: str) -> str:
    """Confirms a new email address for an existing account (sent to the new address)."""
    return _url(settings, f"/account/email/{token}")


def message_link(settings: Settings, message_id: int) -> str:
    """One message on the person's own Messages page."""
    return _url(settings, f"/messages/{message_id}")


def conversation_link(settings: Settings, thread_id: int) -> str:
    """A resident's conversation with their centre, where they read it and write back."""
    return _url(settings, f"/messages/conversations/{thread_id}")


def inbox_thread_link(settings: Settings, thread_id: int) -> str:
    """A conversation in the organisers' inbox of its centre."""
    return _url(settings, f"/organiser/inbox/{thread_id}")


def preferences_link(settings: Settings) -> str:
    """Where a person chooses which messages they get and how often."""
    return _url(settings, "/account/messages")


def centre_link(settings: Settings, slug: str) -> str:
    """A centre's public page: its upcoming events and the feeds that follow them."""
    return _url(settings, f"/centres/{slug}")


def centre_feed_link(settings: Settings, slug: str, kind: str) -> str:
    """One of a centre's public feeds: ``kind`` is ``ics``, ``atom`` or ``jsonld``."""
    return _url(settings, f"/centres/{slug}/events.{kind}")
