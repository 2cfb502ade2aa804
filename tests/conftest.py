"""Shared fixtures: build small sites in tmp_path from a dict of files.

``make_content(tmp_path, files)`` writes a content folder (with a default
``site.yaml`` unless the dict gives one); ``build_site`` runs the real build
through the library (no subprocess) and returns the output folder, or raises
``BuildFailed`` carrying every diagnostic.  Every successful build is then
read by :func:`sitecheck.check_site` (no foreign script, event handler,
unsafe URL or duplicate id anywhere), so each test also guards those rules.
"""

from __future__ import annotations

import signal
import textwrap
from datetime import date
from pathlib import Path

import pytest

from generator.build import BuildOptions, build
from generator.read.load import load_site as load_site_config
from sitecheck import check_site

AS_OF = date(2026, 11, 25)
SITE_YAML = """\
title: Test directory
description: A directory for tests.
default_region: ES
language: en
base_url: https://dir.example.org/
"""
LOGO_SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#080"/></svg>\n'


def make_content(root: Path, files: dict[str, str | bytes]) -> Path:
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    files = {"site.yaml": SITE_YAML, **files}
    for rel, data in files.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            path.write_bytes(data)
        else:
            path.write_text(textwrap.dedent(data), encoding="utf-8")
    return content


def build_site(content: Path, output: Path | None = None, as_of: date = AS_OF, **options) -> Path:
    output = output or content.parent / "output"
    build(BuildOptions(content=content, output=output, as_of=as_of, jobs=options.pop("jobs", 1), **options))
    config, _ = load_site_config(content)
    problems = check_site(output, config.base_url if config else None)
    if problems:
        pytest.fail("the built site fails the safety check:\n" + "\n".join(problems[:50]), pytrace=False)
    return output


# A small directory with one business of each tier, reused by many tests.
THREE_TIERS = {
    "businesses/shops.yaml": """\
        - id: brisa
          name: Aerolíneas Brisa
          whatsapp: "+34 600 12 34 56"
          company_id: B001
          category: Airline
          city: Madrid
          website: https://brisa.example
          logo: logos/brisa.svg
          description: Fly with **us**.
        - id: cafe-nino
          name: Café Niño
          whatsapp: "611 22 33 44"
          company_id: B002
          category: Café
          city: Sevilla
        - id: brisa-soporte
          name: Aerolíneas Brisa Soporte
          whatsapp: "+34 622 33 44 55"
          category: Airline
          city: Madrid
        """,
    "register/register.yaml": """\
        - company_id: B001
          legal_name: Aerolíneas Brisa S.A.
          phones: ["0034600123456"]
        - company_id: B002
          legal_name: Café Niño S.L.
          phones: ["+34 611-22-33-44", "+34 912 345 678"]
        """,
    "verifications/2026.yaml": """\
        - business: brisa
          whatsapp: "600 12 34 56"
          verified_on: 2026-01-10
          expires: 2027-01-10
          method: video-call
        """,
    "logos/brisa.svg": LOGO_SVG,
}


@pytest.fixture
def three_tiers(tmp_path: Path) -> Path:
    """A content folder with one verified, one confirmed and one unverified business."""
    return make_content(tmp_path, THREE_TIERS)


def as_from_a_terminal() -> None:
    """``preexec_fn`` for a command the test then stops with Ctrl-C: SIGINT at its default, as a
    shell gives a foreground command.  A suite started in the background (``bash tests/setup-and-run.sh &``)
    inherits SIGINT ignored, and Python then never turns it into KeyboardInterrupt."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
