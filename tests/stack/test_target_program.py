"""The program with `target: true` under mocks: the four containers of the target
lakehouse, their names, images, loopback ports, health checks and secrets."""

from __future__ import annotations

import json

import pytest

from components import config as stack_config
from components import target_settings as settings
from tests.stack.program import ProgramRun, is_secret_value, run_program, unwrap

CONTAINER = "docker:index/container:Container"
MOCK_PASSWORD = "mock-Password-0123456789"
ROLES = ("objects", "rest", "metastore", "trino")


@pytest.fixture
def target_run(program_env, free_port) -> ProgramRun:
    return run_program({"postgresPort": free_port, "target": "true", "targetPortBase": 19100})


def _containers(run: ProgramRun) -> dict[str, dict]:
    return {r.name: r for r in run.of_type(CONTAINER)}


def test_target_declares_one_component_with_four_containers_under_it(target_run):
    """One TargetLakehouse; its containers target-<role> are its children, named per stack."""
    (component,) = target_run.of_type("aws2openstack:testenv:TargetLakehouse")
    containers = _containers(target_run)
    for role in ROLES:
        found = containers[f"target-{role}"]
        assert found.parent == component.urn, role
        assert unwrap(found.inputs)["name"] == f"aws2openstack-test-{role}", role
    children = [r for r in target_run.resources if r.parent == component.urn]
    assert all(r.name.startswith("target-") for r in children)


def test_target_containers_publish_on_loopback_only(target_run):
    """Every container of the stack publishes its ports on 127.0.0.1, target's from the base."""
    expected = {"objects": 19100, "rest": 19101, "metastore": 19102, "trino": 19103}
    for name, container in _containers(target_run).items():
        ports = unwrap(container.inputs)["ports"]
        assert ports and {p["ip"] for p in ports} == {"127.0.0.1"}, name
        role = name.removeprefix("target-")
        if role in expected:
            assert [p["external"] for p in ports] == [expected[role]], name


def test_target_containers_are_health_checked_and_waited_for(target_run):
    """Each target container has a health check and wait=True, on the private network."""
    network = target_run.one("docker:index/network:Network")
    for role in ROLES:
        inputs = unwrap(_containers(target_run)[f"target-{role}"].inputs)
        assert inputs["healthcheck"]["tests"], role
        assert inputs["wait"] is True, role
        (joined,) = inputs["networksAdvanced"]
        assert joined["name"] == unwrap(network.inputs)["name"], role
        assert joined["aliases"] == [role], role
    postgres = unwrap(_containers(target_run)["postgres-container"].inputs)
    assert postgres["networksAdvanced"][0]["aliases"] == ["postgres"]


def test_target_images_are_the_pinned_ones_by_image_id(target_run):
    """Pulled images are the pinned references; containers take the image id, not the tag."""
    names = {
        unwrap(r.inputs)["name"] for r in target_run.of_type("docker:index/remoteImage:RemoteImage")
    }
    assert {settings.OBJECT_STORE_IMAGE, settings.REST_CATALOG_IMAGE, settings.TRINO_IMAGE} <= names
    for role in ("objects", "rest", "trino"):
        image = unwrap(_containers(target_run)[f"target-{role}"].inputs)["image"]
        assert image.startswith("sha256:"), role
    # The digest each tag resolved to when pulled is an output (the mock's repoDigest).
    digests = json.loads(target_run.outputs["TARGET_IMAGE_DIGESTS"])
    assert sorted(digests) == ["objects", "rest", "trino"]
    assert digests["trino"] == f"{settings.TRINO_IMAGE}@sha256:" + "cd" * 32


def test_target_secrets_are_never_in_plaintext(target_run):
    """The generated keys and the database password appear only inside secret inputs; the
    key outputs are secret; the ground truth holds no key."""
    for resource in target_run.resources:
        plain = json.dumps(_without_secrets(resource.inputs))
        assert MOCK_PASSWORD not in plain, resource.name
    trino = _containers(target_run)["target-trino"].inputs
    catalogs = [u for u in trino["uploads"] if "/catalog/" in u["file"]]
    assert len(catalogs) == 2 and all(is_secret_value(u["content"]) for u in catalogs)
    assert is_secret_value(_containers(target_run)["target-objects"].inputs["envs"])
    assert {"TARGET_S3_ACCESS_KEY", "TARGET_S3_SECRET_KEY"} <= target_run.secret_outputs
    assert MOCK_PASSWORD not in json.dumps(target_run.ground_truth)


