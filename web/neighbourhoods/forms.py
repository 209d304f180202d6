"""Forms for a centre's neighbourhoods: add one by place or by point, load many from CSV, remove one."""

from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import FloatField, StringField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from web.validators import HearthForm

__all__ = ["NeighbourhoodForm", "UploadForm", "RemoveForm"]


class NeighbourhoodForm(HearthForm):
    name = StringField("Name, as residents say it", validators=[
        DataRequired("Please give the neighbourhood a name."), Length(max=120, message="Please keep it under 120 characters.")])
    place = StringField("Where is its middle?", validators=[Optional(), Length(max=200)])
    lat = FloatField("Latitude", validators=[Optional(), NumberRange(-90, 90, "A latitude is between -90 and 90.")])
    lon = FloatField("Longitude", validators=[Optional(), NumberRange(-180, 180, "A longitude is between -180 and 180.")])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        has_point = self.lat.data is not None or self.lon.data is not None
        if not (self.place.data or "").strip() and not has_point and not self.lat.errors and not self.lon.errors:
            self.place.errors = [*self.place.errors,
                                 "Please give a postcode or street near its middle, or its latitude and longitude."]
            return False
        if has_point and (self.lat.data is None or self.lon.data is None):
            self.place.errors = [*self.place.errors, "Please give both the latitude and the longitude, or neither."]
            return False
        return valid


class UploadForm(HearthForm):
    file = FileField("A CSV file with the columns name, lat and lon", validators=[
        FileRequired("Please choose a file."), FileAllowed(["csv", "txt"], "Please choose a .csv file.")])


class RemoveForm(HearthForm):
    """A button: remove one neighbourhood."""
