"""A build with nothing to do does nothing (cache/memo.py), and anything a build depends on makes it run.

The whole build is one keyed piece of work: its key is the code, the options
that change output, the folders, and the bytes of every input, known from
each file's stat (cache/inputs.py).  These tests change each of those in
turn, and the ways a stat can lie (an edit that keeps size and mtime, a file
written while it was hashed), and check that the build then runs and equals
a cold one; the random walks of ``test_cache_identity.py`` do the same in
sequences.
"""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from conftest import AS_OF, LOGO_SVG, THREE_TIERS, make_content
from test_cache import _same_tree, forget_last_build

from generator.build import BuildOptions, BuildResult, build
from generator.cache import inputs
from generator.cache.inputs import take_ledger, take_stats
from generator.cli import main
from generator.diagnostics import BuildFailed
from generator.record.minisign import generate

KEPT = "nothing changed since the last build"


def _build(content: Path, output: Path, cache: Path | None, **options) -> BuildResult:
    return build(BuildOptions(content=content, output=output, as_of=options.pop("as_of", AS_OF), jobs=1, cache=cache,
                              **options))


def _kept_whole(result: BuildResult) -> bool:
    return any(KEPT in note for note in result.notes)


def _stamps(site: Path) -> dict[str, tuple[int, int]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in site.rglob("*") if p.is_file()}


def _settle(monkeypatch) -> None:
    """Files written a moment ago are racily clean for two seconds; the tests need not wait that long."""
    monkeypatch.setattr(inputs, "RACY_NS", 0)


def test_nothing_changed_writes_nothing_and_says_the_same(tmp_path: Path, monkeypatch) -> None:
    _settle(monkeypatch)
    content, cache, site = make_content(tmp_path, THREE_TIERS), tmp_path / "cache", tmp_path / "site"
    first = _build(content, site, cache)
    before = _stamps(site)
    again = _build(content, site, cache)
    assert _kept_whole(again) and again.kept == again.files == first.files and again.removed == 0
    assert (again.pages, again.tier_counts, again.warnings, again.version) == \
        (first.pages, first.tier_counts, first.warnings, first.version)
    assert _stamps(site) == before


def test_a_touched_file_is_known_by_its_bytes(tmp_path: Path, monkeypatch) -> None:
    _settle(monkeypatch)
    content, cache, site = make_content(tmp_path, THREE_TIERS), tmp_path / "cache", tmp_path / "site"
    _build(content, site, cache)
    for path in content.rglob("*"):
        os.utime(path, ns=(10**18, 10**18))
    assert _kept_whole(_build(content, site, cache))
    assert _kept_whole(_build(content, site, cache))  # and by its new stat from then on