def test_target_files_are_the_shaped_ones(target_run):
    """Trino's catalogs and the metastore's hive-site.xml are the pure functions' output."""
    keys = settings.S3Credentials(MOCK_PASSWORD, MOCK_PASSWORD)
    from components.target_lakehouse import INTERNAL

    uploads = {
        u["file"]: u["content"]
        for u in unwrap(_containers(target_run)["target-trino"].inputs)["uploads"]
    }
    assert uploads["/etc/trino/catalog/iceberg.properties"] == settings.trino_iceberg_catalog(
        INTERNAL, keys
    )
    assert uploads["/etc/trino/catalog/hive.properties"] == settings.trino_hive_catalog(
        INTERNAL, keys
    )
    assert uploads["/etc/trino/jvm.config"] == settings.trino_jvm_config()
    (site,) = unwrap(_containers(target_run)["target-metastore"].inputs)["uploads"]
    assert "jdbc:postgresql://postgres:5432/hive_metastore" in site["content"]


def test_target_jvms_get_the_heaps_the_suite_measures(target_run):
    """Each JVM's -Xmx is settings.HEAPS, as the suite's local processes have it."""
    heaps = settings.HEAPS
    rest = unwrap(_containers(target_run)["target-rest"].inputs)["envs"]
    assert f"JAVA_TOOL_OPTIONS=-Xmx{heaps['rest']}" in rest
    metastore = unwrap(_containers(target_run)["target-metastore"].inputs)["envs"]
    assert f"SERVICE_OPTS=-Xmx{heaps['metastore']}" in metastore
    trino = unwrap(_containers(target_run)["target-trino"].inputs)["uploads"]
    (jvm,) = [u["content"] for u in trino if u["file"] == "/etc/trino/jvm.config"]
    assert f"-Xmx{heaps['trino']}\n" in jvm


def test_target_orders_services_after_what_they_need(target_run):
    """Warehouse bucket after the object store; Trino after the catalog and the metastore;
    the metastore after its database."""
    by_name = {r.name: r for r in target_run.resources}
    assert by_name["target-warehouse"].depends_on(by_name["target-objects"])
    assert by_name["target-trino"].depends_on(by_name["target-rest"])
    assert by_name["target-trino"].depends_on(by_name["target-metastore"])
    assert by_name["target-metastore"].depends_on(by_name["target-metastore-database"])


def test_target_canary_runs_after_trino_on_its_loopback_port(target_run):
    """The canary is the target's child, after Trino, on Trino's 127.0.0.1 port, and
    reruns when any of the four containers is replaced (their ids are its inputs)."""
    (component,) = target_run.of_type("aws2openstack:testenv:TargetLakehouse")
    (canary,) = target_run.of_type("pulumi-python:dynamic/testenv:TargetCanary")
    by_name = {r.name: r for r in target_run.resources}
    assert canary.parent == component.urn
    assert canary.depends_on(by_name["target-trino"])
    inputs = unwrap(canary.inputs)
    assert inputs["trino_uri"] == "http://127.0.0.1:19103"
    assert len(inputs["containers"]) == len(ROLES)
    assert target_run.outputs["TARGET_CONTAINERS"] == ",".join(
        f"aws2openstack-test-{role}" for role in ROLES
    )


def test_target_truth_section_is_in_the_ground_truth(target_run):
    """The ground truth gets a target section with the loopback endpoints."""
    truth = target_run.ground_truth
    assert truth["target"]["trino"]["uri"] == "http://127.0.0.1:19103"


def test_target_off_by_default_declares_nothing_of_it(program_env, free_port):
    """Without `target`, no network, no target resource and no TARGET_ output."""
    run = run_program({"postgresPort": free_port})
    assert not run.of_type("docker:index/network:Network")
    assert not [r for r in run.resources if r.name.startswith("target")]
    assert not [k for k in run.outputs if k.startswith("TARGET_")]


def test_target_needs_the_database(program_env):
    """`target: true` with `database: false` is refused, naming the key."""
    with pytest.raises(stack_config.ConfigError, match="target"):
        run_program({"target": "true", "database": "false"})


def _without_secrets(value):
    if is_secret_value(value):
        return None
    if isinstance(value, dict):
        return {k: _without_secrets(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_secrets(v) for v in value]
    return value
