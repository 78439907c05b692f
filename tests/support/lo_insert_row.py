"""Test support: does in LibreOffice what a clerk does when a form runs out of spare rows.

Usage: python3 lo_insert_row.py IN.xlsx OUT.xlsx SHEET ROW CELLS...

Opens IN (protected as fiscalform writes it) through the LibreOffice dispatcher, the way the
menu command 插入行 works, so the sheet's protection decides whether it is allowed; inserts one
row above the 1-based ROW, types CELLS ("A=2010350", "B=事业运行", "D=12.5") into the new row,
recalculates and saves OUT as xlsx. Exits 3 if the insertion was refused.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(300):
        try:
            return resolver.resolve(
                f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
        except Exception:
            time.sleep(0.1)
    raise SystemExit("LibreOffice did not start")


def last_used_row(sheet):
    cursor = sheet.createCursor()
    cursor.gotoEndOfUsedArea(False)
    return cursor.RangeAddress.EndRow


def main():
    src, dst, sheet_name, row = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    cells = [c.split("=", 1) for c in sys.argv[5:]]
    profile = tempfile.mkdtemp(prefix="lo-insert-")
    if os.path.exists(dst):
        os.remove(dst)
    pipe = f"fiscalform{os.getpid()}"
    office = subprocess.Popen([
        "soffice", "--headless", "--norestore", "--invisible",
        f"-env:UserInstallation=file://{profile}",
        f"--accept=pipe,name={pipe};urp;",
    ])
    try:
        ctx = connect(pipe)
        smgr = ctx.ServiceManager
        desktop = smgr.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        # A private copy: no lock file of an earlier, aborted office stands in the way.
        work = os.path.join(profile, "in.xlsx")
        shutil.copyfile(src, work)
        doc = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(work), "_blank", 0, (prop("Hidden", True),))
        if doc is None:
            raise SystemExit(f"LibreOffice could not open {src}")
        sheet = doc.Sheets.getByName(sheet_name)
        if not sheet.isProtected():
            raise SystemExit(f"{sheet_name} is not protected")
        controller = doc.CurrentController
        controller.setActiveSheet(sheet)
        controller.select(sheet.getCellRangeByName(f"A{row}"))
        dispatcher = smgr.createInstanceWithContext(
            "com.sun.star.frame.DispatchHelper", ctx)
        before = last_used_row(sheet)
        dispatcher.executeDispatch(controller.Frame, ".uno:InsertRows", "", 0, ())
        if last_used_row(sheet) != before + 1:
            sys.exit(3)
        for col, value in cells:
            cell = sheet.getCellRangeByName(f"{col}{row}")
            try:
                cell.setValue(float(value))
            except ValueError:
                cell.setString(value)
        doc.calculateAll()
        doc.storeToURL(uno.systemPathToFileUrl(os.path.abspath(dst)),
                       (prop("FilterName", "Calc Office Open XML"),))
        # Not doc.close(): a loaded machine has seen the office abort while closing, after
        # the file was stored; ending the process is enough.
    finally:
        office.terminate()
        office.wait()
        shutil.rmtree(profile, ignore_errors=True)


if __name__ == "__main__":
    main()
