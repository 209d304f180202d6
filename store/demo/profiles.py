"""Demo profiles: varied, plausible residents (clusters of interests and values, real-looking
availability and needs, consents mostly yes), coarse homes, neighbourhoods and vectors."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy.orm import Session

from store.demo.result import DemoResult
from store.places.neighbourhoods import set_neighbourhood
from store.places.points import GRID_M, coarsen, distance_km
from store.profiles import taxonomy as tx
from store.profiles.answers import STEPS, matcher_profile
from store.profiles.models import Profile
from store.profiles.vectors import new_vectorizer, refresh_vectors, store_vectorizer

__all__ = ["PERSONAS", "demo_neighbourhoods", "add_demo_profiles"]

# name: (interest tags, value leanings 1..6, about-me lines, kinds of meeting wanted)
PERSONAS: dict[str, tuple[tuple[str, ...], dict[str, float], tuple[str, ...], tuple[str, ...]]] = {
    "cooks": (("cooking", "baking", "world_food", "eating_out", "cooking_on_a_budget", "live_music", "allotment"),
              {"benevolence": 5.4, "universalism": 4.8, "hedonism": 5.0, "stimulation": 4.2, "power": 2.0},
              ("I love cooking for other people and trying recipes from friends' kitchens.",
               "Happiest with a full table and a pot of something on the stove.",
               "I bake most weekends and always make too much."),
              ("meal", "event")),
    "walkers": (("walking", "hiking", "birdwatching", "wildlife", "gardening", "local_history_walks", "photography"),
                {"universalism": 5.5, "self_direction": 5.0, "security": 4.2, "power": 1.8, "achievement": 3.0},
                ("Out on the paths whenever the weather lets me, and often when it doesn't.",
                 "I like a slow walk with good company and a flask of tea.",
                 "Keen on birds and wild places; happy to share binoculars."),
                ("exercise", "event")),
    "makers": (("knitting", "sewing", "painting", "pottery", "book_club", "singing", "woodwork"),
               {"benevolence": 5.3, "tradition": 4.6, "security": 4.8, "conformity": 4.2, "stimulation": 2.6},
               ("I knit and sew, and I'd love a group to make things with.",
                "Painting for fun, badly and happily.",
                "Always have a project on the go and a cup of tea going cold."),
               ("event", "meal")),
    "movers": (("running", "cycling", "swimming", "yoga", "dancing", "table_tennis", "wild_swimming"),
               {"achievement": 5.2, "stimulation": 5.3, "hedonism": 4.9, "tradition": 2.2, "conformity": 2.6},
               ("New to the area and looking for people to run or cycle with.",
                "Dancing is my favourite way to keep moving.",
                "Yoga in the morning, a swim when I can."),
               ("exercise",)),
    "thinkers": (("board_games", "chess", "quizzes", "puzzles", "book_club", "local_history", "talks", "languages"),
                 {"self_direction": 5.5, "achievement": 4.3, "universalism": 4.6, "power": 2.4, "tradition": 3.0},
                 ("A good quiz or a long board game is my idea of a great evening.",
                  "Reading groups, history talks, and learning a bit of Spanish.",
                  "Chess player, crossword addict, always up for a puzzle."),
                 ("event", "meal")),
    "neighbours": (("faith_community", "interfaith", "food_bank", "befriending", "community_events", "cooking", "singing"),
                   {"tradition": 5.4, "benevolence": 5.7, "conformity": 4.6, "security": 4.6, "hedonism": 2.6},
                   ("I help at the food bank and love meeting people from every part of the area.",
                    "Church choir on Sundays and tea with the neighbours after.",
                    "I like to help out where I can and meet new people doing it."),
                   ("meal", "event")),
    "families": (("parenting", "grandparenting", "pets", "baking", "diy_home", "walking", "family_history"),
                 {"security": 5.4, "benevolence": 5.5, "tradition": 4.4, "stimulation": 3.0, "power": 2.2},
                 ("Grandad of four and a very spoilt dog.",
                  "Busy with little ones and looking for other parents nearby.",
                  "Tracing my family history and always happy to share what I've found."),
                 ("event", "exercise", "meal")),
    "fixers": (("computers_help", "repair_cafe", "coding", "films", "video_games", "woodwork", "diy_home"),
               {"self_direction": 5.4, "achievement": 4.8, "stimulation": 4.6, "tradition": 2.3, "conformity": 3.0},
               ("I fix things: bikes, radios, laptops. Happy to help anyone with theirs.",
                "Film buff and retro games fan.",
                "I like tinkering and would enjoy a repair café."),
               ("event",)),
}

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")

_WEEKEND = ("sat", "sun")

_OTHER_LANGUAGES = ("pl", "ur", "pa", "bn", "gu", "ar", "ro", "es", "pt", "fr", "it", "zh", "so", "ku")


def demo_neighbourhoods(session: Session, result: DemoResult) -> int:
    """Give each demo centre the town's bundled neighbourhoods nearest to it."""
    if not result.centres:
        return 0
    for hood in result.town.neighbourhoods:
        centre = min(result.centres, key=lambda c: distance_km((hood.lat, hood.lon), (c.lat, c.lon)))
        set_neighbourhood(session, centre, hood.name, hood.lat, hood.lon)
    return len(result.town.neighbourhoods)


