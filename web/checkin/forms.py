"""The check-in form: the three-item loneliness scale, and consent to a call or visit."""

from wtforms import BooleanField, RadioField
from wtforms.validators import InputRequired

from store.social.models import CHECKIN_QUESTIONS
from web.groups.forms import CHECKIN_CHOICES as _ANSWERS
from web.validators import HearthForm

__all__ = ["CheckinForm"]


class CheckinForm(HearthForm):
    companionship = RadioField(CHECKIN_QUESTIONS[0][1], choices=_ANSWERS, validators=[InputRequired("Please choose an answer.")])
    left_out = RadioField(CHECKIN_QUESTIONS[1][1], choices=_ANSWERS, validators=[InputRequired("Please choose an answer.")])
    isolated = RadioField(CHECKIN_QUESTIONS[2][1], choices=_ANSWERS, validators=[InputRequired("Please choose an answer.")])
    follow_up = BooleanField("I'd welcome a call or visit from someone at the centre")
