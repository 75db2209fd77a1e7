"""The account around the tables: IAM, VPC, Glue, Athena, Lake Formation (``family.py``)."""
