"""The byte pin: the small and small+zoo stacks declare, generate and output exactly what
``tests/pins/digests.json`` records (``benchmarks/digest.py``, the same digests a refactoring
is checked with). A change of a file's bytes makes every existing stack upload its objects
again on its next ``pulumi up``: the pin makes such a change a decision, recorded with
``benchmarks.digest.PIN_COMMAND``, never an accident.
"""

from __future__ import annotations

import pytest

from benchmarks import digest

MEANING = {
    "files": "generated files changed: every existing stack re-uploads its objects on its next up",
    "resources": "declared resources changed: existing stacks update or replace them",
    "outputs": "stack outputs changed",
}


def test_the_pin_records_the_small_and_small_zoo_profiles():
    """The pin file names exactly the pinned profiles and the command that updates it."""
    assert sorted(digest.read_pin()) == sorted(digest.PINNED_PROFILES)
    assert digest.PIN_COMMAND.endswith("--profiles small,small+zoo --write-pin")


@pytest.mark.parametrize("profile", digest.PINNED_PROFILES)
def test_the_digests_equal_the_pin(profile):
    """Resources, files and outputs of the profile equal the pinned digests."""
    pinned = digest.read_pin()[profile]
    found = digest.profile_digest(profile)
    changed = [
        f"{part}: pinned {pinned[part][:12]}…, now {found[part][:12]}… ({MEANING[part]})"
        for part in ("files", "resources", "outputs")
        if found[part] != pinned[part]
    ]
    counts = {k: found[k] for k in ("count", "file_count")}
    assert not changed, (
        f"{profile}: " + "; ".join(changed) + f" (now {counts}). If meant, record it: "
        f"{digest.PIN_COMMAND}"
    )
    assert counts == {k: pinned[k] for k in ("count", "file_count")}
