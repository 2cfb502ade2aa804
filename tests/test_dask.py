"""``badgedir build --dask ADDRESS`` (issue #18): the same build on a real Dask cluster, byte for byte.

A ``LocalCluster`` of two worker processes (loopback only) builds a couple of
thousand synthetic businesses; the tree must equal a local build's, file by
file.  A worker killed in the middle of rendering is either survived (Dask
runs its pieces again elsewhere) or the build fails cleanly and the
published folder is the one before.  An unreachable scheduler is one line
and exit 1, within the connect timeout, with the output untouched.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest

from conftest import AS_OF, THREE_TIERS, make_content
from generator.build import BuildOptions, build
from generator.cli import main
from generator.diagnostics import BuildFailed
from generator.engine.executors import ClusterError

distributed = pytest.importorskip("distributed")

ROOT = Path(__file__).resolve().parents[1]
BUSINESSES = 2000
SYNTH_AS_OF = date(2026, 11, 25)  # the date benchmarks/synth.py writes its verifications relative to


@pytest.fixture(scope="module")
def cluster():
    with distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        yield cluster, client


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    spec = importlib.util.spec_from_file_location("synth", ROOT / "benchmarks" / "synth.py")
    assert spec is not None and spec.loader is not None
    synth = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synth", synth)  # its dataclasses look their module up
    spec.loader.exec_module(synth)
    content = tmp_path_factory.mktemp("dask") / "content"
    synth.generate(BUSINESSES, content)
    return content


@pytest.fixture(scope="module")
def local_site(synthetic: Path) -> tuple[Path, float]:
    """The local build (two forked processes) every Dask build is compared with, and its seconds."""
    started = time.perf_counter()
    build(BuildOptions(content=synthetic, output=synthetic.parent / "local", as_of=SYNTH_AS_OF, jobs=2))
    return synthetic.parent / "local", time.perf_counter() - started


def tree(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by its relative path, with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def assert_same_tree(one: Path, two: Path) -> None:
    first, second = tree(one), tree(two)
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []


def _loaded_recipe() -> bool:
    return "generator.render.recipe" in sys.modules  # a worker that ran pages made the renderer from a recipe


def _task_prefixes(dask_scheduler=None) -> list[str]:  # (run on the scheduler: Dask passes it in)
    return list(dask_scheduler.task_prefixes)


def test_a_dask_build_is_byte_identical_to_a_local_build(cluster, synthetic: Path, local_site) -> None:
    (scheduler, client), base, (local, local_seconds) = cluster, synthetic.parent, local_site
    files = sum(1 for p in local.rglob("*") if p.is_file())
    for run in ("cold", "warm"):  # the build cache on the shared filesystem serves the second one's workers
        started = time.perf_counter()
        result = build(BuildOptions(content=synthetic, output=base / "on-dask", as_of=SYNTH_AS_OF, jobs=2,
                                    cache=base / "cache", dask=scheduler.scheduler_address))
        print(f"{BUSINESSES} businesses: local (2 processes) {local_seconds:.1f} s, "
              f"Dask ({run}) {time.perf_counter() - started:.1f} s")
        assert result.files == files
        assert_same_tree(local, base / "on-dask")
    assert set(client.run(_loaded_recipe).values()) == {True}  # both workers rendered
    ran = set(client.run_on_scheduler(_task_prefixes))
    assert {"map_batch", "run_sent_piece", "run_piece"} <= ran  # reading, name checks, and the site's pieces
    assert not (base / "on-dask" / ".badgedir-site.pickle").exists()


def _allow_failures(count: int, dask_scheduler=None) -> int:  # (run on the scheduler: Dask passes it in)
    before, dask_scheduler.allowed_failures = dask_scheduler.allowed_failures, count
    return before


@pytest.mark.parametrize("retries", [True, False], ids=["dask-retries", "no-retries"])
def test_a_worker_killed_mid_build_is_survived_or_the_old_site_stays(cluster, synthetic: Path, local_site,
                                                                     retries: bool) -> None:
    """With Dask's retries (its default) the build survives the kill and equals a local build; with none
    allowed it fails with one ClusterError, and the published folder is the one from before, untouched."""
    (scheduler, client), base = cluster, synthetic.parent
    output = base / f"killed-{retries}"
    shutil.copytree(local_site[0], output)  # the published site the build replaces
    before = tree(output)
    as_of = SYNTH_AS_OF if retries else SYNTH_AS_OF + timedelta(days=400)  # (verifications expire: another site)
    victim = next(iter(client.run(os.getpid).values()))
    killed, done = threading.Event(), threading.Event()

    def kill_once_pages_are_written() -> None:
        while not done.is_set():
            for staging in base.glob(f".badgedir-staging-{output.name}-*"):
                try:
                    written = len(os.listdir(staging / "b"))
                except OSError:
                    continue
                if written >= 200:
                    os.kill(victim, signal.SIGKILL)
                    killed.set()
                    return
            time.sleep(0.01)

    previous = client.run_on_scheduler(_allow_failures, 3 if retries else 0)
    killer = threading.Thread(target=kill_once_pages_are_written, daemon=True)
    killer.start()
    try:
        build(BuildOptions(content=synthetic, output=output, as_of=as_of, jobs=2, dask=scheduler.scheduler_address))
        failure = None
    except ClusterError as failed:
        failure = failed
    finally:
        done.set()
        killer.join()
        client.run_on_scheduler(_allow_failures, previous)
        client.wait_for_workers(2, timeout=60)  # the nanny starts another
    assert killed.is_set(), "the build ended before a worker could be killed"
    if retries:
        assert failure is None
        assert_same_tree(local_site[0], output)
    else:
        assert failure is not None and "lost a piece of the build" in str(failure)
        time.sleep(1)  # nothing still running writes into the discarded staging folder
        assert not list(base.glob(f".badgedir-staging-{output.name}-*"))
        assert tree(output) == before


def test_a_signed_build_with_user_templates_is_the_same_on_dask(cluster, tmp_path: Path) -> None:
    """The recipe carries what a worker cannot find by itself: the templates folder and the key FAQ pages show."""
    from generator.record.minisign import generate

    content = make_content(tmp_path, THREE_TIERS)
    templates = tmp_path / "templates"
    (templates / "static").mkdir(parents=True)
    (templates / "static" / "extra.css").write_text("body { color: #123; }\n")
    (templates / "404.html").write_text('{% extends "base.html" %}{% block content %}<p>Nothing here.</p>{% endblock %}\n')
    key = generate()
    for name, dask in (("local", None), ("on-dask", cluster[0].scheduler_address)):
        build(BuildOptions(content=content, output=tmp_path / name, as_of=AS_OF, jobs=1, templates=templates,
                           sign_key=key, dask=dask))
    assert b"Nothing here." in (tmp_path / "on-dask" / "404.html").read_bytes()
    assert_same_tree(tmp_path / "local", tmp_path / "on-dask")


def test_a_template_error_on_a_worker_is_the_same_diagnostic_and_nothing_is_published(cluster, tmp_path: Path) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "business.html").write_text('{% extends "base.html" %}{% block content %}{{ 1 / 0 }}{% endblock %}\n')
    failures = []
    for dask in (None, cluster[0].scheduler_address):
        with pytest.raises(BuildFailed) as failed:
            build(BuildOptions(content=content, output=tmp_path / "site", as_of=AS_OF, jobs=1, templates=templates,
                               dask=dask))
        failures.append([str(d) for d in failed.value.diagnostics])
    assert failures[0] == failures[1] == ["business.html:1: ZeroDivisionError: division by zero"]
    time.sleep(0.5)
    assert not (tmp_path / "site").exists() and not list(tmp_path.glob(".badgedir-staging-*"))


def test_a_worker_running_other_code_refuses_the_work(cluster) -> None:
    """Every task carries the client's code digest: a worker with another badgedir would render another site."""
    from generator.engine.dask_executor import DaskExecutor

    with DaskExecutor(cluster[0].scheduler_address) as executor:
        assert executor.jobs == 2
        assert list(executor.map(len, [[1], [2, 3]])) == [1, 2]
        executor.code = "another version"
        with pytest.raises(ClusterError, match="another version of badgedir"):
            list(executor.map(len, [[1], [2, 3]]))


