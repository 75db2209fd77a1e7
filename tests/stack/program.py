"""Runs ``__main__.py`` under Pulumi's unit-test mocks and records what it registers.

No Pulumi CLI, provider plugin or cloud is involved: the mock monitor answers every
registration with the inputs as outputs (plus the few computed values a real provider
would return), and records each resource's type, name, inputs, parent, dependencies
and provider so tests can check the resource graph.
"""

from __future__ import annotations

import json
import runpy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import mocks as pulumi_mocks
from pulumi.runtime import rpc, settings

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "aws2openstack-testenv"
ACCOUNT_ID = "123456789012"


@dataclass
class Registered:
    urn: str
    type: str
    name: str
    inputs: dict[str, Any]
    parent: str
    dependencies: set[str]
    property_dependencies: dict[str, set[str]]
    provider: str
    custom: bool
    options: dict[str, Any] = field(default_factory=dict)
    """The registration's other fields (providers, aliases, deleteBeforeReplace, ...);
    filled only by a ``RecordingMonitor(record_options=True)``."""

    def depends_on(self, other: Registered) -> bool:
        """Whether Pulumi orders this resource after ``other`` (option or input)."""
        if other.urn in self.dependencies:
            return True
        return any(other.urn in urns for urns in self.property_dependencies.values())


CALLER_ARN = f"arn:aws:iam::{ACCOUNT_ID}:user/tester"


def _region() -> str:
    return pulumi.Config("aws").get("region") or "eu-central-1"


class ProgramMocks(pulumi.runtime.Mocks):
    """Outputs = inputs, plus what AWS, Docker and random would compute.

    ``data_lake_admins`` is what ``GetDataLakeSettings`` lists (by default the mocked
    caller, so the account family declares its Lake Formation part);
    ``data_lake_error``, when set, is the error that call fails with instead.
    """

    def __init__(
        self, data_lake_admins: list[str] | None = None, data_lake_error: str | None = None
    ) -> None:
        self.data_lake_admins = [CALLER_ARN] if data_lake_admins is None else data_lake_admins
        self.data_lake_error = data_lake_error

    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        outputs = dict(args.inputs)
        if args.typ == "aws:s3/bucket:Bucket":
            outputs["arn"] = f"arn:aws:s3:::{args.inputs['bucket']}"
            return args.inputs["bucket"], outputs
        if args.typ == "aws:glue/catalogDatabase:CatalogDatabase":
            return args.inputs["name"], outputs
        if args.typ == "docker:index/remoteImage:RemoteImage":
            outputs["imageId"] = "sha256:" + "ab" * 32
            outputs["repoDigest"] = f"{args.inputs.get('name')}@sha256:" + "cd" * 32
        if args.typ == "random:index/randomPassword:RandomPassword":
            outputs["result"] = "mock-Password-0123456789"
        if args.typ == "aws:iam/role:Role":
            path = args.inputs.get("path", "/")
            outputs["arn"] = f"arn:aws:iam::{ACCOUNT_ID}:role{path}{args.inputs['name']}"
            return args.inputs["name"], outputs
        if args.typ == "aws:ec2/vpc:Vpc":
            outputs["mainRouteTableId"] = main_route_table_id(args.name)
        if args.typ == "aws:glue/registry:Registry":
            outputs["arn"] = (
                f"arn:aws:glue:{_region()}:{ACCOUNT_ID}:registry/{args.inputs['registryName']}"
            )
        return mock_id(args.name), outputs

    def call(self, args: pulumi.runtime.MockCallArgs):
        if args.token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "accountId": ACCOUNT_ID,
                "arn": CALLER_ARN,
                "id": ACCOUNT_ID,
                "userId": "AIDAEXAMPLE",
            }
        if args.token == "aws:lakeformation/getDataLakeSettings:getDataLakeSettings":
            if self.data_lake_error:
                # A provider's error: the invoke fails for its caller, not the whole run.
                return {}, [("", self.data_lake_error)]
            return {"admins": self.data_lake_admins, "readOnlyAdmins": [], "id": ACCOUNT_ID}
        if args.token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            region = _region()
            return {
                "names": [f"{region}{zone}" for zone in "abc"],
                "zoneIds": [f"euc1-az{n}" for n in (2, 3, 1)],
                "id": region,
            }
        return {}


def mock_id(name: str) -> str:
    """The id the mocks give a resource named ``name`` (its inputs name others this way)."""
    return f"{name}-id"


def main_route_table_id(vpc_name: str) -> str:
    return f"{vpc_name}-main-route-table"


# Fields of a RegisterResourceRequest that are not resource options: kept elsewhere in
# ``Registered``, or describing the SDK and the call site rather than the resource.
_NOT_OPTIONS = frozenset(
    {
        "type",
        "name",
        "parent",
        "custom",
        "object",
        "dependencies",
        "propertyDependencies",
        "provider",
        "sourcePosition",
        "stackTrace",
        "acceptSecrets",
        "acceptResources",
        "supportsPartialValues",
        "supportsResultReporting",
        "hooks",
    }
)


class RecordingMonitor(pulumi_mocks.MockMonitor):
    def __init__(self, mocks: pulumi.runtime.Mocks, *, record_options: bool = False):
        super().__init__(mocks)
        self.records: list[Registered] = []
        self.record_options = record_options

    def RegisterResource(self, request):
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            self.records.append(
                Registered(
                    urn=response.urn,
                    type=request.type,
                    name=request.name,
                    inputs=_keep_secrets(request.object),
                    parent=request.parent,
                    dependencies=set(request.dependencies),
                    property_dependencies={
                        key: set(deps.urns) for key, deps in request.propertyDependencies.items()
                    },
                    provider=request.provider,
                    custom=request.custom,
                    options=_options(request) if self.record_options else {},
                )
            )
        return response


