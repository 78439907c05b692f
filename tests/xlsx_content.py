#!/usr/bin/env python3
"""Prints the content of an .xlsx for comparing two builds' outputs (tests/compare_outputs.sh).

Every part but docProps/core.xml (its creation time), in the archive's order. In a worksheet,
the <dataValidations> block becomes one line per validated cell with its rule: how cells are
grouped into ranges (one rule per cell, or per block of cells) is not content, which cells
take which rule is.

Usage: tests/xlsx_content.py FILE.xlsx
"""
import re
import sys
import zipfile

A1 = re.compile(r"^([A-Z]+)([0-9]+)$")


def cells_of(block):
    """Every cell of `C7` or `C7:I19`, as (row, column number)."""
    first, _, last = block.partition(":")
    last = last or first
    (c1, r1), (c2, r2) = (A1.match(first).groups(), A1.match(last).groups())
    n1, n2 = col_number(c1), col_number(c2)
    return [(r, c) for r in range(int(r1), int(r2) + 1) for c in range(n1, n2 + 1)]


def col_number(name):
    n = 0
    for ch in name:
        n = n * 26 + ord(ch) - 64
    return n


def validations_as_cells(xml):
    """The <dataValidations> block of a worksheet, one sorted line per validated cell."""
    m = re.search(r"<dataValidations[^>]*>(.*?)</dataValidations>", xml, re.S)
    if not m:
        return xml
    lines = []
    for v in re.finditer(r"<dataValidation ([^>]*)>(.*?)</dataValidation>", m.group(1), re.S):
        attrs, body = v.group(1), v.group(2)
        sqref = re.search(r'sqref="([^"]*)"', attrs).group(1)
        rule = re.sub(r'\s*sqref="[^"]*"', "", attrs) + body
        for block in sqref.split():
            for cell in cells_of(block):
                lines.append((cell, rule))
    lines.sort()
    text = "\n".join(f"{r}:{c}\t{rule}" for (r, c), rule in lines)
    return xml[: m.start()] + "<dataValidations>\n" + text + "\n</dataValidations>" + xml[m.end():]


def main(path):
    out = sys.stdout.buffer
    with zipfile.ZipFile(path) as z:
        for name in z.namelist():
            if name == "docProps/core.xml":
                continue
            data = z.read(name)
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                data = validations_as_cells(data.decode("utf-8")).encode("utf-8")
            out.write(name.encode() + b"\n" + data + b"\n")


if __name__ == "__main__":
    main(sys.argv[1])
