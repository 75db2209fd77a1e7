"""The floor under the program's cost: a bare Pulumi program with the same resources.

``record`` writes down, from a run of ``__main__.py`` under the mocks, every registered
resource: type, name, inputs (in their wire form), parent, provider, dependencies per
input and the other resource options. ``floor_main`` is then a program that does
nothing but declare those resources again with the provider SDKs' own classes
(``pulumi_aws.s3.BucketObjectv2``, ``pulumi_docker.Container``, ...) and the recorded
inputs, parents, providers and dependencies, and export the recorded outputs: what any
program that creates exactly these resources must pay, whatever it is written in.
It imports the Pulumi SDK and only the provider modules those types live in.

``differences`` compares two recorded runs resource by resource (type, name, a digest
of the inputs, parent, provider, dependencies, options), so the benchmark can prove
that the floor registered the same set as the program before it divides the times.
The one input that cannot be equal is a dynamic resource's ``__provider`` (the pickled
provider object: ours is ``SchemaMigrationProvider``, the floor's a stand-in that does
nothing); it is compared as "a secret provider string is present".
"""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi
from pulumi import _types
from pulumi.dynamic import ResourceProvider
from pulumi.runtime import rpc

FORMAT = 1
DYNAMIC_PREFIX = "pulumi-python:dynamic/"
PROVIDER_PREFIX = "pulumi:providers:"
DYNAMIC_PROVIDER_KEY = "__provider"
_SIG = rpc._special_sig_key

# Resource options the program sets itself; the others in a registration (``version``,
# ``aliases``, ``additionalSecretOutputs``) are added by the SDK classes, which the
# floor uses too, so passing them again would add them twice.
_PASSED_OPTIONS = (
    "providers",
    "deleteBeforeReplace",
    "deleteBeforeReplaceDefined",
    "protect",
    "ignoreChanges",
    "replaceOnChanges",
    "retainOnDelete",
    "deletedWith",
    "customTimeouts",
    "importId",
)


# --- recording --------------------------------------------------------------------


def record(run: Any, path: Path) -> None:
    """Write ``run`` (a ``tests.stack.program.ProgramRun``) as the floor's input."""
    document = {
        "format": FORMAT,
        "resources": [
            {
                "urn": r.urn,
                "type": r.type,
                "name": r.name,
                "custom": r.custom,
                "inputs": r.inputs,
                "parent": r.parent,
                "provider": r.provider,
                "dependencies": sorted(r.dependencies),
                "property_dependencies": {
                    key: sorted(urns) for key, urns in sorted(r.property_dependencies.items())
                },
                "options": r.options,
            }
            for r in run.resources
        ],
        "outputs": {
            key: {"value": value, "secret": key in run.secret_outputs}
            for key, value in sorted(run.outputs.items())
        },
    }
    path.write_text(json.dumps(document, sort_keys=True))


@dataclass(frozen=True)
class Recorded:
    """One resource of a recording, with the fields ``differences`` compares."""

    type: str
    name: str
    inputs: dict[str, Any]
    parent: str
    provider: str
    dependencies: frozenset[str]
    property_dependencies: dict[str, frozenset[str]]
    options: dict[str, Any]


@dataclass(frozen=True)
class Recording:
    resources: list[Recorded]
    outputs: dict[str, Any]


def load(path: Path) -> Recording:
    """A recording written by ``record``."""
    document = json.loads(path.read_text())
    if document.get("format") != FORMAT:
        raise ValueError(f"{path}: not a floor recording of format {FORMAT}")
    return Recording(
        resources=[
            Recorded(
                type=e["type"],
                name=e["name"],
                inputs=e["inputs"],
                parent=e["parent"],
                provider=e["provider"],
                dependencies=frozenset(e["dependencies"]),
                property_dependencies={
                    k: frozenset(v) for k, v in e["property_dependencies"].items()
                },
                options=e["options"],
            )
            for e in document["resources"]
        ],
        outputs=document["outputs"],
    )


# --- the floor program ------------------------------------------------------------


class _NoOpProvider(ResourceProvider):
    """Stands in for a dynamic resource's provider: the floor never runs it."""


def _dynamic_class(type_: str) -> type:
    module, name = type_.removeprefix(DYNAMIC_PREFIX).split(":")

    class Dynamic(pulumi.dynamic.Resource, module=module, name=name):
        def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions):
            super().__init__(_NoOpProvider(), name, props, opts)

    return Dynamic


