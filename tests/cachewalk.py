"""Helpers for the build-cache tests (issue #16): run ``badgedir``, snapshot and compare sites,
and a small directory that a seeded random walk edits the ways an operator does.

The walk's directory is kept as data (businesses, register rows, verification
records, logos, FAQ pages, template overrides, site.yaml, the as-of date) and
written out after each edit, so every step is a plain content folder that a
cold build and a warm build can both be run on.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import re
import shlex
import signal
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
import random

from conftest import AS_OF, LOGO_SVG

REPO = Path(__file__).resolve().parent.parent
WRITTEN = re.compile(r"(\d+) written, (\d+) kept, (\d+) removed")
FILES = re.compile(r"(\d+) files\b")


# --- running badgedir --------------------------------------------------------------------------

@dataclass(frozen=True)
class Summary:
    files: int
    written: int | None  # None: the summary line does not say (the cache is not there yet)
    kept: int | None
    removed: int | None


@dataclass(frozen=True)
class Run:
    """One ``badgedir`` command and what it said."""

    args: tuple[str, ...]
    code: int
    stdout: str
    stderr: str
    cwd: str | None = None

    @property
    def command(self) -> str:
        """The command line to paste into a shell to run it again."""
        line = shlex.join(["python", "-m", "generator", *self.args])
        return f"(cd {shlex.quote(self.cwd)} && {line})" if self.cwd else line

    @property
    def lines(self) -> list[str]:
        return (self.stdout + "\n" + self.stderr).splitlines()

    def summary(self) -> Summary:
        line = next((l for l in self.stdout.splitlines() if l.startswith("Built ")), "")
        files = FILES.search(line)
        assert files, f"no summary line in the output of {self.command}:\n{self.stdout}{self.stderr}"
        counts = WRITTEN.search(line)
        written, kept, removed = (int(n) for n in counts.groups()) if counts else (None, None, None)
        return Summary(int(files.group(1)), written, kept, removed)

    def notices(self) -> list[str]:
        """Lines about the cache: everything that mentions it, except the summary line."""
        return [l for l in self.lines if "cache" in l.lower() and not l.startswith("Built ")]

    def diagnostics(self) -> list[str]:
        """Errors and warnings as printed (``path:line: ...``), without cache notices or the last line."""
        return [l for l in self.stderr.splitlines()
                if l.strip() and "cache" not in l.lower() and not l.startswith("badgedir: ")]

    def describe(self) -> str:
        return f"$ {self.command}\n[exit {self.code}]\n{self.stdout}{self.stderr}"


def badgedir(*args: str | Path, cwd: Path | None = None, env: dict[str, str] | None = None,
             timeout: float = 600) -> Run:
    """``python -m generator ARGS`` in a new process: the real command, with nothing kept in memory
    from an earlier build, as a daily CI job runs it."""
    argv = tuple(str(a) for a in args)
    environ = {**os.environ, "PYTHONPATH": str(REPO), **(env or {})}
    done = subprocess.run([sys.executable, "-m", "generator", *argv], capture_output=True, text=True,
                          cwd=cwd, env=environ, timeout=timeout)
    return Run(argv, done.returncode, done.stdout, done.stderr, str(cwd) if cwd else None)


def badgedir_in_process(*args: str | Path) -> Run:
    """``generator.cli.main(ARGS)`` in this process (cheaper than a new interpreter; for cold builds)."""
    from generator.cli import main

    argv = tuple(str(a) for a in args)
    out, err = io.StringIO(), io.StringIO()
    handler = signal.getsignal(signal.SIGTERM)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(argv))
    finally:
        signal.signal(signal.SIGTERM, handler)
    return Run(argv, code, out.getvalue(), err.getvalue())


# --- comparing sites ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Snapshot:
    """A folder's files (bytes, inode, mtime) and subfolders."""

    files: dict[str, bytes]
    identity: dict[str, tuple[int, int]]  # inode, mtime in ns
    folders: frozenset[str]


