"""A warm build is byte for byte a cold one, and writes only the files that change (issue #16, items 2 and 3).

A seeded random walk edits a small directory the ways an operator does (see
:mod:`cachewalk`): businesses added, deleted, renumbered, renamed, moved
between files and files renamed; register rows and verification records
changed, expired by moving dates and revoked; logos replaced and removed; FAQ
pages, template overrides, static overrides and site.yaml edited; languages
switched; the as-of date moved forward and back; files touched without a
change, and changed without a new mtime.  After every step two builds run:

- warm: ``badgedir build --cache CACHE --output SITE`` in a new process, with
  the same cache and the same output folder every time, as a daily CI job
  keeps them;
- cold: ``badgedir build --no-cache`` into a fresh folder.

Every file, the set of files and the set of folders must be the same, and so
must the warnings; a step that breaks the content must fail both builds the
same way and leave the warm site as it was.  Then, over the whole walk: a file
whose bytes did not change kept its inode and mtime, and the summary line's
"N written, M kept, K removed" matches the folder.

The seed is in the test id (``test_warm_equals_cold[seed2]``); a failure names
the edits and both commands.  More: ``BADGEDIR_CACHE_STEPS=40`` steps a walk,
``BADGEDIR_CACHE_SEEDS=20`` walks, ``BADGEDIR_CACHE_EXAMPLES=20`` Hypothesis
examples.
"""

from __future__ import annotations

import os
import random
import shutil
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cachewalk import (EDIT_KINDS, REPO, Snapshot, badgedir, badgedir_in_process, differences, edit,
                       rewrites, snapshot, starting_directory)
from conftest import AS_OF

STEPS = int(os.environ.get("BADGEDIR_CACHE_STEPS", "12"))
SEEDS = list(range(1, int(os.environ.get("BADGEDIR_CACHE_SEEDS", "3")) + 1))
EXAMPLES = int(os.environ.get("BADGEDIR_CACHE_EXAMPLES", "2"))


def kinds_for(seed: int, steps: int, rng: random.Random) -> list[str]:
    """The edits of walk ``seed``: first a run of different kinds, so that seeds 1 and 2 between them
    make every kind at least once, in an order the seed shuffles; then any kinds."""
    distinct = random.Random(0).sample(sorted(set(EDIT_KINDS)), len(set(EDIT_KINDS)))
    deck = [distinct[((seed - 1) * 12 + i) % len(distinct)] for i in range(min(steps, 12))]
    rng.shuffle(deck)
    return deck + [rng.choice(EDIT_KINDS) for _ in range(steps - len(deck))]


def walk(root: Path, seed: int, kinds: list[str] | None = None, steps: int = STEPS) -> None:
    """Edit, build warm and cold, compare; ``kinds`` fixes the edits (Hypothesis), else the seed draws them."""
    rng = random.Random(seed)
    kinds = kinds if kinds is not None else kinds_for(seed, steps, rng)
    d = starting_directory(root / "project", rng)
    cache, site, fresh = root / "cache", root / "published" / "site", root / "fresh" / "site"
    done: list[str] = []
    previous: Snapshot | None = None
    last_built: dict[Path, str] = {}  # the files of the last successful build
    late: list[str] = []  # "only what changed is written", checked after the whole walk proved identity
    for step in range(len(kinds) + 1):
        if step:
            kind = kinds[step - 1]
            if kind == "touch":
                d.touch_all()
                done.append("every file touched, bytes unchanged")
            elif kind == "nothing":
                done.append("nothing changed")
            else:
                before = d.files()
                done.append(edit(d, kind))
                d.write(before, keep_mtime=kind == "stealth")
        warm = badgedir(*d.build_args(site), "--cache", cache, "--jobs", "2" if step % 3 == 2 else "1")
        shutil.rmtree(fresh.parent, ignore_errors=True)
        cold = badgedir_in_process(*d.build_args(fresh), "--no-cache", "--jobs", "1")
        where = (f"seed {seed}, step {step}, after the edits {done}\n  warm: {warm.command}\n  cold: {cold.command}\n"
                 f"  (the content is left in {d.content}, the templates in {d.template_dir})")
        assert cold.code == (1 if d.broken else 0), f"{where}\n{cold.describe()}"
        if cold.code:
            assert warm.code == 1, f"{where}\nthe cold build failed, the warm one did not:\n{warm.describe()}"
            assert warm.diagnostics() == cold.diagnostics(), f"{where}\nthe two builds report different errors"
            assert previous is None or snapshot(site) == previous, f"{where}\na failed build changed the site"
            continue
        assert warm.code == 0, f"{where}\n{warm.describe()}"
        kept_whole = any("nothing changed since the last build" in line for line in warm.notices())
        if step and kinds[step - 1] in ("nothing", "touch") and previous is not None:
            assert kept_whole, f"{where}\nthe inputs did not change, yet the build ran:\n{warm.describe()}"
        elif step and kinds[step - 1] not in ("nothing", "touch", "broken"):
            assert not kept_whole or d.files() == last_built, f"{where}\nan edit was taken for no change"
        assert warm.diagnostics() == cold.diagnostics(), f"{where}\nthe two builds report different warnings"
        now = snapshot(site)
        problems = differences(now, snapshot(fresh))
        assert problems == [], f"{where}\nthe warm build differs from the cold one:\n  " + "\n  ".join(problems)
        if previous is not None:
            late += [f"step {step} ({done[-1]}): {p}" for p in rewrites(previous, now, warm)]
        previous, last_built = now, d.files()
    assert late == [], (f"seed {seed}: every warm build equalled the cold one, but wrote more than what changed "
                        f"(edits {done}):\n  " + "\n  ".join(late[:30]))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda seed: f"seed{seed}")
