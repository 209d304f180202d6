"""Why a group, in words: the organisers' reason for a whole group and each reader's own reason
(which names only what that reader shares with the group, and never a score)."""

from __future__ import annotations

from matcher._explain import join_names, reader_reason, reason

__all__ = ["join_names", "reason", "reader_reason"]