def snapshot(root: Path) -> Snapshot:
    files, identity, folders = {}, {}, set()
    for top, dirs, names in os.walk(root):
        rel_top = Path(top).relative_to(root).as_posix()
        folders.update(f"{rel_top}/{d}".removeprefix("./") for d in dirs)
        for name in names:
            path = Path(top, name)
            rel = path.relative_to(root).as_posix()
            stat = path.stat()
            files[rel], identity[rel] = path.read_bytes(), (stat.st_ino, stat.st_mtime_ns)
    return Snapshot(files, identity, frozenset(folders))


def differences(warm: Snapshot, cold: Snapshot, limit: int = 12) -> list[str]:
    """What differs between two sites, file by file, readable in a failure message."""
    out = [f"only in the warm build: {p}" for p in sorted(warm.files.keys() - cold.files.keys())]
    out += [f"only in the cold build: {p}" for p in sorted(cold.files.keys() - warm.files.keys())]
    for path in sorted(warm.files.keys() & cold.files.keys()):
        a, b = warm.files[path], cold.files[path]
        if a != b:
            at = next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            out.append(f"differs: {path} at byte {at}: warm {a[max(0, at - 60):at + 60]!r} "
                       f"cold {b[max(0, at - 60):at + 60]!r}")
    out += untrue_manifest(warm)  # both builds take their hashes from what wrote each file: check one against the disk
    out += [f"folder only in the warm build: {f}" for f in sorted(warm.folders - cold.folders)]
    out += [f"folder only in the cold build: {f}" for f in sorted(cold.folders - warm.folders)]
    return out[:limit] + ([f"... and {len(out) - limit} more"] if len(out) > limit else [])


def untrue_manifest(site: Snapshot) -> list[str]:
    """Where ``manifest.json`` is not the files' own SHA-256 and size, or lists other files than there are."""
    if "manifest.json" not in site.files:
        return ["no manifest.json"]
    listed = json.loads(site.files["manifest.json"])["files"]
    out = [f"manifest lists a file not there: {p}" for p in sorted(listed.keys() - site.files.keys())]
    out += [f"manifest misses {p}" for p in sorted(site.files.keys() - listed.keys())
            if p not in ("manifest.json", "manifest.json.minisig")]
    out += [f"manifest's hash is not the file's: {p}" for p in sorted(listed.keys() & site.files.keys())
            if (listed[p]["sha256"], listed[p]["bytes"]) != (hashlib.sha256(site.files[p]).hexdigest(), len(site.files[p]))]
    return out


def rewrites(before: Snapshot, after: Snapshot, run: Run, limit: int = 5) -> list[str]:
    """Where a warm build broke "only what changed is written": summary counts that do not match the
    folder, or a file whose bytes did not change that got a new inode or mtime."""
    problems = []
    kept = sum(1 for p in after.files if before.identity.get(p) == after.identity[p])
    written, removed = len(after.files) - kept, len(before.files.keys() - after.files.keys())
    summary = run.summary()
    if summary.written is None:
        problems.append(f"the summary line says nothing of files written, kept and removed: {run.stdout.strip()}")
    elif (summary.files, summary.written, summary.kept, summary.removed) != (len(after.files), written, kept, removed):
        problems.append(f"summary says {summary.files} files, {summary.written} written, {summary.kept} kept, "
                        f"{summary.removed} removed; the folder has {len(after.files)} files, {written} new or "
                        f"rewritten, {kept} kept (same inode and mtime), {removed} removed")
    same = [p for p in sorted(before.files.keys() & after.files.keys())
            if before.files[p] == after.files[p] and before.identity[p] != after.identity[p]]
    problems += [f"rewritten although unchanged: {p}" for p in same[:limit]]
    if len(same) > limit:
        problems.append(f"... {len(same)} unchanged files rewritten in all, of {len(after.files)}")
    return problems


# --- the directory the walk edits --------------------------------------------------------------

