"""Forms for importing events: the file or address (with the kind and places they get), and the confirm button."""

from __future__ import annotations

from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import HiddenField, IntegerField, RadioField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from store.events.models import KINDS
from web.validators import HearthForm, PlainText

__all__ = ["ImportForm", "ConfirmForm"]


class ImportForm(HearthForm):
    file = FileField("A calendar file (.ics)")
    url = StringField("Or the calendar's web address", validators=[
        Optional(), Length(max=2000, message="That address is too long."), PlainText()])
    kind = RadioField("What kind of events are these, mostly?", choices=list(KINDS), default="event",
                      validators=[DataRequired("Please choose what kind of events these are.")])
    capacity = IntegerField("Places at each one", default=20, validators=[
        DataRequired("Please say how many people can come to each."),
        NumberRange(1, 10000, "Please give a number of places from 1 to 10,000.")])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        has_file = isinstance(self.file.data, FileStorage) and bool(self.file.data.filename)
        if not has_file and not (self.url.data or "").strip() and not self.url.errors:
            self.file.errors = [*self.file.errors, "Please choose a calendar file, or give its web address."]
            return False
        return valid


class ConfirmForm(HearthForm):
    """The confirm button; carries the calendar (base64) and the choices, checked again on import."""

    calendar = HiddenField(validators=[DataRequired(), Length(max=1_400_000)])
    kind = HiddenField(validators=[DataRequired()])
    capacity = HiddenField(validators=[DataRequired()])
