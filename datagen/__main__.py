"""``python -m datagen --out DIR [--rows N] [--seed S] [--location URI] [--tables a,b]``

Generates the test tables, prints one line per file and a summary, then re-reads and
validates everything it wrote. Exit status: 0 success, 2 bad arguments, 1 failure,
130 interrupted (Ctrl-C; nothing is left behind).
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from collections.abc import Sequence
from typing import NoReturn

from datagen import limits
from datagen.catalog import TABLES_BY_NAME, select_tables
from datagen.generate import BadArgument, check_rows, check_seed, generate
from datagen.validate import validate

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
EXIT_INTERRUPTED = 128 + signal.SIGINT
OPTIONS = {
    "out_dir": "--out",
    "rows": "--rows",
    "seed": "--seed",
    "location": "--location",
    "tables": "--tables",
}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"datagen: {message}; fix: see python -m datagen --help\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m datagen", description=__doc__.split("\n\n")[1])
    parser.add_argument(
        "--out",
        required=True,
        metavar="DIR",
        help="output folder: new, empty or an earlier output of this command (replaced)",
    )
    parser.add_argument(
        "--rows",
        default="1000",
        metavar="N",
        help=f"rows per table, {limits.ROWS.low:,} to {limits.ROWS.high:,} (1000)",
    )
    parser.add_argument(
        "--seed",
        default="42",
        metavar="S",
        help=f"random seed, {limits.SEED.low} to {limits.SEED.high:,} (42)",
    )
    parser.add_argument(
        "--location",
        metavar="URI",
        help="base URI the Iceberg metadata records: s3://bucket[/prefix] for "
        "upload (default: the output folder as a file:// URI)",
    )
    parser.add_argument(
        "--tables",
        metavar="A,B",
        help=f"tables to generate (default: all of {', '.join(TABLES_BY_NAME)})",
    )
    return parser


def _integer(argument: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        limit = limits.BY_KEY[argument]
        fix = f"give a whole number from {limit.low:,} to {limit.high:,}, e.g. {limit.example}"
        raise BadArgument(argument, f"{text!r} is not a whole number", fix) from None


def _usage_error(err: BadArgument) -> int:
    option = OPTIONS.get(err.argument, err.argument)
    print(f"datagen: {option}: {err.problem}; fix: {err.fix}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _run(argv)
    except KeyboardInterrupt:
        # generate() has already removed its staging folder on the way out.
        print("datagen: interrupted (Ctrl-C); no partial output is left behind", file=sys.stderr)
        return EXIT_INTERRUPTED


def _run(argv: Sequence[str] | None) -> int:
    args = _parser().parse_args(argv)
    try:
        rows = check_rows(_integer("rows", args.rows))
        seed = check_seed(_integer("seed", args.seed))
        names = [n.strip() for n in args.tables.split(",")] if args.tables else None
        try:
            tables = select_tables(names)
        except KeyError as err:
            raise BadArgument("tables", err.args[0], "name tables from that list") from None
        started = time.perf_counter()
        manifest = generate(args.out, tables=tables, rows=rows, seed=seed, location=args.location)
        seconds = time.perf_counter() - started
    except BadArgument as err:
        return _usage_error(err)
    except Exception as err:  # one line, not a traceback: the cause is in the message
        print(f"datagen: generation failed: {type(err).__name__}: {err}", file=sys.stderr)
        return EXIT_FAILED

    for file in manifest.files:
        print(f"{file.bytes:>12,}  {file.key}")
    print(
        f"{len(manifest.files)} files, {manifest.total_rows:,} rows, "
        f"{manifest.total_bytes:,} bytes in {seconds:.2f} s -> {args.out}"
    )
    problems = validate(args.out, tables)
    for problem in problems:
        print(f"datagen: invalid output: {problem}", file=sys.stderr)
    if problems:
        return EXIT_FAILED
    print(f"validated: every file re-read and checked against the catalog ({len(tables)} tables)")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
