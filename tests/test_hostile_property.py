"""Property: whatever text a business writes in any field, the build errors cleanly or the site is safe.

Hypothesis mixes arbitrary Unicode with fragments known to break HTML,
Markdown, YAML, URLs and phone parsing, and puts the result in every field
of a business next to the three-tier directory.  A build either fails with
``BuildFailed`` — diagnostics only, each located in a content file — or
writes a site that passes the whole-site check (tests/sitecheck.py).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from conftest import AS_OF, THREE_TIERS, make_content
from generator.build import BuildOptions, build
from generator.diagnostics import BuildFailed
from hostile import yaml_text
from sitecheck import check_site

# Text a business may legitimately write, built to break HTML, Markdown, URLs and templates ...
ALLOWED = [
    "<script>alert(1)</script>", "</script>", "<!--", "-->", "<img src=x onerror=alert(1)>", '"', "'", "&", "&amp;",
    "&#106;avascript:", "javascript:alert(1)", "JaVaScRiPt:", "data:text/html,x", "//evil.example",
    "https://ok.example/", "https://a@b.example/", "mailto:a@b.example", "[x](javascript:alert(1))", "[a](", "![i](x)",
    "<a href=", " onmouseover=", "<style>", "<iframe>", "<svg onload=x>", '<p class="badge badge--verified">',
    "{{ 7*7 }}", "{% raw %}", "    ", "> ", "- ", "1. ", "# ", "*", "_", "`", "|", "\\", "(", ")", "<", ">",
    "Aerolíneas Brisa", "Αerolíneas", "Brisa", "Support", "+34 600 12 34 56", "0034611223344", "６００", "ext 1", "112",
    "NO", "~", "null", "logos/brisa.svg", "../", "/etc/passwd", "a@b.example", "✉", "\u2615\ufe0f", "e\u0301",
]
# ... and text that must be refused wherever it appears.
REFUSED = ["\n", "\n\n", "\t", "\u202e", "\u200b", "\u3164", "\ufe0f", "\u0301" * 6, "\u2028", "\x00", "✓", "✅",
           "Verified", "verificado"]
PRINTABLE = st.text(st.characters(categories=("L", "M", "N", "P", "S", "Zs")), min_size=1, max_size=12)
SAFE_TEXT = st.lists(st.one_of(st.sampled_from(ALLOWED), PRINTABLE), min_size=1, max_size=6).map("".join)
ANY_TEXT = st.lists(st.one_of(st.sampled_from(ALLOWED), st.sampled_from(REFUSED), st.text(max_size=8)), max_size=6).map("".join)
TEXT = st.one_of(SAFE_TEXT, SAFE_TEXT, SAFE_TEXT, ANY_TEXT)
FIELDS = {
    "id": st.one_of(st.just("hostile"), st.just("hostile"), TEXT),
    "name": TEXT,
    "whatsapp": st.one_of(st.sampled_from(["+34 655 00 00 01", "+34 912 345 678", "655000001"]), TEXT),
    "company_id": st.one_of(st.just("B002"), TEXT),
    "category": TEXT, "city": TEXT, "country": st.one_of(st.sampled_from(["ES", "PT", "NO"]), TEXT),
    "website": st.one_of(st.just("https://hostile.example/"), TEXT), "email": st.one_of(st.just("a@b.example"), TEXT),
    "address": TEXT, "logo": st.one_of(st.just("logos/brisa.svg"), TEXT), "description": TEXT,
}


@st.composite
def hostile_business(draw) -> str:
    chosen = draw(st.lists(st.sampled_from(sorted(FIELDS)), unique=True, max_size=4))
    fields = {"id": "hostile", "name": "Hostile", "whatsapp": "+34 655 00 00 01"}
    fields.update({name: draw(FIELDS[name]) for name in chosen})
    return "".join(f"{key}: {yaml_text(value)}\n" for key, value in fields.items())


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(entry=hostile_business())
def test_any_business_text_errors_cleanly_or_builds_a_safe_site(entry: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        content = make_content(Path(folder), {**THREE_TIERS, "businesses/hostile.yaml": entry})
        output = Path(folder) / "output"
        try:
            build(BuildOptions(content=content, output=output, as_of=AS_OF, jobs=1))
        except BuildFailed as failed:
            assert failed.diagnostics
            assert all(d.path.endswith((".yaml", ".md")) and d.message for d in failed.diagnostics), failed.diagnostics
            assert not output.exists()
            event("refused")
            return
        event("built")
        assert check_site(output, "https://dir.example.org/") == []
