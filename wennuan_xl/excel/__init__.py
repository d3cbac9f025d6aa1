"""The Excel shell: the ribbon's buttons, run by xlwings' RunPython from the master workbook.

The only code in the project that imports xlwings (tests/excel pins this), and none of xlwings PRO:
the tests drive these modules through xlwings' remote engine, the product never needs it.

  buttons.py   the four entry points (校验当前表, 清除标记, 汇总, 生成空白表)
  errors.py    UserError (shown verbatim) and the wrapper that turns any other error into a message box + log
  book.py      reading: a sheet in one bulk read, defined names, the 设置 / 单位名单 sheets
  write.py     writing: 2-D blocks, fills batched per colour, sheets, status bar, message boxes
  flags.py     flagging problem cells in place and clearing them (record: core.flags)
"""
