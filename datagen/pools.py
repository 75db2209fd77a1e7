"""Pools of realistic values (names, emails, addresses, paths, user agents, ...).

Faker builds the pools, a few hundred values each, from a seed derived from the
generator seed and the pool name; the columns then draw from a pool with numpy
indices. One Faker call per pool value instead of one per row is what makes the
generator fast, and a pool depends only on the seed, never on which tables are
generated.
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import pyarrow as pa
from faker import Faker

Builder = Callable[[Faker, np.random.Generator], list[str]]

_GOODS = (
    "Backpack",
    "Desk Lamp",
    "Office Chair",
    "Water Bottle",
    "Headphones",
    "Keyboard",
    "Monitor Stand",
    "Notebook",
    "Coffee Grinder",
    "Running Shoes",
    "Rain Jacket",
    "Yoga Mat",
    "Phone Case",
    "Bluetooth Speaker",
    "Cutting Board",
    "Travel Mug",
    "Wall Clock",
    "Tent",
    "Sunglasses",
    "Wireless Mouse",
    "Garden Hose",
    "Bike Helmet",
    "Throw Blanket",
    "Tea Kettle",
)
_EDITIONS = ("", "", "", " Pro", " Mini", " XL", " Lite", " 2.0")
_SERVICES = ("api", "web", "checkout", "search", "auth", "worker", "db", "cache")
_MEASURES = (
    "cpu.utilization",
    "memory.used_bytes",
    "requests.count",
    "requests.errors",
    "latency.p50_ms",
    "latency.p99_ms",
    "queue.depth",
    "disk.free_bytes",
)
_ENVIRONMENTS = ("prod", "staging", "dev")
_AWS_REGIONS = ("eu-central-1", "eu-west-1", "us-east-1", "us-west-2", "ap-southeast-1")
_PATH_TAILS = ("", "", "/", ".html", ".json", "?page=2", "?sort=price&order=asc")


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _product_names(fake: Faker, rng: np.random.Generator) -> list[str]:
    brands = _unique([fake.last_name() for _ in range(64)])
    colours = _unique([fake.color_name() for _ in range(32)])
    names = [
        f"{brands[rng.integers(len(brands))]} {colours[rng.integers(len(colours))]} "
        f"{_GOODS[rng.integers(len(_GOODS))]}{_EDITIONS[rng.integers(len(_EDITIONS))]}"
        for _ in range(512)
    ]
    return _unique(names)


def _name_parts(fake: Faker) -> tuple[list[str], list[str]]:
    return (
        _unique([fake.first_name() for _ in range(160)]),
        _unique([fake.last_name() for _ in range(160)]),
    )


def _person_names(fake: Faker, rng: np.random.Generator) -> list[str]:
    first, last = _name_parts(fake)
    pairs = rng.integers(0, [len(first), len(last)], size=(2048, 2))
    return _unique([f"{first[i]} {last[j]}" for i, j in pairs])


def _emails(fake: Faker, rng: np.random.Generator) -> list[str]:
    first, last = _name_parts(fake)
    domains = _unique(
        [fake.free_email_domain() for _ in range(16)] + [fake.domain_name() for _ in range(16)]
    )
    shapes = (
        lambda given, family, n: f"{given}.{family}",
        lambda given, family, n: f"{given[0]}{family}",
        lambda given, family, n: f"{given}{family[0]}{n}",
        lambda given, family, n: f"{family}.{given}{n}",
    )
    emails = []
    for _ in range(2048):
        given = first[rng.integers(len(first))].lower()
        family = last[rng.integers(len(last))].lower()
        local = shapes[rng.integers(len(shapes))](given, family, int(rng.integers(1, 100)))
        emails.append(f"{local}@{domains[rng.integers(len(domains))]}")
    return _unique(emails)


def _ipv4s(fake: Faker, rng: np.random.Generator) -> list[str]:
    return _unique([fake.ipv4_public() for _ in range(1024)])


def _url_paths(fake: Faker, rng: np.random.Generator) -> list[str]:
    paths = [f"/{fake.uri_path()}{_PATH_TAILS[rng.integers(len(_PATH_TAILS))]}" for _ in range(512)]
    return _unique(paths)


def _user_agents(fake: Faker, rng: np.random.Generator) -> list[str]:
    agents = [fake.user_agent() for _ in range(224)]
    # Crawlers that quote their name: values with quotes and commas test CSV quoting.
    for _ in range(32):
        brand = fake.company().split()[0].rstrip(",")
        version = f"{rng.integers(1, 4)}.{rng.integers(0, 10)}"
        agents.append(
            f'{brand}Bot/{version} (compatible; "{fake.domain_word()} crawler", '
            f"+https://{fake.domain_name()}/bot)"
        )
    return _unique(agents)


def _metric_names(fake: Faker, rng: np.random.Generator) -> list[str]:
    return [f"{service}.{measure}" for service, measure in itertools.product(_SERVICES, _MEASURES)]


def _metric_tags(fake: Faker, rng: np.random.Generator) -> list[str]:
    tags = [f"env:{env}" for env in _ENVIRONMENTS]
    tags += [f"region:{region}" for region in _AWS_REGIONS]
    tags += [f"service:{service}" for service in _SERVICES]
    tags += [f"host:{fake.hostname(0)}" for _ in range(16)]
    tags += [f"team:{fake.last_name().lower()}" for _ in range(8)]
    return _unique(tags)


BUILDERS: dict[str, Builder] = {
    "product_name": _product_names,
    "person_name": _person_names,
    "email": _emails,
    "ipv4": _ipv4s,
    "url_path": _url_paths,
    "user_agent": _user_agents,
    "metric_name": _metric_names,
    "metric_tag": _metric_tags,
}


def pool_seed(seed: int, name: str) -> int:
    """The seed of one pool: a function of the generator seed and the pool name only."""
    digest = hashlib.sha256(f"{seed}/{name}".encode()).digest()
    return int.from_bytes(digest[:8], "little")


# The CSV SerDe's escape character is a backslash, and JSON text must not carry control
# characters unescaped: neither may appear in a pool value.
_UNSAFE = re.compile(r"[\x00-\x1f\\]")


@lru_cache(maxsize=64)
def pool(name: str, seed: int) -> pa.StringArray:
    """The values of pool ``name`` for generator seed ``seed``."""
    try:
        build = BUILDERS[name]
    except KeyError:
        raise KeyError(
            f"unknown value pool {name!r}; the pools are: {', '.join(BUILDERS)}"
        ) from None
    derived = pool_seed(seed, name)
    fake = Faker("en_US")
    fake.seed_instance(derived)
    values = build(fake, np.random.default_rng(derived))
    unsafe = [value for value in values if _UNSAFE.search(value)]
    if unsafe:
        raise ValueError(f"pool {name!r} produced unsafe values such as {unsafe[0]!r}")
    return pa.array(values, pa.string())
