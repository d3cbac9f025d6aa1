"""File shells: the fast reader (python-calamine) and the styled writers (openpyxl)."""