def _sdk_class(type_: str) -> tuple[type, dict[str, str]]:
    """The SDK class for a type token and its wire-name -> Python-argument map."""
    if type_.startswith(PROVIDER_PREFIX):
        package, module_name, class_name = type_.removeprefix(PROVIDER_PREFIX), "", "Provider"
    else:
        package, middle, class_name = type_.split(":")
        module_name = middle.split("/")[0]
        module_name = "" if module_name == "index" else module_name
    module = importlib.import_module(
        f"pulumi_{package}" + (f".{module_name}" if module_name else "")
    )
    cls = getattr(module, class_name)
    # The resource's own module: a package may also export a nested input type under the
    # name ``<Class>Args`` (the resource's then is ``<Class>InitArgs``).
    own = sys.modules[cls.__module__]
    args_cls = getattr(own, f"{class_name}InitArgs", None) or getattr(own, f"{class_name}Args")
    names = {wire: py for py, wire in _types.input_type_py_to_pulumi_names(args_cls).items()}
    return cls, names


def _value(wire: Any) -> Any:
    """A Python input from a recorded wire value: secrets, assets, whole numbers."""
    if isinstance(wire, dict):
        sig = wire.get(_SIG)
        if sig == rpc._special_secret_sig:
            return pulumi.Output.secret(_value(wire["value"]))
        if sig == rpc._special_asset_sig:
            if "path" in wire:
                return pulumi.FileAsset(wire["path"])
            if "text" in wire:
                return pulumi.StringAsset(wire["text"])
            return pulumi.RemoteAsset(wire["uri"])
        if sig is not None:
            raise ValueError(f"the floor cannot rebuild a recorded value of kind {sig}")
        return {key: _value(item) for key, item in wire.items()}
    if isinstance(wire, list):
        return [_value(item) for item in wire]
    if isinstance(wire, float) and wire.is_integer():
        return int(wire)
    return wire


def _provider_value(wire: Any) -> Any:
    # A provider's non-string inputs travel JSON-encoded; its SDK class encodes them again.
    if isinstance(wire, str):
        try:
            decoded = json.loads(wire)
        except ValueError:
            return wire
        return wire if isinstance(decoded, str) else decoded
    return _value(wire)


def _after(value: Any, resources: list[pulumi.Resource]) -> Any:
    """``value`` as an input that depends on ``resources``, as an Output of theirs would."""
    if not resources:
        return value
    return pulumi.Output.all(*(r.urn for r in resources)).apply(lambda _: value)


def _options(
    entry: dict[str, Any], by_urn: dict[str, pulumi.Resource], extra_depends_on: Iterable[str]
) -> pulumi.ResourceOptions:
    options = entry["options"]
    unknown = (
        set(options) - set(_PASSED_OPTIONS) - {"version", "aliases", "additionalSecretOutputs"}
    )
    if unknown:
        raise ValueError(f"{entry['name']}: the floor does not pass options {sorted(unknown)}")
    timeouts = options.get("customTimeouts")
    provider_ref = entry["provider"]
    return pulumi.ResourceOptions(
        parent=by_urn.get(entry["parent"]),
        provider=by_urn[provider_ref.rsplit("::", 1)[0]] if provider_ref else None,
        providers={
            package: by_urn[ref.rsplit("::", 1)[0]]
            for package, ref in options.get("providers", {}).items()
        }
        or None,
        depends_on=[by_urn[urn] for urn in extra_depends_on] or None,
        delete_before_replace=options.get("deleteBeforeReplace"),
        protect=options.get("protect"),
        ignore_changes=options.get("ignoreChanges"),
        replace_on_changes=options.get("replaceOnChanges"),
        retain_on_delete=options.get("retainOnDelete"),
        deleted_with=by_urn[options["deletedWith"]] if options.get("deletedWith") else None,
        custom_timeouts=pulumi.CustomTimeouts(**timeouts) if timeouts else None,
        import_=options.get("importId"),
    )


