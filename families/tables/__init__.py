"""The core tables: the five tables of the design and the scale databases (``family.py``)."""
