"""Forms for placing and editing centres and inviting organisers."""

from wtforms import EmailField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from web.validators import HearthForm

__all__ = ["CentreForm", "InviteForm"]


class CentreForm(HearthForm):
    """A centre: its name, its public address (searched with the geocoder to place it on the map),
    and a description. ``place`` carries the point the admin chose after a search, ``place_for``
    the address it was found for (a changed address is searched again on saving)."""

    name = StringField("Centre name", validators=[DataRequired("Please give the centre a name."), Length(max=120)])
    address = StringField("Address", validators=[
        DataRequired("Please give the centre's address, so residents can find it and Hearth can place it on the map."),
        Length(max=300, message="Please keep the address under 300 characters.")])
    description = TextAreaField("A sentence or two about the centre", validators=[Optional(), Length(max=2000)])
    place = HiddenField(validators=[Optional(), Length(max=40)])
    place_for = HiddenField(validators=[Optional(), Length(max=300)])


class InviteForm(HearthForm):
    email = EmailField(
        "Organiser's email address",
        validators=[DataRequired("Please enter an email address."), Email("Please enter a valid email address."), Length(max=254)],
    )
