"""Views stay thin: no SQL in a view module. Queries live in the store feature's operations (a view
may still load one row by its key with ``session.get``); commands (``web/cli*.py``) are not views."""

from __future__ import annotations

import ast
from pathlib import Path

from factories import login, logout, make_user

from store.messages.outbox import queue_message

WEB = Path(__file__).resolve().parents[2] / "web"

SQL_CALLS = {"select", "scalars", "scalar", "execute", "query", "text"}


def _problems(path: Path) -> list[str]:
    tree = ast.parse(path.read_text())
    out = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
            if any(name and name.split(".")[0] == "sqlalchemy" for name in names):
                out.append(f"{path.name}:{node.lineno} imports sqlalchemy")
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in SQL_CALLS:
                out.append(f"{path.name}:{node.lineno} calls {name}()")
    return out


def test_no_view_module_runs_sql():
    views = sorted(p for p in WEB.glob("*/*.py") if "@bp.route" in p.read_text())  # every module with pages
    assert {p.parent.name for p in views} >= {"insight", "organiser", "neighbourhoods", "admin", "main"}
    problems = [f"{p.parent.name}/{msg}" for p in views for msg in _problems(p)]
    assert problems == []


def test_no_view_undoes_work_itself():
    """A domain error is undone in one place (``web.db.attempt``): no view calls ``rollback()``."""
    calls = [f"{p.parent.name}/{p.name}:{node.lineno}"
             for p in sorted(WEB.rglob("*.py")) if p.name != "db.py"
             for node in ast.walk(ast.parse(p.read_text()))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "rollback"]
    assert calls == []


def test_opening_your_own_message_marks_it_read_and_nobody_elses_opens(client, db):
    alice, bob = make_user(db), make_user(db)
    note = queue_message(db, to_email=alice.email, user_id=alice.id, subject="Your seat", body="See you Friday")
    login(client, bob.email)
    assert client.get(f"/messages/{note.id}").status_code == 404
    logout(client)
    login(client, alice.email)
    assert "See you Friday" in client.get(f"/messages/{note.id}").get_data(as_text=True)
    db.refresh(note)
    assert note.read_at is not None
