"""The small ODS writer: a valid package (mimetype first, stored), text that stays text, numbers
as numbers, characters XML cannot hold dropped, and several sheets."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

from store.insight.ods import MIMETYPE, ods_bytes

T = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
X = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
O = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _sheets(data: bytes):
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    first = archive.infolist()[0]
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
    assert archive.read("mimetype").decode() == MIMETYPE
    manifest = ElementTree.fromstring(archive.read("META-INF/manifest.xml"))
    assert any(MIMETYPE in e.attrib.values() for e in manifest.iter())
    for name in ("styles.xml", "meta.xml"):
        ElementTree.fromstring(archive.read(name))
    root = ElementTree.fromstring(archive.read("content.xml"))
    out = {}
    for table in root.iter(f"{T}table"):
        rows = []
        for row in table.iter(f"{T}table-row"):
            rows.append([(c.get(f"{O}value-type"), c.get(f"{O}value"), "".join(p.text or "" for p in c.iter(f"{X}p")))
                         for c in row.iter(f"{T}table-cell")])
        out[table.get(f"{T}name")] = rows
    return out


def test_text_numbers_and_empty_cells_read_back():
    data = ods_bytes([("Sign-ups", [("Name", "Place"), ("Maud", 1), ("=SUM(A1)", 2.5), ("", None)])], title="Lunch")
    rows = _sheets(data)["Sign-ups"]
    assert rows[0] == [("string", None, "Name"), ("string", None, "Place")]
    assert rows[1] == [("string", None, "Maud"), ("float", "1", "1")]
    assert rows[2][0] == ("string", None, "=SUM(A1)")  # a formula-looking name stays text
    assert rows[2][1] == ("float", "2.5", "2.5")
    assert rows[3] == [(None, None, ""), (None, None, "")]


def test_markup_and_control_characters_are_safe():
    data = ods_bytes([("A <b>&</b> sheet name that is far too long for a tab", [("<Zoë & \"Ann\">\x00\x07\u00e9",)])])
    sheets = _sheets(data)
    (name, rows), = sheets.items()
    assert len(name) <= 31 and name.startswith("A <b>&</b>")
    assert rows[0][0][2] == "<Zoë & \"Ann\">é"


def test_several_sheets_and_a_bold_header():
    data = ods_bytes([("One", [("h",), ("a",)]), ("Two", [("h",), ("b",)])])
    assert list(_sheets(data)) == ["One", "Two"]
    content = zipfile.ZipFile(io.BytesIO(data)).read("content.xml").decode()
    assert content.count('table:style-name="header"') == 2 and 'fo:font-weight="bold"' in content
