"""Forms for answering a group offer, feedback after a meeting, and reports."""

from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length

from store.groups.models import NOTE_LENGTH
from store.social.models import CHECKIN_ANSWERS, CHECKIN_QUESTIONS
from web.validators import HearthForm

__all__ = ["NoteForm", "ActionForm", "FeedbackForm", "ReportForm", "meet_again_field", "CHECKIN_CHOICES", "OPTIONAL_CHECKIN_CHOICES"]

CHECKIN_CHOICES = [(str(value), label) for value, label in CHECKIN_ANSWERS]
OPTIONAL_CHECKIN_CHOICES = [("", "I'd rather not say")] + CHECKIN_CHOICES


class ActionForm(HearthForm):
    """A button that changes something (accept, decline, block): the form carries only the CSRF token."""


def meet_again_field(label: str) -> RadioField:
    return RadioField(label, choices=[("yes", "Yes, I'd like to"), ("no", "Not really"), ("", "Rather not say")], default="")


class FeedbackForm(HearthForm):
    attended = RadioField("Did you go?", choices=[("yes", "Yes, I went"), ("no", "No, I couldn't make it")],
                          validators=[InputRequired("Please tell us whether you went.")])
    companionship = RadioField(CHECKIN_QUESTIONS[0][1], choices=OPTIONAL_CHECKIN_CHOICES, default="")
    left_out = RadioField(CHECKIN_QUESTIONS[1][1], choices=OPTIONAL_CHECKIN_CHOICES, default="")
    isolated = RadioField(CHECKIN_QUESTIONS[2][1], choices=OPTIONAL_CHECKIN_CHOICES, default="")
    follow_up = BooleanField("I'd welcome a call or visit from someone at the centre")


class ReportForm(HearthForm):
    reason = TextAreaField("What happened?", validators=[
        DataRequired("Please tell us briefly what happened, so the organisers can help."),
        Length(max=4000, message="Please keep this under 4,000 characters."),
    ])
    also_block = BooleanField("Also make sure I'm never placed in a group with this person again", default=True)


class NoteForm(HearthForm):
    note = TextAreaField("How will they find each other?", validators=[
        Length(max=NOTE_LENGTH, message=f"Please keep the note to {NOTE_LENGTH} characters."),
    ])