WORDS = ["Brisa", "Niño", "Sol", "Luna", "Mar", "Aerolíneas", "Farmacia", "Panadería", "Zeta", "Alba", "Óptica"]
CATEGORIES = ["Café", "Cafe", "Bakery", "Pharmacy", "Airline", ""]  # "Café" and "Cafe" share a slug
CITIES = ["Madrid", "Sevilla", "Bilbao", "", "Ávila"]
DESCRIPTIONS = ["", "Open *every* day.", "Fresh **bread** and [our shop](https://shop.example).", "Ring us."]
COLOURS = ["#080", "#800", "#008", "#888"]
LIST_FILES = ["a.yaml", "b.yaml", "c.yaml"]
SITE_DESCRIPTION = "A directory for tests."


def day(text: date) -> str:
    return text.isoformat()


def quoted(value: object) -> str:
    """A YAML value: JSON is valid YAML, and double quotes keep YAML 1.1 from reading ``NO`` or a date."""
    return json.dumps(value, ensure_ascii=False)


@dataclass
class Directory:
    """The content as data; :meth:`write` puts what changed on disk with fresh modification times."""

    root: Path
    rng: random.Random
    as_of: date = AS_OF
    title: str = "Test directory"
    languages: list[str] = field(default_factory=lambda: ["en"])
    businesses: dict[str, dict[str, object]] = field(default_factory=dict)  # id → fields, with "file"
    register: dict[str, list[str]] = field(default_factory=dict)  # company_id → phones
    records: list[dict[str, object]] = field(default_factory=list)
    logos: dict[str, str] = field(default_factory=dict)  # file under logos/ → svg
    faq: dict[str, str] = field(default_factory=dict)  # file under faq/ → text
    templates: dict[str, str] = field(default_factory=dict)  # file under the templates folder → text
    broken: dict[str, str] = field(default_factory=dict)  # content file → text written instead
    list_form: bool = False  # a one-language site as ``languages: [en]`` rather than ``language: en``
    numbers: int = 0
    clock: int = 1_700_000_000_000_000_000

    @property
    def content(self) -> Path:
        return self.root / "content"

    @property
    def template_dir(self) -> Path:
        return self.root / "templates"

    def build_args(self, output: Path) -> list[str]:
        return ["build", "--content", str(self.content), "--output", str(output), "--templates",
                str(self.template_dir), "--as-of", day(self.as_of)]

    def number(self) -> tuple[str, str]:
        """A new Spanish mobile number, as the business writes it and as a register or record might."""
        self.numbers += 1
        digits = f"6{self.numbers:03d}{self.rng.randrange(10000, 99999)}"
        written = self.rng.choice([f"+34 {digits[:3]} {digits[3:5]} {digits[5:7]} {digits[7:]}", digits,
                                   f"0034 {digits[:3]}-{digits[3:6]}-{digits[6:]}"])
        return written, f"+34{digits}"

    def files(self) -> dict[Path, str]:
        site = [f"title: {quoted(self.title)}", f"description: {quoted(SITE_DESCRIPTION)}", "default_region: ES",
                f"languages: [{', '.join(self.languages)}]" if len(self.languages) > 1 or self.list_form
                else f"language: {self.languages[0]}", "base_url: https://dir.example.org/"]
        out: dict[Path, str] = {self.content / "site.yaml": "\n".join(site) + "\n"}
        by_file: dict[str, list[str]] = {}
        for business_id, fields in sorted(self.businesses.items()):
            lines = [f"id: {business_id}"] + [f"{k}: {quoted(v)}" for k, v in fields.items()
                                              if k not in ("file", "canonical") and v not in ("", None)]
            by_file.setdefault(str(fields["file"]), []).append("\n".join(lines))
        for name, items in by_file.items():
            if name.startswith("solo-") and len(items) == 1:  # one business as a mapping, like cafe-nino.yaml
                text = items[0] + "\n"
            else:
                text = "".join("- " + item.replace("\n", "\n  ") + "\n" for item in items)
            out[self.content / "businesses" / name] = text
        if self.register:
            out[self.content / "register" / "register.yaml"] = "".join(
                f"- company_id: {c}\n  legal_name: {quoted(c + ' S.L.')}\n  phones: {quoted(phones)}\n"
                for c, phones in sorted(self.register.items()))
        if self.records:
            out[self.content / "verifications" / "2026.yaml"] = "".join(
                f"- business: {r['business']}\n  whatsapp: {quoted(r['whatsapp'])}\n  verified_on: {r['verified_on']}\n"
                f"  expires: {r['expires']}\n  method: video-call\n  revoked: {str(r['revoked']).lower()}\n"
                for r in self.records)
        out.update((self.content / "logos" / name, svg) for name, svg in self.logos.items())
        out.update((self.content / "faq" / name, text) for name, text in self.faq.items())
        out.update((self.template_dir / name, text) for name, text in self.templates.items())
        out.update((self.content / name, text) for name, text in self.broken.items())
        return out

    def write(self, before: dict[Path, str], keep_mtime: bool = False) -> list[Path]:
        """Write what changed since ``before``, each with a new mtime as a save gives it; with
        ``keep_mtime``, a changed file keeps its old mtime (a change only its bytes show)."""
        after = self.files()
        changed = []
        for path in sorted(before.keys() - after.keys()):
            path.unlink()
            changed.append(path)
        for path, text in sorted(after.items()):
            if before.get(path) != text:
                old = path.stat().st_mtime_ns if keep_mtime and path.exists() else None
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8")
                self.clock += 1_000_000_000
                os.utime(path, ns=(old or self.clock,) * 2)
                changed.append(path)
        return changed

    def touch_all(self) -> None:
        """Every file gets a new mtime and keeps its bytes, as a fresh ``git clone`` in CI gives them."""
        self.clock += 1_000_000_000
        for path in self.files():
            os.utime(path, ns=(self.clock, self.clock))


