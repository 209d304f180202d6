"""A small writer of OpenDocument spreadsheets (``.ods``, ISO/IEC 26300), for organisers' lists.

Only what a list needs: one or more sheets of rows, text and number cells, a bold header row.
Text cells are always text (``office:value-type="string"``), so nothing typed by a resident can
become a formula; characters XML cannot hold are dropped. The file opens in LibreOffice,
Excel and Google Sheets; ``tests/store/test_ods.py`` reads it back.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime, timezone
from xml.sax.saxutils import escape, quoteattr

__all__ = ["MIMETYPE", "ods_bytes"]

MIMETYPE = "application/vnd.oasis.opendocument.spreadsheet"

_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_NS = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
       'xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" '
       'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
       'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
       'xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" '
       'xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0"')

_MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.2" manifest:media-type="{MIMETYPE}"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"""

_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-styles {_NS} office:version="1.2"><office:styles/></office:document-styles>
"""


def _text(value: object) -> str:
    return _NOT_XML.sub("", str(value))


def _cell(value: object, bold: bool) -> str:
    style = ' table:style-name="header"' if bold else ""
    if value is None or value == "":
        return f"<table:table-cell{style}/>"
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, (int, float)):
        return (f'<table:table-cell{style} office:value-type="float" office:value="{value!r}">'
                f"<text:p>{value}</text:p></table:table-cell>")
    return (f'<table:table-cell{style} office:value-type="string">'
            f"<text:p>{escape(_text(value))}</text:p></table:table-cell>")


def _sheet(name: str, rows: Sequence[Sequence[object]], header: bool) -> str:
    width = max((len(r) for r in rows), default=1)
    lines = [f"<table:table table:name={quoteattr(_text(name)[:31] or 'Sheet')}>",
             f'<table:table-column table:number-columns-repeated="{width}"/>']
    for index, row in enumerate(rows):
        bold = header and index == 0
        lines.append("<table:table-row>" + "".join(_cell(v, bold) for v in row) + "</table:table-row>")
    lines.append("</table:table>")
    return "".join(lines)


def ods_bytes(sheets: Iterable[tuple[str, Sequence[Sequence[object]]]], *, header: bool = True,
              title: str = "", now: datetime | None = None) -> bytes:
    """An ``.ods`` file holding ``sheets`` (name, rows); the first row of each is bold when
    ``header``. Cells may be ``None``/``""`` (empty), numbers, booleans or anything else (as text)."""
    body = "".join(_sheet(name, rows, header) for name, rows in sheets) or _sheet("Sheet", [], header)
    content = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-content {_NS} office:version="1.2">'
               '<office:automatic-styles><style:style style:name="header" style:family="table-cell">'
               '<style:text-properties fo:font-weight="bold"/></style:style></office:automatic-styles>'
               f"<office:body><office:spreadsheet>{body}</office:spreadsheet></office:body></office:document-content>")
    stamp = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S")
    meta = (f'<?xml version="1.0" encoding="UTF-8"?>\n<office:document-meta {_NS} '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2"><office:meta>'
            f"<meta:generator>Hearth</meta:generator><dc:title>{escape(_text(title))}</dc:title>"
            f"<meta:creation-date>{stamp}</meta:creation-date></office:meta></office:document-meta>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        # the mimetype comes first and uncompressed, as the standard asks (so tools can sniff it)
        archive.writestr(zipfile.ZipInfo("mimetype"), MIMETYPE, compress_type=zipfile.ZIP_STORED)
        for name, text in (("content.xml", content), ("styles.xml", _STYLES), ("meta.xml", meta),
                           ("META-INF/manifest.xml", _MANIFEST)):
            archive.writestr(name, text, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