def floor_main(path: Path) -> Callable[[], None]:
    """The bare program: declares every resource recorded in ``path``, exports its outputs."""

    def main() -> None:
        document = json.loads(path.read_text())
        if document.get("format") != FORMAT:
            raise ValueError(f"{path}: not a floor recording of format {FORMAT}")
        # Registration order is a topological order: parents, providers and
        # dependencies are declared before the resources that name them.
        by_urn: dict[str, pulumi.Resource] = {}
        classes: dict[str, tuple[type, dict[str, str]]] = {}
        for entry in document["resources"]:
            type_, name = entry["type"], entry["name"]
            prop_deps = entry["property_dependencies"]
            via_inputs = {urn for urns in prop_deps.values() for urn in urns}
            opts = _options(
                entry, by_urn, [u for u in entry["dependencies"] if u not in via_inputs]
            )
            if not entry["custom"]:
                resource: pulumi.Resource = pulumi.ComponentResource(type_, name, None, opts)
                resource.register_outputs({})
            elif type_.startswith(DYNAMIC_PREFIX):
                props = {
                    key: _after(_value(wire), [by_urn[u] for u in prop_deps.get(key, [])])
                    for key, wire in entry["inputs"].items()
                    if key != DYNAMIC_PROVIDER_KEY
                }
                if type_ not in classes:
                    classes[type_] = (_dynamic_class(type_), {})
                resource = classes[type_][0](name, props, opts)
            else:
                if type_ not in classes:
                    classes[type_] = _sdk_class(type_)
                cls, names = classes[type_]
                convert = _provider_value if type_.startswith(PROVIDER_PREFIX) else _value
                kwargs = {
                    names[key]: _after(convert(wire), [by_urn[u] for u in prop_deps.get(key, [])])
                    for key, wire in entry["inputs"].items()
                }
                resource = cls(name, opts=opts, **kwargs)
            by_urn[entry["urn"]] = resource
        for key, output in document["outputs"].items():
            value = output["value"]
            pulumi.export(key, pulumi.Output.secret(value) if output["secret"] else value)

    return main


# --- the equality check -----------------------------------------------------------


def _normalized(type_: str, inputs: dict[str, Any]) -> dict[str, Any]:
    if not type_.startswith(DYNAMIC_PREFIX) or DYNAMIC_PROVIDER_KEY not in inputs:
        return inputs
    provider = inputs[DYNAMIC_PROVIDER_KEY]
    present = (
        isinstance(provider, dict)
        and provider.get(_SIG) == rpc._special_secret_sig
        and isinstance(provider.get("value"), str)
        and bool(provider["value"])
    )
    return {**inputs, DYNAMIC_PROVIDER_KEY: "<a serialized provider>" if present else provider}


def inputs_digest(type_: str, inputs: dict[str, Any]) -> str:
    """SHA-256 of the inputs' canonical JSON (the dynamic provider object left out)."""
    text = json.dumps(_normalized(type_, inputs), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _option_view(options: dict[str, Any]) -> dict[str, Any]:
    # Lists the SDK builds by merging option sets may repeat an entry; order and
    # repetition carry no meaning for the engine.
    return {
        key: sorted({json.dumps(v, sort_keys=True) for v in value})
        if isinstance(value, list)
        else value
        for key, value in options.items()
    }


def signature(resource: Any) -> tuple:
    """What must be equal between a resource of the program and its floor twin."""
    return (
        resource.type,
        resource.name,
        inputs_digest(resource.type, resource.inputs),
        resource.parent,
        resource.provider,
        tuple(sorted(resource.dependencies)),
        tuple(sorted((k, tuple(sorted(v))) for k, v in resource.property_dependencies.items())),
        json.dumps(_option_view(resource.options), sort_keys=True),
    )


def differences(ours: Iterable[Any], floor: Iterable[Any]) -> list[str]:
    """Each resource whose registration differs between the two runs, with what differs."""
    fields = (
        "type",
        "name",
        "inputs digest",
        "parent",
        "provider",
        "dependencies",
        "property dependencies",
        "options",
    )
    mine = {(r.type, r.name): signature(r) for r in ours}
    theirs = {(r.type, r.name): signature(r) for r in floor}
    found = []
    for key in sorted(mine.keys() | theirs.keys()):
        if key not in theirs:
            found.append(f"{key[0]} {key[1]}: registered by the program only")
        elif key not in mine:
            found.append(f"{key[0]} {key[1]}: registered by the floor only")
        elif mine[key] != theirs[key]:
            which = [f for f, a, b in zip(fields, mine[key], theirs[key], strict=True) if a != b]
            found.append(f"{key[0]} {key[1]}: {', '.join(which)} differ")
    return found