def starting_directory(root: Path, rng: random.Random, businesses: int = 8) -> Directory:
    """A few businesses of each tier, one register company, two verification records, one FAQ page."""
    d = Directory(root, rng, languages=rng.choice([["en"], ["es", "en"]]), list_form=rng.random() < 0.5)
    d.template_dir.mkdir(parents=True)
    for _ in range(businesses):
        add_business(d)
    verified, confirmed = sorted(d.businesses)[:2]
    d.businesses[verified].update(company_id="C1", logo="logos/one.svg")
    d.logos["one.svg"] = LOGO_SVG
    d.register["C1"] = [str(d.businesses[verified]["canonical"])]
    d.register["C2"] = [str(d.businesses[confirmed]["canonical"]), "+34 912 345 678"]
    d.businesses[confirmed]["company_id"] = "C2"
    for business_id in (verified, confirmed):
        d.records.append({"business": business_id, "whatsapp": d.businesses[business_id]["canonical"],
                          "verified_on": day(d.as_of - timedelta(days=100)),
                          "expires": day(d.as_of + timedelta(days=265)), "revoked": False})
    d.faq["badges.md"] = "---\ntitle: What the badges mean\norder: 1\n---\nSome **text**.\n"
    d.write({})
    return d


def add_business(d: Directory) -> str:
    business_id = f"b{len(d.businesses)}-{d.rng.randrange(1000)}"
    written, canonical = d.number()
    d.businesses[business_id] = {
        "file": d.rng.choice(LIST_FILES + [f"solo-{business_id}.yaml"]),
        "name": " ".join(d.rng.sample(WORDS, d.rng.choice([1, 2]))), "whatsapp": written, "canonical": canonical,
        "category": d.rng.choice(CATEGORIES), "city": d.rng.choice(CITIES),
        "description": description(d),
    }
    return business_id


def description(d: Directory) -> object:
    text = d.rng.choice(DESCRIPTIONS)
    if text and "es" in d.languages and d.rng.random() < 0.5:
        return {"es": "Abierto *cada* día.", "en": text}
    return text


# --- edits --------------------------------------------------------------------------------------

def _shift_as_of(d: Directory) -> str:
    days = d.rng.choice([1, 1, 1, 7, 40, 300, -1, -7, -40, -300])
    d.as_of += timedelta(days=days)
    return f"as-of {days:+d} days → {d.as_of}"


