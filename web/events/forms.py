"""Forms for finding events, and the small button forms for signing up, cancelling and feeds."""

from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import AnyOf, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from store.events.models import KINDS
from store.profiles.taxonomy import ACCESS_NEEDS, INTEREST_GROUPS
from web.validators import HearthForm

__all__ = ["MultiCheckboxField", "SearchForm", "ButtonForm", "SignUpForm", "FeedForm", "DISTANCES"]

#: Distance choices offered to residents (km; "" means any distance).
DISTANCES = (("", "Any distance"), ("1", "Within 1 km"), ("2", "Within 2 km"), ("5", "Within 5 km"),
             ("10", "Within 10 km"), ("25", "Within 25 km"))


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a group of labelled checkboxes (rendered by ``events/_checks.html``)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class SearchForm(HearthForm):
    """The filters on the events page: a GET form, so it can be bookmarked and needs no token."""

    class Meta:
        csrf = False

    q = StringField("Search", description="Words from the title, description, place or kind, like “walk”.")
    kind = MultiCheckboxField("What kind of event", choices=list(KINDS), validate_choice=False)
    tags = MultiCheckboxField(
        "Topics", choices=[c for g in INTEREST_GROUPS for c in g.tags], validate_choice=False
    )
    access = MultiCheckboxField("I need", choices=list(ACCESS_NEEDS), validate_choice=False)
    date_from = DateField("From", validators=[Optional()])
    date_to = DateField("Until", validators=[Optional()])
    within = SelectField("How far from home", choices=DISTANCES, default="", validate_choice=False,
                         validators=[Optional(), AnyOf([km for km, _ in DISTANCES if km],
                                                       message="Please choose a distance from the list.")])
    sort = RadioField("Show first", choices=[("soonest", "The soonest"), ("nearest", "The nearest")],
                      default="soonest", validators=[Optional(), AnyOf(["soonest", "nearest"])])
    page = IntegerField("Page", default=1, validators=[Optional(), NumberRange(1, 500)])


class ButtonForm(HearthForm):
    """A button that changes something: only the CSRF token travels with it."""


class SignUpForm(HearthForm):
    """Sign up for a date, with guests where the event takes them."""

    guests = SelectField("Bringing a guest?", coerce=int, default=0, validate_choice=False,
                         choices=[(0, "Just me"), (1, "Me and 1 guest"), (2, "Me and 2 guests")],
                         validators=[Optional(), NumberRange(0, 2, "Please choose how many guests from the list.")])


class FeedForm(HearthForm):
    """Make a new calendar address, or turn the current one off."""

    action = HiddenField(validators=[AnyOf(["new", "revoke"])])
