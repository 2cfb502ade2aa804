"""Logos: the one file a business hands us that we publish as is.

A logo sits next to the green badge, so it is the most valuable thing to
forge.  The path must stay inside the content folder, the file's real type is
read from its bytes, its size is capped, and an SVG (which a browser will run
script from when opened directly) is parsed and rebuilt from a strict
allow-list of shapes and presentation attributes, or refused.  Published
names are content hashes, so two businesses can never overwrite each other's.
"""

from __future__ import annotations

import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from ..model import Logo
from .reading import read_at_most

MAX_LOGO_BYTES = 256 * 1024
MAX_SVG_DEPTH = 32  # nesting of SVG elements; a logo needs a handful, and writing it back out recurses
SVG_NS = "http://www.w3.org/2000/svg"

_SVG_ELEMENTS = frozenset(
    "svg g path rect circle ellipse line polyline polygon text tspan title desc defs "
    "linearGradient radialGradient stop clipPath".split()
)
_SVG_ATTRIBUTES = frozenset(
    "id viewBox width height x y x1 y1 x2 y2 cx cy r rx ry fx fy d points fill fill-opacity fill-rule "
    "stroke stroke-width stroke-linecap stroke-linejoin stroke-miterlimit stroke-opacity stroke-dasharray "
    "opacity transform font-family font-size font-weight font-style text-anchor dominant-baseline "
    "letter-spacing offset stop-color stop-opacity gradientUnits gradientTransform spreadMethod "
    "clip-path clip-rule clipPathUnits version preserveAspectRatio role aria-label".split()
)
_SAFE_URL_REF = re.compile(r"url\(\s*#[A-Za-z][\w.-]*\s*\)")


_LOOKUPS: list[list[str]] = []  # open ``noting_lookups`` blocks, innermost last


@contextmanager
def noting_lookups() -> Iterator[list[str]]:
    """Collect every logo path looked up inside the block: the build cache's discovered inputs."""
    found: list[str] = []
    _LOOKUPS.append(found)
    try:
        yield found
    finally:
        _LOOKUPS.remove(found)


def check_logo_path(value: str, content_dir: Path) -> tuple[Path | None, str | None]:
    """Resolve a logo path written by a business, refusing anything that could leave the content folder."""
    if _LOOKUPS:
        _LOOKUPS[-1].append(value)
    if any(ch in value for ch in "\\:~\x00") or value.startswith("/"):
        return None, f"'{value}' must be a plain relative path inside the content folder (no '\\', ':', '~' or leading '/')"
    parts = PurePosixPath(value).parts
    if not parts or any(part in ("..", ".") for part in parts):
        return None, f"'{value}' must not contain '..' or '.' segments"
    path = content_dir.joinpath(*parts)
    walked = content_dir
    for part in parts:
        walked = walked / part
        if walked.is_symlink():
            return None, f"'{value}' goes through a symbolic link; logos must be real files in the content folder"
    if not path.is_file():
        return None, f"logo file '{value}' does not exist"
    return path, None


def read_logo(path: Path, written: str) -> tuple[Logo | None, str | None]:
    """Read and check a logo file, returning what will be published."""
    data = read_at_most(path, MAX_LOGO_BYTES)
    if len(data) > MAX_LOGO_BYTES:
        size = max(path.stat().st_size, len(data))
        return None, f"'{written}' is {size} bytes; logos may be at most {MAX_LOGO_BYTES} bytes"
    kind = sniff(data)
    if kind is None:
        return None, f"'{written}' is not a PNG, JPEG, WebP or SVG image (checked by its content, not its name)"
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in {"png": ("png",), "jpg": ("jpg", "jpeg"), "webp": ("webp",), "svg": ("svg",)}[kind]:
        return None, f"'{written}' is a {kind.upper()} file but its name ends in .{suffix}"
    if kind == "svg":
        data, message = sanitize_svg(data)
        if message:
            return None, f"'{written}': {message}"
    return Logo(data=data, extension=kind, digest=hashlib.sha256(data).hexdigest()[:20]), None


def sniff(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:4096]:
        return "svg"
    return None


def sanitize_svg(data: bytes) -> tuple[bytes, str | None]:
    """Rebuild an SVG from an allow-list, or say exactly what made us refuse it.

    Refusing (rather than silently stripping) tells the operator why their
    logo did not appear, and keeps what is published equal to what they saw.
    """
    if re.search(rb"<!(DOCTYPE|ENTITY)", data, re.IGNORECASE):
        return b"", "SVG with a DOCTYPE or entities is not accepted"
    if re.search(rb"<\?xml-stylesheet", data, re.IGNORECASE):
        return b"", "SVG with a stylesheet instruction is not accepted"
    declared = re.match(rb"\s*<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)", data.lstrip(b"\xef\xbb\xbf"))
    if declared and declared.group(1).lower() not in (b"utf-8", b"utf8", b"us-ascii"):
        return b"", "SVG must be encoded as UTF-8"
    try:
        data.decode("utf-8")
        root = ET.fromstring(data)
    except (ET.ParseError, ValueError, LookupError) as exc:
        return b"", f"SVG is not well-formed UTF-8 XML ({exc})"
    if root.tag != f"{{{SVG_NS}}}svg":
        return b"", "the root element must be <svg> in the SVG namespace"
    if _depth(root) > MAX_SVG_DEPTH:
        return b"", f"elements are nested more than {MAX_SVG_DEPTH} levels deep"
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(f"{{{SVG_NS}}}"):
            return b"", f"element <{element.tag}> is not allowed in a logo"
        name = element.tag[len(SVG_NS) + 2:]
        if name not in _SVG_ELEMENTS:
            return b"", f"element <{name}> is not allowed in a logo"
        for attribute, value in element.attrib.items():
            if attribute not in _SVG_ATTRIBUTES:
                return b"", f"attribute '{attribute}' on <{name}> is not allowed in a logo"
            if "url(" in value.replace(" ", "").lower() and not _SAFE_URL_REF.fullmatch(value.strip()):
                return b"", f"attribute '{attribute}' on <{name}> refers outside the logo"
            if re.search(r"(?i)script|[&<\\]", value):  # '\\' is a CSS escape: "\\75 rl(" reads as "url("
                return b"", f"attribute '{attribute}' on <{name}> has a value that is not allowed"
    ET.register_namespace("", SVG_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=False) + b"\n", None


def _depth(root: ET.Element) -> int:
    """How deeply elements nest, counted without recursion (the input is hostile)."""
    deepest, stack = 0, [(root, 1)]
    while stack:
        element, depth = stack.pop()
        deepest = max(deepest, depth)
        if depth <= MAX_SVG_DEPTH:
            stack.extend((child, depth + 1) for child in element)
    return deepest
