"""The questionnaire's content as plain data: interest tags, values items, slots and choices."""

from __future__ import annotations

from typing import NamedTuple

from matcher.defaults import GROUP_SIZE, PREFERS_NEW

__all__ = [
    "Choice", "InterestGroup", "ValueItem", "INTEREST_GROUPS", "INTEREST_TAGS", "INTEREST_LABELS",
    "INTEREST_GROUP_OF", "interest_label", "VALUE_LABELS", "VALUES", "VALUE_ITEMS", "VALUE_SCALE",
    "VALUE_SCALE_MIN", "VALUE_SCALE_MAX", "items_for_value", "WEEKDAYS", "DAY_PARTS", "SLOTS", "SLOT_KEYS",
    "ACTIVITY_KINDS", "number_word", "group_size_words", "GROUP_SIZES", "FREQUENCIES", "NEW_FACES", "new_faces_weight", "prefers_new", "faces_leaning", "TRAVEL_MODES", "ACCESS_NEEDS",
    "DIETARY", "LANGUAGES", "label_of",
]

# A choice everywhere is a (key, label) pair: the key is stored, the label is shown.
Choice = tuple[str, str]


class InterestGroup(NamedTuple):
    """A heading in the interests page and the tags shown under it."""

    key: str
    label: str
    tags: tuple[Choice, ...]


class ValueItem(NamedTuple):
    """One portrait item of the values questionnaire, scored on ``VALUE_SCALE``."""

    key: str
    value: str
    text: str

# --------------------------------------------------------------------------- interests
# Slugs are stable: stored profiles and the fitted vectorizer refer to them. Add new tags
# freely; never rename or reuse a slug (retire it instead).
INTEREST_GROUPS: tuple[InterestGroup, ...] = (
    InterestGroup("food", "Food and cooking", (
        ("cooking", "Cooking for others"),
        ("baking", "Baking"),
        ("world_food", "Trying food from around the world"),
        ("eating_out", "Cafés and eating out"),
        ("cooking_on_a_budget", "Cooking well on a budget"),
    )),
    InterestGroup("outdoors", "Walking and the outdoors", (
        ("walking", "Gentle walks"),
        ("hiking", "Longer hikes"),
        ("birdwatching", "Birdwatching"),
        ("local_history_walks", "Local history walks"),
        ("wild_swimming", "Outdoor swimming"),
    )),
    InterestGroup("sport", "Sport and movement", (
        ("yoga", "Yoga and stretching"),
        ("dancing", "Dancing"),
        ("cycling", "Cycling"),
        ("swimming", "Swimming"),
        ("running", "Running and jogging"),
        ("chair_exercise", "Seated and chair exercise"),
        ("bowls", "Bowls and boules"),
        ("table_tennis", "Table tennis"),
    )),
    InterestGroup("crafts", "Arts and crafts", (
        ("knitting", "Knitting and crochet"),
        ("sewing", "Sewing and mending"),
        ("painting", "Painting and drawing"),
        ("pottery", "Pottery"),
        ("woodwork", "Woodwork and making"),
        ("photography", "Photography"),
    )),
    InterestGroup("music", "Music", (
        ("singing", "Singing and choirs"),
        ("playing_music", "Playing an instrument"),
        ("live_music", "Going to hear live music"),
        ("music_listening", "Listening to and sharing music"),
    )),
    InterestGroup("games", "Games", (
        ("board_games", "Board games"),
        ("card_games", "Card games"),
        ("chess", "Chess and draughts"),
        ("quizzes", "Quizzes"),
        ("puzzles", "Puzzles and crosswords"),
        ("video_games", "Video games"),
    )),
    InterestGroup("learning", "Reading and learning", (
        ("book_club", "Book clubs"),
        ("local_history", "Local history"),
        ("languages", "Learning a language"),
        ("talks", "Talks and lectures"),
        ("writing", "Writing and storytelling"),
    )),
    InterestGroup("reflection", "Faith and reflection", (
        ("faith_community", "Worship and faith community"),
        ("meditation", "Meditation and mindfulness"),
        ("philosophy", "Big questions and philosophy"),
        ("interfaith", "Meeting people of other faiths"),
    )),
    InterestGroup("volunteering", "Volunteering", (
        ("food_bank", "Helping at a food bank"),
        ("befriending", "Befriending and visiting"),
        ("litter_picking", "Litter picking and clean-ups"),
        ("mentoring", "Mentoring and tutoring"),
        ("community_events", "Helping run community events"),
    )),
    InterestGroup("nature", "Gardening and nature", (
        ("gardening", "Gardening"),
        ("allotment", "Allotments and growing food"),
        ("houseplants", "Houseplants"),
        ("wildlife", "Wildlife and conservation"),
    )),
    InterestGroup("technology", "Technology", (
        ("computers_help", "Getting to grips with phones and computers"),
        ("repair_cafe", "Fixing things at a repair café"),
        ("coding", "Programming and electronics"),
        ("films", "Films and television"),
    )),
    InterestGroup("family", "Family and home", (
        ("parenting", "Parenting and toddler groups"),
        ("grandparenting", "Grandparenting"),
        ("family_history", "Family history"),
        ("pets", "Pets and dog walking"),
        ("diy_home", "DIY around the home"),
    )),
)

