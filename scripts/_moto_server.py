"""The AWS emulator of the offline stack and of the test suite: moto, plus the few calls
of the stack's resources that moto 5.2.5 does not answer (docs/offline.md).

moto answers an action it lacks with HTTP 500, which the AWS provider retries and then
fails on; ``pulumi up`` or ``pulumi destroy`` of an offline stack with ``account: true``
would stop there. The calls added here keep state the way moto keeps the rest (in the
backend, gone on reset) and are only the ones the stack's resources make:

- Glue ``CreateClassifier``, ``GetClassifier``, ``GetClassifiers``, ``DeleteClassifier``;
- Glue ``DeleteConnection``;
- Athena ``DeleteNamedQuery``;
- Glue ``GetConnection(s)`` answer with the connection's ``ConnectionType`` (moto drops it,
  so the provider and an inventory would read a connection without a type);
- and Glue ``ListSchemas``, which the provider does not call but an inventory of a schema
  registry does (the test suite's, and aws2openstack's against this emulator).

AWS-managed IAM policies (``AWSGlueServiceRole``) exist in moto only with
``MOTO_IAM_LOAD_MANAGED_POLICIES=true``, which ``main`` sets. ``tests/support/moto_server``
installs the same calls into the suite's emulator; a test there fails when a moto release
answers one of them itself, so the copy here can go.

    uv run --locked --extra test python scripts/_moto_server.py -H 127.0.0.1 -p 5000
"""

from __future__ import annotations

import inspect
import json
import os
import sys
import time
from collections.abc import Callable
from typing import Any

from moto.athena.responses import AthenaResponse
from moto.core.exceptions import JsonRESTError
from moto.glue.exceptions import EntityNotFoundException, GlueClientError, InvalidInputException
from moto.glue.models import FakeConnection
from moto.glue.responses import GlueResponse

CLASSIFIER_KINDS = ("GrokClassifier", "XMLClassifier", "JsonClassifier", "CsvClassifier")
MANAGED_POLICIES = "MOTO_IAM_LOAD_MANAGED_POLICIES"


def _classifiers(backend: Any) -> dict[str, dict[str, Any]]:
    # Kept on the region's backend, so a moto reset drops them with everything else.
    return backend.__dict__.setdefault("testenv_classifiers", {})


def create_classifier(self: GlueResponse) -> str:
    given = [(kind, self.parameters[kind]) for kind in CLASSIFIER_KINDS if kind in self.parameters]
    if len(given) != 1:
        raise InvalidInputException("CreateClassifier", "exactly one classifier must be given")
    kind, spec = given[0]
    classifiers = _classifiers(self.glue_backend)
    if spec["Name"] in classifiers:
        raise GlueClientError("AlreadyExistsException", f"Classifier {spec['Name']} exists.")
    now = time.time()
    classifiers[spec["Name"]] = {kind: {**spec, "CreationTime": now, "LastUpdated": now}}
    classifiers[spec["Name"]][kind]["Version"] = 1
    return "{}"


def _classifier(self: GlueResponse) -> str:
    name = self.parameters.get("Name", "")
    if name not in _classifiers(self.glue_backend):
        raise EntityNotFoundException(f"Classifier {name} not found.")
    return name


def get_classifier(self: GlueResponse) -> str:
    return json.dumps({"Classifier": _classifiers(self.glue_backend)[_classifier(self)]})


def get_classifiers(self: GlueResponse) -> str:
    return json.dumps({"Classifiers": list(_classifiers(self.glue_backend).values())})


def delete_classifier(self: GlueResponse) -> str:
    del _classifiers(self.glue_backend)[_classifier(self)]
    return "{}"


def delete_connection(self: GlueResponse) -> str:
    name = self.parameters.get("ConnectionName", "")
    connections = self.glue_backend.connections
    if name not in connections:
        raise EntityNotFoundException(f"Connection {name} not found.")
    del connections[name]
    return "{}"


def list_schemas(self: GlueResponse) -> str:
    registry = (self.parameters.get("RegistryId") or {}).get("RegistryName")
    schemas = [
        {
            "RegistryName": schema.registry_name,
            "SchemaName": schema.schema_name,
            "SchemaArn": schema.schema_arn,
            "Description": schema.description,
            "SchemaStatus": schema.schema_status,
        }
        for found in self.glue_backend.registries.values()
        if registry in (None, found.name)
        for schema in found.schemas.values()
    ]
    return json.dumps({"Schemas": schemas})


def delete_named_query(self: AthenaResponse) -> str:
    query_id = self._get_param("NamedQueryId")
    queries = self.athena_backend.named_queries
    if query_id not in queries:
        raise JsonRESTError("InvalidRequestException", f"Named query {query_id} not found")
    del queries[query_id]
    return "{}"


_MOTO_CONNECTION_AS_DICT = FakeConnection.as_dict


def connection_as_dict(self: FakeConnection, hide_password: bool = False) -> dict[str, Any]:
    found = _MOTO_CONNECTION_AS_DICT(self, hide_password)
    found.setdefault("ConnectionType", self.connection_input.get("ConnectionType"))
    return found


ADDED: dict[type, dict[str, Callable[..., Any]]] = {
    GlueResponse: {
        "create_classifier": create_classifier,
        "get_classifier": get_classifier,
        "get_classifiers": get_classifiers,
        "delete_classifier": delete_classifier,
        "delete_connection": delete_connection,
        "list_schemas": list_schemas,
    },
    AthenaResponse: {"delete_named_query": delete_named_query},
    FakeConnection: {"as_dict": connection_as_dict},
}
"""The calls added, by moto's response class and the action's snake_case name."""


def missing_in_moto() -> list[str]:
    """The added calls that moto itself lacks (all of them in moto 5.2.5), installed or not."""
    missing = [
        f"{cls.__name__}.{action}"
        for cls, actions in ADDED.items()
        if cls is not FakeConnection
        for action in actions
        if getattr(getattr(cls, action, None), "__module__", __name__) == __name__
    ]
    if "ConnectionType" not in inspect.getsource(_MOTO_CONNECTION_AS_DICT):
        missing.append("FakeConnection.as_dict")
    return missing


def install(setattr_: Callable[[Any, str, Any], None] = setattr) -> None:
    """Add the calls (``setattr_`` may be a ``pytest.MonkeyPatch.setattr`` to undo them)."""
    for cls, actions in ADDED.items():
        for action, function in actions.items():
            setattr_(cls, action, function)


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault(MANAGED_POLICIES, "true")
    install()
    from moto.server import main as moto_main

    moto_main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
