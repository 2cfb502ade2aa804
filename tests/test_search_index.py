"""The search and lookup index builders, checked from hand-made records.

The browser side is tested in tests/browser/; here a few lines of Python
mirror what search.js does (find a word's file from the manifest tree, look
under a typo's keys, find a number's file) so every index the build writes is
checked to answer what the JavaScript will ask.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.search import SearchRecord, write_search_indexes
from generator.search.codec import BITMAP_MARK, decode, encode
from generator.search.fold import fold, tokens
from generator.search.number_index import file_count, region_rules
from generator.search.term_shards import shard_terms
from generator.search.text_index import Memo, build_text_index, ranked, text_index_files
from generator.search.typo_index import fnv1a, typo_keys


def record(id: str, name: str, tier: str = "unverified", number: str = "", **extra: object) -> SearchRecord:
    number = number or "+346" + str(abs(hash(id)) % 10**8).zfill(8)
    fields = dict(id=id, name=name, tier=tier, category="", category_slug="", city="", url=f"b/{id}/",
                  whatsapp=number, whatsapp_display=number, imitates=None, warning_url=None)
    fields.update(extra)
    return SearchRecord(**fields)  # type: ignore[arg-type]


EXAMPLE = [
    record("aerolineas-brisa", "Aerolíneas Brisa", "verified", "+34600123456", category="Airline",
           category_slug="airline", city="Madrid"),
    record("brisa-soporte", "Aerolíneas Brisa Soporte", "unverified", "+34699807123", category="Airline",
           category_slug="airline", city="Madrid", imitates="Aerolíneas Brisa",
           warning_url="b/aerolineas-brisa/"),
    record("cafe-nino", "Café Niño", "verified", "+34654321098", category="Café", category_slug="cafe",
           city="Sevilla"),
    record("cafe-tertulia", "Café La Tertulia", "unverified", "+34689012345", category="Café",
           category_slug="cafe", city="Barcelona"),
    record("cafeteria-retiro", "Cafetería El Retiro", "confirmed", "+34915773042", category="Café",
           category_slug="cafe", city="Madrid"),
    record("hostile", "<img src=x onerror=alert(1)></script>\"'", "unverified", "+34600000001"),
    record("shared-1", "Mensajería Rayo", "confirmed", "+34634872109"),
    record("shared-2", "Rayo Envíos", "verified", "+34634872109"),
]


def write(tmp_path: Path, records: list[SearchRecord], region: str = "ES") -> tuple[Path, list[str]]:
    out = tmp_path / "site"
    return out, write_search_indexes(sorted(records, key=lambda r: r.id), out, region)


def load(out: Path, rel: str) -> object:
    return json.loads((out / rel).read_text(encoding="utf-8"))


def word_file(manifest: dict, word: str) -> tuple[str, int]:
    """("split" | "leaf", file number) for ``word``: locate() in search.js."""
    node = ""
    for depth in range(len(word) + 1):
        entry = manifest["tree"][node]
        if depth == len(word):
            return "split", entry[0]
        child = node + word[depth]
        if child in manifest["tree"]:
            node = child
            continue
        file = -1
        for first, number in entry[1]:
            if ord(first) <= ord(word[depth]):
                file = number
            else:
                break
        return "leaf", file
    raise AssertionError("unreachable")


def word_docs(out: Path, manifest: dict, word: str, prefix: bool) -> set[int]:
    kind, number = word_file(manifest, word)
    if number < 0:
        return set()
    body = load(out, f"search/{manifest['base']}t/{number}.json")
    assert isinstance(body, dict)
    if kind == "split":
        return set(decode(body["e"])) | (set(decode(body["p"])) if prefix else set())
    docs: set[int] = set()
    for term, postings in body["t"]:
        if term == word or (prefix and term.startswith(word)):
            docs |= set(decode(postings))
    return docs


# ---- folding ------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Café Niño", ["cafe", "nino"]),
    ("CAFÉ NIÑO", ["cafe", "nino"]),
    ("Straße", ["strasse"]),
    ("Øresund Łódź", ["oresund", "lodz"]),
    ("ＡＢＣ１２３", ["abc123"]),
    ("Seguros Faro – Agencia Deusto", ["seguros", "faro", "agencia", "deusto"]),
    ("Òptica Gràcia, S.L.", ["optica", "gracia", "s", "l"]),
    ("<b>bold</b>", ["b", "bold", "b"]),
])
def test_tokens_fold_accents_case_and_width(text: str, expected: list[str]) -> None:
    assert tokens(text) == expected


def test_ascii_fast_path_agrees_with_general_path() -> None:
    for text in ["Bar Pepe", "A-1 Taxis", "mixed_CASE 42"]:
        assert tokens(text) == tokens(text + " é")[:-1]
        assert fold(text) == text.lower()


# ---- postings codec -------------------------------------------------------------

@given(st.sets(st.integers(min_value=0, max_value=200_000), max_size=400))
def test_postings_round_trip(values: set[int]) -> None:
    postings = sorted(values)
    assert decode(encode(postings)) == postings


def test_one_number_and_long_gaps_round_trip_through_the_table_paths() -> None:
    for value in [0, 31, 32, 32_767, 32_768, 99_999, 1 << 20, (1 << 30) - 1, 1 << 30, (1 << 40) + 3]:
        assert decode(encode([value])) == [value]
        assert decode(encode([1, value + 2])) == [1, value + 2]
    assert len(encode([70_000])) == 4  # varint, never a bitmap, for a single number


def test_dense_postings_use_a_bounded_bitmap() -> None:
    every_other = list(range(0, 100_000, 2))
    text = encode(every_other)
    assert text.startswith(BITMAP_MARK)
    assert len(text) <= 100_000 // 6 + 2
    assert decode(text) == every_other
    assert not encode([5, 900, 70_000]).startswith(BITMAP_MARK)


# ---- the text index -------------------------------------------------------------

def test_documents_are_numbered_in_result_order() -> None:
    order = [r.id for r in ranked(EXAMPLE)]
    assert order == ["aerolineas-brisa", "cafe-nino", "shared-2", "cafeteria-retiro", "shared-1",
                     "brisa-soporte", "cafe-tertulia", "hostile"]


def test_manifest_describes_tiers_filters_and_fold_table(tmp_path: Path) -> None:
    out, paths = write(tmp_path, EXAMPLE)
    manifest = load(out, "search/manifest.json")
    assert isinstance(manifest, dict)
    assert manifest["count"] == len(EXAMPLE)
    assert manifest["tiers"] == [0, 3, 5, 8]
    assert manifest["categories"] == [["airline", "Airline"], ["cafe", "Café"]]
    assert manifest["cities"] == ["Barcelona", "Madrid", "Sevilla"]
    assert manifest["fold"]["ß"] == "ss"
    assert paths == sorted(paths)
    assert all((out / p).is_file() for p in paths)
    assert all(p.startswith(("search/", "lookup/")) for p in paths)


def test_every_word_and_prefix_is_found_where_the_browser_looks(tmp_path: Path) -> None:
    out, _ = write(tmp_path, EXAMPLE)
    manifest = load(out, "search/manifest.json")
    assert isinstance(manifest, dict)
    docs = ranked(EXAMPLE)
    for number, rec in enumerate(docs):
        for word in tokens(rec.name):
            assert number in word_docs(out, manifest, word, prefix=False)
            for cut in range(1, len(word) + 1):
                assert number in word_docs(out, manifest, word[:cut], prefix=True)
    assert word_docs(out, manifest, "caf", prefix=False) == set()
    assert word_docs(out, manifest, "caf", prefix=True) == {1, 3, 6}


def test_whole_names_are_found_by_their_hash(tmp_path: Path) -> None:
    out, _ = write(tmp_path, EXAMPLE)
    manifest = load(out, "search/manifest.json")
    assert isinstance(manifest, dict)
    name = "aerolineas brisa"
    body = load(out, f"search/{manifest['base']}n/{fnv1a(name) % manifest['nameFiles']}.json")
    assert isinstance(body, dict)
    assert decode(body[name]) == [0]


def test_document_rows_keep_hostile_names_as_text_and_urls_relative(tmp_path: Path) -> None:
    out, _ = write(tmp_path, EXAMPLE)
    manifest = load(out, "search/manifest.json")
    assert isinstance(manifest, dict)
    rows = load(out, f"search/{manifest['base']}d/0.json")
    assert isinstance(rows, list)
    by_url = {row[1]: row for row in rows}
    assert by_url["b/hostile/"][0] == "<img src=x onerror=alert(1)></script>\"'"
    assert by_url["b/brisa-soporte/"][5:] == ["Aerolíneas Brisa", "b/aerolineas-brisa/"]  # the page words the warning


def test_filter_files_list_members(tmp_path: Path) -> None:
    out, _ = write(tmp_path, EXAMPLE)
    manifest = load(out, "search/manifest.json")
    assert isinstance(manifest, dict)
    docs = ranked(EXAMPLE)
    madrid = manifest["cities"].index("Madrid")
    body = load(out, f"search/{manifest['base']}f/y{madrid}.json")
    assert isinstance(body, dict)
    assert {docs[n].id for n in decode(body["p"])} == {"aerolineas-brisa", "brisa-soporte", "cafeteria-retiro"}


def test_same_records_give_byte_identical_files(tmp_path: Path) -> None:
    out_a, paths_a = write(tmp_path / "a", EXAMPLE)
    out_b, paths_b = write(tmp_path / "b", list(reversed(EXAMPLE)))
    assert paths_a == paths_b
    for path in paths_a:
        assert (out_a / path).read_bytes() == (out_b / path).read_bytes(), path


def test_a_changed_record_changes_the_content_hashed_folder(tmp_path: Path) -> None:
    _, before = write(tmp_path / "a", EXAMPLE)
    changed = [record("new", "Nueva Tienda"), *EXAMPLE]
    _, after = write(tmp_path / "b", changed)
    assert {p.split("/")[1] for p in before if p.startswith("search/")} != {
        p.split("/")[1] for p in after if p.startswith("search/")}


@pytest.mark.parametrize("bad, message", [
    (dict(tier="gold"), "unknown tier"),
    (dict(url="https://evil.example/"), "not a relative b/<id>/ path"),
    (dict(url="b/../../x/"), "not a relative b/<id>/ path"),
    (dict(warning_url="javascript:alert(1)"), "not a relative b/<id>/ path"),
    (dict(whatsapp="600123456"), "not E.164"),
])
def test_records_breaking_the_contract_are_refused(tmp_path: Path, bad: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        write(tmp_path, [record("x", "X", **bad)])


# ---- sharding at scale ----------------------------------------------------------

def synthetic(count: int, seed: int = 7) -> list[SearchRecord]:
    rng = random.Random(seed)
    kinds = ["Café", "Bar", "Farmacia", "Panadería", "Óptica", "Taller", "Seguros", "Hotel"]
    syllables = ["ba", "ca", "da", "fe", "lo", "ma", "ne", "pi", "ro", "sa", "te", "vi", "ñu", "zo"]
    records = []
    for i in range(count):
        brand = "".join(rng.choice(syllables) for _ in range(rng.randint(2, 4)))
        name = f"{rng.choice(kinds)} {brand.capitalize()}" + (" S.L." if i % 5 == 0 else "")
        records.append(record(f"b{i:06d}", name, rng.choice(["verified", "confirmed", "unverified"]),
                              f"+34{600000000 + i * 7919 % 99999999}", city=f"City {i % 40}"))
    return records


def test_big_directories_stay_within_per_file_budgets(tmp_path: Path) -> None:
    records = synthetic(20_000)
    out, paths = write(tmp_path, records)
    manifest = load(out, "search/manifest.json")
    assert isinstance(manifest, dict)
    sizes = {p: (out / p).stat().st_size for p in paths}
    assert sizes["search/manifest.json"] < 20_000
    assert max(s for p, s in sizes.items() if "/t/" in p) < 40_000
    assert max(s for p, s in sizes.items() if "/v/" in p) < 40_000
    assert max(s for p, s in sizes.items() if "/d/" in p) < 8_000
    assert max(s for p, s in sizes.items() if p.startswith("lookup/")) < 20_000
    assert len(manifest["tree"]) > 1  # big enough to split
    docs = ranked(records)
    sample = random.Random(1).sample(range(len(docs)), 200)
    for number in sample:
        for word in tokens(docs[number].name):
            assert number in word_docs(out, manifest, word, prefix=False)
            assert number in word_docs(out, manifest, word[:2], prefix=True)


def test_shard_terms_puts_each_word_in_exactly_one_file() -> None:
    terms = sorted({f"{a}{b}{c}" for a in "abc" for b in "abcdef" for c in "xyz"} | {"a", "ab", "abc"})
    postings = [[i, i + 1000] for i in range(len(terms))]
    shards = shard_terms(terms, postings, [encode(p) for p in postings], limit=120)
    assert set(shards.home) == set(terms)
    for term, number in shards.home.items():
        body = shards.files[number]
        if "t" in body:
            assert term in [t for t, _ in body["t"]]  # type: ignore[union-attr]
        else:
            assert term in shards.tree and shards.tree[term][0] == number


# ---- typo keys --------------------------------------------------------------------

def one_edit(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    kind = rng.choice(["sub", "ins", "del", "swap"])
    if kind == "sub":
        return word[:i] + "q" + word[i + 1:]
    if kind == "ins":
        return word[:i] + "q" + word[i:]
    if kind == "swap" and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i + 1:]


def test_one_typo_anywhere_shares_a_typo_key() -> None:
    rng = random.Random(3)
    for _ in range(5000):
        word = "".join(rng.choice("abcdeñ") for _ in range(rng.randint(4, 9)))
        typo = one_edit(word, rng)
        if len(typo) >= 4:
            assert typo_keys(word) & typo_keys(typo), (word, typo)


def test_words_are_listed_under_each_typo_key(tmp_path: Path) -> None:
    out, _ = write(tmp_path, EXAMPLE)
    manifest = load(out, "search/manifest.json")
    assert isinstance(manifest, dict)
    for key in typo_keys("aerolineas"):
        body = load(out, f"search/{manifest['base']}v/{fnv1a(key) % manifest['typoFiles']}.json")
        assert isinstance(body, dict)
        assert "aerolineas" in [entry[0] for entry in body["w"]]


def test_fnv1a_matches_the_published_vectors() -> None:
    assert fnv1a("") == 0x811C9DC5
    assert fnv1a("a") == 0xE40C292C


# ---- the number lookup -----------------------------------------------------------

@pytest.mark.parametrize("region, calling, trunk, international", [
    ("ES", "34", "", "00"), ("GB", "44", "0", "00"), ("FR", "33", "0", "00"), ("US", "1", "1", "011"),
])
def test_region_rules_come_from_phonenumbers(region: str, calling: str, trunk: str, international: str) -> None:
    rules = region_rules(region)
    assert (rules["callingCode"], rules["trunkPrefix"], rules["internationalPrefix"]) == (calling, trunk, international)


@pytest.mark.parametrize("count, files", [(1, 1), (64, 1), (65, 2), (100_000, 1563)])
def test_number_files_hold_about_64_numbers(count: int, files: int) -> None:
    assert file_count(count) == files


def test_every_number_is_in_its_hashed_file_best_tier_first(tmp_path: Path) -> None:
    out, paths = write(tmp_path, EXAMPLE)
    manifest = load(out, "lookup/manifest.json")
    assert isinstance(manifest, dict)
    assert manifest["region"] == "ES" and manifest["files"] == 1
    assert [p for p in paths if p.startswith("lookup/")] == ["lookup/" + manifest["base"] + "0.json",
                                                            "lookup/manifest.json"]
    shard = load(out, f"lookup/{manifest['base']}0.json")
    assert isinstance(shard, dict)
    for rec in EXAMPLE:
        assert rec.url in [row[1] for row in shard[rec.whatsapp]]
    assert [row[2] for row in shard["+34634872109"]] == ["verified", "confirmed"]


def test_numbers_spread_evenly_over_files(tmp_path: Path) -> None:
    out, paths = write(tmp_path, synthetic(5_000))
    manifest = load(out, "lookup/manifest.json")
    assert isinstance(manifest, dict)
    sizes = [len(load(out, p)) for p in paths if p.startswith("lookup/" + manifest["base"])]  # type: ignore[arg-type]
    assert len(sizes) == manifest["files"] == file_count(5_000)
    assert max(sizes) < 2 * 64


def test_unknown_region_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown phone region"):
        write(tmp_path, EXAMPLE, region="XX")


# ---- wired into the build ----------------------------------------------------------

def test_the_build_writes_search_and_lookup_indexes(three_tiers: Path) -> None:
    from datetime import date

    from generator.build import BuildOptions, build

    out = three_tiers.parent / "output"
    build(BuildOptions(content=three_tiers, output=out, as_of=date(2026, 11, 25), jobs=1))
    manifest = json.loads((out / "search/manifest.json").read_text(encoding="utf-8"))
    assert manifest["count"] == 3
    lookup = json.loads((out / "lookup/manifest.json").read_text(encoding="utf-8"))
    shard = json.loads((out / f"lookup/{lookup['base']}0.json").read_text(encoding="utf-8"))
    assert shard["+34611223344"][0][:3] == ["Café Niño", "b/cafe-nino/", "confirmed"]
    rows = json.loads((out / f"search/{manifest['base']}d/0.json").read_text(encoding="utf-8"))
    soporte = next(row for row in rows if row[1] == "b/brisa-soporte/")
    assert soporte[5:] == ["Aerolíneas Brisa", "b/brisa/"]
    page = (out / "index.html").read_text(encoding="utf-8")
    assert 'id="search-q"' in page and "Search needs JavaScript." in page
    assert 'data-msg-warning="Not the verified account of {name} — different number."' in page


@pytest.mark.parametrize("number", ["+34600123456", "+390612345678", "+390012345678", "+4741234567", "+525523456789",
                                    "+441614960789", "+12125550100", "+33199004567", "+351213456789", "+8613812345678"])
def test_fast_display_format_matches_phonenumbers(number: str) -> None:
    from generator.read.phones import international, international_by_parsing

    assert international(number) == international_by_parsing(number)


def test_fast_display_format_matches_on_synthetic_numbers() -> None:
    import importlib.util
    import sys

    from generator.read import phones
    from generator.read.phones import international, international_by_parsing

    spec = importlib.util.spec_from_file_location("synth", Path(__file__).parents[1] / "benchmarks" / "synth.py")
    assert spec and spec.loader
    synth = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("synth", synth)  # its dataclasses look their module up
    spec.loader.exec_module(synth)
    numbers = [phones.normalise(b["whatsapp"], "ES")[0] for b in synth.build(1500).businesses]
    assert all(international(n) == international_by_parsing(n) for n in numbers if n)


def test_an_index_built_with_a_memo_kept_across_edits_equals_one_built_afresh() -> None:
    rng = random.Random(7)
    records = {r.id: r for r in EXAMPLE}
    memo = Memo()
    for step in range(60):
        docs = ranked(list(records.values()))
        assert text_index_files(docs, [tokens(r.name) for r in docs], memo) == build_text_index(list(records.values())), step
        target = rng.choice(sorted(records))
        kind = rng.choice(["rename", "add", "delete", "city", "tier"])
        if kind == "add" or len(records) < 3:
            new = record(f"n{step}", rng.choice(["Café", "Brisa", "Nuevo Taller", "Zafiro Rayo"]) + f" {step}",
                         rng.choice(["verified", "confirmed", "unverified"]), city=rng.choice(["", "Madrid", "Vigo"]))
            records[new.id] = new
        elif kind == "delete":
            del records[target]
        elif kind == "rename":
            records[target] = replace(records[target], name=rng.choice(["Aerolíneas", "Café Niño", "Rayo"]) + f" {step}")
        elif kind == "city":
            records[target] = replace(records[target], city=rng.choice(["", "Madrid", "Sevilla", "León"]))
        else:
            records[target] = replace(records[target], tier=rng.choice(["verified", "confirmed", "unverified"]))
        if step % 20 == 19:
            memo.forget(records, {w for r in records.values() for w in tokens(r.name)})
    assert memo.rows.keys() <= records.keys()
