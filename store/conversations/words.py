"""A conversation's state in words, one function per audience."""

from __future__ import annotations

from store.conversations.models import Thread

__all__ = ["organiser_thread_words", "resident_thread_words"]


def organiser_thread_words(thread: Thread) -> str:
    """What the organisers' inbox says about a thread."""
    if thread.handled_at is not None:
        return "Handled"
    if thread.waiting_for_centre:
        return "Waiting for a reply"
    return "Replied"


def resident_thread_words(thread: Thread) -> str:
    """What the resident's own pages say about their conversation."""
    last = thread.last_post
    if last is not None and last.from_centre:
        return f"{thread.centre.name} replied"
    return "Sent: the centre will reply here and in your messages"