INTEREST_TAGS: tuple[str, ...] = tuple(slug for g in INTEREST_GROUPS for slug, _ in g.tags)

"""Every interest slug, in questionnaire order."""

INTEREST_LABELS: dict[str, str] = {slug: label for g in INTEREST_GROUPS for slug, label in g.tags}

"""Slug -> label shown to residents."""

INTEREST_GROUP_OF: dict[str, str] = {slug: g.key for g in INTEREST_GROUPS for slug, _ in g.tags}

"""Slug -> key of the group it sits in."""


def interest_label(slug: str) -> str:
    """Return the label of an interest tag; an unknown slug is returned as a readable phrase.

    >>> interest_label("board_games")
    'Board games'
    >>> interest_label("retired_tag")
    'Retired tag'
    """
    return INTEREST_LABELS.get(slug) or slug.replace("_", " ").capitalize()

# --------------------------------------------------------------------------- values
# Schwartz's ten basic values, in their order around the circle (Schwartz, 1992; 2012).
VALUE_LABELS: dict[str, str] = {
    "self_direction": "Independence and thinking for yourself",
    "stimulation": "Excitement, novelty and challenge",
    "hedonism": "Pleasure and enjoying life",
    "achievement": "Success and doing well",
    "power": "Status and influence",
    "security": "Safety, stability and order",
    "conformity": "Keeping to rules and not upsetting others",
    "tradition": "Customs, heritage and faith",
    "benevolence": "Caring for the people close to you",
    "universalism": "Fairness, tolerance and care for nature",
}

VALUES: tuple[str, ...] = tuple(VALUE_LABELS)

"""The ten value keys, in circular order."""

# Portrait items, first person, in Hearth's own wording (not the published PVQ text).
VALUE_ITEMS: tuple[ValueItem, ...] = (
    ValueItem("sd1", "self_direction", "Thinking up new ideas and doing things my own way matters to me."),
    ValueItem("sd2", "self_direction", "I like to make my own decisions about what I do and how I live."),
    ValueItem("st1", "stimulation", "I look for new experiences and like trying things I have never done."),
    ValueItem("st2", "stimulation", "A life full of variety and surprises suits me."),
    ValueItem("he1", "hedonism", "Having a good time and treating myself matters to me."),
    ValueItem("he2", "hedonism", "I take every chance I get to enjoy myself."),
    ValueItem("ac1", "achievement", "Being good at what I do, and having others see it, matters to me."),
    ValueItem("ac2", "achievement", "I set myself goals and work hard to reach them."),
    ValueItem("po1", "power", "I like to be the one who takes charge and makes decisions for a group."),
    ValueItem("po2", "power", "Being respected and having a say in how things are run matters to me."),
    ValueItem("se1", "security", "Feeling safe where I live, and having things settled, matters a lot to me."),
    ValueItem("se2", "security", "I avoid anything that might put my health or safety at risk."),
    ValueItem("co1", "conformity", "I think people should follow the rules, even when nobody is watching."),
    ValueItem("co2", "conformity", "I take care never to behave in a way others would think wrong."),
    ValueItem("tr1", "tradition", "Keeping up the customs I grew up with matters to me."),
    ValueItem("tr2", "tradition", "My faith or my family's way of doing things guides how I live."),
    ValueItem("be1", "benevolence", "Helping the people around me and looking after their wellbeing matters to me."),
    ValueItem("be2", "benevolence", "I want to be someone my friends and family can always rely on."),
    ValueItem("un1", "universalism", "I believe everyone should be treated fairly, including people I will never meet."),
    ValueItem("un2", "universalism", "Caring for nature and the environment matters to me."),
)

