"""What a worker that did not fork from the build needs to render its pieces: a recipe, not the site.

A forked worker inherits the build's site and renderer.  A Dask worker on
another machine cannot, and sending the site with every task would send the
whole directory thousands of times.  So the build writes the site it decided
(one pickle) into the staging folder, which every worker mounts, and sends
each task only that file's path, the paths and options the renderer is made
from, and a token.  Each worker process then loads the file and makes the
renderer once per build (:func:`make_shared`).  Loading the client's own
decided site, rather than reading the content again, means every worker
renders exactly what the client decided, even if a content file changes
during the build.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..cache.store import Store
from ..decide.site import Site
from ..engine.executors import ClusterError, Recipe
from ..publish.links import Targets
from ..publish.staging import Staging
from ..publish.writing import link_unchanged, published_for
from .pages import Page
from .renderer import Renderer

if TYPE_CHECKING:
    from ..record.minisign import PublicKey

SNAPSHOT = ".badgedir-site.pickle"  # in the staging folder while the pieces run, deleted before the manifest


@dataclass(frozen=True, slots=True)
class SharedRecipe:
    """Paths and small values: the site's pickle, the templates, the build cache, the key the FAQ shows."""

    snapshot: str
    templates: Path | None
    store: Store
    public_key: "PublicKey | None"
    staging: str
    published: str | None  # the published folder whose unchanged files the staging folder links


def write_recipe(site: Site, pages: list[Page], targets: Targets | None, templates: Path | None, store: Store,
                 public_key: "PublicKey | None", staging: Staging) -> Recipe:
    """Write the site into the staging folder; the recipe for :func:`make_shared` that names it."""
    data = pickle.dumps((site, pages, targets), protocol=pickle.HIGHEST_PROTOCOL)
    path = staging.dir / SNAPSHOT
    path.write_bytes(data)
    token = hashlib.sha256(data + os.fsencode(staging.dir)).hexdigest()
    return Recipe(make_shared, SharedRecipe(str(path), templates, store, public_key, str(staging.dir),
                                            published_for(staging.dir)), token)


def drop_snapshot(staging: Staging) -> None:
    """The pickle is not part of the site: gone before the links are checked and the manifest lists files."""
    try:
        os.unlink(staging.dir / SNAPSHOT)
    except FileNotFoundError:
        pass


def make_shared(recipe: SharedRecipe) -> dict[str, Any]:
    """In a worker: the ``shared`` values the build's pieces expect, made as the client made its own."""
    try:
        with open(recipe.snapshot, "rb") as f:
            site, pages, targets = pickle.load(f)
    except FileNotFoundError:
        raise ClusterError(f"a Dask worker cannot see the staging folder {recipe.staging}: the output folder must "
                           "be on a filesystem every worker mounts at the same path") from None
    renderer = Renderer(site, recipe.templates, store=recipe.store, links=targets)
    renderer.publish_key(recipe.public_key)
    renderer.prepare_cache(pages)
    link_unchanged(Path(recipe.staging), recipe.published)
    return {"site": site, "renderer": renderer}
