"""Every internal link of every page, checked while the pages are written.

A link that stays inside the site must name a file the build writes, and
an ``#anchor`` must be an ``id`` on its target, or the build fails (Zola's
``link_checker``, Hugo's ``refLinksErrorLevel``): a trust directory whose
"what the badges mean" link is a 404 loses the visitor when it matters.

Cheap on purpose, because a large site has 200,000 pages: a worker finds a
page's link attributes with one regular expression (C speed, no HTML
parse), resolves each against the page's folder (a prefix cut for the usual
``../../x/index.html``), and looks it up in :class:`Targets`, a model of what
the build writes made before any page is rendered: a set of the planned pages
and static assets, and for each business's files a pattern and its id (so a
worker holds no set of 300,000 business paths).  Only targets outside that model, and anchors on other pages, go
back to the parent, which checks them on disk at the end.  Where a broken
link came from (template and line) is found only when there is one, by
rendering that page again with origins marked (:mod:`generator.render.link_origins`).

Two rules keep the folder working anywhere: links are relative (one that
starts with ``/`` leaves the site under a sub-path) and name a file (a
folder link ``faq/`` does not open from ``file://``).
"""

from __future__ import annotations

import html as html_lib
import posixpath
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..bundled import builtin_dir
from ..decide.site import Site
from ..render.pages import Page, language_prefix

# Attributes that name something the browser will fetch or open; data-*-url carries links the
# scripts put on the page (the lookup's "how to spot an impostor").
LINK_ATTRIBUTE = r"(?:href|src|srcset|data-[a-z-]+-url)"
_LINK = re.compile(rf' {LINK_ATTRIBUTE}="([^"]*)"')  # C speed: 45 µs on a 10 kB page, str.find passes take 60
_EXTERNAL = ("https:", "http:", "mailto:", "//")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_ID = re.compile(r' id="([^"]*)"')
OWN_ID = "\0"  # a business page's own id, in the links kept with it (no id has a NUL)
_BUSINESS_FILES = frozenset({"index.html", "contact.vcf", "badge.svg"})  # b/<id>/..., the last two in the first language only


@dataclass(frozen=True, slots=True)
class Targets:
    """What the build will write, known before rendering: ``known(path)`` is True, False (it will
    not be written) or None (not modelled here: look on disk once the build is done)."""

    paths: frozenset[str]  # every planned page but the businesses', static assets, fixed files
    businesses: frozenset[str]  # ids
    prefixes: frozenset[str]  # language prefixes of the other languages, "es"
    modelled: tuple[str, ...]  # folders whose every file is in ``paths``: a miss there is final

    def known(self, path: str) -> bool | None:
        if path in self.paths:
            return True
        parts = path.split("/")
        if len(parts) == 3 and parts[0] == "b":  # b/<id>/index.html, contact.vcf, badge.svg
            return parts[1] in self.businesses and parts[2] in _BUSINESS_FILES
        if len(parts) == 4 and parts[1] == "b" and parts[0] in self.prefixes:  # es/b/<id>/index.html
            return parts[2] in self.businesses and parts[3] == "index.html"
        return False if path.startswith(self.modelled) else None


@dataclass(frozen=True, slots=True)
class BadLink:
    """A link that cannot work: on which page, its value as written there, and why."""

    page: Page
    value: str
    reason: str


@dataclass(slots=True)
class Findings:
    """What one batch of pages left to check, and what is already known to be broken (picklable)."""

    broken: list[BadLink] = field(default_factory=list)
    unknown: dict[str, tuple[Page, str]] = field(default_factory=dict)  # target → first page and value
    anchors: dict[tuple[str, str], tuple[Page, str]] = field(default_factory=dict)  # (target, id) → ...

    def add(self, other: "Findings") -> None:
        self.broken += other.broken
        for key, seen in other.unknown.items():
            self.unknown.setdefault(key, seen)
        for key, seen in other.anchors.items():
            self.anchors.setdefault(key, seen)

    def __bool__(self) -> bool:
        return bool(self.broken or self.unknown or self.anchors)


