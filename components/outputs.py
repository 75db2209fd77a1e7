"""The stack outputs, named so that ``pulumi stack output --shell`` is an env file.

Every name is a valid shell variable name; structured values (``TESTENV_TABLES``) come
out as JSON text. ``DATABASE_URL`` is a secret: ``--shell`` prints ``[secret]`` unless
``--show-secrets`` is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from components.ground_truth import ground_truth_uri

if TYPE_CHECKING:
    from components.config import StackConfig


def tables_output(truth: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{database: {table: {format, location, rows, partitions}}}`` from the ground truth."""
    return {
        database["name"]: {
            table["name"]: {
                "format": table["format"],
                "location": table["location"],
                "rows": table["rows"],
                "partitions": len(table["partitions"]),
            }
            for table in database["tables"]
        }
        for database in truth["databases"]
    }


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
        "TESTENV_GROUND_TRUTH": truth,
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
    return outputs
