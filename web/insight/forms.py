"""Forms for organisers: a contact note, acting on a report, starting a run."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

__all__ = ["ContactForm", "LiftPauseForm", "ReportActionForm", "RunForm"]


class ContactForm(FlaskForm):
    user_id = HiddenField(validators=[DataRequired()])
    note = TextAreaField("What happened when you got in touch?", validators=[
        DataRequired("Please write a few words about the contact."),
        Length(max=2000, message="Please keep the note under 2,000 characters."),
    ])


class LiftPauseForm(FlaskForm):
    """A button: lift an organiser's pause."""


class ReportActionForm(FlaskForm):
    note = TextAreaField("Add a note (only organisers of this centre see it)", validators=[Optional(), Length(max=4000)])
    pause_days = IntegerField("Pause this person from group matching for (days)", default=0,
                              validators=[Optional(), NumberRange(0, 366, "Please choose from 0 to 366 days.")])
    close = BooleanField("Close this report")


class RunForm(FlaskForm):
    """A button: the form carries only the CSRF token."""