def test_an_edit_that_keeps_size_and_mtime_is_seen(tmp_path: Path, monkeypatch) -> None:
    """No program can set a ctime: an edit that restores the mtime still changes it."""
    _settle(monkeypatch)
    content, cache, site = make_content(tmp_path, THREE_TIERS), tmp_path / "cache", tmp_path / "site"
    _build(content, site, cache)
    shops = content / "businesses/shops.yaml"
    stamp, text = shops.stat(), shops.read_text("utf-8")
    shops.write_text(text.replace("Café Niño", "Café Niña"), "utf-8")
    os.utime(shops, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert shops.stat().st_size == stamp.st_size and shops.stat().st_mtime_ns == stamp.st_mtime_ns
    result = _build(content, site, cache)
    assert not _kept_whole(result) and "Café Niña" in (site / "index.html").read_text("utf-8")
    _build(content, tmp_path / "cold", None)
    assert _same_tree(site, tmp_path / "cold") == []


def test_a_file_just_written_is_hashed_again_whatever_its_stat(tmp_path: Path) -> None:
    """Racily clean (git's term): stamped within the clock's tick of the ledger, the stat is not enough."""
    content = make_content(tmp_path, THREE_TIERS)
    taken, stats, where = take_stats({"content": content})
    ledger = take_ledger(taken, stats, where)
    files = [name for name, _ in stats if not name.endswith("/")]  # folders are known by their stat alone
    assert ledger.hashed == len(stats) > len(files) > 0
    assert take_ledger(*take_stats({"content": content}), ledger).hashed == len(files)  # all just written
    old = take_ledger(*take_stats({"content": content}), ledger)
    settled = type(old)(old.taken_ns + 10 * inputs.RACY_NS, old.files)
    assert take_ledger(*take_stats({"content": content}), settled).hashed == 0


def test_a_file_written_while_it_is_hashed_is_never_trusted(tmp_path: Path) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    taken, stats, where = take_stats({"content": content})
    shops = content / "businesses/shops.yaml"
    shops.write_text(shops.read_text("utf-8") + "\n", "utf-8")  # after its stat was taken
    ledger = take_ledger(taken, stats, where)
    assert ledger.files["content/businesses/shops.yaml"][1].startswith("unsettled:")
    again = take_ledger(taken, stats, where)
    assert again.head(stats).digest != ledger.head(stats).digest  # unsettled never equals anything


def test_every_input_and_option_is_part_of_the_key(tmp_path: Path, monkeypatch) -> None:
    _settle(monkeypatch)
    content, cache, site = make_content(tmp_path, THREE_TIERS), tmp_path / "cache", tmp_path / "site"
    templates = tmp_path / "templates"
    (templates / "partials").mkdir(parents=True)
    _build(content, site, cache, templates=templates)
    assert _kept_whole(_build(content, site, cache, templates=templates))
    (templates / "partials/legend.html").write_text("<p>Our own legend</p>\n", "utf-8")  # a new template file
    assert not _kept_whole(_build(content, site, cache, templates=templates))
    assert "Our own legend" in (site / "index.html").read_text("utf-8")
    changes = [
        dict(templates=templates, as_of=date(2026, 11, 26)),
        dict(templates=None, as_of=date(2026, 11, 26)),
        dict(templates=None, as_of=date(2026, 11, 26), sign_key=generate()),
        dict(templates=None, as_of=date(2026, 11, 26), check_links=False),
    ]
    for options in changes:
        assert not _kept_whole(_build(content, site, cache, **options)), options
    with pytest.raises(BuildFailed):  # --strict turns this site's look-alike warning into an error
        _build(content, site, cache, strict=True, **changes[-1])
    (content / "logos/new.svg").write_bytes((content / "logos/brisa.svg").read_bytes())  # a file nothing reads
    assert not _kept_whole(_build(content, site, cache, **changes[-1]))
    (content / "logos/new.svg").unlink()
    assert not _kept_whole(_build(content, site, cache, **changes[-1]))
    assert _kept_whole(_build(content, site, cache, **changes[-1]))


def test_another_build_into_the_output_folder_is_not_taken_for_ours(tmp_path: Path, monkeypatch) -> None:
    _settle(monkeypatch)
    content, cache, site = make_content(tmp_path, THREE_TIERS), tmp_path / "cache", tmp_path / "site"
    _build(content, site, cache)
    _build(content, site, None, as_of=date(2027, 2, 1))  # --no-cache: another site in the folder
    result = _build(content, site, cache)
    assert not _kept_whole(result)
    _build(content, tmp_path / "cold", None)
    assert _same_tree(site, tmp_path / "cold") == []
    (site / "manifest.json").unlink()  # a folder missing what every build writes
    assert not _kept_whole(_build(content, site, cache))
    assert (site / "manifest.json").is_file()


def test_a_failed_build_leaves_the_memo_of_the_last_good_one(tmp_path: Path, monkeypatch) -> None:
    _settle(monkeypatch)
    content, cache, site = make_content(tmp_path, THREE_TIERS), tmp_path / "cache", tmp_path / "site"
    _build(content, site, cache)
    shops = content / "businesses/shops.yaml"
    good = shops.read_bytes()
    shops.write_bytes(good.replace(b"name:", b"nmae:", 1))
    assert main(["build", "--content", str(content), "--output", str(site), "--cache", str(cache),
                 "--as-of", AS_OF.isoformat()]) == 1
    shops.write_bytes(good)  # put back: the output is again what these inputs build
    assert _kept_whole(_build(content, site, cache))


def test_previous_copies_and_no_cache_always_build(tmp_path: Path, monkeypatch) -> None:
    _settle(monkeypatch)
    content, cache, site = make_content(tmp_path, THREE_TIERS), tmp_path / "cache", tmp_path / "site"
    key = generate()
    _build(content, site, cache, sign_key=key)
    previous = tmp_path / "previous"
    _build(content, previous, None, sign_key=key)
    for _ in range(2):
        assert not _kept_whole(_build(content, site, cache, sign_key=key, previous=str(previous)))
    assert not _kept_whole(_build(content, site, None))


def test_a_build_with_nothing_to_do_does_not_load_the_pipeline(tmp_path: Path, monkeypatch) -> None:
    _settle(monkeypatch)
    content, cache, site = make_content(tmp_path, THREE_TIERS), tmp_path / "cache", tmp_path / "site"
    _build(content, site, cache)
    forget_last_build(cache)
    args = ["build", "--content", str(content), "--output", str(site), "--cache", str(cache), "--as-of",
            AS_OF.isoformat()]
    script = ("import sys; from generator.cli import main; code = main(sys.argv[1:]); "
              "print('loaded' if 'generator.build' in sys.modules or 'jinja2' in sys.modules else 'light'); "
              "sys.exit(code)")
    runs = [subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120,
                           env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[1])}) for _ in range(2)]
    assert [r.returncode for r in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    assert runs[0].stdout.split()[-1] == "loaded" and KEPT not in runs[0].stderr
    assert runs[1].stdout.split()[-1] == "light" and KEPT in runs[1].stderr
    assert "0 written" in runs[1].stdout


def _warm_and_cold(content: Path, tmp_path: Path, cache: Path) -> tuple[int, str, str]:
    """Build warm (into ``site``) and cold (into a fresh folder), both through the command line; the exit
    codes must match, and so must the folders (or the errors, when the content has them)."""
    import contextlib
    import io
    import shutil

    runs = []
    for out, cached in ((tmp_path / "site", ["--cache", str(cache)]), (tmp_path / "cold", ["--no-cache"])):
        shutil.rmtree(tmp_path / "cold", ignore_errors=True)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["build", "--content", str(content), "--output", str(out), "--as-of", AS_OF.isoformat(),
                         *cached])
        runs.append((code, "\n".join(l for l in err.getvalue().splitlines() if "cache" not in l)))
        if out.name == "cold" and code == 0:
            assert _same_tree(tmp_path / "site", out) == []
    assert runs[0] == runs[1]
    return runs[0][0], runs[0][1], runs[1][1]


