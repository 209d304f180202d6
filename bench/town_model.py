"""The simulated residents of the connectedness bench: a model of how people answer, come and feel.

This is a model, not data: its numbers are chosen to be plausible, not fitted, and the bench's
figures say what Hearth does *to this model*. The product's own code does everything else.

Residents
---------
Each resident ``i`` lives in one of the demo town's real neighbourhoods (``store.places.towns``),
at a point jittered around it, as ``store.demo.town`` places them. Their latent taste is a mix
of the demo personas (``store.demo.profiles.PERSONAS``): ``w_i`` = 0.7 on a main persona, 0.3 on a
second, plus Dirichlet(0.3) noise of weight 0.15, normalised. Latent values ``v_i`` are the mix of
the personas' value leanings. The questionnaire is drawn from these with noise:

* interests: each tag of persona ``p`` is ticked with probability ``min(0.9, 1.6 w_ip)``, plus one
  random tag with probability 0.3; with probability ``SKIP`` (0.1) the interests are left almost
  empty (two tags kept);
* values: ``store.demo.profiles._values`` of ``v_i`` (Gaussian noise 0.8, 10 % of items skipped;
  the whole section skipped with probability 0.1);
* availability, wants, travel distance and mode, needs, as the demo draws them.

Starting social world
---------------------
Ties already held with other residents: ``d_i ~ NegBin(r=2.5, mean=4)``, which leaves about a
fifth with none or one; pairs are made by matching stubs, preferring the same neighbourhood
(probability 0.6). Each existing tie is stored as a ``Tie`` (the product's social graph) so the
matcher sees it. Starting loneliness ``L0_i = 8.2 - 1.1 ln(1 + d_i) + N(0, 0.8)``, clipped to 3..9.

Behaviour each week
-------------------
``sim(i, j) = 0.7 cos(w_i, w_j) + 0.3 cos(v_i - 3.5, v_j - 3.5)`` (latent similarity).

* Offer of a group: accept with probability ``sigmoid(0.4 + 2 (fit - 0.35) - 0.15 km)``, ``fit`` the
  mean ``sim`` to the others offered, ``km`` to the venue.
* Sign-up: with probability ``SIGNUP`` (0.25), a resident signs up for their top recommended date
  (``store.recommendations``) if it suits: probability ``0.3 + w_i[persona of the event's tags]``.
* Attendance, once there (seat accepted or booked):
  ``P(come) = sigmoid(1.6 - 0.9 km / travel_km - 1.5 (0.45 - fit)_+ + 0.7 [a tie in the group])``.
* At an event, each attendee not in a group meets a few others at random: tables of 4.
* "Would meet again" about each person met: yes when
  ``sim(i, j) + 0.06 min(n_ij, 5) + N(0, 0.15) > 0.45``, ``n_ij`` the earlier meetings.
* Weekly three-item check-in (Hughes et al. 2004, *Research on Aging* 26(6): companionship,
  left out, isolated, each 1..3, sum 3..9). Friendship grows with hours together (Hall 2018,
  *Journal of Social and Personal Relationships* 36(4): about 50 hours to a casual friend, 90
  to a friend, 200 to a close friend). The latent score is
  ``L_i(t) = L0_i - 1.6 sum_j min(1, h_ij / 50) - 0.3 [met anyone this week]``, over the people
  ``j`` with a recurring tie and ``h_ij`` hours spent together (meetings times their length), clipped
  to 3..9; each item is ``round(L_i / 3 + N(0, 0.35))`` clipped to 1..3; a resident answers a week
  with probability 0.8.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import numpy as np

from store.demo.profiles import PERSONAS, _availability, _values
from store.demo.result import jitter
from store.profiles import taxonomy as tx

__all__ = ["PARAMS", "Resident", "make_residents", "similarity", "accepts", "attends", "meet_again",
           "checkin_items", "wants_event", "event_fit", "latent_score"]

PERSONA_NAMES = sorted(PERSONAS)
VALUE_KEYS = sorted({v for _, lean, _, _ in PERSONAS.values() for v in lean})

PARAMS = {
    "skip": 0.1, "signup": 0.25, "table": 4, "ties_r": 2.5, "ties_mean": 4.0, "same_hood": 0.6,
    "again_threshold": 0.45, "again_noise": 0.15, "again_familiar": 0.06, "hall_hours": 50.0,
    "tie_relief": 1.6, "week_relief": 0.3, "answer_rate": 0.8,
}


@dataclass
class Resident:
    index: int
    hood: str
    lat: float
    lon: float
    taste: np.ndarray
    values: np.ndarray
    profile: dict
    start_ties: set = field(default_factory=set)
    l0: float = 6.0


def _unit(x: np.ndarray) -> np.ndarray:
    n = np.linalg.norm(x)
    return x / n if n else x


def _questionnaire(rng: random.Random, taste: np.ndarray, values: np.ndarray) -> dict:
    tags = set()
    for p, weight in zip(PERSONA_NAMES, taste):
        tags |= {t for t in PERSONAS[p][0] if rng.random() < min(0.9, 1.6 * weight)}
    if rng.random() < 0.3:
        tags.add(rng.choice(tx.INTEREST_TAGS))
    if rng.random() < PARAMS["skip"] and len(tags) > 2:
        tags = set(rng.sample(sorted(tags), 2))
    main = PERSONA_NAMES[int(np.argmax(taste))]
    mode = rng.choices(("walk", "bus", "car"), weights=(0.45, 0.35, 0.2))[0]
    travel = {"walk": rng.uniform(1.0, 3.0), "bus": rng.uniform(3.0, 8.0), "car": rng.uniform(5.0, 15.0)}[mode]
    kinds = PERSONAS[main][3]
    wants = set(kinds) if rng.random() < 0.7 else set(rng.sample([k for k, _ in tx.ACTIVITY_KINDS], k=2))
    leanings = dict(zip(VALUE_KEYS, values))
    return {
        "interests": [t for t in tx.INTEREST_TAGS if t in tags],
        "value_answers": _values(rng, leanings) if rng.random() > PARAMS["skip"] else {},
        "availability": _availability(rng),
        "wants": [k for k, _ in tx.ACTIVITY_KINDS if k in wants],
        "group_size": rng.choices((3, 5, 8), weights=(0.45, 0.4, 0.15))[0],
        "frequency": rng.choices([k for k, _ in tx.FREQUENCIES], weights=(0.3, 0.3, 0.25, 0.15))[0],
        "new_faces": rng.choices([k for k, _ in tx.NEW_FACES], weights=(0.05, 0.15, 0.4, 0.25, 0.15))[0],
        "travel_km": round(travel, 1), "travel_mode": mode,
        "access_needs": [k for k, p in (("step_free", 0.12), ("quiet", 0.1)) if rng.random() < p],
        "dietary": [k for k, p in (("vegetarian", 0.15), ("halal", 0.08)) if rng.random() < p],
    }


def make_residents(n: int, neighbourhoods, seed: int) -> list[Resident]:
    """``n`` residents on ``neighbourhoods`` (objects with ``name``, ``lat``, ``lon``), with their
    questionnaire answers, starting ties (``start_ties``: indices) and starting loneliness."""
    rng = random.Random(seed)
    nrng = np.random.default_rng(seed)
    out = []
    for i in range(n):
        hood = rng.choice(neighbourhoods)
        lat, lon = jitter(rng, hood.lat, hood.lon, 0.9)
        main, second = rng.sample(range(len(PERSONA_NAMES)), 2)
        taste = np.zeros(len(PERSONA_NAMES))
        taste[main], taste[second] = 0.7, 0.3
        taste = taste + 0.15 * nrng.dirichlet([0.3] * len(PERSONA_NAMES))
        taste /= taste.sum()
        values = np.array([sum(taste[k] * PERSONAS[p][1].get(v, 3.6) for k, p in enumerate(PERSONA_NAMES))
                           for v in VALUE_KEYS])
        out.append(Resident(i, hood.name, lat, lon, taste, values, _questionnaire(rng, taste, values)))
    r, mean = PARAMS["ties_r"], PARAMS["ties_mean"]
    degrees = nrng.negative_binomial(r, r / (r + mean), size=n)
    stubs = [i for i, d in enumerate(degrees) for _ in range(int(d))]
    # pair stubs side by side after sorting: most by neighbourhood (ties close to home), some anywhere
    keyed = sorted(((out[i].hood if rng.random() < PARAMS["same_hood"] else "~", rng.random(), i) for i in stubs))
    for (_, _, a), (_, _, b) in zip(keyed[0::2], keyed[1::2]):
        if a != b:
            out[a].start_ties.add(b)
            out[b].start_ties.add(a)
    for res in out:
        res.l0 = float(min(9.0, max(3.0, 8.2 - 1.1 * math.log1p(len(res.start_ties)) + nrng.normal(0, 0.8))))
    return out


def similarity(a: Resident, b: Resident) -> float:
    """Latent similarity, -1..1: mostly taste, some values."""
    return float(0.7 * _unit(a.taste) @ _unit(b.taste) + 0.3 * _unit(a.values - 3.5) @ _unit(b.values - 3.5))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def accepts(rng: random.Random, fit: float, km: float) -> bool:
    return rng.random() < _sigmoid(0.4 + 2.0 * (fit - 0.35) - 0.15 * km)


def wants_event(rng: random.Random, res: Resident, tags) -> bool:
    share = event_fit(res, tags)
    return rng.random() < PARAMS["signup"] and rng.random() < 0.3 + share


def event_fit(res: Resident, tags) -> float:
    """How well an event's tags suit a resident: the share of their taste on personas with those tags."""
    return float(sum(res.taste[k] for k, p in enumerate(PERSONA_NAMES) if set(tags) & set(PERSONAS[p][0])))


def attends(rng: random.Random, km: float, travel_km: float, fit: float, tie_there: bool) -> bool:
    x = 1.6 - 0.9 * km / max(travel_km, 0.5) - 1.5 * max(0.0, 0.45 - fit) + 0.7 * tie_there
    return rng.random() < _sigmoid(x)


def meet_again(rng: random.Random, sim: float, met_before: int) -> bool:
    p = PARAMS
    return sim + p["again_familiar"] * min(met_before, 5) + rng.gauss(0, p["again_noise"]) > p["again_threshold"]


def latent_score(res: Resident, tie_hours: list[float], met_this_week: bool) -> float:
    p = PARAMS
    relief = p["tie_relief"] * sum(min(1.0, h / p["hall_hours"]) for h in tie_hours)
    return min(9.0, max(3.0, res.l0 - relief - p["week_relief"] * met_this_week))


def checkin_items(rng: random.Random, score: float) -> tuple[int, int, int]:
    """Three answers 1..3 whose sum is near ``score``."""
    return tuple(int(min(3, max(1, round(score / 3 + rng.gauss(0, 0.35))))) for _ in range(3))
