"""Forms for creating centres and inviting organisers."""

from wtforms import EmailField, FloatField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from web.validators import HearthForm

__all__ = ["CentreForm", "InviteForm"]


class CentreForm(HearthForm):
    name = StringField("Centre name", validators=[DataRequired("Please give the centre a name."), Length(max=120)])
    address = StringField("Public address", validators=[Optional(), Length(max=300)])
    description = TextAreaField("A sentence or two about the centre", validators=[Optional(), Length(max=2000)])
    lat = FloatField("Latitude", validators=[Optional(), NumberRange(-90, 90, "Latitude runs from -90 to 90.")])
    lon = FloatField("Longitude", validators=[Optional(), NumberRange(-180, 180, "Longitude runs from -180 to 180.")])


class InviteForm(HearthForm):
    email = EmailField(
        "Organiser's email address",
        validators=[DataRequired("Please enter an email address."), Email("Please enter a valid email address."), Length(max=254)],
    )
