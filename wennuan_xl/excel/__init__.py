"""The Excel shell: the ribbon's buttons, run by xlwings' RunPython from the master workbook.

The only code in the project that imports xlwings (tests/excel pins this), and none of xlwings PRO:
the tests drive these modules through xlwings' remote engine, the product never needs it.

  buttons.py     the four entry points (审核退回表, 清除标记, 汇总, 生成空白表)
  errors.py      UserError (shown verbatim) and the wrapper that turns any other error into a message box + log
  book.py        reading: a sheet in one bulk read, defined names, the 设置 / 单位名单 sheets, the other workbooks
  write.py       writing: 2-D blocks, fills batched per colour, sheets, status bar, screen updating, message boxes
  flags.py       flagging problem cells in place and clearing them (record: core.flags)
  protection.py  a sheet's (or workbook's) protection lifted around writes and put back exactly (COM, Windows)
  host.py        Protected View, the file-open dialog, opening files with macros disabled (COM, Windows)
  jobs.py        汇总: read, consolidate, write the sheets, links, feedback copies (imported by 汇总 only)
  chart.py       汇总's chart in the 图表 sheet (files/chart.py describes it)
  smoke.py       the Windows smoke test's scenario and checks (scripts/windows_smoke.py, tests/excel/test_smoke.py)
"""