def test_warm_equals_cold(tmp_path: Path, seed: int) -> None:
    walk(tmp_path, seed)


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(kinds=st.lists(st.sampled_from(sorted(set(EDIT_KINDS))), min_size=1, max_size=5),
       seed=st.integers(min_value=100, max_value=10**6))
def test_warm_equals_cold_for_any_edit_sequence(kinds: list[str], seed: int) -> None:
    """The same walk with Hypothesis choosing the edits, so a failure shrinks to the fewest edits."""
    with tempfile.TemporaryDirectory(prefix="badgedir-cache-") as root:
        walk(Path(root), seed, kinds)


# --- only what changed is written -------------------------------------------------------------

@pytest.fixture
def example(tmp_path: Path) -> Path:
    """The example directory (50 businesses, two languages of FAQ), copied."""
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    return content


def build(content: Path, output: Path, cache: Path, *more: str | Path, as_of=AS_OF):
    return badgedir("build", "--content", content, "--output", output, "--cache", cache,
                    "--as-of", as_of.isoformat(), *more)


@pytest.mark.parametrize("same_logo", [False, True], ids=["example", "two-logos-alike"])
def test_a_rebuild_of_unchanged_content_writes_nothing(example: Path, tmp_path: Path, same_logo: bool) -> None:
    """Also when two businesses' logo files have the same bytes, so both are published under one
    content-hashed name (a company's shops, one logo)."""
    if same_logo:
        shutil.copyfile(example / "logos" / "cafe-nino.svg", example / "logos" / "banco-ribera.svg")
    site, cache = tmp_path / "site", tmp_path / "cache"
    first = build(example, site, cache)
    assert first.code == 0, first.describe()
    assert first.summary().written == first.summary().files, f"a first build writes every file: {first.stdout}"
    before = snapshot(site)
    again = build(example, site, cache)
    assert again.code == 0, again.describe()
    after = snapshot(site)
    assert after.files == before.files
    assert [p for p in sorted(after.identity) if after.identity[p] != before.identity[p]] == [], \
        f"rewritten without a change, by {again.command}"
    assert again.summary() == type(again.summary())(len(after.files), 0, len(after.files), 0), again.stdout
    assert rewrites(before, after, again) == []


def test_an_edit_rewrites_only_the_files_it_changes(example: Path, tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    assert build(example, site, cache).code == 0
    before = snapshot(site)
    madrid = example / "businesses" / "madrid.yaml"
    madrid.write_text(madrid.read_text(encoding="utf-8").replace("name: Banco Ribera", "name: Banco Ribera Norte"),
                      encoding="utf-8")
    warm = build(example, site, cache)
    assert warm.code == 0, warm.describe()
    after = snapshot(site)
    cold = badgedir_in_process("build", "--content", example, "--output", tmp_path / "cold", "--no-cache",
                               "--as-of", AS_OF.isoformat(), "--jobs", "1")
    assert cold.code == 0, cold.describe()
    assert differences(after, snapshot(tmp_path / "cold")) == []
    assert rewrites(before, after, warm) == []
    changed = {p for p in after.files if before.files.get(p) != after.files[p]}
    assert "b/banco-ribera/index.html" in changed
    assert 1 <= warm.summary().written == len(changed) < len(after.files) / 4, warm.stdout


def test_the_next_day_rewrites_a_handful_of_files(example: Path, tmp_path: Path) -> None:
    """As-of + 1 day with no verification starting, expiring or revoked on it: the footer no longer
    carries the date, so only the few files that show the build date change (issue #16 item 4: ≤ 20)."""
    site, cache = tmp_path / "site", tmp_path / "cache"
    assert build(example, site, cache).code == 0
    before = snapshot(site)
    warm = build(example, site, cache, as_of=AS_OF + timedelta(days=1))
    assert warm.code == 0, warm.describe()
    after = snapshot(site)
    assert rewrites(before, after, warm) == []
    changed = sorted(p for p in after.files if before.files.get(p) != after.files[p])
    assert len(changed) <= 20, f"{len(changed)} files change with the date alone: {changed[:40]}"


def test_one_cache_follows_a_changing_templates_folder(example: Path, tmp_path: Path) -> None:
    """``--templates`` changes the output: a cache filled with one folder, or none, must not serve another."""
    cache = tmp_path / "cache"
    one, two = tmp_path / "one", tmp_path / "two"
    (one / "partials").mkdir(parents=True)
    (two / "partials").mkdir(parents=True)
    card = '<li class="card">{} <a href="{{{{ home }}}}{{{{ business.href }}}}">{{{{ business.name }}}}</a></li>\n'
    (one / "partials" / "card.html").write_text(card.format("One"), encoding="utf-8")
    (two / "partials" / "card.html").write_text(card.format("Two"), encoding="utf-8")
    for n, templates in enumerate([None, one, two, None, two, one]):
        more = ["--templates", templates] if templates else []
        warm = build(example, tmp_path / "site", cache, *more)
        cold = badgedir_in_process("build", "--content", example, "--output", tmp_path / f"cold{n}", "--no-cache",
                                   "--as-of", AS_OF.isoformat(), "--jobs", "1", *more)
        assert warm.code == cold.code == 0, warm.describe() + cold.describe()
        assert differences(snapshot(tmp_path / "site"), snapshot(tmp_path / f"cold{n}")) == [], warm.command
