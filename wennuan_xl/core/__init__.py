"""The functional core: forms, values, rules, findings. Imports no Excel library (a test pins this)."""