def _expire(d: Directory, record: dict[str, object]) -> str:
    how = d.rng.choice(["expired", "not yet valid", "renewed"])
    if how == "expired":
        record["verified_on"] = day(d.as_of - timedelta(days=400))
        record["expires"] = day(d.as_of - timedelta(days=d.rng.choice([0, 1, 30])))
    elif how == "not yet valid":
        record["verified_on"] = day(d.as_of + timedelta(days=d.rng.choice([1, 10])))
        record["expires"] = day(d.as_of + timedelta(days=400))
    else:
        record["verified_on"] = day(d.as_of - timedelta(days=10))
        record["expires"] = day(d.as_of + timedelta(days=d.rng.choice([1, 355])))
    return f"verification of {record['business']} {how}"


def _template(d: Directory) -> str:
    rng, word = d.rng, d.rng.choice(WORDS)
    name = rng.choice(["business.html", "partials/card.html", "partials/meta.html", "faq.html"])
    if name in d.templates and rng.random() < 0.35:
        del d.templates[name]
        return f"template override {name} removed"
    action = "edited" if name in d.templates else "added"
    if name == "business.html":
        d.templates[name] = ('{% extends "default/business.html" %}{% block title %}' + word
                             + ' · {{ business.name }}{% endblock %}\n')
    elif name == "partials/card.html":  # a card may show a site-wide value
        shown = rng.choice(["", " of {{ site.total }}", " ({{ site.tier_counts.verified }} verified)"])
        d.templates[name] = ('<li class="card">' + word + shown
                             + ' <a href="{{ home }}{{ business.href }}">{{ business.name }}</a></li>\n')
    elif name == "partials/meta.html":
        d.templates[name] = f'<meta name="x-test" content="{word} {{{{ site.total }}}}">\n'
    else:
        d.templates[name] = '{% extends "default/faq.html" %}{% block title %}' + word + '{% endblock %}\n'
    return f"template override {name} {action}"


def _static(d: Directory) -> str:
    name = d.rng.choice(["static/site.css", "static/extra.css"])
    if name in d.templates and d.rng.random() < 0.35:
        del d.templates[name]
        return f"static override {name} removed"
    d.templates[name] = f"body {{ color: {d.rng.choice(['red', 'blue', 'green'])}; }}\n"
    return f"static file {name} set"


def _faq(d: Directory) -> str:
    name = d.rng.choice(["badges.md", "privacy.md", "badges.es.md", "privacy.es.md"])
    if name in d.faq and d.rng.random() < 0.4:
        del d.faq[name]
        return f"FAQ {name} deleted"
    action = "edited" if name in d.faq else "added"
    d.faq[name] = (f"---\ntitle: {quoted(d.rng.choice(WORDS))}\norder: {d.rng.randrange(3)}\n---\n"
                   f"{d.rng.choice(['Text.', 'More *text*.', 'Ask [us](https://example.org/).'])}\n")
    return f"FAQ {name} {action}"


def _logo(d: Directory, target: str) -> str:
    fields = d.businesses[target]
    how = d.rng.choice(["replaced", "removed", "added"])
    if how == "replaced" and d.logos:
        name = d.rng.choice(sorted(d.logos))
        d.logos[name] = LOGO_SVG.replace("#080", d.rng.choice(COLOURS))
        return f"logo {name} replaced"
    if how == "removed" and fields.get("logo"):
        name = str(fields.pop("logo")).removeprefix("logos/")
        if not any(f.get("logo") == f"logos/{name}" for f in d.businesses.values()):
            d.logos.pop(name, None)
        return f"logo of {target} removed"
    d.logos.setdefault(f"{target}.svg", LOGO_SVG.replace("#080", d.rng.choice(COLOURS)))
    fields["logo"] = f"logos/{target}.svg"
    return f"logo of {target} added"


def _register(d: Directory, target: str) -> str:
    fields, company = d.businesses[target], d.rng.choice(["C1", "C2", "C3"])
    how = d.rng.choice(["link", "unlink", "add phone", "remove phone"])
    if how == "link":
        fields["company_id"] = company
        d.register.setdefault(company, ["+34 910 000 001"])
    elif how == "unlink":
        fields.pop("company_id", None)
    elif how == "add phone":
        d.register.setdefault(company, []).append(str(fields["canonical"]))
        fields["company_id"] = company
    else:
        phones = d.register.get(company, [])
        if phones:
            phones.remove(d.rng.choice(phones))
        if not phones:
            d.register.pop(company, None)
            for other in d.businesses.values():
                if other.get("company_id") == company:
                    other.pop("company_id")
    return f"register: {how} {company} ({target})"


