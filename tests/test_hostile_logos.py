"""Hostile logos: confined paths, types read from bytes, capped sizes, SVGs rebuilt or refused."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import LOGO_SVG, THREE_TIERS, make_content
from hostile import business, built, errors_of
from html_tree import page
from sitecheck import check_svg

NS = 'xmlns="http://www.w3.org/2000/svg"'
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PLAIN = "must be a plain relative path inside the content folder (no '\\', ':', '~' or leading '/')"


def logo_errors(tmp_path: Path, logo: str, files: dict[str, str | bytes] | None = None) -> list[str]:
    return errors_of(tmp_path, {"businesses/a.yaml": business(logo=logo), **(files or {})})


@pytest.mark.parametrize("logo, message", [
    ("../outside.svg", "'../outside.svg' must not contain '..' or '.' segments"),
    ("logos/../../outside.svg", "'logos/../../outside.svg' must not contain '..' or '.' segments"),
    ("/etc/passwd", f"'/etc/passwd' {PLAIN}"),
    ("logos\\a.svg", f"'logos\\a.svg' {PLAIN}"),
    ("C:/logo.svg", f"'C:/logo.svg' {PLAIN}"),
    ("~/logo.svg", f"'~/logo.svg' {PLAIN}"),
    ("logos/missing.svg", "logo file 'logos/missing.svg' does not exist"),
    ("logos", "logo file 'logos' is not a regular file"),
])
def test_logo_paths_stay_inside_the_content_folder(tmp_path: Path, logo: str, message: str) -> None:
    (tmp_path / "outside.svg").write_text(LOGO_SVG)
    assert logo_errors(tmp_path, logo, {"logos/a.svg": LOGO_SVG}) == [f"businesses/a.yaml:4: logo: {message}"]


@pytest.mark.parametrize("link", ["logos/link.svg", "linked/a.svg"])
def test_symbolic_links_are_refused(tmp_path: Path, link: str) -> None:
    secret = tmp_path / "secret"
    secret.mkdir()
    (secret / "a.svg").write_text(LOGO_SVG)
    content = make_content(tmp_path, {"logos/real.svg": LOGO_SVG})
    os.symlink(secret / "a.svg", content / "logos/link.svg")
    os.symlink(secret, content / "linked")
    assert logo_errors(tmp_path, link) == [
        f"businesses/a.yaml:4: logo: '{link}' goes through a symbolic link; logos must be real files in the content folder"]


@pytest.mark.parametrize("name, data, message", [
    ("logos/a.svg", PNG, "'logos/a.svg' is a PNG file but its name ends in .svg"),
    ("logos/a.png", b"<html><script>alert(1)</script></html>", "'logos/a.png' is not a PNG, JPEG, WebP or SVG image (checked by its content, not its name)"),
    ("logos/a.svg", b"<html><body><svg></svg></body></html>", "'logos/a.svg' is not a PNG, JPEG, WebP or SVG image (checked by its content, not its name)"),
    ("logos/a.jpg", b"GIF89a" + b"\x00" * 32, "'logos/a.jpg' is not a PNG, JPEG, WebP or SVG image (checked by its content, not its name)"),
    ("logos/a.png", PNG + b"\x00" * (256 * 1024), f"'logos/a.png' is {len(PNG) + 256 * 1024} bytes; logos may be at most 262144 bytes"),
])
def test_logo_type_is_read_from_its_bytes_and_its_size_is_capped(tmp_path: Path, name: str, data: bytes, message: str) -> None:
    assert logo_errors(tmp_path, name, {name: data}) == [f"businesses/a.yaml:4: logo: {message}"]


@pytest.mark.parametrize("svg, message", [
    (f"<svg {NS}><script>alert(document.domain)</script></svg>", "element <script> is not allowed in a logo"),
    (f'<svg {NS} onload="alert(1)"><rect/></svg>', "attribute 'onload' on <svg> is not allowed in a logo"),
    (f"<svg {NS}><foreignObject><body xmlns='http://www.w3.org/1999/xhtml'>x</body></foreignObject></svg>",
     "element <foreignObject> is not allowed in a logo"),
    (f'<svg {NS} xmlns:x="http://www.w3.org/1999/xlink"><a x:href="javascript:alert(1)"><rect/></a></svg>',
     "element <a> is not allowed in a logo"),
    (f'<svg {NS}><use href="https://evil.example/s.svg#i"/></svg>', "element <use> is not allowed in a logo"),
    (f'<svg {NS}><image href="https://evil.example/t.png"/></svg>', "element <image> is not allowed in a logo"),
    (f"<svg {NS}><style>@import url(https://evil.example/x.css);</style></svg>", "element <style> is not allowed in a logo"),
    (f'<svg {NS}><rect style="fill:red"/></svg>', "attribute 'style' on <rect> is not allowed in a logo"),
    (f'<svg {NS}><rect fill="url(https://evil.example/p)"/></svg>', "attribute 'fill' on <rect> refers outside the logo"),
    (f'<svg {NS}><rect fill="\\75 rl(https://evil.example/p)"/></svg>', "attribute 'fill' on <rect> has a value that is not allowed"),
    (f'<svg {NS}><animate attributeName="href" to="javascript:alert(1)"/></svg>', "element <animate> is not allowed in a logo"),
    (f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg {NS}><text>&a;</text></svg>',
     "SVG with a DOCTYPE or entities is not accepted"),
    (f'<?xml-stylesheet href="https://evil.example/x.css"?><svg {NS}/>', "SVG with a stylesheet instruction is not accepted"),
    (f'<?xml version="1.0" encoding="UTF-7"?><svg {NS}/>', "SVG must be encoded as UTF-8"),
    ("<svg><rect/></svg>", "the root element must be <svg> in the SVG namespace"),
    pytest.param(f"<svg {NS}>" + "<g>" * 3000 + "</g>" * 3000 + "</svg>", "elements are nested more than 32 levels deep",
                 id="3000-nested-groups"),
])
def test_unsafe_svg_logos_are_refused_with_a_clear_error(tmp_path: Path, svg: str, message: str) -> None:
    assert logo_errors(tmp_path, "logos/a.svg", {"logos/a.svg": svg}) == [f"businesses/a.yaml:4: logo: 'logos/a.svg': {message}"]


def verified_with_logo(logo: bytes | str, name: str = "logos/brisa.svg") -> dict[str, str | bytes]:
    shops = THREE_TIERS["businesses/shops.yaml"].replace("logo: logos/brisa.svg", f"logo: {name}")
    return {"businesses/shops.yaml": shops, name: logo}


def test_a_safe_svg_is_published_rebuilt_under_a_content_hash(tmp_path: Path) -> None:
    svg = (f'<?xml version="1.0" encoding="utf-8"?>\n<!-- made by hand --><svg {NS} viewBox="0 0 10 10">'
           '<defs><linearGradient id="g"><stop offset="0" stop-color="#080"/></linearGradient></defs>'
           '<rect width="10" height="10" fill="url(#g)"/><?php echo 1 ?></svg>')
    output = built(tmp_path, verified_with_logo(svg))
    published = sorted(p for p in (output / "static/logos").iterdir() if not p.name.endswith(".card.png"))
    assert len(published) == 1 and published[0].suffix == ".svg" and len(published[0].stem) == 20
    data = published[0].read_bytes()
    assert check_svg(data) == [] and b"made by hand" not in data and b"php" not in data
    assert [e.tag.split("}")[1] for e in ET.fromstring(data).iter()] == ["svg", "defs", "linearGradient", "stop", "rect"]
    logo = page(output, "b/brisa/index.html").find("img", class_="business__logo")
    assert logo.attrs["src"] == f"../../static/logos/{published[0].name}"


def test_two_logos_with_the_same_file_name_never_overwrite_each_other(tmp_path: Path) -> None:
    other = LOGO_SVG.replace("#080", "#800")
    files = {**verified_with_logo(LOGO_SVG, "logos/brisa/logo.svg"),
             "businesses/iberia.yaml": 'id: iberia\nname: Iberia\nwhatsapp: "+34 699 00 00 01"\ncompany_id: IB\nlogo: logos/iberia/logo.svg\n',
             "register/iberia.yaml": 'company_id: IB\nlegal_name: Iberia L.A.E.\nphones: ["+34 699 00 00 01"]\n',
             "verifications/iberia.yaml": 'business: iberia\nwhatsapp: "+34 699 00 00 01"\nverified_on: 2026-01-01\nexpires: 2027-01-01\n',
             "logos/iberia/logo.svg": other}
    output = built(tmp_path, files)
    srcs = {i: page(output, f"b/{i}/index.html").find("img", class_="business__logo").attrs["src"] for i in ("brisa", "iberia")}
    assert srcs["brisa"] != srcs["iberia"]
    assert b"#080" in (output / "b/brisa" / srcs["brisa"]).resolve().read_bytes()
    assert b"#800" in (output / "b/iberia" / srcs["iberia"]).resolve().read_bytes()


def test_png_logos_are_published_as_they_are(tmp_path: Path) -> None:
    output = built(tmp_path, verified_with_logo(PNG, "logos/brisa.png"))
    [published] = (p for p in (output / "static/logos").iterdir() if not p.name.endswith(".card.png"))
    assert published.suffix == ".png" and published.read_bytes() == PNG
    assert (output / f"static/logos/{published.stem}.card.png").is_file()  # and, beside it, its social card


def test_logos_of_businesses_that_are_not_verified_are_not_published(tmp_path: Path) -> None:
    shops = THREE_TIERS["businesses/shops.yaml"].replace("  city: Sevilla\n", "  city: Sevilla\n          logo: logos/nino.svg\n")
    output = built(tmp_path, {"businesses/shops.yaml": shops, "logos/nino.svg": LOGO_SVG.replace("#080", "#008")})
    assert len(list((output / "static/logos").iterdir())) == 2  # brisa's logo and its card
    assert not page(output, "b/cafe-nino/index.html").find_all("img", class_="business__logo")