VALUE_SCALE: tuple[tuple[int, str], ...] = (
    (1, "Not like me at all"),
    (2, "Not like me"),
    (3, "A little like me"),
    (4, "Somewhat like me"),
    (5, "Like me"),
    (6, "Very much like me"),
)

VALUE_SCALE_MIN = VALUE_SCALE[0][0]

VALUE_SCALE_MAX = VALUE_SCALE[-1][0]


def items_for_value(value: str) -> tuple[ValueItem, ...]:
    """Return the questionnaire items that measure one value.

    >>> [item.key for item in items_for_value("tradition")]
    ['tr1', 'tr2']
    """
    return tuple(item for item in VALUE_ITEMS if item.value == value)

# --------------------------------------------------------------------------- when
WEEKDAYS: tuple[Choice, ...] = (
    ("mon", "Monday"), ("tue", "Tuesday"), ("wed", "Wednesday"), ("thu", "Thursday"),
    ("fri", "Friday"), ("sat", "Saturday"), ("sun", "Sunday"),
)

DAY_PARTS: tuple[Choice, ...] = (
    ("morning", "morning"), ("afternoon", "afternoon"), ("evening", "evening"),
)

SLOTS: tuple[Choice, ...] = tuple(
    (f"{day}_{part}", f"{day_label} {part_label}")
    for day, day_label in WEEKDAYS
    for part, part_label in DAY_PARTS
)

"""Weekday x part of day, e.g. ``("mon_morning", "Monday morning")``; the keys are
``matcher.slots.SLOTS``, whose ``time_slot`` decides which slot a time falls in."""

SLOT_KEYS: tuple[str, ...] = tuple(key for key, _ in SLOTS)

# --------------------------------------------------------------------------- what
ACTIVITY_KINDS: tuple[Choice, ...] = (
    ("meal", "Sharing a meal"),
    ("event", "Going to events together"),
    ("exercise", "Exercising together"),
)

_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                 "eleven", "twelve")


def number_word(n: int) -> str:
    """A small number in words ("four"); digits past twelve.

    >>> number_word(4), number_word(20)
    ('four', '20')
    """
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


def group_size_words(size: tuple[int, int] = GROUP_SIZE) -> str:
    """How big Hearth's groups are, in words, from the one size setting (``matcher.defaults.GROUP_SIZE``).

    >>> group_size_words(), group_size_words((3, 3))
    ('Four to eight people', 'Three people')
    """
    low, high = size
    text = f"{number_word(low)} people" if low == high else f"{number_word(low)} to {number_word(high)} people"
    return text[0].upper() + text[1:]


def _size_choices(size: tuple[int, int]) -> tuple[tuple[int, str], ...]:
    low, high = size
    mid = (low + high + 1) // 2
    return (
        (3, f"Smaller: {number_word(low)} or {number_word(low + 1)} of us"),
        (5, f"Medium: {number_word(mid)} or so"),
        (8, f"Larger: up to {number_word(high)}"),
    )


GROUP_SIZES: tuple[tuple[int, str], ...] = _size_choices(GROUP_SIZE)

"""Preferred group size within the sizes Hearth forms (``GROUP_SIZE``, four to eight): the stored
number is a leaning (3 smaller, 5 medium, 8 larger, as profiles have always stored it), the label
is worded from ``GROUP_SIZE`` so that it never promises a group Hearth does not form."""

