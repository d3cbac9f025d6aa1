"""Every limit the guard applies to a returned file, with its reason and its headroom over a real return.

A real return, as units send it: one or two sheets of < 200 rows and < 1,200 value cells, ~12-50 KB of XML
per sheet, 3,000-5,000 XML elements in all (an Excel-saved copy with its theme: ~10,000), 10-30 fonts and
15-60 cell formats, < 20 merged ranges, ~150 defined names, < 50 KB of text. A 实名制 list (issue #16) is a
return too, one row a person: the cell, element and text limits are set for a list of 10,000 people, and the
text limit that protects the annex locator is applied after the read, to the sheets it is given
(``LOCATOR_TEXT_BYTES``, ``LOCATOR_CELLS``, ``source.check_locator_input``). The limits below leave a real return
a margin of 50 times or more (the figure after each), and the largest workbook they let through is still
read in < 2 s and < 200 MB of peak memory (``benchmarks/hostile.py`` measures the cases just inside them).

Memory is what most limits protect. The reader (python-calamine) builds a grid of 32-byte cells for the
rectangle from A1 (or from the first value) to the farthest value cell, copies it once more when that
rectangle does not start at A1, and the Python lists add 8 bytes a cell; an .xls or .ods keeps every sheet's
grid for the whole read. Shared strings are copied into every cell that uses them, once in Rust and once
as a Python str. openpyxl (flagged and feedback copies) builds an object for every XML element it
understands, one ``MergedCell`` for every cell of a merged range and one cell for every cell a ranged
hyperlink covers.
"""

from __future__ import annotations

MB = 1024 * 1024

# --- the file and its container -------------------------------------------------------------------------

# A return is ~12 KB; with a scanned seal or photos pasted in a few MB. Read into memory at once. (x 1,000)
MAX_FILE_BYTES = 50 * MB
# An .xls is not compressed: its size is its content. An old-format return is < 100 KB. (x 200)
MAX_OLE_BYTES = 20 * MB
# A workbook has ~10-30 zip members. zipfile builds an object per member, so the count is read from the
# end record before the directory is parsed. (x 60)
MAX_MEMBERS = 2_000
MAX_CENTRAL_DIRECTORY_BYTES = 1 * MB
# One XML part, inflated (declared sizes can lie: we inflate for real). A 200-row sheet is ~50 KB. (x 480)
MAX_PART_BYTES = 24 * MB
# All XML parts together, inflated. (x 400)
MAX_XML_BYTES = 40 * MB
# Inflated parts the guard keeps to hand the reader (it then parses them stored, not inflating them again):
# a real return has ~150 KB of XML; past this the remaining parts go to the reader as they were sent, so a
# file refused for its size never holds more than this in the guard. (x 25)
MAX_KEPT_BYTES = 4 * MB
# Compression ratio of a part over 1 MB: real sheet XML compresses 10-50 times; deflate tops out near
# 1,000 (a bomb of zeros or spaces). (x 4)
MAX_RATIO = 200
RATIO_FROM_BYTES = 1 * MB
# The small parts that decide what is read (relationships, workbook.xml, content types, the manifest)
# are parsed whole in memory; workbook.xml with 1,000 defined names is ~100 KB. (x 40)
MAX_INDEX_PART_BYTES = 4 * MB

# --- XML, in every part any reader parses ---------------------------------------------------------------

# Elements in all XML parts together: openpyxl builds an object (~0.5 KB) for most of them, and the guard
# itself spends ~3 µs on each. A real return has 3,000-10,000; the 50,000-cell limit workbook ~105,000. (x 25)
# A 实名制 list of 10,000 people (issue #16) has ~330,000. (x 60 over a return, x 1.8 over that list)
MAX_ELEMENTS = 600_000
# Nesting depth: real parts nest < 15 deep; the parser keeps a frame per open element. (x 17)
MAX_DEPTH = 256

# --- what the reader builds -----------------------------------------------------------------------------

