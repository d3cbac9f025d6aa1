"""The “送温暖”资金发放实名制汇总表 (issue #16): the named list of people paid, a third kind of return.

``spec`` loads the form and its rules from the campaign folder, ``locate`` finds lists in a workbook,
``check`` checks one list, ``reconcile`` holds it against the same unit's 附件1, ``consolidate`` finds the
people paid by two units and builds the city's sheets (``tables``). Pure data, like the rest of core.
"""
