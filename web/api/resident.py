"""A resident's own part of the API: who they are, their sign-ups, their group offers and answering one."""

from __future__ import annotations

from flask import abort, current_app
from flask_login import current_user

from store.events import signups
from store.events.models import Occurrence
from store.groups import offers as group_offers
from store.groups.models import SeatStatus
from web.api import bp
from web.api.conventions import page, read_body, respond
from web.api.schemas import AnswerIn, MeOut, OfferOut, OfferPage, SignupPage
from web.api.shapes import offer_json, signup_json
from web.api.spec import operation
from web.db import db_session, enqueue_after_commit

__all__: list[str] = []


@bp.get("/me")
@operation("The token's own person", response=MeOut)
def me():
    user = current_user
    return respond({"id": user.id, "display_name": user.display_name, "role": user.role.value,
                    "organises": sorted(c.id for c in user.centres)})


@bp.get("/me/signups")
@operation("My own sign-ups (seats, waiting places, holds)", response=SignupPage, listing=True)
def my_signups():
    return respond(page(signups.signups_for_user(db_session(), current_user.id), lambda s: s.id, signup_json))


def _offer(seat) -> dict:
    return offer_json(seat, db_session().get(Occurrence, seat.group.occurrence_id))


@bp.get("/me/offers")
@operation("My own group offers and groups", response=OfferPage, listing=True)
def my_offers():
    seats = [s for s in group_offers.groups_for_user(db_session(), current_user.id) if s.status != SeatStatus.WITHDRAWN]
    return respond(page(seats, lambda s: s.group_id, _offer))


@bp.post("/me/offers/<int:group_id>/answer")
@operation("Say yes or no to a group offer (as the group page does)", response=OfferOut, body=AnswerIn,
           errors=(422,))
def answer_offer(group_id: int):
    seat = group_offers.seat_of(db_session(), group_id, current_user.id)
    if seat is None or seat.status == SeatStatus.WITHDRAWN:
        abort(404)
    data = read_body(AnswerIn)
    try:
        seat, rematch = group_offers.respond(db_session(), current_app.extensions["hearth.settings"], group_id,
                                             current_user, accept=data.answer == "yes")
    except LookupError:
        abort(404)
    if rematch:
        enqueue_after_commit("run_match", seat.group.occurrence_id)
    return respond(_offer(seat))
