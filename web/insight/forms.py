"""Forms for organisers: a contact note, acting on a report, starting a run."""

from wtforms import BooleanField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import HiddenInput

from web.validators import HearthForm

__all__ = ["ContactForm", "LiftPauseForm", "ReportActionForm", "RunForm"]


_PERSON = "Please choose the person from the list (reload the page if it has changed)."


class ContactForm(HearthForm):
    user_id = IntegerField("Person", widget=HiddenInput(), validators=[
        InputRequired(_PERSON), NumberRange(1, 2**31 - 1, _PERSON)])
    note = TextAreaField("What happened when you got in touch?", validators=[
        DataRequired("Please write a few words about the contact."),
        Length(max=2000, message="Please keep the note under 2,000 characters."),
    ])


class LiftPauseForm(HearthForm):
    """A button: lift an organiser's pause."""


class ReportActionForm(HearthForm):
    note = TextAreaField("Add a note (only organisers of this centre see it)", validators=[Optional(), Length(max=4000)])
    pause_days = IntegerField("Pause this person from group matching for (days)", default=0,
                              validators=[Optional(), NumberRange(0, 366, "Please choose from 0 to 366 days.")])
    close = BooleanField("Close this report")


class RunForm(HearthForm):
    """A button: the form carries only the CSRF token."""