FREQUENCIES: tuple[Choice, ...] = (
    ("weekly", "Every week"),
    ("fortnightly", "Every two weeks"),
    ("monthly", "Once a month"),
    ("occasionally", "Now and then"),
)

NEW_FACES: tuple[Choice, ...] = (
    ("mostly_familiar", "Mostly people I already know"),
    ("more_familiar", "More familiar faces than new"),
    ("balanced", "A mix of both"),
    ("more_new", "More new faces than familiar"),
    ("mostly_new", "Mostly new people"),
)

"""From familiar to new; ``new_faces_weight`` maps a choice onto 0..1 for the matcher."""


def new_faces_weight(key: str) -> float:
    """Return the 0..1 position of a ``NEW_FACES`` choice (0 familiar, 1 new).

    >>> new_faces_weight("balanced")
    0.5
    >>> new_faces_weight("mostly_new")
    1.0
    """
    keys = [k for k, _ in NEW_FACES]
    return keys.index(key) / (len(keys) - 1)


def prefers_new(key: str | None) -> float:
    """How much a resident wants new faces (0..1) for matching: their choice, or Hearth's default
    (``matcher.defaults.PREFERS_NEW``) when they have not chosen or the choice is unknown.

    >>> prefers_new("balanced"), prefers_new(None), prefers_new(None) == new_faces_weight("more_new")
    (0.5, 0.75, True)
    """
    try:
        return float(new_faces_weight(key)) if key else PREFERS_NEW
    except ValueError:
        return PREFERS_NEW



def faces_leaning(key: str | None) -> str:
    """The three-way reading of a ``NEW_FACES`` choice for groups that keep meeting: ``"familiar"``
    (mostly or more familiar faces), ``"mix"`` (a mix of both, and no answer: the default) or
    ``"new"`` (more or mostly new people, never offered a standing group). The matcher's weighting
    uses the finer ``prefers_new``.

    >>> faces_leaning("more_familiar"), faces_leaning(None), faces_leaning("balanced"), faces_leaning("more_new")
    ('familiar', 'mix', 'mix', 'new')
    """
    if key in ("mostly_familiar", "more_familiar"):
        return "familiar"
    if key in ("more_new", "mostly_new"):
        return "new"
    return "mix"

# --------------------------------------------------------------------------- travel and needs
TRAVEL_MODES: tuple[Choice, ...] = (
    ("walk", "On foot"),
    ("bus", "By bus or public transport"),
    ("car", "By car or lift"),
)

ACCESS_NEEDS: tuple[Choice, ...] = (
    ("step_free", "Step-free access"),
    ("hearing_loop", "A hearing loop"),
    ("quiet", "A quiet venue"),
)

DIETARY: tuple[Choice, ...] = (
    ("vegetarian", "Vegetarian"),
    ("vegan", "Vegan"),
    ("halal", "Halal"),
    ("kosher", "Kosher"),
    ("gluten_free", "Gluten-free"),
    ("dairy_free", "Dairy-free"),
    ("nut_allergy", "Nut allergy"),
    ("other_allergy", "Another allergy (tell the host)"),
)

LANGUAGES: tuple[Choice, ...] = (
    ("en", "English"),
    ("cy", "Welsh"),
    ("pl", "Polish"),
    ("ur", "Urdu"),
    ("pa", "Punjabi"),
    ("bn", "Bengali"),
    ("gu", "Gujarati"),
    ("ar", "Arabic"),
    ("ro", "Romanian"),
    ("es", "Spanish"),
    ("pt", "Portuguese"),
    ("fr", "French"),
    ("it", "Italian"),
    ("zh", "Chinese"),
    ("so", "Somali"),
    ("ku", "Kurdish"),
)

"""Common languages in UK neighbourhoods, keyed by ISO 639-1 code."""


def label_of(choices: tuple[tuple[object, str], ...], key: object) -> str:
    """Return the label of ``key`` in a tuple of (key, label) choices, or ``str(key)`` if absent.

    >>> label_of(ACCESS_NEEDS, "hearing_loop")
    'A hearing loop'
    >>> label_of(GROUP_SIZES, 5)
    'Medium: six or so'
    """
    return next((label for k, label in choices if k == key), str(key))
