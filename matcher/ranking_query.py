"""Scoring one member's candidate events at one moment, from what was known at that moment."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Iterable

import numpy as np
from scipy import sparse

from matcher.compat import haversine_km
from matcher.ranking_features import weighted_location
from matcher.ranking_signals import personalized_pagerank, recency_weights
from matcher.slots import SLOTS, days_until

__all__ = ["score_candidates"]

_DAY = 86400.0


def _timestamp(as_of: datetime | None) -> float:
    if as_of is None:
        return np.inf
    if as_of.tzinfo is None:
        as_of = as_of.replace(tzinfo=timezone.utc)
    return as_of.timestamp()


def _calendar_days(start: datetime, as_of: datetime) -> int:
    """Calendar days until ``start`` on its own wall clock (naive times are UTC, as everywhere here)."""
    aware = start if start.tzinfo is not None else start.replace(tzinfo=timezone.utc)
    return days_until(aware, as_of if as_of.tzinfo is not None else as_of.replace(tzinfo=timezone.utc))


def _candidates(r, ids: Iterable[str] | None, t: float, own: np.ndarray) -> np.ndarray:
    if ids is None:
        idx = np.arange(r.n_events_)
    else:
        try:
            idx = np.array(sorted({r.event_index_[i] for i in ids}), dtype=int)
        except KeyError as exc:
            raise KeyError(f"unknown event id {exc.args[0]!r}") from None
    idx = idx[r.start_[idx] >= t] if np.isfinite(t) else idx
    idx = idx[~np.isin(idx, own)]
    return idx[np.lexsort((idx, r.start_[idx]))]  # sooner first, so ties favour them


def _graph_scores(r, member: int, visible: np.ndarray, cand: np.ndarray) -> np.ndarray:
    """Personalised PageRank from the member on the member-event-host graph, at the candidates."""
    nm, ne, nh = len(r.member_ids_), r.n_events_, len(r.hosts_)
    m_nodes = r.att_member_[visible]
    e_nodes = nm + r.att_event_[visible]
    hosted = np.flatnonzero(r.host_ >= 0)
    rows = np.concatenate([m_nodes, nm + hosted])
    cols = np.concatenate([e_nodes, nm + ne + r.host_[hosted]])
    n = nm + ne + nh
    A = sparse.coo_matrix((np.ones(rows.size), (rows, cols)), shape=(n, n)).tocsr()
    A = A + A.T
    seed = np.zeros(n)
    seed[member] = 1.0
    p = personalized_pagerank(A, seed, alpha=r.pagerank_alpha, max_iter=30, tol=1e-8)
    scores = p[nm + cand]
    top = scores.max() if scores.size else 0.0
    return scores / top if top > 0 else np.zeros(cand.size)


def score_candidates(r, member_id: str, candidate_ids: Iterable[str] | None,
                     as_of: datetime | None) -> dict[str, Any]:
    """Every signal of every candidate event for ``member_id`` as of ``as_of``.

    Returns a dictionary with ``candidates`` (event indices), one array per signal, the combined
    ``relevance`` and ``detail(i)``, the facts behind candidate ``i`` for its reason.

    Examples
    --------
    >>> from matcher.ranking import EventRanker, Event
    >>> t = datetime(2026, 5, 1, 18, tzinfo=timezone.utc)
    >>> r = EventRanker().fit([Event("a", "Walk", start=t)])
    >>> score_candidates(r, "nobody", None, None)["candidates"].tolist()
    [0]
    """
    t = _timestamp(as_of)
    w = r.weights_
    member = r.member_index_.get(member_id, -1)
    profile = r.members_.get(member_id)
    ev_start = r.start_[r.att_event_]
    past = ev_start < t
    visible = past | (r.att_at_ < t)  # NaN sign-up times compare False
    mine = r.att_member_ == member
    own = np.unique(r.att_event_[mine & visible]) if member >= 0 else np.zeros(0, dtype=int)
    cand = _candidates(r, candidate_ids, t, own)
    n = cand.size
    t_ref = t if np.isfinite(t) else (float(r.start_.max()) + 1.0 if r.n_events_ else 0.0)

    hist = r.att_event_[mine & past] if member >= 0 else np.zeros(0, dtype=int)
    hist = hist[np.argsort(r.start_[hist], kind="stable")]
    hw = recency_weights((t_ref - r.start_[hist]) / _DAY, r.half_life_days)
    out: dict[str, Any] = {"candidates": cand}
    zeros = np.zeros(n)

    # content
    interests = profile.interests if profile else ()
    vec = r.content_.profile(interests, hist, hw, r.interest_weight)
    has_vec = bool(np.any(vec))
    out["content"] = np.clip(r.content_.X_[cand] @ vec, 0.0, 1.0) if has_vec and n else zeros

    # host: recency-weighted share of the member's history run by the same host
    nh = len(r.hosts_)
    hh = r.host_[hist]
    host_w = np.bincount(hh[hh >= 0], weights=hw[hh >= 0], minlength=nh) if nh else np.zeros(0)
    host_n = np.bincount(hh[hh >= 0], minlength=nh) if nh else np.zeros(0, dtype=int)
    ch = r.host_[cand]
    total = hw.sum()
    out["host"] = np.where(ch >= 0, host_w[np.maximum(ch, 0)] / total, 0.0) if total > 0 and nh \
        else zeros

    # ties and popularity from visible sign-ups of others
    others = visible & ~mine
    ne = r.n_events_
    going = np.bincount(r.att_event_[others], minlength=ne).astype(float)
    tie_strength = np.zeros(len(r.member_ids_))
    if hist.size:
        # a shared event makes a tie in inverse proportion to the root of its size: meeting
        # at a supper for six counts for more than meeting at a talk for a hundred
        size = np.bincount(r.att_event_[past], minlength=ne).astype(float)
        hist_w = np.bincount(hist, weights=hw, minlength=ne) / np.sqrt(np.maximum(size, 1.0))
        sel = past & ~mine
        tie_strength = np.bincount(r.att_member_[sel], weights=hist_w[r.att_event_[sel]],
                                   minlength=len(r.member_ids_))
    sel = others & (tie_strength[r.att_member_] > 0)
    ties_raw = np.bincount(r.att_event_[sel], weights=tie_strength[r.att_member_[sel]],
                           minlength=ne)
    ties_n = np.bincount(r.att_event_[sel], minlength=ne)
    ties_c = ties_raw[cand]
    if nh and tie_strength.any():
        # people the member has met who usually go to this host's events (recency-weighted share)
        sel = past & ~mine & (tie_strength[r.att_member_] > 0) & (r.host_[r.att_event_] >= 0)
        aw = recency_weights((t_ref - ev_start[sel]) / _DAY, r.half_life_days)
        um, uh = r.att_member_[sel], r.host_[r.att_event_[sel]]
        per_member = np.bincount(um, weights=aw, minlength=len(r.member_ids_))
        share = aw / per_member[um]
        via_host = np.bincount(uh, weights=share * tie_strength[um], minlength=nh)
        ties_c = ties_c + np.where(ch >= 0, via_host[np.maximum(ch, 0)], 0.0)
    out["ties"] = 1.0 - np.exp(-ties_c)

    days = np.maximum(r.start_[cand] - t_ref, 0.0) / _DAY if np.isfinite(t) else np.zeros(n)
    out["soon"] = np.power(0.5, days / r.soon_days) if r.soon_days > 0 else np.ones(n)

    # popularity: sign-ups so far, and the host's usual turnout recently
    ph = r.host_[r.att_event_[past]]
    pw = recency_weights((t_ref - ev_start[past]) / _DAY, r.half_life_days)
    host_att = np.bincount(ph[ph >= 0], weights=pw[ph >= 0], minlength=nh) if nh else np.zeros(0)
    held = (r.start_ < t) & (r.host_ >= 0)
    ew = recency_weights((t_ref - r.start_[held]) / _DAY, r.half_life_days)
    host_ev = np.bincount(r.host_[held], weights=ew, minlength=nh) if nh else np.zeros(0)
    turnout = np.divide(host_att, host_ev, out=np.zeros(nh), where=host_ev > 0) if nh else None
    pop = np.log1p(going[cand])
    if nh:
        pop = pop + 0.5 * np.log1p(np.where(ch >= 0, turnout[np.maximum(ch, 0)], 0.0))
    out["popularity"] = pop / pop.max() if n and pop.max() > 0 else zeros

    # graph walk
    out["graph"] = _graph_scores(r, member, visible, cand) if w["graph"] > 0 and member >= 0 \
        and n and (mine & visible).any() else zeros

    # distance: from home, or else from where the member usually goes
    home = None
    inferred = False
    if profile is not None and profile.lat is not None and profile.lon is not None:
        home = (profile.lat, profile.lon)
    elif hist.size:
        home = weighted_location(r.lat_[hist], r.lon_[hist], hw)
        inferred = home is not None
    travel = profile.travel_km if profile is not None and profile.travel_km else r.travel_km
    if home is not None and n:
        dist = haversine_km(home[0], home[1], r.lat_[cand], r.lon_[cand])
        out["distance"] = np.where(np.isfinite(dist), np.power(0.5, dist / travel), 0.5)
    else:
        dist = np.full(n, np.nan)
        out["distance"] = np.full(n, 0.5)

    # time fit: the slot against stated availability, neutral when none is given. (Guessing it
    # from the slots of past events was measured and dropped: it only echoed the host signal.)
    slots = r.slot_[cand]
    stated = {SLOTS.index(s) for s in (profile.availability if profile else ()) if s in SLOTS}
    out["time"] = np.isin(slots, sorted(stated)).astype(float) if stated else np.full(n, 0.5)
    source = "availability" if stated else None

    total_w = sum(w.values())
    rel = sum(w[s] * out[s] for s in w if w[s]) if total_w > 0 else zeros
    out["relevance"] = np.asarray(rel / total_w if total_w > 0 else zeros, dtype=float) + zeros

    def detail(i: int) -> dict[str, Any]:
        e = int(cand[i])
        host = int(r.host_[e])
        return {
            "distance_km": float(dist[i]) if np.isfinite(dist[i]) else None,
            "location_inferred": inferred,
            "topics": r.content_.top_terms(e, vec) if has_vec else [],
            "slot": SLOTS[int(r.slot_[e])],
            "time_source": source if out["time"][i] > 0.5 else None,
            "ties_going": int(ties_n[e]),
            "host_visits": int(host_n[host]) if host >= 0 and nh else 0,
            "host": r.events_[e].host,
            "going": int(going[e]),
            "days": _calendar_days(r.events_[e].start, as_of) if np.isfinite(t) else None,
        }

    out["detail"] = detail
    return out
