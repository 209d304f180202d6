"""A resident's own choices about matching, and what they mean for their live offers.

Saving the "needs" step can pause matching or withdraw consent; then no live offer and no held
seat of theirs remain (a group they already said yes to stays as it is). The profile feature saves
the answers; this is the operation pages call, so the consequence has one home.
"""

from __future__ import annotations

from typing import Any, Mapping

from sqlalchemy.orm import Session

from config import Settings
from store.groups.offers import withdraw_open_offers
from store.profiles.models import Profile
from store.profiles.operations import is_matchable, save_step

__all__ = ["save_profile_step"]


def save_profile_step(session: Session, settings: Settings, user_id: int, step: str,
                      answers: Mapping[str, Any]) -> tuple[Profile, list[int]]:
    """Save one questionnaire step (``store.profiles.operations.save_step``); if the person is no
    longer matchable (paused, or consent withdrawn), take back their unanswered offers and the
    seats held for them. Returns the profile and the dates whose groups need rematching."""
    profile = save_step(session, user_id, step, answers)
    rematch: list[int] = []
    if not is_matchable(profile):
        rematch = withdraw_open_offers(session, settings, user_id)
    return profile, rematch