def test_an_unreachable_scheduler_is_one_line_and_leaves_the_output(tmp_path: Path, capsys) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    output = tmp_path / "site"
    assert main(["build", "--content", str(content), "--output", str(output), "--as-of", str(AS_OF), "-q"]) == 0
    before = tree(output)
    capsys.readouterr()
    # Nothing changed: the last build answers, and no cluster is asked (cache/memo.py).
    assert main(["build", "--content", str(content), "--output", str(output), "--as-of", str(AS_OF),
                 "--dask", "tcp://127.0.0.1:1", "--dask-timeout", "2"]) == 0
    assert "nothing changed since the last build" in capsys.readouterr().err and tree(output) == before
    shops = content / "businesses/shops.yaml"
    shops.write_text(shops.read_text("utf-8").replace("Café Niño", "Café Niña"), "utf-8")  # work to do
    started = time.monotonic()
    code = main(["build", "--content", str(content), "--output", str(output), "--as-of", str(AS_OF),
                 "--dask", "tcp://127.0.0.1:1", "--dask-timeout", "2"])  # a closed loopback port
    assert time.monotonic() - started < 15
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert err.startswith("badgedir: error: cannot reach the Dask scheduler at tcp://127.0.0.1:1")
    assert err.rstrip().endswith("the output folder was left as it was")
    assert tree(output) == before
    assert main(["build", "--content", str(content), "--output", str(output), "--dask", "nope://127.0.0.1:1"]) == 2
    assert "is not a Dask scheduler address" in capsys.readouterr().err
    assert tree(output) == before


def test_a_local_build_never_imports_dask(tmp_path: Path) -> None:
    content = make_content(tmp_path, THREE_TIERS)
    script = ("import sys\nfrom generator.cli import main\n"
              f"assert main(['build', '--content', {str(content)!r}, '--output', {str(tmp_path / 'site')!r}, '-q']) == 0\n"
              "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
