"""Forms for posting and editing events, check-in, messages to attendees and cancelling."""

from __future__ import annotations

import re
from datetime import date

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import (
    AnyOf,
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from store.events.admin import EventDetails
from store.events.models import KINDS, MAX_DAYS_AHEAD, RECURRENCES, TOO_FAR_AHEAD
from store.profiles.taxonomy import DIETARY, INTEREST_GROUPS, LANGUAGES
from web.events.forms import MultiCheckboxField
from web.validators import DateWithin, HearthForm, PlainText

__all__ = ["EventForm", "DuplicateForm", "CancelForm", "MessageForm", "CheckInForm", "parse_dates", "details_from"]

_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$|^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def parse_dates(text: str) -> list[date]:
    """Dates typed one per line (or separated by commas), as 2026-12-24 or 24/12/2026."""
    days = []
    for part in re.split(r"[\n,;]+", text or ""):
        if not part.strip():
            continue
        match = _DATE.match(part)
        try:
            if not match:
                raise ValueError
            y, m, d = match.group(1, 2, 3) if match.group(1) else (match.group(6), match.group(5), match.group(4))
            days.append(date(int(y), int(m), int(d)))
        except ValueError:
            raise ValidationError(f"“{part.strip()}” isn't a date we understand; please write it like 24/12/2026.")
    return days


def _check_dates(form, field) -> None:
    parse_dates(field.data)


class EventForm(HearthForm):
    centre_id = SelectField("Which centre runs it", coerce=int, validate_choice=True)
    title = StringField("Title", validators=[DataRequired("Please give the event a title."), Length(max=120)])
    kind = RadioField("What kind of event", choices=list(KINDS),
                      validators=[InputRequired("Please choose what kind of event this is.")])
    description = TextAreaField("What happens, in a few friendly sentences", validators=[Optional(), Length(max=4000)])
    tags = MultiCheckboxField("Topics", choices=[c for g in INTEREST_GROUPS for c in g.tags])
    start_date = DateField("Date (the first date, if it repeats)",
                           validators=[InputRequired("Please give the date, like 24/12/2026."),
                                       DateWithin(days_ahead=MAX_DAYS_AHEAD, message=TOO_FAR_AHEAD)])
    start_time = TimeField("Starts at", validators=[InputRequired("Please give the start time, like 12:30.")])
    end_time = TimeField("Ends at", validators=[InputRequired("Please give the end time, like 14:00.")])
    recurrence = SelectField("How often", choices=list(RECURRENCES), default="none")
    repeat_until = DateField("Repeats until", validators=[Optional()])
    skipped_dates = TextAreaField("Dates to skip (optional)", validators=[Optional(), _check_dates])
    where = RadioField("Where", choices=[("centre", "At the centre"), ("elsewhere", "Somewhere else")], default="centre")
    venue_name = StringField("Venue name", validators=[Optional(), Length(max=120)])
    venue_address = StringField("Venue address", validators=[Optional(), Length(max=300)])
    capacity = IntegerField("Number of places", default=20,
                            validators=[InputRequired("Please say how many people can come."),
                                        NumberRange(1, 10000, "Please give a number of places from 1 to 10,000.")])
    step_free = BooleanField("Step-free access")
    hearing_loop = BooleanField("A hearing loop")
    quiet = BooleanField("A quiet venue")
    access_notes = TextAreaField("Access notes (optional)", validators=[Optional(), Length(max=1000)])
    max_guests = SelectField("Can residents bring a guest?", coerce=int, default=0,
                             choices=[(0, "No, just residents"), (1, "Yes, one guest each"),
                                      (2, "Yes, up to two guests each")])
    dietary = MultiCheckboxField("Food on offer suits", choices=list(DIETARY))
    language = SelectField("Main language", choices=list(LANGUAGES), default="en")
    cost_note = StringField("Cost", validators=[Optional(), Length(max=120)])
    signup_deadline_hours = IntegerField(
        "Close sign-ups this many hours before the start (optional)",
        validators=[Optional(), NumberRange(0, 720, "Please give from 0 to 720 hours.")])

    def fill_from(self, details: EventDetails) -> None:
        """Fill the fields from existing details (editing or duplicating)."""
        for name in ("title", "kind", "description", "start_date", "start_time", "end_time", "recurrence",
                     "repeat_until", "capacity", "step_free", "hearing_loop", "quiet", "language", "cost_note",
                     "signup_deadline_hours", "venue_name", "venue_address", "access_notes", "max_guests"):
            getattr(self, name).data = getattr(details, name)
        self.tags.data = list(details.tags)
        self.dietary.data = list(details.dietary)
        self.skipped_dates.data = "\n".join(d.strftime("%d/%m/%Y") for d in details.skipped_dates)
        self.where.data = "elsewhere" if details.venue_address else "centre"


def details_from(form: EventForm) -> EventDetails:
    """The store's input from a validated form."""
    elsewhere = form.where.data == "elsewhere"
    return EventDetails(
        title=form.title.data or "", kind=form.kind.data or "", description=form.description.data or "",
        tags=tuple(form.tags.data or ()), start_date=form.start_date.data, start_time=form.start_time.data,
        end_time=form.end_time.data, recurrence=form.recurrence.data, repeat_until=form.repeat_until.data,
        skipped_dates=tuple(parse_dates(form.skipped_dates.data)), capacity=form.capacity.data,
        step_free=form.step_free.data, hearing_loop=form.hearing_loop.data, quiet=form.quiet.data,
        dietary=tuple(form.dietary.data or ()), language=form.language.data, cost_note=form.cost_note.data or "",
        signup_deadline_hours=form.signup_deadline_hours.data,
        venue_name=(form.venue_name.data or "") if elsewhere else "",
        venue_address=(form.venue_address.data or "") if elsewhere else "",
        access_notes=form.access_notes.data or "", max_guests=form.max_guests.data or 0,
    )


class DuplicateForm(HearthForm):
    start_date = DateField("New date (the first date, if it repeats)",
                           validators=[InputRequired("Please give the new date, like 24/12/2026."),
                                       DateWithin(days_ahead=MAX_DAYS_AHEAD, message=TOO_FAR_AHEAD)])


class CancelForm(HearthForm):
    reason = TextAreaField("A short reason for the people signed up (optional)", validators=[Optional(), Length(max=500)])


class MessageForm(HearthForm):
    # A subject becomes an email header: a line break in it would add headers of its own.
    subject = StringField("Subject", validators=[
        PlainText(message="Please write the subject on one line, without line breaks or hidden characters."),
        DataRequired("Please write a subject."), Length(max=120)])
    body = TextAreaField("Message", validators=[DataRequired("Please write a message."), Length(max=4000)])
    include_waitlist = BooleanField("Also send it to people on the waiting list")


class CheckInForm(HearthForm):
    status = HiddenField(validators=[AnyOf(["attended", "no_show", "confirmed"])])