def test_readings_follow_what_a_logo_path_finds(tmp_path: Path, monkeypatch) -> None:
    """A business file's reading is kept with what its logo path found (cache/readings.py): a logo's
    folder turned into a link, a logo turned into a folder, or respelled, reads the file again."""
    _settle(monkeypatch)
    content, cache = make_content(tmp_path, THREE_TIERS), tmp_path / "cache"
    assert _warm_and_cold(content, tmp_path, cache)[0] == 0
    elsewhere = tmp_path / "elsewhere"
    (content / "logos").rename(elsewhere)
    (content / "logos").symlink_to(elsewhere)  # the same bytes, now through a link: refused
    code, errors, _ = _warm_and_cold(content, tmp_path, cache)
    assert code == 1 and "symbolic link" in errors
    (content / "logos").unlink()
    (content / "logos").mkdir()
    (content / "logos/brisa.svg").mkdir()  # a folder by the logo's name
    code, errors, _ = _warm_and_cold(content, tmp_path, cache)
    assert code == 1 and "not a regular file" in errors
    (content / "logos/brisa.svg").rmdir()
    (content / "logos/brisa.svg").write_bytes((elsewhere / "brisa.svg").read_bytes())
    assert _warm_and_cold(content, tmp_path, cache)[0] == 0
    shops = content / "businesses/shops.yaml"
    shops.write_text(shops.read_text("utf-8").replace("logo: logos/brisa.svg", "logo: logos//brisa.svg"), "utf-8")
    assert _warm_and_cold(content, tmp_path, cache)[0] == 0
    (content / "logos/brisa.svg").write_text(LOGO_SVG.replace("#080", "#00f"), "utf-8")  # only the logo changed
    assert _warm_and_cold(content, tmp_path, cache)[0] == 0
    assert any(b"#00f" in p.read_bytes() for p in (tmp_path / "site/static/logos").glob("*.svg"))


def test_readings_are_kept_as_a_base_and_a_small_delta(tmp_path: Path, monkeypatch) -> None:
    _settle(monkeypatch)
    files = {**THREE_TIERS, **{f"businesses/extra-{n}.yaml": f"id: extra-{n}\nname: Extra {n}\n"
                                                             f"whatsapp: \"+34 600 00{n:02d} 00\"\n" for n in range(30)}}
    content, cache = make_content(tmp_path, files), tmp_path / "cache"
    assert _warm_and_cold(content, tmp_path, cache)[0] == 0
    bases = lambda: sorted(p.name for p in cache.glob("v*/readings-base/*/*"))  # noqa: E731
    deltas = lambda: sorted(p.name for p in cache.glob("v*/readings-delta/*/*"))  # noqa: E731
    first = bases()
    assert len(first) == 1 and deltas() == []
    for n in range(6):  # one file a build: a delta of one, two, three ... until past a tenth of the base
        path = content / f"businesses/extra-{n}.yaml"
        path.write_text(path.read_text("utf-8").replace("Extra", "Otra"), "utf-8")
        assert _warm_and_cold(content, tmp_path, cache)[0] == 0
        if n < 3:
            assert bases() == first and 1 <= len(deltas()) <= 2  # the one before goes with the next pruning
    assert bases() != first  # folded into a new base
    (content / "businesses/extra-29.yaml").unlink()  # a file gone is a delta too
    assert _warm_and_cold(content, tmp_path, cache)[0] == 0
