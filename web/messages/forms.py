"""Forms for writing to a centre, replying, and choosing which messages arrive."""

from __future__ import annotations

from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from store.conversations.writing import MAX_BODY, MAX_SUBJECT
from store.messages.preferences import FREQUENCY_WORDS, TOPICS
from web.validators import HearthForm, PlainText

__all__ = ["WriteForm", "ReplyForm", "ButtonForm", "PreferencesForm", "preferences_form"]


class WriteForm(HearthForm):
    centre = SelectField("Which centre", coerce=int, validators=[InputRequired("Please choose a centre.")])
    subject = StringField("What is it about?", validators=[
        PlainText(message="Please write the subject on one line, without line breaks or hidden characters."),
        DataRequired("Please say in a few words what it is about."), Length(max=MAX_SUBJECT)])
    body = TextAreaField("Your message", validators=[DataRequired("Please write your message."),
                                                     Length(max=MAX_BODY)])


class ReplyForm(HearthForm):
    body = TextAreaField("Your reply", validators=[DataRequired("Please write your reply."), Length(max=MAX_BODY)])


class ButtonForm(HearthForm):
    """A button that changes something: only the CSRF token travels with it."""


class PreferencesForm(HearthForm):
    """One set of radio buttons per topic a person may choose about (fields added below)."""


class _FrequencyField(RadioField):
    """Radio buttons whose wrong choice says what to do, in the words of the topic."""

    def __init__(self, label, *, topic_words: str, **kwargs):
        super().__init__(label, **kwargs)
        self.topic_words = topic_words

    def pre_validate(self, form):
        if self.data not in {value for value, _ in self.choices}:
            raise ValidationError(f"Please choose how often you'd like {self.topic_words}.")


for _topic in TOPICS:
    setattr(PreferencesForm, _topic.key, _FrequencyField(
        _topic.label, topic_words=_topic.label.lower(), choices=[(c, FREQUENCY_WORDS[c]) for c in _topic.choices],
        validators=[InputRequired(f"Please choose how often you'd like {_topic.label.lower()}.")]))


def preferences_form(current: dict[str, str], *, posted: bool = False) -> PreferencesForm:
    """The form, filled in with the person's ``current`` choices, or with what they posted."""
    if posted:
        return PreferencesForm()
    return PreferencesForm(formdata=None, data=current)
