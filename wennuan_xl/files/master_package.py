"""The last step of the master build: the ribbon part and a byte-stable zip.

openpyxl (``vba_archive`` set) writes the sheets, ``xl/vbaProject.bin`` and its relationship, but its
package relationships keep only the 2006 ribbon type; the Office 2010 ribbon
(``customUI/customUI14.xml``) needs a package relationship of type ``RIBBON_REL`` in ``_rels/.rels``.
We add that part and relationship here, state its content type, pin the document's modified time,
and rewrite the zip with fixed entry times, attributes and order, so the same sources give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from xml.etree import ElementTree as ET

RIBBON_PART = "customUI/customUI14.xml"
RIBBON_REL = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
RIBBON_CONTENT_TYPE = "application/xml"
VBA_PART = "xl/vbaProject.bin"
VBA_CONTENT_TYPE = "application/vnd.ms-office.vbaProject"
MACRO_WORKBOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RIBBON_REL_ID = "rIdWennuanRibbon"


def finish_package(xlsm: bytes, ribbon_xml: bytes, fixed_time: dt.datetime) -> bytes:
    with zipfile.ZipFile(io.BytesIO(xlsm)) as src:
        parts = {info.filename: src.read(info) for info in src.infolist()}
    if VBA_PART not in parts:
        raise ValueError("the workbook has no VBA project")
    parts["_rels/.rels"] = _with_ribbon_rel(parts["_rels/.rels"])
    parts["[Content_Types].xml"] = _with_content_types(parts["[Content_Types].xml"])
    parts["docProps/core.xml"] = _pinned_times(parts["docProps/core.xml"], fixed_time)
    parts[RIBBON_PART] = ribbon_xml
    return _zip(parts, fixed_time)


def _with_ribbon_rel(xml: bytes) -> bytes:
    ET.register_namespace("", RELS_NS)
    root = ET.fromstring(xml)
    for rel in list(root):
        if rel.get("Type") == RIBBON_REL or rel.get("Target", "").lstrip("/") == RIBBON_PART:
            root.remove(rel)
    ET.SubElement(root, f"{{{RELS_NS}}}Relationship", Id=RIBBON_REL_ID, Type=RIBBON_REL, Target=RIBBON_PART)
    return _xml(root)


def _with_content_types(xml: bytes) -> bytes:
    ET.register_namespace("", TYPES_NS)
    root = ET.fromstring(xml)
    overrides = {el.get("PartName"): el for el in root.findall(f"{{{TYPES_NS}}}Override")}
    workbook = overrides.get("/xl/workbook.xml")
    if workbook is None or workbook.get("ContentType") != MACRO_WORKBOOK_TYPE:
        raise ValueError("the workbook part is not typed as macro-enabled")
    wanted = {"/" + VBA_PART: VBA_CONTENT_TYPE, "/" + RIBBON_PART: RIBBON_CONTENT_TYPE}
    for part, content_type in wanted.items():
        el = overrides.get(part)
        if el is None:
            ET.SubElement(root, f"{{{TYPES_NS}}}Override", PartName=part, ContentType=content_type)
        else:
            el.set("ContentType", content_type)
    return _xml(root)


def _pinned_times(xml: bytes, when: dt.datetime) -> bytes:
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    for tag in (rb"dcterms:created", rb"dcterms:modified"):
        xml = re.sub(rb"(<" + tag + rb"[^>]*>)[^<]*(</" + tag + rb">)", rb"\g<1>" + stamp + rb"\g<2>", xml)
    return xml


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _order(name: str) -> tuple[int, str]:
    first = {"[Content_Types].xml": 0, "_rels/.rels": 1}
    return (first.get(name, 2), name)


def _zip(parts: dict[str, bytes], when: dt.datetime) -> bytes:
    out = io.BytesIO()
    stamp = when.timetuple()[:6]
    with zipfile.ZipFile(out, "w") as z:
        for name in sorted(parts, key=_order):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            z.writestr(info, parts[name], compresslevel=6)
    return out.getvalue()