class Scanner:
    """Checks the pages one worker renders; ``findings`` goes back with the batch."""

    MAX_BROKEN = 20  # per template and worker: one bad line in a card template breaks 100,000 links

    def __init__(self, targets: Targets) -> None:
        self.targets = targets
        self.broken_per_template: dict[str, int] = {}
        self.findings = Findings()
        self._vouched: dict[tuple[str, str, tuple[str, ...]], bool] = {}
        self._own: Scanner | None = None  # for vouch(): these targets, and OWN_ID a business

    def take(self) -> Findings | None:
        found, self.findings = self.findings, Findings()
        return found or None

    def scan(self, page: Page, text: str) -> tuple[str, ...] | None:
        """Check ``page``'s links; returns what a later build needs to check them again without the page
        (:meth:`vouch`): its links to other files, or None when one was broken."""
        if self.broken_per_template.get(page.template, 0) >= self.MAX_BROKEN:
            return None
        before = len(self.findings.broken)
        values = self._scan(page, text)
        if len(self.findings.broken) > before:
            self.broken_per_template[page.template] = self.broken_per_template.get(page.template, 0) + 1
            return None
        return values

    def vouch(self, path: str, template: str, values: tuple[str, ...]) -> bool:
        """Whether a page at ``path`` (a business page, its id written as :data:`OWN_ID`) whose links are
        ``values`` (:func:`normalized_links`) has nothing wrong or left to check against this build's
        targets: a page kept from an earlier build is checked by this, once per distinct set of links."""
        key = (path, template, values)
        if key not in self._vouched:
            if self._own is None:
                self._own = Scanner(replace(self.targets, businesses=self.targets.businesses | {OWN_ID}))
            self._own._scan(Page(path, template, "business", OWN_ID), "".join(f' href="{v}"' for v in values))
            self._vouched[key] = not self._own.take()
        return self._vouched[key]

    def _scan(self, page: Page, text: str) -> tuple[str, ...]:
        root = page.root
        depth, folder = len(root), None
        paths, businesses, prefixes = self.targets.paths, self.targets.businesses, self.targets.prefixes
        values = _LINK.findall(text)
        for value in values:
            if value.startswith(root):  # the usual ../../faq/index.html: a prefix cut and a set lookup
                rest = value[depth:]
                if rest in paths:
                    continue
                parts = rest.split("/", 4)
                if len(parts) == 3 and parts[0] == "b" and parts[1] in businesses and parts[2] in _BUSINESS_FILES:
                    continue  # b/<id>/index.html: a card on a listing
                if (len(parts) == 4 and parts[1] == "b" and parts[0] in prefixes and parts[2] in businesses
                        and parts[3] == "index.html"):
                    continue
            if value.startswith(_EXTERNAL):
                continue
            if folder is None:
                folder = page.path.rpartition("/")[0]
            if " " in value or "," in value:  # a srcset, or a link with a space (wrong either way)
                for candidate in value.split(","):
                    self._check(page, folder, root, candidate.strip().split(" ")[0], text)
            else:
                self._check(page, folder, root, value, text)
        return tuple(v for v in values if not v.startswith(("#", *_EXTERNAL)))  # ("#x": checked in the text itself)

    def _check(self, page: Page, folder: str, root: str, value: str, text: str) -> None:
        """Any link the fast path in :meth:`_scan` did not settle; what is wrong or left to check
        goes to :attr:`findings`."""
        rest = value[len(root):] if root and value.startswith(root) else None
        if rest is not None and "../" not in rest and "#" not in rest and "?" not in rest and "&" not in rest:
            target = rest  # the common case: ../../faq/index.html on b/x/index.html
        elif "/" not in value and "#" not in value and "?" not in value and "&" not in value and ":" not in value and value:
            target = f"{folder}/{value}" if folder else value  # contact.vcf beside b/x/index.html
        else:
            resolved = self._resolve(page, folder, value)
            if resolved is None:
                return
            target, _, anchor = resolved.partition("#")
            if not target and anchor:  # #main, on this page
                if f' id="{anchor}"' not in text:
                    self.findings.broken.append(BadLink(page, value, f'there is no id="{anchor}" on this page'))
                return
            if anchor:
                self.findings.anchors.setdefault((target, anchor), (page, value))
        if target in self.targets.paths:
            return
        if not target or target.endswith("/"):
            self.findings.broken.append(BadLink(page, value, "it names a folder: a page opened from file:// needs "
                                                "the file, so end the link with index.html"))
            return
        known = self.targets.known(target)
        if known is False:
            self.findings.broken.append(BadLink(page, value, f"the build writes no {target}"))
        elif known is None:
            self.findings.unknown.setdefault(target, (page, value))

    def _resolve(self, page: Page, folder: str, value: str) -> str | None:
        """The target's path from the site root (with any #anchor), or None for a link that leaves it."""
        if "&" in value:
            value = html_lib.unescape(value)
        if not value or value.startswith("//") or _SCHEME.match(value):
            return None  # empty (this page), another host, mailto:, tel:, data:, javascript:
        if value.startswith("/"):
            self.findings.broken.append(BadLink(page, value, "it starts with '/': published under a sub-path "
                                                "(https://host/dir/) it leaves the site; make it relative"))
            return None
        path, hash_, anchor = value.partition("#")
        path = path.partition("?")[0]
        if not path:
            return f"#{anchor}" if hash_ else None
        joined = posixpath.normpath(posixpath.join(folder, path))
        if joined == ".." or joined.startswith("../"):
            self.findings.broken.append(BadLink(page, value, "it leads out of the site's folder"))
            return None
        if path.endswith("/") or joined == ".":
            joined = "" if joined == "." else joined + "/"
        return joined + (f"#{anchor}" if hash_ else "")


