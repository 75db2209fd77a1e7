"""The table zoo: the kinds of Glue tables real accounts hold, in ``<env>_zoo``."""
