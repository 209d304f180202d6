"""Which messages a person gets and how often: the topics, what always arrives, and the choices.

Every message's topic comes from its template (``TEMPLATE_TOPICS``); a template not named there is
one that must always arrive (security, email confirmation, cancellations and changes of what a
person signed up for, their places, replies to their own messages). :func:`delivery_for` is the
rule the outbox applies when a message is queued: send it now, hold it for the daily summary, or
do not queue it at all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from store.core.errors import HearthError
from store.messages.models import MessagePreference

__all__ = [
    "ALWAYS", "NOW", "DAILY", "OFF", "FREQUENCY_WORDS", "Topic", "TOPICS", "TEMPLATE_TOPICS", "ALWAYS_ARRIVE",
    "PreferenceError", "topic_of", "preferences_for", "set_preferences", "delivery_for",
]

ALWAYS, NOW, DAILY, OFF = "always", "now", "daily", "off"

#: The words each choice is shown with (the account page and the tests use these).
FREQUENCY_WORDS = {NOW: "As they happen", DAILY: "In one daily summary", OFF: "Don't send these"}


class PreferenceError(HearthError):
    """A choice that is not one of the choices offered."""


@dataclass(frozen=True)
class Topic:
    key: str
    label: str
    hint: str
    choices: tuple[str, ...]


#: The kinds of message a person may choose about, in the order the account page shows them.
#: Group offers and reminders are time-bound (an offer lapses, a reminder is for today), so they
#: come as they happen or not at all; the others can wait for a daily summary.
TOPICS: tuple[Topic, ...] = (
    Topic("group_offers", "Group offers",
          "When Hearth finds a small group of neighbours for you to meet.", (NOW, OFF)),
    Topic("reminders", "Reminders",
          "Two days and two hours before something you have a place at.", (NOW, OFF)),
    Topic("feedback", "Feedback requests",
          "“How did it go?” after a group meets, and the weekly check-in.", (NOW, DAILY, OFF)),
    Topic("news", "Recommendations and news",
          "Events we think you would enjoy, and news from Hearth.", (NOW, DAILY, OFF)),
)
_BY_KEY = {t.key: t for t in TOPICS}

#: The template of each message a person can choose about, and its topic.
TEMPLATE_TOPICS: Mapping[str, str] = {
    "group_offer": "group_offers",
    "event_reminder": "reminders",
    "group_feedback": "feedback",
    "checkin_invite": "feedback",
}

#: What always arrives, in the words the account page uses.
ALWAYS_ARRIVE: tuple[str, ...] = (
    "Security and your account: email confirmation, password resets",
    "Cancellations and changes of something you signed up for, and your places",
    "Replies to a message you wrote",
)


def topic_of(template: str | None) -> str:
    """The topic of a message written from ``template`` (``"always"`` unless it can be chosen)."""
    return TEMPLATE_TOPICS.get(template or "", ALWAYS)


def preferences_for(session: Session, user_id: int) -> dict[str, str]:
    """Every topic's choice for ``user_id``: ``{"group_offers": "now", ...}`` (no row means now)."""
    chosen = dict(session.execute(
        select(MessagePreference.topic, MessagePreference.frequency).where(MessagePreference.user_id == user_id)
    ).all())
    return {t.key: chosen.get(t.key, NOW) if chosen.get(t.key, NOW) in t.choices else NOW for t in TOPICS}


def set_preferences(session: Session, user_id: int, choices: Mapping[str, str]) -> dict[str, str]:
    """Store ``choices`` (topic -> frequency) for ``user_id``; topics left out keep theirs.

    A topic that does not exist (an "always" kind included) or a frequency a topic does not offer
    is refused and nothing changes."""
    for key, frequency in choices.items():
        topic = _BY_KEY.get(key)
        if topic is None:
            raise PreferenceError("Those messages always arrive, so they can't be changed.", field=key)
        if frequency not in topic.choices:
            raise PreferenceError(f"Please choose how often you'd like {topic.label.lower()}.", field=key)
    for key, frequency in choices.items():
        session.execute(delete(MessagePreference).where(MessagePreference.user_id == user_id,
                                                        MessagePreference.topic == key))
        if frequency != NOW:
            session.add(MessagePreference(user_id=user_id, topic=key, frequency=frequency))
    session.flush()
    return preferences_for(session, user_id)


def delivery_for(session: Session, user_id: int | None, topic: str) -> str:
    """How a message of ``topic`` to ``user_id`` goes: ``now``, ``daily`` (held) or ``off`` (not queued).

    Messages that must always arrive, and messages to an address with no account, go now."""
    if user_id is None or topic not in _BY_KEY:
        return NOW
    frequency = session.scalar(select(MessagePreference.frequency).where(
        MessagePreference.user_id == user_id, MessagePreference.topic == topic))
    return frequency if frequency in _BY_KEY[topic].choices else NOW
