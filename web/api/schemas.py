"""The API's shapes as pydantic v2 models: the OpenAPI document is built from these."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["CentreOut", "CentrePage", "EventOut", "EventPage", "EventIn", "EventPatch", "CancelIn", "DateOut",
           "DatePage", "RosterRow", "RosterPage", "MeOut", "SignupOut", "SignupPage", "OfferOut", "OfferPage",
           "AnswerIn"]


class CentreOut(BaseModel):
    id: int
    name: str
    slug: str
    description: str
    timezone: str


class EventOut(BaseModel):
    id: int
    centre_id: int
    title: str
    kind: str
    description: str
    timezone: str
    start_date: dt.date
    start_time: str = Field(description="local time of the event's timezone, HH:MM")
    end_time: str
    recurrence: str
    repeat_until: dt.date | None
    capacity: int
    cancelled_at: str | None = Field(description="ISO 8601 with UTC offset")
    updated_at: str | None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


Kind = Literal["meal", "event", "exercise"]
Recurrence = Literal["none", "weekly", "fortnightly", "monthly"]


class EventIn(_Strict):
    title: str = Field(min_length=1, max_length=120)
    kind: str = Field(min_length=1, max_length=16)
    start_date: dt.date
    start_time: dt.time
    end_time: dt.time
    description: str = Field(default="", max_length=5000)
    recurrence: str = Field(default="none", max_length=16)
    repeat_until: dt.date | None = None
    capacity: int = Field(default=20, ge=1, le=1000)


class EventPatch(_Strict):
    title: str | None = Field(default=None, min_length=1, max_length=120)
    description: str | None = Field(default=None, max_length=5000)
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    capacity: int | None = Field(default=None, ge=1, le=1000)


class CancelIn(_Strict):
    reason: str = Field(default="", max_length=500)


class DateOut(BaseModel):
    id: int
    event_id: int
    starts_at: str
    ends_at: str
    cancelled_at: str | None
    capacity: int
    seats_taken: int
    seats_held: int
    waiting: int


class RosterRow(BaseModel):
    signup_id: int
    name: str = Field(description="first name where the resident agreed to show it, else a stable pseudonym")
    status: str
    guests: int
    waiting_place: int | None


class MeOut(BaseModel):
    id: int
    display_name: str
    role: str
    organises: list[int]


class SignupOut(BaseModel):
    id: int
    date_id: int
    event_id: int
    title: str
    starts_at: str
    status: str


class OfferOut(BaseModel):
    group_id: int
    date_id: int
    event_id: int
    title: str
    starts_at: str
    group_status: str
    my_answer: str


class AnswerIn(_Strict):
    answer: Literal["yes", "no"]


def _page_of(item: type[BaseModel], name: str) -> type[BaseModel]:
    return type(name, (BaseModel,), {"__annotations__": {"items": list[item], "next_cursor": str | None}})


CentrePage = _page_of(CentreOut, "CentrePage")
EventPage = _page_of(EventOut, "EventPage")
DatePage = _page_of(DateOut, "DatePage")
RosterPage = _page_of(RosterRow, "RosterPage")
SignupPage = _page_of(SignupOut, "SignupPage")
OfferPage = _page_of(OfferOut, "OfferPage")
