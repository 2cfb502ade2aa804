"""The whole-site safety check, run after every build in the test suite.

Whatever a business wrote, the published site must contain nothing that runs
or loads on a visitor's page except the site's own files.  Instead of trusting
each template and sanitizer, this reads every page the build wrote, the way a
browser would, and lists what breaks these rules:

* no ``<script>`` except the site's own: ``<script src>`` pointing into
  ``static/`` (and nothing inline), or ``<script type="application/ld+json">``
  whose text is JSON with no ``</`` or ``<!--`` in it;
* no ``on*`` event-handler attribute;
* no URL in an href/src-like attribute outside http, https and mailto (read
  the way browsers read it: leading spaces and embedded tabs/newlines
  ignored, any case); ``src`` never leaves the site (no remote images);
* no frames, plugins, ``<base>`` or ``<meta http-equiv=refresh>``;
* no element id used twice on one page;
* every published SVG (opened directly, it runs on the site's origin) has no
  script, ``foreignObject``, event handler, or reference outside itself.

``check_site(output)`` returns the problems as ``path: message`` strings, so
a failing test names the page and the offence.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

ALLOWED_SCHEMES = frozenset({"http", "https", "mailto"})
URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "poster", "cite", "data", "background", "xlink:href",
    "ping", "manifest", "longdesc", "codebase", "archive", "lowsrc", "dynsrc", "icon", "srcset", "imagesrcset",
})
# Attributes that load something into the page itself: they must stay on the site.
LOADING_ATTRIBUTES = frozenset({"src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc", "imagesrcset"})
_LOADING_RELS = frozenset({"stylesheet", "preload", "modulepreload", "prefetch", "icon", "manifest", "import"})
FORBIDDEN_ELEMENTS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal"})
_SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.\-]*):")
_SVG_NS = "{http://www.w3.org/2000/svg}"


def check_site(output_dir: Path, base_url: str | None = None) -> list[str]:
    """Every problem in the built site at ``output_dir``, as ``path: message`` lines (empty when safe).

    ``base_url`` is the site's own address (site.yaml), for pages such as
    404.html that must link to the site's files absolutely.
    """
    problems: list[str] = []
    for path in sorted(output_dir.rglob("*")):
        if not path.is_file() or path.suffix not in (".html", ".svg"):
            continue
        rel = path.relative_to(output_dir).as_posix()
        data = path.read_bytes()
        key = (rel, hashlib.sha1(data).digest(), base_url)
        if key in _PASSED:  # the suite rebuilds many identical pages; each is read once
            continue
        if path.suffix == ".html":
            found = check_page(data.decode("utf-8"), rel, output_dir, base_url)
        else:
            found = check_svg(data)
        problems += [f"{rel}: {p}" for p in found]
        if not found:
            _PASSED.add(key)
    return problems


_PASSED: set[tuple[str, bytes, str | None]] = set()


def url_scheme(value: str) -> str | None:
    """The scheme a browser would see in ``value``, lowercased; None for a relative URL.

    Browsers strip leading and trailing C0 controls and spaces, and remove
    every tab and newline, before they look for ``scheme:``.
    """
    cleaned = re.sub(r"[\t\n\r]", "", value.strip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\t\n\x0b\x0c\r\x0e\x0f"
                                                  "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f "))
    match = _SCHEME.match(cleaned)
    return match.group(1).lower() if match else None


def _own_path(url: str, base_url: str | None) -> str | None:
    """The path from the site root of an absolute URL on the site itself, else None."""
    if base_url and url.startswith(base_url) and ".." not in url:
        return url[len(base_url):].split("?")[0].split("#")[0]
    return None


def _leaves_site(value: str) -> bool:
    cleaned = re.sub(r"[\t\n\r]", "", value.strip()).replace("\\", "/")
    return url_scheme(value) is not None or cleaned.startswith("//")


def check_page(html: str, rel: str, output_dir: Path, base_url: str | None = None) -> list[str]:
    """The problems of one HTML page (``rel`` is its path from the site root)."""
    parser = _PageParser(base_url)
    parser.feed(html)
    parser.close()
    problems = list(parser.problems)
    for attrs, text in parser.scripts:
        problems += _check_script(attrs, text, rel, output_dir, base_url)
    duplicates = sorted({i for i in parser.ids if parser.ids.count(i) > 1})
    if duplicates:
        problems.append(f"duplicate element ids: {', '.join(duplicates)}")
    return problems


def _check_script(attrs: dict[str, str | None], text: str, rel: str, output_dir: Path,
                  base_url: str | None) -> list[str]:
    src = attrs.get("src")
    if src is not None:
        if text.strip():
            return [f"<script src={src!r}> also carries inline code"]
        own = _own_path(src, base_url)
        if own is None and _leaves_site(src):
            return [f"<script src={src!r}> loads code from outside the site"]
        path = src.split("?")[0].split("#")[0]
        target = posixpath.normpath(own if own is not None else posixpath.join(posixpath.dirname(rel), path))
        if not target.startswith("static/") or not (output_dir / target).is_file():
            return [f"<script src={src!r}> is not one of the site's files in static/"]
        return []
    if (attrs.get("type") or "").strip().lower() == "application/ld+json":
        if "</" in text or "<!--" in text:
            return ["JSON-LD script contains '</' or '<!--'"]
        try:
            json.loads(text)
        except ValueError as exc:
            return [f"JSON-LD script is not JSON ({exc})"]
        return []
    return [f"inline <script> that is not the site's own: {text[:80]!r}"]


class _PageParser(HTMLParser):
    """Collects scripts, ids and attribute problems while reading a page."""

    def __init__(self, base_url: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.base_url = base_url
        self.problems: list[str] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.ids: list[str] = []
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)
        if tag == "script":
            self._script, self._script_text = dict(attrs), []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._element(tag, attrs)
        if tag == "script":
            self.scripts.append((dict(attrs), ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)

    def close(self) -> None:
        super().close()
        if self._script is not None:  # a script never closed swallows the rest of the page
            self.problems.append("a <script> element is never closed")
            self.scripts.append((self._script, "".join(self._script_text)))

    def _element(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in FORBIDDEN_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        names = [name for name, _ in attrs]
        if len(set(names)) != len(names):
            self.problems.append(f"<{tag}> repeats an attribute: {names}")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag}> has an event handler attribute {name}={value[:60]!r}")
            elif name in URL_ATTRIBUTES:
                self._check_url(tag, name, value)
            elif name == "id":
                self.ids.append(value)
        values = dict(attrs)
        refresh = values.get("http-equiv")
        if tag == "meta" and refresh and refresh.strip().lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        rel = set((values.get("rel") or "").lower().split())
        href = values.get("href") or ""
        if tag == "link" and rel & _LOADING_RELS and _leaves_site(href) and _own_path(href, self.base_url) is None:
            self.problems.append(f"<link rel={values.get('rel')!r} href={href[:80]!r}> loads from outside the site")

    def _check_url(self, tag: str, name: str, value: str) -> None:
        urls = [part.strip().split(" ")[0] for part in value.split(",")] if name.endswith("srcset") else [value]
        for url in urls:
            scheme = url_scheme(url)
            if scheme is not None and scheme not in ALLOWED_SCHEMES:
                self.problems.append(f"<{tag} {name}={url[:80]!r}> uses the {scheme}: scheme")
            elif name in LOADING_ATTRIBUTES and _leaves_site(url) and _own_path(url, self.base_url) is None:
                self.problems.append(f"<{tag} {name}={url[:80]!r}> loads from outside the site")


def check_svg(data: bytes) -> list[str]:
    """The problems of one published SVG file."""
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        return ["SVG declares a DOCTYPE or entities"]
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        return [f"SVG is not well-formed ({exc})"]
    problems = []
    for element in root.iter():
        tag = element.tag if isinstance(element.tag, str) else "?"
        local = tag.rsplit("}", 1)[-1]
        if not tag.startswith(_SVG_NS):
            problems.append(f"SVG element <{tag}> is outside the SVG namespace")
        if local.lower() in ("script", "foreignobject", "iframe", "object", "embed", "image", "use", "a",
                             "animate", "set", "animatemotion", "animatetransform", "style", "handler", "listener"):
            problems.append(f"SVG has a <{local}> element")
        for attribute, value in element.attrib.items():
            name = attribute.rsplit("}", 1)[-1]
            if name.lower().startswith("on"):
                problems.append(f"SVG <{local}> has an event handler {name}")
            if name in ("href", "src") or name == "style":
                problems.append(f"SVG <{local}> has a {name} attribute")
            for reference in re.findall(r"url\(\s*([^)]*)\)", value):
                if not reference.strip("'\" ").startswith("#"):
                    problems.append(f"SVG <{local}> refers outside itself: {value[:60]!r}")
    return problems