# Row elements in all sheets. (x 250)
MAX_ROWS = 50_000
# Cells holding a value, in all sheets together (each sheet entry counted, since the reader parses each
# entry); for an .ods, after its column repeats are expanded. A 实名制 list (issue #16) is a return too: 12
# columns a person, so 10,000 people are ~120,000 cells (~40 MB in the reader). (x 125 over a return)
MAX_CELLS = 150_000
# The grids the reader builds: the rectangle from A1 to the farthest value cell of every sheet, summed
# (calamine allocates each whole; 72 bytes a cell at worst). A real sheet is < 200 x 10. (x 250)
MAX_AREA = 1_000_000
# The text of all cells after shared strings are copied into the cells that use them (and an .ods cell's
# text into every column and row it is repeated in), in UTF-8 bytes. A filled template holds ~8 KB of text
# in 545 cells; the count is an upper bound (the markup of each string cell is counted too), which makes a
# filled template ~35 KB here and a 实名制 list of 10,000 people ~4.4 MB. The reader alone takes 16 MB in
# 0.5 s. (x 230 over a return, x 1.8 over that list)
MAX_TEXT_BYTES = 8 * MB
# The text the annex locator is given, counted after the read over the sheets it looks at (a list's sheets
# are not among them), in UTF-8 bytes: the locator compares every text cell with every field's wording; a
# workbook at this limit (512 KB in long cells) is checked in 1.5-3.2 s by benchmarks/hostile.py on 2 busy
# cores (2 December 2026; 6.8 s before the locator normalised each text once), inside the worker's 20 s.
# A filled template: ~8 KB. (x 64)
LOCATOR_TEXT_BYTES = 512 * 1024
# Value cells the annex locator is given, counted likewise: a return's limit before lists were read (x 40).
LOCATOR_CELLS = 50_000
# An .ods's formulas, as calamine keeps them (a string per cell, copied into every repeated cell). The
# template's live checks hold ~200 KB of formulas. (x 80)
MAX_FORMULA_BYTES = 16 * MB
# Declared and actual shared strings (sharedStrings.xml count/uniqueCount, an .xls SST record's counts):
# calamine reserves room for the declared number before it reads one. A real return has < 600. (x 330)
MAX_SHARED_STRINGS = 200_000
# Sheet entries of one workbook (workbook.xml, an .xls BOUNDSHEET list, an .ods's tables): each is parsed
# on its own, so 1,000 entries naming one part cost 1,000 parses. Real: 1-5; Excel's default limit 255. (x 20)
MAX_SHEETS = 100
# Defined names (workbook.xml, an .ods's named ranges, an .xls's NAME records). A filled template has ~180. (x 50)
MAX_DEFINED_NAMES = 10_000
TOO_MANY_NAMES = f"工作簿定义了超过 {MAX_DEFINED_NAMES:,} 个名称，远超一份统计表，不予读取"

# --- what openpyxl builds (flagged and feedback copies) --------------------------------------------------

# Style records: openpyxl makes an object of each and de-duplicates them (measured: 100,000 fonts take
# openpyxl ~40 s). A real return has 7-30 fonts and 15-60 cell formats; Excel writes at most 64,000 formats.
MAX_FONTS = 1_000  # (x 30)
MAX_FILLS = 1_000  # (x 60)
MAX_BORDERS = 1_000  # (x 100)
MAX_NUMBER_FORMATS = 1_000  # (x 100)
MAX_CELL_FORMATS = 4_000  # cellXfs + cellStyleXfs (x 60)
MAX_CELL_STYLES = 1_000  # (x 50)
MAX_DIFFERENTIAL_FORMATS = 1_000  # dxfs (x 100)
# <c> elements, also those without a value (a formatted empty cell is an openpyxl object). Real: < 2,000; a
# 实名制 list of 10,000 people ~130,000. (x 100 over a return)
MAX_CELL_ELEMENTS = 200_000
# Merged ranges, and the cells they cover: openpyxl makes a MergedCell of each covered cell, and looks every
# hyperlink and every flag up in the list of ranges. Real: < 20 ranges, < 100 cells. (x 50, x 1,000)
MAX_MERGES = 1_000
MAX_MERGED_CELLS = 100_000
# Hyperlinks, and the cells a ranged hyperlink covers (openpyxl creates each). A flagged copy sent back
# holds one per finding (< 150). (x 13, x 1,000)
MAX_HYPERLINKS = 2_000
MAX_LINKED_CELLS = 100_000

# --- old .xls -------------------------------------------------------------------------------------------

# Sectors listed as FAT sectors, and the length of any sector chain: never more than the file has.
# calamine follows chains without looking for loops, so a loop is refused here.
# DIFAT length field: calamine reserves room for that many entries (4 bytes each) first. (Real: < 2^17.)
MAX_DIFAT_ENTRIES = 1 << 22

# --- Excel's own limits, which no real address exceeds ------------------------------------------------------

EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384


class Refused(Exception):
    """The guard refuses the file; ``reason`` is the clerk's message (Chinese)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
