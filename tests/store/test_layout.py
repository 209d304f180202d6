"""The house's rules for store/, checked from the code's own imports.

Each feature package imports the models of any feature but the operations only of the features
below it in ``ORDER``; nothing in store imports web or jobs; imports sit at the top of a module
(none hidden in a function to dodge a circle); and no two modules import each other, directly or
round a longer loop.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

STORE = Path(__file__).resolve().parents[2] / "store"

#: The features, lowest first (README, "Layout").
ORDER = ("core", "messages", "places", "accounts", "centres", "profiles", "events", "social", "conversations", "groups",
         "recommendations", "insight", "leaving", "demo")


def _modules():
    for path in sorted(STORE.rglob("*.py")):
        rel = path.relative_to(STORE.parent).with_suffix("")
        if "migrations" in rel.parts:
            continue
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path


def _imports(path: Path):
    """(module imported, line, at top level) for every store import in ``path``."""
    tree = ast.parse(path.read_text())
    top = {id(n) for n in tree.body}
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        for name in names:
            if name.split(".")[0] in ("store", "web", "jobs"):
                yield name, node.lineno, id(node) in top


def _graph():
    known = dict(_modules())
    G = nx.DiGraph()
    problems = []
    for module, path in known.items():
        G.add_node(module)
        for name, line, at_top in _imports(path):
            if name.split(".")[0] in ("web", "jobs"):
                problems.append(f"{module}:{line} imports {name}")
                continue
            if not at_top:
                problems.append(f"{module}:{line} imports {name} inside a function")
            target = name
            while target not in known and "." in target:
                target = target.rsplit(".", 1)[0]
            if target in known and target != module and target != "store":
                G.add_edge(module, target, line=line)
    return G, problems


def test_every_store_module_is_in_a_feature_package():
    loose = [m for m, _ in _modules() if m.count(".") == 1 and m not in {f"store.{f}" for f in ORDER}
             and m != "store.models"]
    assert loose == []
    packages = {p.name for p in STORE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    assert packages - {"migrations"} == set(ORDER)


def test_no_function_level_imports_and_nothing_above_store():
    _, problems = _graph()
    assert problems == []


def test_no_import_circles():
    G, _ = _graph()
    assert list(nx.simple_cycles(G)) == []


def test_features_use_only_the_operations_of_features_below_them():
    G, _ = _graph()
    rank = {f: i for i, f in enumerate(ORDER)}
    wrong = []
    for a, b, data in G.edges(data=True):
        fa, fb = a.split(".")[1:2], b.split(".")[1:2]
        if a == "store.models" or not fa or not fb or fa == fb or b == f"store.{fb[0]}":
            continue
        if b.endswith(".models") or b == "store.profiles.taxonomy":
            continue  # any feature's tables, and the questionnaire's plain data, are for everyone
        if rank[fb[0]] > rank[fa[0]]:
            wrong.append(f"{a}:{data['line']} uses {b}")
    assert wrong == []