def _options(request) -> dict[str, Any]:
    from google.protobuf import json_format

    fields = json_format.MessageToDict(request)
    return {key: value for key, value in fields.items() if key not in _NOT_OPTIONS}


def _keep_secrets(struct) -> dict[str, Any]:
    """The registration's inputs with secrets left wrapped (``is_secret_value``)."""
    from google.protobuf import json_format

    return json_format.MessageToDict(struct)


def is_secret_value(value: Any) -> bool:
    """Whether a recorded input is a Pulumi secret (the wire form of ``Output.secret``)."""
    return isinstance(value, dict) and value.get(rpc._special_sig_key) == rpc._special_secret_sig


def unwrap(value: Any) -> Any:
    """A registration input with secret wrappers removed."""
    if is_secret_value(value):
        return unwrap(value["value"])
    if isinstance(value, dict):
        return {k: unwrap(v) for k, v in value.items()}
    if isinstance(value, list):
        return [unwrap(v) for v in value]
    return value


@dataclass
class ProgramRun:
    stack: str
    resources: list[Registered]
    outputs: dict[str, Any] = field(default_factory=dict)
    secret_outputs: set[str] = field(default_factory=set)

    def of_type(self, type_: str) -> list[Registered]:
        return [r for r in self.resources if r.type == type_]

    def one(self, type_: str) -> Registered:
        found = self.of_type(type_)
        assert len(found) == 1, f"expected one {type_}, found {len(found)}"
        return found[0]

    def by_urn(self, urn: str) -> Registered:
        return next(r for r in self.resources if r.urn == urn)

    @property
    def ground_truth(self) -> dict[str, Any]:
        """The ground truth document as the program uploads it (the object's content)."""
        from components.ground_truth import GROUND_TRUTH_KEY

        (found,) = [
            r
            for r in self.of_type("aws:s3/bucketObjectv2:BucketObjectv2")
            if unwrap(r.inputs).get("key") == GROUND_TRUTH_KEY
        ]
        return json.loads(unwrap(found.inputs)["content"])

    def count_by_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.resources:
            counts[r.type] = counts.get(r.type, 0) + 1
        return counts


def graph_depth(run) -> dict:
    """Longest chain of custom resources (a dependency on a component means its children)."""
    by_urn = {r.urn: r for r in run.resources}
    children: dict[str, list[str]] = {}
    for r in run.resources:
        children.setdefault(r.parent, []).append(r.urn)

    def expand(urn: str) -> set[str]:
        resource = by_urn.get(urn)
        if resource is None:
            return set()
        if resource.custom:
            return {urn}
        found: set[str] = set()
        for child in children.get(urn, []):
            found |= expand(child)
        return found

    depth: dict[str, int] = {}
    chain: dict[str, list[str]] = {}
    for r in run.resources:  # registration order is a topological order
        if not r.custom or r.type.startswith("pulumi:providers:"):
            continue
        deps: set[str] = set()
        for urn in r.dependencies | set().union(*r.property_dependencies.values()):
            deps |= expand(urn)
        best = max((d for d in deps if d in depth), key=lambda d: depth[d], default=None)
        depth[r.urn] = 1 + (depth[best] if best else 0)
        chain[r.urn] = (chain[best] if best else []) + [r.type.split(":")[-1]]
    deepest = max(depth, key=depth.get)
    return {"depth": depth[deepest], "chain": chain[deepest]}


def run_program(
    config: dict[str, Any] | None = None,
    *,
    stack: str = "test",
    aws_config: dict[str, str] | None = None,
    secret_keys: Iterable[str] = (),
    records: list[Registered] | None = None,
    mocks: pulumi.runtime.Mocks | None = None,
    main: Callable[[], None] | None = None,
    record_options: bool = False,
) -> ProgramRun:
    """Run ``__main__.py`` for ``stack`` with ``config`` (project keys, unqualified).

    ``records``, when given, receives the registrations as they happen, so a caller
    still sees them when the program raises. ``main`` runs instead of ``__main__.py``
    (``benchmarks/floor.py`` runs its bare program under the same mocks this way);
    ``record_options`` fills each ``Registered.options``.
    """
    mocks = mocks or ProgramMocks()
    monitor = RecordingMonitor(mocks, record_options=record_options)
    if records is not None:
        monitor.records = records
    settings.ROOT.set(None)
    pulumi.runtime.set_mocks(mocks, project=PROJECT, stack=stack, preview=False, monitor=monitor)
    values = {"aws:region": "eu-central-1", **(aws_config or {})}
    values.update({f"{PROJECT}:{key}": str(value) for key, value in (config or {}).items()})
    pulumi.runtime.set_all_config(values, list(secret_keys))
    run = ProgramRun(stack=stack, resources=monitor.records)

    async def collect(outputs: dict[str, Any]) -> None:
        for key, value in outputs.items():
            output = pulumi.Output.from_input(value)
            run.outputs[key] = await output.future()
            if await output.is_secret():
                run.secret_outputs.add(key)

    @pulumi.runtime.test
    def program():
        if main is None:
            runpy.run_path(str(ROOT / "__main__.py"), run_name="__main__")
        else:
            main()
        return collect(dict(settings.get_root_resource().outputs))

    program()
    return run
