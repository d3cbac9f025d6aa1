"""The command line: ``wennuan check | consolidate | demo | template | build-master``."""
