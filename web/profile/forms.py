"""Forms of the profile questionnaire: one per page, every question optional except the location."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    FloatField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from store.profiles import taxonomy as tx
from store.profiles.answers import ABOUT_MAX, TRAVEL_KM_MAX, TRAVEL_KM_MIN
from web.validators import HearthForm

__all__ = [
    "LocationSearchForm",
    "PlaceChoiceForm",
    "LocationConfirmForm",
    "InterestsForm",
    "ValuesForm",
    "MeetingForm",
    "NeedsForm",
    "STEP_FORMS",
    "value_field_name",
]

_PICK = "Please choose from the options shown."


class Choice(RadioField):
    """Radio buttons whose wrong answers (a tampered form) get a friendly message."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_value_message", _PICK)
        super().__init__(*args, **kwargs)

    def pre_validate(self, form):
        if self.data is not None and self.data != "" and self.data not in {k for k, _ in self.choices}:
            raise ValidationError(_PICK)


class Choices(SelectMultipleField):
    """A list of checkboxes; answers outside the list are refused with a friendly message."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        allowed = {k for k, _ in self.choices}
        if any(value not in allowed for value in self.data or ()):
            raise ValidationError(_PICK)


class Kilometres(FloatField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_value_message", "Please give a number of kilometres, like 2 or 3.5.")
        super().__init__(*args, **kwargs)

    def pre_validate(self, form):
        if self.data is not None and not TRAVEL_KM_MIN <= self.data <= TRAVEL_KM_MAX:
            raise ValidationError(f"Please give a distance between {TRAVEL_KM_MIN:g} and {TRAVEL_KM_MAX:g} km, "
                                  "or leave it empty.")


class Day(DateField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_value_message", "Please give a date like 2027-03-01, or leave it empty.")
        super().__init__(*args, **kwargs)


class LocationSearchForm(HearthForm):
    query = StringField(
        "Your postcode, or your street and town, or just your town",
        validators=[
            DataRequired("Please tell us roughly where you live: a postcode, a street and town, or your town."),
            Length(max=200, message="That's rather long: a postcode, or a street and town, is plenty."),
        ],
    )


class PlaceChoiceForm(HearthForm):
    place = Choice("Which one is yours?", choices=[], validate_choice=True,
                   validators=[DataRequired("Please choose the place you meant, or search again.")])


class LocationConfirmForm(HearthForm):
    place = HiddenField(validators=[DataRequired("Please search for your place again.")])
    neighbourhood = SelectField("Which neighbourhood is home, or closest to it?", choices=[], validate_choice=False)

    def validate_neighbourhood(self, field):
        if field.data and field.data not in {k for k, _ in field.choices}:
            raise ValidationError("Please choose a neighbourhood from the list, or “None of these”.")


class InterestsForm(HearthForm):
    interests = Choices("Things you enjoy", choices=[(slug, label) for g in tx.INTEREST_GROUPS for slug, label in g.tags])
    about = TextAreaField(
        "A few words about you (optional)",
        validators=[Optional(), Length(max=ABOUT_MAX, message=f"Please keep this under {ABOUT_MAX} characters.")],
    )


def value_field_name(item_key: str) -> str:
    return f"value_{item_key}"


class ValuesForm(HearthForm):
    """One 6-point "how much like you" question per values item (built below)."""

    @property
    def item_fields(self):
        return [(item, self[value_field_name(item.key)]) for item in tx.VALUE_ITEMS]

    def answers(self) -> dict[str, int]:
        return {item.key: field.data for item, field in self.item_fields if field.data is not None}


for _item in tx.VALUE_ITEMS:
    setattr(ValuesForm, value_field_name(_item.key),
            Choice(_item.text, choices=list(tx.VALUE_SCALE), coerce=int, validators=[Optional()]))


class MeetingForm(HearthForm):
    availability = Choices("Times that usually suit you", choices=list(tx.SLOTS))
    wants = Choices("What would you like to do with others?", choices=list(tx.ACTIVITY_KINDS))
    group_size = Choice("How big a group feels comfortable?", choices=list(tx.GROUP_SIZES),
                        coerce=int, validators=[Optional()])
    frequency = Choice("How often would you like to meet?", choices=list(tx.FREQUENCIES), validators=[Optional()])
    new_faces = Choice("New faces or familiar ones?", choices=list(tx.NEW_FACES), validators=[Optional()])
    travel_km = Kilometres("How far will you travel, in kilometres?", validators=[Optional()])
    travel_mode = Choice("How do you usually get about?", choices=list(tx.TRAVEL_MODES), validators=[Optional()])


class NeedsForm(HearthForm):
    access_needs = Choices("What helps you take part?", choices=list(tx.ACCESS_NEEDS))
    dietary = Choices("Food: what should hosts know?", choices=list(tx.DIETARY))
    languages = Choices("Languages you speak", choices=list(tx.LANGUAGES))
    include_in_matching = BooleanField("Yes, include me when Hearth forms small groups of neighbours")
    show_first_name = BooleanField("Show my first name to the organisers of my community centre")
    paused_until = Day("Take a break from groups until (optional)", validators=[Optional()])


STEP_FORMS = {"interests": InterestsForm, "values": ValuesForm, "meeting": MeetingForm, "needs": NeedsForm}