def edit(d: Directory, kind: str | None = None) -> str:
    """One edit, of ``kind`` or a random one; returns what it did, for the failure message."""
    rng = d.rng
    if d.broken:
        d.broken.clear()
        return "broken file fixed"
    kind = kind or rng.choice(EDIT_KINDS)
    ids = sorted(d.businesses)
    if kind == "add" or not ids:
        return f"add {add_business(d)}"
    target = rng.choice(ids)
    fields = d.businesses[target]
    if kind == "delete":
        del d.businesses[target]
        d.records = [r for r in d.records if r["business"] != target or rng.random() < 0.5]  # some records stay
    elif kind == "rename file":
        old = str(fields["file"])
        new = rng.choice([f for f in LIST_FILES + ["d.yaml", "e.yaml", f"solo-{target}.yaml"] if f != old])
        for other in d.businesses.values():
            if other["file"] == old:
                other["file"] = new
        return f"rename businesses/{old} → {new}"
    elif kind == "move":
        fields["file"] = rng.choice(LIST_FILES + ["d.yaml"])
    elif kind == "renumber":
        fields["whatsapp"], fields["canonical"] = d.number()
    elif kind == "name":
        fields["name"] = " ".join(rng.sample(WORDS, rng.choice([1, 2, 3])))
    elif kind == "description":
        fields["description"] = description(d)
    elif kind == "category":
        fields["category"], fields["city"] = rng.choice(CATEGORIES), rng.choice(CITIES)
    elif kind == "register":
        return _register(d, target)
    elif kind == "verify":
        d.records.append({"business": target, "whatsapp": fields["canonical"],
                          "verified_on": day(d.as_of - timedelta(days=5)),
                          "expires": day(d.as_of + timedelta(days=rng.choice([1, 2, 365]))), "revoked": False})
    elif kind == "expire" and d.records:
        return _expire(d, rng.choice(d.records))
    elif kind == "revoke" and d.records:
        record = rng.choice(d.records)
        record["revoked"] = not record["revoked"]
        return f"verification of {record['business']} {'revoked' if record['revoked'] else 'reinstated'}"
    elif kind == "logo":
        return _logo(d, target)
    elif kind == "faq":
        return _faq(d)
    elif kind == "template":
        return _template(d)
    elif kind == "static":
        return _static(d)
    elif kind == "title":
        d.title = rng.choice(["Test directory", "Directorio de prueba", "Chats & Co <3"])
        return f"site title → {d.title!r}"
    elif kind == "languages":
        d.languages = ["en"] if len(d.languages) > 1 else ["es", "en"]
        return f"languages → {d.languages}"
    elif kind == "as-of":
        return _shift_as_of(d)
    elif kind == "broken":
        d.broken["businesses/zz.yaml"] = "- id: broken\n  name: Broken\n  whatsapp: not a number\n"
    elif kind == "stealth":  # same bytes' length and, in the walk, the same mtime: only a hash sees it
        name = str(fields["name"])
        at = next((i for i, c in enumerate(name) if c.isascii() and c.islower()), None)
        if at is not None:
            fields["name"] = name[:at] + rng.choice([c for c in "aeiouxyz" if c != name[at]]) + name[at + 1:]
        return f"same-size name edit of {target}, mtime kept"
    return f"{kind} {target}"


# Each kind as often as it is listed.  The walk writes a "stealth" edit keeping the file's mtime, and
# does "touch" itself (new mtimes, the same bytes): both are about how files are written, not what they say.
# "nothing" changes nothing: the whole build is then answered by the last one (cache/memo.py).
EDIT_KINDS = (["add", "delete", "rename file", "move", "renumber", "name", "name", "description", "category",
               "register", "register", "verify", "expire", "revoke", "logo", "faq", "template", "static",
               "title", "languages", "as-of", "as-of", "broken", "stealth", "touch", "nothing"])
