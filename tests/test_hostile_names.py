"""Hostile names: no badge look-alikes in a name, and look-alikes of verified businesses are flagged."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import AS_OF, LOGO_SVG, THREE_TIERS, make_content
from generator.build import BuildOptions, build, load_site
from generator.diagnostics import BuildFailed
from generator.engine.parallel import POOL_FROM
from hostile import business, built, errors_of, json_of
from html_tree import page
from sitecheck import check_site

IBERIA = {
    **THREE_TIERS,
    "businesses/iberia.yaml": 'id: iberia\nname: Iberia\nwhatsapp: "+34 699 00 00 01"\ncompany_id: IB\nlogo: logos/iberia.svg\n',
    "register/iberia.yaml": 'company_id: IB\nlegal_name: Iberia L.A.E.\nphones: ["+34 699 00 00 01"]\n',
    "verifications/iberia.yaml": 'business: iberia\nwhatsapp: "+34 699 00 00 01"\nverified_on: 2026-01-01\nexpires: 2027-01-01\n',
    "logos/iberia.svg": LOGO_SVG,
}
TICKS = ["✓", "✔", "✅", "☑", "🗸", "🗹", "✔\ufe0f", "√", "🮱"]


@pytest.mark.parametrize("tick", TICKS, ids=[f"U+{ord(t[0]):04X}" for t in TICKS])
def test_tick_symbols_in_a_name_are_errors(tmp_path: Path, tick: str) -> None:
    assert errors_of(tmp_path, {"businesses/a.yaml": business(name=f"Shop {tick}")}) == [
        f"businesses/a.yaml:1: name: 'Shop {tick}' contains '{tick[0]}', which looks like a badge; remove it"]


def test_a_tick_is_an_error_even_for_a_verified_business(tmp_path: Path) -> None:
    shops = THREE_TIERS["businesses/shops.yaml"].replace("name: Aerolíneas Brisa\n", "name: Aerolíneas Brisa ✅\n", 1)
    assert errors_of(tmp_path, {"businesses/shops.yaml": shops}, base=THREE_TIERS) == [
        "businesses/shops.yaml:1: name: 'Aerolíneas Brisa ✅' contains '✅', which looks like a badge; remove it"]


@pytest.mark.parametrize("name, word", [
    ("Shop Verified", "verified"), ("Tienda Verificada", "verificada"), ("Shop Confirmed", "confirmed"),
    ("Tienda Confirmado", "confirmado"), ("ShopVerified", "verified"), ("VerifiedShop", "verified"),
    ("Shop V e r i f i e d", "verified"), ("Shop V.E.R.I.F.I.E.D.", "verified"),
    ("Shop V\u0435rified", "verified"), ("Shop Ver\u0131f\u0131ed", "verified"), ("Shop ＶＥＲＩＦＩＥＤ", "verified"),
    ("Shop_verified", "verified"), ("Shop (vérifiée)", "verifiee"),
])
def test_badge_words_in_an_unverified_name_are_errors(tmp_path: Path, name: str, word: str) -> None:
    assert errors_of(tmp_path, {"businesses/a.yaml": business(name=name)}) == [
        f"businesses/a.yaml:1: name: '{name}' says '{word}' but the business is unverified; names may not claim a badge"]


def test_confirmed_business_may_say_confirmed_but_not_verified(tmp_path: Path) -> None:
    ok = THREE_TIERS["businesses/shops.yaml"].replace("name: Café Niño\n", "name: Café Niño Confirmado\n")
    output = built(tmp_path / "ok", {"businesses/shops.yaml": ok})
    assert page(output, "b/cafe-nino/index.html").find("h1").text == "Café Niño Confirmado"
    bad = THREE_TIERS["businesses/shops.yaml"].replace("name: Café Niño\n", "name: Café Niño Verified\n")
    assert errors_of(tmp_path / "bad", {"businesses/shops.yaml": bad}, base=THREE_TIERS) == [
        "businesses/shops.yaml:10: name: 'Café Niño Verified' says 'verified' but the business is confirmed; names may not claim a badge"]


def test_verified_business_may_say_verified(tmp_path: Path) -> None:
    shops = THREE_TIERS["businesses/shops.yaml"].replace("name: Aerolíneas Brisa\n", "name: Aerolíneas Brisa Verified\n", 1)
    output = built(tmp_path, {"businesses/shops.yaml": shops})
    assert page(output, "b/brisa/index.html").find("h1").text == "Aerolíneas Brisa Verified"


@pytest.mark.parametrize("name", ["Unverified Records", "Verification Lab", "Confirmation Bakery", "Tierra Firme",
                                  "☕\ufe0f Café Sol"])
def test_names_that_claim_nothing_build(tmp_path: Path, name: str) -> None:
    output = built(tmp_path, {"businesses/a.yaml": business(name=name)}, base={})
    assert page(output, "b/shop/index.html").find("h1").text == name


IMPOSTORS = {
    "Iberia Support": "contains the verified name",
    "Iberia": "the same name under another id",
    "IBERIA": "the same name in capitals",
    "\u0399beria": "Greek capital iota",
    "\u0406beria": "Cyrillic capital I",
    "lberia": "small L for capital I",
    "1beria Ayuda": "digit one for capital I",
    "IberiaSoporte": "run together with another word",
    "I b e r i a": "spaced out",
    "IBERlA": "small L among capitals",
}


@pytest.fixture(scope="module")
def impostor_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, tuple]:
    files = {**IBERIA, **{f"businesses/imp{i}.yaml": business(id=f"imp{i}", name=name, whatsapp=f"+34 688 00 00 {i:02d}")
                          for i, name in enumerate(IMPOSTORS)}}
    files["businesses/fine.yaml"] = "".join(
        f"- id: fine{i}\n  name: {name}\n  whatsapp: '+34 677 00 00 {i:02d}'\n"
        for i, name in enumerate(["Siberia Tours", "Liberia Bar", "Iberian Ham", "Iberla"]))
    content = make_content(tmp_path_factory.mktemp("impostors"), files)
    output = content.parent / "output"
    result = build(BuildOptions(content=content, output=output, as_of=AS_OF, jobs=1))
    assert check_site(output, "https://dir.example.org/") == []
    return output, result.warnings


@pytest.mark.parametrize("index, name", list(enumerate(IMPOSTORS)), ids=list(IMPOSTORS.values()))
def test_look_alikes_of_a_verified_name_carry_a_visible_warning(impostor_site, index: int, name: str) -> None:
    output, warnings = impostor_site
    html = page(output, f"b/imp{index}/index.html")
    warning = html.find("div", class_="warning")
    assert warning.attrs["role"] == "alert"
    assert warning.find("strong").text == "Not the verified account of Iberia — different number."
    assert warning.find("a").attrs["href"] == "../../b/iberia/index.html"
    assert html.find("span", class_="badge").attrs["data-tier"] == "unverified"
    assert f"businesses/imp{index}.yaml:1: warning: name: '{name}' resembles verified 'Iberia' (iberia) but uses another number" \
        in [str(w) for w in warnings]


def test_look_alikes_are_flagged_in_listings_and_search_results(impostor_site) -> None:
    output, _ = impostor_site
    cards = {c.find("a", class_="card__name").attrs["href"]: c for c in page(output, "tier/unverified/index.html").find_all("li", class_="card")}
    for index in range(len(IMPOSTORS)):
        assert cards[f"../../b/imp{index}/index.html"].find("span", class_="card__warning").text == \
            "Not the verified account of Iberia — different number"
    rows = {row[1]: row for path in (output / "search").rglob("d/*.json") for row in json_of(path)}
    for index in range(len(IMPOSTORS)):
        assert rows[f"b/imp{index}/"][5:] == ["Iberia", "b/iberia/"]


def test_different_names_are_not_flagged(impostor_site) -> None:
    output, warnings = impostor_site
    for index in range(4):
        assert not page(output, f"b/fine{index}/index.html").find_all("div", class_="warning")
    assert not [w for w in warnings if "fine.yaml" in w.path]
    assert not page(output, "b/iberia/index.html").find_all("div", class_="warning")


def test_a_confirmed_look_alike_is_flagged_too(tmp_path: Path) -> None:
    files = {**IBERIA, "businesses/c.yaml": business(id="ib-help", name="Iberia Help", whatsapp="+34 611 22 33 44"),
             "register/register.yaml": THREE_TIERS["register/register.yaml"].replace('"+34 912 345 678"', '"+34 611 22 33 44"')}
    files["businesses/shops.yaml"] = THREE_TIERS["businesses/shops.yaml"].replace('"611 22 33 44"', '"655 44 33 22"')
    files["businesses/c.yaml"] = files["businesses/c.yaml"] + "company_id: B002\n"
    output = built(tmp_path, files, base={})
    html = page(output, "b/ib-help/index.html")
    assert html.find("span", class_="badge").attrs["data-tier"] == "confirmed"
    assert html.find("div", class_="warning").find("strong").text == "Not the verified account of Iberia — different number."


@pytest.mark.parametrize("field, value, message", [
    ("category", "✅ Official", "'✅ Official' contains '✅', which looks like a badge; remove it"),
    ("category", "Verified Sellers", "'Verified Sellers' says 'verified' but the business is unverified; categories may not claim a badge"),
    ("city", "Madrid ✓", "'Madrid ✓' contains '✓', which looks like a badge; remove it"),
    ("city", "Confirmado", "'Confirmado' says 'confirmado' but the business is unverified; cities may not claim a badge"),
])
def test_category_and_city_printed_beside_the_badge_may_not_claim_one(tmp_path: Path, field: str, value: str, message: str) -> None:
    assert errors_of(tmp_path, {"businesses/a.yaml": business(**{field: value})}) == [f"businesses/a.yaml:1: {field}: {message}"]


@pytest.mark.parametrize("written", ["Shop", "ｓｈｏｐ", "shop_1", "shop--1", "-shop", "ſhop"])
def test_ids_are_plain_lowercase_so_no_two_fold_to_one_url(tmp_path: Path, written: str) -> None:
    assert errors_of(tmp_path, {"businesses/a.yaml": business(id=written)}) == [
        f"businesses/a.yaml:1: id: '{written}' is not a valid id: use lowercase letters, digits and single hyphens (at most 64)"]


def test_a_second_business_with_an_id_is_an_error_naming_the_first(tmp_path: Path) -> None:
    files = {"businesses/a.yaml": business(id="shop"), "businesses/b.yaml": business(id="shop", whatsapp="+34 655 00 00 02")}
    assert errors_of(tmp_path, files) == ["businesses/b.yaml:1: id: 'shop' is already used by the business at businesses/a.yaml:1"]


def test_names_checked_by_two_workers_give_what_one_gives(tmp_path: Path) -> None:
    """Past POOL_FROM businesses, look-alikes and badge claims are checked by forked workers; the
    answers must not change."""
    names = [*IMPOSTORS, "Siberia Tours", "Liberia Bar", "Iberian Ham", "Iberla"]
    many = "".join(f"- id: b{i}\n  name: {names[i % len(names)]} {'' if i % 3 else i}\n"
                   f"  whatsapp: '+34 677 {i // 100:02d} {i % 100:02d} 00'\n" for i in range(POOL_FROM + 100))
    content = make_content(tmp_path / "fine", {**IBERIA, "businesses/many.yaml": many})
    one, warnings = load_site(content, AS_OF, jobs=1)
    two, same_warnings = load_site(content, AS_OF, jobs=2)
    flagged = {i: listed.imitates.id for i, listed in one.entries.items() if listed.imitates}
    assert len(flagged) > POOL_FROM // 2 and len(warnings) >= len(flagged)
    assert {i: listed.imitates.id for i, listed in two.entries.items() if listed.imitates} == flagged
    assert same_warnings == warnings
    claims = many.replace("name: Iberian Ham", "name: Iberian Ham Verified ✓")
    content = make_content(tmp_path / "claims", {**IBERIA, "businesses/many.yaml": claims})
    failures = []
    for jobs in (1, 2):
        with pytest.raises(BuildFailed) as failed:
            load_site(content, AS_OF, jobs=jobs)
        failures.append(failed.value.diagnostics)
    assert len(failures[0]) > 40 and failures[1] == failures[0]
