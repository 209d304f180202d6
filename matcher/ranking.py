"""Event ranking for members: content, distance, time, ties, graph walk, host, popularity, MMR."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Iterable, Mapping, Sequence

import numpy as np
from sklearn.base import BaseEstimator

from matcher.defaults import TRAVEL_KM
from matcher.ranking_features import ContentModel
from matcher.ranking_query import score_candidates
from matcher.ranking_reasons import explain
from matcher.ranking_signals import mmr_select
from matcher.slots import SLOTS, time_slot

__all__ = ["Event", "Member", "Attendance", "Recommendation", "EventRanker", "SIGNALS",
           "DEFAULT_WEIGHTS"]

SIGNALS = ("content", "distance", "time", "soon", "ties", "graph", "host", "popularity")
# Chosen on the tuning halves of the Montana and Los Angeles members only (bench/ranking_tune.py,
# coordinate ascent on HR@10 + NDCG@10); the held-out halves judge them. See matcher/RANKING.md.
DEFAULT_WEIGHTS = {"content": 1.0, "distance": 0.5, "time": 0.25, "soon": 1.0, "ties": 16.0,
                   "graph": 32.0, "host": 32.0, "popularity": 1.0}
_DAY = 86400.0


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


@dataclass(frozen=True)
class Event:
    """An event on offer. ``start`` is read on its own wall clock for the time slot.

    ``host`` is who runs it (a community centre, a group); ``lat``/``lon`` may be missing.

    Examples
    --------
    >>> Event("e1", "Walk", start=datetime(2026, 5, 2, 9), tags=("walking",)).tags
    ('walking',)
    """

    id: str
    title: str = ""
    description: str = ""
    tags: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    start: datetime = datetime(1970, 1, 1, tzinfo=timezone.utc)
    host: str | None = None


@dataclass(frozen=True)
class Member:
    """What a member told us: interest tags, availability slots, home (coarse) and travel limit.

    Examples
    --------
    >>> Member("m1", interests=("walking",), availability=("sat_morning",)).travel_km is None
    True
    """

    id: str
    interests: tuple[str, ...] = ()
    availability: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    travel_km: float | None = None


@dataclass(frozen=True)
class Attendance:
    """A member going to an event; ``at`` is when they signed up, if known.

    A record counts as history once its event has started; before that it counts as a visible
    sign-up only if ``at`` is known and earlier than the ranking time.

    Examples
    --------
    >>> Attendance("m1", "e1").at is None
    True
    """

    member_id: str
    event_id: str
    at: datetime | None = None


@dataclass(frozen=True)
class Recommendation:
    """One ranked event: its score (relevance less redundancy, at least 0), reason and signals.

    Examples
    --------
    >>> Recommendation("e1", 0.5, "Close to you (1.2 km).").as_dict()
    {'id': 'e1', 'score': 0.5, 'reason': 'Close to you (1.2 km).'}
    """

    event_id: str
    score: float
    reason: str
    signals: Mapping[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict:
        """The JSON form used by the command line: ``{"id", "score", "reason"}``.

        Examples
        --------
        >>> Recommendation("e1", 1 / 3, "Near.").as_dict()["score"]
        0.333333
        """
        return {"id": self.event_id, "score": round(float(self.score), 6), "reason": self.reason}


class EventRanker(BaseEstimator):
    """Rank upcoming events for a member from what was known at a given time.

    Eight signals, each in [0, 1] with 0.5 or a constant when unknown: ``content`` (TF-IDF cosine
    of the event's tags and text with the member's interests and recent events), ``distance``
    (halving every ``travel_km``; from home, or else where the member usually goes), ``time``
    (the event's weekday-and-part-of-day slot against stated availability), ``soon`` (halving
    every ``soon_days`` until the event starts), ``ties`` (people the member has attended with
    who signed up, or who usually go to the event's host), ``graph`` (personalised PageRank on
    the member-event-host graph), ``host`` (share of the member's recent events by the same
    host), ``popularity`` (sign-ups so far and the host's usual turnout). The score is their
    weighted mean; the top ``k`` is then diversified by maximal marginal relevance.

    Parameters
    ----------
    weights : mapping, optional
        Weight per signal (missing signals weigh 0 when given; defaults to ``DEFAULT_WEIGHTS``).
    half_life_days : float
        Recency half-life for the member's history and for ties.
    travel_km : float
        Distance at which the distance signal halves when the member gives no travel limit
        (default ``matcher.defaults.TRAVEL_KM``, the travel range matching assumes too).
    soon_days : float
        Days until the start at which the ``soon`` signal halves.
    interest_weight : float
        Weight of stated interests against past events in the content profile.
    tag_weight : float
        Weight of the tag block against the text block in event vectors.
    pagerank_alpha : float
        Probability of following an edge in the graph walk.
    mmr_lambda : float
        Relevance against novelty in the top ``k`` (1 switches diversification off).

    Examples
    --------
    >>> t = lambda d: datetime(2026, 5, d, 18, tzinfo=timezone.utc)
    >>> events = [Event("a", "Walk", tags=("walking",), start=t(1)),
    ...           Event("b", "Walk again", tags=("walking",), start=t(8)),
    ...           Event("c", "Chess", tags=("chess",), start=t(8))]
    >>> ranker = EventRanker().fit(events, [Attendance("m", "a")], [Member("m")])
    >>> [r.event_id for r in ranker.rank("m", as_of=t(5))]
    ['b', 'c']
    """

    def __init__(self, weights: Mapping[str, float] | None = None, *, half_life_days: float = 180.0,
                 travel_km: float = TRAVEL_KM, soon_days: float = 30.0, interest_weight: float = 1.0,
                 tag_weight: float = 1.0, pagerank_alpha: float = 0.85, mmr_lambda: float = 0.95):
        self.weights = weights
        self.half_life_days = half_life_days
        self.travel_km = travel_km
        self.soon_days = soon_days
        self.interest_weight = interest_weight
        self.tag_weight = tag_weight
        self.pagerank_alpha = pagerank_alpha
        self.mmr_lambda = mmr_lambda

    # ------------------------------------------------------------------ fitting
    def fit(self, events: Sequence[Event], attendance: Iterable = (),
            members: Sequence[Member] = ()) -> "EventRanker":
        """Index events, members and attendance; fit the TF-IDF content model on event text.

        ``attendance`` holds :class:`Attendance` records or ``(member_id, event_id[, at])``
        tuples; an unknown event id raises ``ValueError``. Members seen only in attendance are
        added without a profile. Returns ``self``.

        Examples
        --------
        >>> start = datetime(2026, 5, 1, 18, tzinfo=timezone.utc)
        >>> ranker = EventRanker().fit([Event("a", start=start)], [("m", "a")])
        >>> ranker.member_ids_, ranker.n_events_
        (['m'], 1)
        """
        weights = dict(DEFAULT_WEIGHTS if self.weights is None else self.weights)
        unknown = set(weights) - set(SIGNALS)
        if unknown:
            raise ValueError(f"unknown signal(s) {sorted(unknown)}; expected some of {SIGNALS}")
        self.weights_ = {s: float(weights.get(s, 0.0)) for s in SIGNALS}
        self.events_ = list(events)
        self.event_index_ = {e.id: i for i, e in enumerate(self.events_)}
        if len(self.event_index_) != len(self.events_):
            raise ValueError("event ids must be unique")
        n = len(self.events_)
        self.start_ = np.array([_utc(e.start).timestamp() for e in self.events_], dtype=float)
        self.lat_ = np.array([np.nan if e.lat is None else e.lat for e in self.events_], dtype=float)
        self.lon_ = np.array([np.nan if e.lon is None else e.lon for e in self.events_], dtype=float)
        self.slot_ = np.array([SLOTS.index(time_slot(e.start)) for e in self.events_], dtype=int)
        hosts = sorted({e.host for e in self.events_ if e.host is not None})
        self.hosts_ = hosts
        host_index = {h: i for i, h in enumerate(hosts)}
        self.host_ = np.array([host_index.get(e.host, -1) for e in self.events_], dtype=int)
        self.content_ = ContentModel(tag_weight=self.tag_weight).fit(self.events_)
        self.members_ = {m.id: m for m in members}
        member_ids = list(self.members_)
        seen = set(member_ids)
        rows: dict[tuple[str, int], float] = {}
        for record in attendance:
            if not isinstance(record, Attendance):
                record = Attendance(*record)
            if record.event_id not in self.event_index_:
                raise ValueError(f"attendance names an unknown event {record.event_id!r}")
            if record.member_id not in seen:
                seen.add(record.member_id)
                member_ids.append(record.member_id)
            at = np.nan if record.at is None else _utc(record.at).timestamp()
            key = (record.member_id, self.event_index_[record.event_id])
            # a pair listed twice keeps its earliest known sign-up time
            known = [v for v in (rows.get(key, np.nan), at) if not math.isnan(v)]
            rows[key] = min(known) if known else np.nan
        self.member_ids_ = member_ids
        self.member_index_ = {m: i for i, m in enumerate(member_ids)}
        self.att_member_ = np.array([self.member_index_[m] for m, _ in rows], dtype=int)
        self.att_event_ = np.array([e for _, e in rows], dtype=int)
        self.att_at_ = np.array(list(rows.values()), dtype=float)
        self.n_events_ = n
        return self

    # ------------------------------------------------------------------ ranking
    def rank(self, member_id: str, candidate_event_ids: Iterable[str] | None = None, k: int = 10,
             *, as_of: datetime | None = None, say_when: bool = True,
             one_per: Mapping[str, object] | None = None, look_ahead: int = 4) -> list[Recommendation]:
        """The top ``k`` events for a member, best first, each with its score and reason.

        Only events starting at or after ``as_of`` are ranked (all events when it is None), and
        only attendance of events that started before ``as_of``, or sign-ups made before it, is
        used. Events the member already attends are left out. ``candidate_event_ids`` (default:
        every event) narrows the choice; an unknown id raises ``KeyError``. With ``say_when``
        False the reasons never say how soon an event is (for reasons stored and read later).
        With ``one_per`` (candidate id to a key, e.g. the dates of one repeating event to the
        event), at most one candidate per key is kept: the first ``look_ahead * k`` picks are made
        as usual and the first of each key kept, so the same events come out as ranking that many
        and keeping one per key afterwards, and only the kept ones pay for their reasons.

        Examples
        --------
        >>> t = lambda d: datetime(2026, 5, d, 18, tzinfo=timezone.utc)
        >>> events = [Event("a", "Walk", tags=("walking",), start=t(1)),
        ...           Event("b", "Walk", tags=("walking",), start=t(8))]
        >>> ranker = EventRanker().fit(events, [("m", "a")], [Member("m")])
        >>> rec = ranker.rank("m", ["a", "b"], k=5, as_of=t(5))[0]
        >>> rec.event_id, rec.reason
        ('b', 'About walking; coming up in 3 days.')
        """
        scored = score_candidates(self, member_id, candidate_event_ids, as_of)
        cand = scored["candidates"]
        if cand.size == 0 or k <= 0:
            return []
        relevance = scored["relevance"]
        pool = np.lexsort((np.arange(cand.size), -relevance))[: max(5 * k, 50)]
        sim = self.content_.similarity(cand[pool])
        # MMR trades relevance against redundancy on the scale of the best candidate, so the
        # trade-off means the same for a member with rich history and for a newcomer
        top = float(relevance[pool[0]])
        scale = top if top > 0 else 1.0
        wanted = k if one_per is None else min(pool.size, look_ahead * k)
        picked = mmr_select(relevance[pool] / scale, sim, wanted, lambda_=self.mmr_lambda)
        out: list[Recommendation] = []
        taken: set = set()
        penalty = scale * (1 - self.mmr_lambda) / self.mmr_lambda if self.mmr_lambda < 1 else 0.0
        max_sim = np.zeros(pool.size)
        for p in picked:
            i = int(pool[p])
            score = max(0.0, float(relevance[i] - penalty * max_sim[p]))
            max_sim = np.maximum(max_sim, sim[p])
            if one_per is not None:
                key = one_per[self.events_[cand[i]].id]
                if key in taken or len(out) >= k:
                    continue
                taken.add(key)
            contributions = {s: self.weights_[s] * float(scored[s][i]) for s in SIGNALS}
            signals = {s: float(scored[s][i]) for s in SIGNALS}
            signals["relevance"] = float(relevance[i])
            detail = scored["detail"](i)
            out.append(Recommendation(self.events_[cand[i]].id, score,
                                      explain(detail, _above_neutral(contributions, signals), say_when=say_when),
                                      signals))
        return out


def _above_neutral(contributions: Mapping[str, float], signals: Mapping[str, float]) -> dict:
    """Only signals clearly in the event's favour earn a mention."""
    return {s: (c if signals[s] > 0.5 or s in ("content", "ties", "host", "graph") else 0.0)
            for s, c in contributions.items()}

