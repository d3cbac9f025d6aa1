"""The command line: ``wennuan check``, ``wennuan template``."""
