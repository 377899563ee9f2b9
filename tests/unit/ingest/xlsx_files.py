"""Write small `.xlsx` workbooks for tests, by hand (the project reads spreadsheets, it does not write them).

Cells are given per row: `str` as inline text, `int`/`float` as numbers, `datetime` as a date-time
serial number with Excel's built-in `yyyy-mm-dd h:mm` style, `None` as no cell.
"""

import zipfile
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

EPOCH = datetime(1899, 12, 30)
CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
{parts}</Types>"""
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
SHEET_TYPE = '<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{office}.worksheet+xml"/>\n'
PARTS = (
    '<Override PartName="/xl/workbook.xml" ContentType="{office}.sheet.main+xml"/>\n'
    '<Override PartName="/xl/styles.xml" ContentType="{office}.styles+xml"/>\n'
)
ROOT_RELS = """<?xml version="1.0" encoding="UTF-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Target="xl/workbook.xml"
 Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>
</Relationships>"""
STYLES = """<?xml version="1.0" encoding="UTF-8"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy-mm-dd h:mm:ss"/></numFmts>
<fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders>
<cellStyleXfs count="1"><xf/></cellStyleXfs>
<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164" applyNumberFormat="1"/></cellXfs>
</styleSheet>"""
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    """A workbook with one worksheet per entry, in order."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr(
            "[Content_Types].xml",
            CONTENT_TYPES.format(
                parts=PARTS.format(office=OFFICE)
                + "".join(SHEET_TYPE.format(n=n, office=OFFICE) for n in range(1, len(sheets) + 1))
            ),
        )
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/styles.xml", STYLES)
        entries = "".join(
            f'<sheet name="{escape(name)}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(sheets, start=1)
        )
        book.writestr(
            "xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>{entries}</sheets></workbook>'
        )
        rels = "".join(
            f'<Relationship Id="rId{n}" Type="{REL}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(sheets) + 1)
        )
        rels += f'<Relationship Id="rId{len(sheets) + 1}" Type="{REL}/styles" Target="styles.xml"/>'
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">{rels}</Relationships>',
        )
        for n, rows in enumerate(sheets.values(), start=1):
            book.writestr(f"xl/worksheets/sheet{n}.xml", _sheet(rows))
    return path


def _sheet(rows: list[list[object]]) -> str:
    body = []
    for r, row in enumerate(rows, start=1):
        cells = "".join(_cell(f"{_column(c)}{r}", value) for c, value in enumerate(row) if value is not None)
        body.append(f'<row r="{r}">{cells}</row>')
    return f'<worksheet xmlns="{MAIN}"><sheetData>{"".join(body)}</sheetData></worksheet>'


def _cell(ref: str, value: object) -> str:
    if isinstance(value, datetime):
        serial = (value - EPOCH).total_seconds() / 86400
        return f'<c r="{ref}" s="1"><v>{serial}</v></c>'
    if isinstance(value, (int, float)):
        return f'<c r="{ref}"><v>{value}</v></c>'
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(str(value))}</t></is></c>'


def _column(index: int) -> str:
    name = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        name = chr(65 + rest) + name
    return name
