"""The ground truth's ``target`` section: what a migration tool is pointed at.

No credential is part of it (the ground truth is an object of the data bucket); the
keys are the stack outputs ``TARGET_S3_ACCESS_KEY`` and ``TARGET_S3_SECRET_KEY``.
"""

from __future__ import annotations

from typing import Any

from components import target_settings as settings
from components.target_lakehouse import LISTEN_ADDRESS, host_ports


def section(port_base: int, metastore_database: str) -> dict[str, Any]:
    ports = host_ports(port_base)
    return {
        "target": {
            "object_store": {
                "service": "minio",
                "image": settings.OBJECT_STORE_IMAGE,
                "endpoint": f"http://{LISTEN_ADDRESS}:{ports['objects']}",
                "region": settings.S3_REGION,
                "path_style": True,
                "warehouse_bucket": settings.WAREHOUSE_BUCKET,
            },
            "iceberg_rest_catalog": {
                "service": "iceberg-rest-fixture",
                "image": settings.REST_CATALOG_IMAGE,
                "uri": f"http://{LISTEN_ADDRESS}:{ports['rest']}",
                "warehouse": settings.warehouse_uri(settings.ICEBERG_PREFIX),
            },
            "hive_metastore": {
                "service": "hive-standalone-metastore",
                "image": settings.METASTORE_IMAGE,
                "uri": f"thrift://{LISTEN_ADDRESS}:{ports['metastore']}",
                "database": metastore_database,
                "warehouse": settings.warehouse_uri(settings.HIVE_PREFIX),
            },
            "trino": {
                "image": settings.TRINO_IMAGE,
                "uri": f"http://{LISTEN_ADDRESS}:{ports['trino']}",
                "catalogs": {"iceberg": "iceberg_rest_catalog", "hive": "hive_metastore"},
            },
        }
    }
