"""The stack outputs, named so that each is an environment variable of the env file.

Every name is a valid shell variable name; structured values (``TESTENV_TABLES``) come
out as JSON text. ``DATABASE_URL`` is a secret. ``scripts/env`` writes them as an env
file with the secrets shown.

No output may grow with the stack: Linux refuses a command whose environment holds a
variable over 128 KiB ("Argument list too long"), and the large profile's ground truth
is several hundred KB. So the documents stay out of the outputs: the ground truth is the
object ``TESTENV_GROUND_TRUTH_URI`` names (and the local file ``scripts/env`` writes), and
``TESTENV_TABLES`` counts the tables of each database. ``OUTPUT_LIMIT`` holds every
plain output to a few KB.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from components.ground_truth import ground_truth_uri

if TYPE_CHECKING:
    from components.config import StackConfig

OUTPUT_LIMIT = 4096
"""The most characters an output's value may have (JSON text for a structured one)."""


def tables_output(truth: dict[str, Any]) -> dict[str, int]:
    """``{database: number of tables}`` from the ground truth, which has each table's facts."""
    return {database["name"]: len(database["tables"]) for database in truth["databases"]}


def output_size(value: Any) -> int:
    """The characters of an output's value as an env file holds it (JSON unless a string)."""
    return len(value if isinstance(value, str) else json.dumps(value, separators=(",", ":")))


def check_sizes(outputs: Mapping[str, Any]) -> None:
    """Refuse an output over ``OUTPUT_LIMIT``; values Pulumi resolves later are not known
    here (a family's ``Output``) and are held to the limit by the tests."""
    for key, value in outputs.items():
        if isinstance(value, str | int | float | bool | list | dict) and (
            output_size(value) > OUTPUT_LIMIT
        ):
            raise ValueError(
                f"output {key} is {output_size(value):,} characters, over the "
                f"{OUTPUT_LIMIT:,} an environment variable of the env file may have; put the "
                "document in the bucket and export its URI instead"
            )


def emulator_endpoint(endpoints: Any) -> str | None:
    """The S3/Glue endpoint of a stack whose provider points at an emulator, else ``None``.

    Exported as ``AWS_ENDPOINT_URL`` (which boto3, the AWS CLI and the smoke suite
    honour), so the env file of an offline stack sends every client to the emulator.
    """
    for entry in endpoints or []:
        if isinstance(entry, dict):
            url = entry.get("s3") or entry.get("glue")
            if url:
                return str(url)
    return None


def stack_outputs(
    cfg: StackConfig, truth: dict[str, Any], families: Iterable[Mapping[str, Any]] = ()
) -> dict[str, Any]:
    """Every output: the data's from the ground truth ``truth``, the stack's from ``cfg``,
    then each family's own (``families.base.Family.outputs``), none of which may take a
    name that is already given."""
    outputs: dict[str, Any] = {
        "AWS_REGION": truth["region"],
        "AWS_DEFAULT_REGION": truth["region"],
        "TESTENV_STACK": truth["stack"],
        "TESTENV_ENV": truth["env"],
        "TESTENV_PROFILE": cfg.profile,
        "TESTENV_BUCKET": truth["bucket"],
        "TESTENV_GLUE_DATABASES": ",".join(d["name"] for d in truth["databases"]),
        "TESTENV_TABLES": tables_output(truth),
        "TESTENV_TOTALS": truth["totals"],
        "TESTENV_GROUND_TRUTH_URI": ground_truth_uri(truth["bucket"]),
    }
    endpoint = emulator_endpoint(cfg.aws.provider_args.get("endpoints"))
    if endpoint:
        outputs["AWS_ENDPOINT_URL"] = endpoint
    for family in families:
        taken = sorted(set(family) & set(outputs))
        if taken:
            raise ValueError(f"two families export {', '.join(taken)}")
        outputs.update(family)
    check_sizes(outputs)
    return outputs