def _availability(rng: random.Random) -> list[str]:
    pattern = rng.choices(("daytime", "evenings", "weekends", "mixed"), weights=(0.35, 0.3, 0.15, 0.2))[0]
    if pattern == "daytime":  # retired, at home with children, part-time
        pool = [f"{d}_{p}" for d in _WEEKDAYS for p in ("morning", "afternoon")]
    elif pattern == "evenings":
        pool = [f"{d}_evening" for d in _WEEKDAYS] + [f"{d}_{p}" for d in _WEEKEND for p in ("afternoon",)]
    elif pattern == "weekends":
        pool = [f"{d}_{p}" for d in _WEEKEND for p in ("morning", "afternoon", "evening")]
    else:
        pool = list(tx.SLOT_KEYS)
    picked = rng.sample(pool, k=min(len(pool), rng.randint(3, 8)))
    return [s for s in tx.SLOT_KEYS if s in picked]


def _values(rng: random.Random, leanings: dict[str, float]) -> dict[str, int]:
    tilt = rng.gauss(0.0, 0.5)  # some people use the top of the scale, some the middle
    answers: dict[str, int] = {}
    for item in tx.VALUE_ITEMS:
        if rng.random() < 0.1:
            continue  # skipped
        score = leanings.get(item.value, 3.6) + tilt + rng.gauss(0.0, 0.8)
        answers[item.key] = int(min(tx.VALUE_SCALE_MAX, max(tx.VALUE_SCALE_MIN, round(score))))
    return answers


def _profile(rng: random.Random, user_id: int, hood: str, lat: float, lon: float, town: str,
             today: date) -> Profile:
    main, second = rng.sample(sorted(PERSONAS), 2)
    tags, leanings, lines, kinds = PERSONAS[main]
    interests = set(rng.sample(tags, k=rng.randint(3, 5)))
    if rng.random() < 0.45:
        interests.update(rng.sample(PERSONAS[second][0], k=rng.randint(1, 2)))
    if rng.random() < 0.3:
        interests.add(rng.choice(tx.INTEREST_TAGS))
    mode = rng.choices(("walk", "bus", "car"), weights=(0.45, 0.35, 0.2))[0]
    travel = {"walk": rng.uniform(1.0, 3.0), "bus": rng.uniform(3.0, 8.0), "car": rng.uniform(5.0, 15.0)}[mode]
    wants = set(kinds) if rng.random() < 0.7 else set(rng.sample([k for k, _ in tx.ACTIVITY_KINDS], k=rng.randint(1, 3)))
    dietary = [k for k, p in (("vegetarian", 0.15), ("vegan", 0.04), ("halal", 0.1), ("kosher", 0.01),
                              ("gluten_free", 0.04), ("dairy_free", 0.03), ("nut_allergy", 0.03)) if rng.random() < p]
    languages = ["en"] if rng.random() < 0.95 else []
    if rng.random() < 0.2 or not languages:
        languages.append(rng.choice(_OTHER_LANGUAGES))
    lat, lon = coarsen(lat, lon)
    return Profile(
        user_id=user_id,
        interests=[t for t in tx.INTEREST_TAGS if t in interests],
        about=rng.choice(lines) if rng.random() < 0.7 else "",
        value_answers=_values(rng, leanings) if rng.random() < 0.9 else {},
        availability=_availability(rng),
        wants=[k for k, _ in tx.ACTIVITY_KINDS if k in wants],
        group_size=rng.choices((3, 5, 8), weights=(0.45, 0.4, 0.15))[0],
        frequency=rng.choices([k for k, _ in tx.FREQUENCIES], weights=(0.3, 0.3, 0.25, 0.15))[0],
        new_faces=rng.choices([k for k, _ in tx.NEW_FACES], weights=(0.05, 0.15, 0.4, 0.25, 0.15))[0],
        travel_km=round(travel, 1),
        travel_mode=mode,
        access_needs=[k for k, p in (("step_free", 0.12), ("hearing_loop", 0.06), ("quiet", 0.15)) if rng.random() < p],
        dietary=dietary,
        languages=[k for k, _ in tx.LANGUAGES if k in languages],
        include_in_matching=rng.random() < 0.92,
        show_first_name=rng.random() < 0.8,
        paused_until=today + timedelta(days=rng.randint(7, 45)) if rng.random() < 0.04 else None,
        home_lat=lat,
        home_lon=lon,
        home_precision_m=GRID_M,
        place_label=f"near {hood}, {town}",
        neighbourhood=hood,
        steps_done=list(STEPS),
    )


def add_demo_profiles(session: Session, result: DemoResult, *, seed: int = 11) -> int:
    """Neighbourhoods for the demo centres, a profile for every demo resident, one fitted
    vectorizer and every vector. Returns how many profiles were made."""
    demo_neighbourhoods(session, result)
    rng = random.Random(seed)
    today = date.today()
    profiles = []
    for user in result.residents:
        hood, lat, lon = result.homes[user.id]
        profiles.append(_profile(rng, user.id, hood, lat, lon, result.town.name, today))
    if profiles:  # the demo resident everyone logs in as is always in matching, and goes to lunch
        rosa = profiles[0]
        rosa.include_in_matching, rosa.paused_until, rosa.new_faces = True, None, "more_familiar"
        rosa.travel_km = max(rosa.travel_km, 3.0)
        rosa.wants = [k for k, _ in tx.ACTIVITY_KINDS if k in {*rosa.wants, "meal"}]
        rosa.availability = [s for s in tx.SLOT_KEYS if s in {*rosa.availability, "tue_afternoon"}]
    session.add_all(profiles)
    session.flush()
    if profiles:
        vectorizer = new_vectorizer().fit([matcher_profile(p) for p in profiles])
        store_vectorizer(session, vectorizer, len(profiles))
        refresh_vectors(session, profiles)
    return len(profiles)
