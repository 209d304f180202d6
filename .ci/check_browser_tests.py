"""Fail CI when a run executed no browser test or skipped one (a skipped browser test hides bugs)."""

import sys
import xml.etree.ElementTree as ET

failed = False
for path in sys.argv[1:]:
    cases = [c for c in ET.parse(path).iter("testcase") if ".e2e." in c.get("classname", "") or "e2e" in c.get("file", "")]
    skipped = [c for c in cases if c.find("skipped") is not None]
    print(f"{path}: {len(cases)} browser tests, {len(skipped)} skipped")
    if not cases or skipped:
        failed = True
sys.exit(1 if failed else 0)
