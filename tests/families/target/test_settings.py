"""The target's configuration files, shaped by pure functions: what each service reads."""

from __future__ import annotations

import re
from xml.etree import ElementTree

from components import target_settings as settings
from components.target_lakehouse import METASTORE_CONTEXT, host_ports
from families.target.truth import section

ENDPOINTS = settings.Endpoints(
    object_store="http://objects:9000",
    rest_catalog="http://rest:8181",
    metastore="thrift://metastore:9083",
)
KEYS = settings.S3Credentials(access_key="AK", secret_key="SK&<x>")


def _props(text: str) -> dict[str, str]:
    return dict(line.split("=", 1) for line in text.splitlines())


def test_trino_iceberg_catalog_uses_the_rest_catalog_on_the_object_store():
    """iceberg.properties: connector iceberg, catalog type rest at the REST URI, native S3
    on the object store with path-style access and the keys."""
    props = _props(settings.trino_iceberg_catalog(ENDPOINTS, KEYS))
    assert props["connector.name"] == "iceberg"
    assert props["iceberg.catalog.type"] == "rest"
    assert props["iceberg.rest-catalog.uri"] == "http://rest:8181"
    assert props["iceberg.rest-catalog.warehouse"] == "s3://warehouse/iceberg"
    assert props["s3.endpoint"] == "http://objects:9000"
    assert props["s3.path-style-access"] == "true"
    assert (props["s3.aws-access-key"], props["s3.aws-secret-key"]) == ("AK", "SK&<x>")


def test_trino_hive_catalog_uses_the_metastore_on_the_object_store():
    """hive.properties: connector hive on the thrift metastore, native S3, writes allowed."""
    props = _props(settings.trino_hive_catalog(ENDPOINTS, KEYS))
    assert props["connector.name"] == "hive"
    assert props["hive.metastore.uri"] == "thrift://metastore:9083"
    assert props["hive.non-managed-table-writes-enabled"] == "true"
    assert props["fs.native-s3.enabled"] == "true"


def test_metastore_site_is_xml_with_its_postgres_database_and_s3a():
    """hive-site.xml parses, escapes values, names the JDBC URL, user, password and S3A."""
    text = settings.metastore_site(
        jdbc_url="jdbc:postgresql://postgres:5432/hive_metastore",
        user="testuser",
        password="pw",
        endpoints=ENDPOINTS,
        credentials=KEYS,
    )
    root = ElementTree.fromstring(text)
    values = {p.findtext("name"): p.findtext("value") for p in root.iter("property")}
    assert values["javax.jdo.option.ConnectionURL"].endswith("/hive_metastore")
    assert values["javax.jdo.option.ConnectionDriverName"] == "org.postgresql.Driver"
    assert values["fs.s3a.secret.key"] == "SK&<x>"
    assert values["fs.s3a.path.style.access"] == "true"
    assert values["metastore.warehouse.dir"] == "s3a://warehouse/hive"


def test_rest_catalog_env_round_trips_to_the_properties_the_fixture_reads():
    """The fixture's rule (strip CATALOG_, __ -> -, _ -> ., lower case) gives back each key."""
    props = settings.rest_catalog_properties(
        jdbc_uri="jdbc:sqlite::memory:", endpoints=ENDPOINTS, credentials=KEYS
    )
    env = settings.rest_catalog_env(props)
    back = {
        k.removeprefix("CATALOG_").replace("__", "-").replace("_", ".").lower(): v
        for k, v in env.items()
    }
    assert back == props
    assert env["CATALOG_IO__IMPL"] == "org.apache.iceberg.aws.s3.S3FileIO"


def test_images_are_pinned_to_exact_versions():
    """Every image tag is a release: a version number or MinIO's dated RELEASE tag."""
    for image in (
        settings.OBJECT_STORE_IMAGE,
        settings.REST_CATALOG_IMAGE,
        settings.METASTORE_IMAGE,
        settings.TRINO_IMAGE,
    ):
        tag = image.rsplit(":", 1)[1]
        assert re.fullmatch(r"RELEASE\.[0-9TZ-]+|\d+(\.\d+)*", tag), image


def test_metastore_dockerfile_in_the_repo_is_the_shaped_one():
    """components/images/metastore/Dockerfile equals metastore_dockerfile() (the driver by
    its sha256)."""
    text = (METASTORE_CONTEXT / "Dockerfile").read_text()
    assert text == settings.metastore_dockerfile()
    assert f"--checksum=sha256:{settings.POSTGRES_JDBC_SHA256}" in text


def test_truth_section_names_loopback_endpoints_and_no_credentials():
    """The ground truth's target section: four 127.0.0.1 endpoints, no key anywhere."""
    truth = section(19000, "hive_metastore")["target"]
    assert truth["object_store"]["endpoint"] == "http://127.0.0.1:19000"
    assert truth["iceberg_rest_catalog"]["uri"] == "http://127.0.0.1:19001"
    assert truth["hive_metastore"]["uri"] == "thrift://127.0.0.1:19002"
    assert truth["trino"]["uri"] == "http://127.0.0.1:19003"
    assert "key" not in repr(truth).lower().replace("keys", "")
    assert host_ports(20000) == {
        "objects": 20000,
        "rest": 20001,
        "metastore": 20002,
        "trino": 20003,
    }