def normalized_links(page: Page, values: tuple[str, ...]) -> tuple[str, str, tuple[str, ...]]:
    """A business page's path, template and links with its own id written :data:`OWN_ID`: the same for
    nearly every business, so :meth:`Scanner.vouch` checks each distinct set once."""
    own = f"/{page.key}/"
    return (page.path.replace(own, f"/{OWN_ID}/"), page.template,
            tuple(sorted({value.replace(own, f"/{OWN_ID}/") for value in values})))


def check_on_disk(findings: Findings, site_dirs: list[Path]) -> list[BadLink]:
    """The links only the finished folder can answer for: targets outside :class:`Targets`, and
    anchors on other pages.  ``site_dirs``: where the site's files are, the first that has one wins."""
    bad = [BadLink(page, value, f"the build writes no {target}")
           for target, (page, value) in sorted(findings.unknown.items()) if _find(site_dirs, target) is None]
    ids: dict[str, set[str] | None] = {}
    for (target, anchor), (page, value) in sorted(findings.anchors.items()):
        if target not in ids:
            ids[target] = ids_on(site_dirs, target)
        found = ids[target]
        if found is not None and anchor not in found:  # a missing file is reported as such already
            bad.append(BadLink(page, value, f'there is no id="{anchor}" on {target}'))
    return bad


def _find(site_dirs: list[Path], target: str) -> Path | None:
    return next((folder / target for folder in site_dirs if (folder / target).is_file()), None)


def ids_on(site_dirs: list[Path], target: str) -> set[str] | None:
    """The ids of one written page; None when there is no such file."""
    path = _find(site_dirs, target)
    return set(_ID.findall(path.read_text("utf-8", "replace"))) if path is not None else None


def planned_targets(site: Site, pages: list[Page], static: list[str]) -> Targets:
    """The model of the output :class:`Targets` checks against: ``pages`` (all but the businesses'),
    ``static`` (the asset paths, ``static/site.css``), every verified business's logo."""
    paths = {page.path for page in pages} | set(static)
    paths |= {f"static/logos/{listed.logo.filename}" for listed in site.entries.values() if listed.logo is not None}
    prefixes = frozenset(language_prefix(site, lang).rstrip("/") for lang in site.config.languages[1:])
    folders = ("b/", "category/", "tier/", "faq/", "page/")
    modelled = ("static/", *folders, *(f"{prefix}/{folder}" for prefix in prefixes for folder in folders))
    return Targets(frozenset(paths), frozenset(site.entries), prefixes, modelled)


def static_paths(templates: Path | None) -> list[str]:
    """The assets the build copies into ``static/``: the built-in ones and the ``--templates`` folder's."""
    folders = [builtin_dir("templates") / "static"] + ([templates / "static"] if templates else [])
    return sorted({f"static/{p.relative_to(f).as_posix()}" for f in folders if f.is_dir() for p in f.rglob("*") if p.is_file()})
