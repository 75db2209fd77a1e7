"""Volume tables a Glue Spark job writes where they live (``family.py``)."""
