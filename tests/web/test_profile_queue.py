"""Saving one profile answer fits nothing in the request: the resident's own vector comes from the
stored vectorizer, and the refit and the recommendations are queued (a real Huey queue on SQLite)
for after the commit."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from matcher.profiles import ProfileVectorizer
from matcher.ranking import EventRanker
from store.places.geocoding import Place
from store.profiles.homes import confirm_home
from store.profiles.models import StoredVectorizer
from store.profiles.operations import get_profile
from store.profiles.vectors import current_vectorizer
from tests.factories import login, make_resident, make_user, post_form


@pytest.fixture
def real_queue(settings_override, tmp_path):
    """A queue that keeps its tasks (SqliteHuey) instead of running them in the caller."""
    settings_override["queue_url"] = f"sqlite:///{tmp_path / 'queue.db'}"


@pytest.fixture
def fits(monkeypatch):
    """Counts of the real ``fit`` calls of the profile vectorizer and the event ranker."""
    counts = {"vectorizer": 0, "ranker": 0}
    for name, cls in (("vectorizer", ProfileVectorizer), ("ranker", EventRanker)):
        original = cls.fit

        def counted(self, *args, _original=original, _name=name, **kwargs):
            counts[_name] += 1
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "fit", counted)
    return counts


def _pending(app) -> list[str]:
    return [task.name for task in app.extensions["hearth.queue"].huey.pending()]


def _run_pending(app) -> None:
    huey = app.extensions["hearth.queue"].huey
    while (task := huey.dequeue()) is not None:
        huey.execute(task)


def test_saving_a_step_fits_nothing_and_queues_the_work(real_queue, app, client, db, fits):
    make_resident(db)  # a town of one: its vectorizer has seen one profile
    old = current_vectorizer(db).version
    maya = make_user(db, name="Maya")
    confirm_home(db, maya.id, Place("near Headingley, Leeds", 53.8195, -1.5775, 1000))
    db.commit()
    login(client, maya.email)
    assert not app.extensions["hearth.queue"].immediate
    fits.update(vectorizer=0, ranker=0)

    saved = post_form(client, "/profile/interests", {"interests": ["baking", "walking"], "about": ""})

    assert saved.status_code == 302
    assert fits == {"vectorizer": 0, "ranker": 0}  # no fit inside the request
    profile = get_profile(db, maya.id)
    assert profile.vector is not None and profile.vector_version == old  # the stored vectorizer's transform
    assert db.scalar(select(func.count()).select_from(StoredVectorizer)) == 1
    queued = _pending(app)
    assert "refit_vectors" in queued and "refresh_recommendations" in queued  # two profiles: a refit is due

    _run_pending(app)  # what the consumer does next
    assert fits["vectorizer"] == 1 and fits["ranker"] == 1
    db.expire_all()
    assert get_profile(db, maya.id).vector_version == current_vectorizer(db).version != old


def test_a_save_when_no_refit_is_due_queues_only_the_recommendations(real_queue, app, client, db, fits):
    for _ in range(4):
        make_resident(db)  # fitted on 1, 2, then 4 profiles; Maya's makes five, under twice four
    maya = make_user(db, name="Maya")
    confirm_home(db, maya.id, Place("near Headingley, Leeds", 53.8195, -1.5775, 1000))
    db.commit()
    login(client, maya.email)
    fits.update(vectorizer=0, ranker=0)
    post_form(client, "/profile/meeting", {"availability": ["mon_morning"], "wants": ["meal"]})
    assert fits == {"vectorizer": 0, "ranker": 0}
    assert _pending(app) == ["refresh_recommendations"]
