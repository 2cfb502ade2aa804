"""Stage 1: read the content folder into typed values, collecting every problem.

Each file is read on its own (so large directories can be read in parallel,
see :mod:`generator.parallel`), then :mod:`generator.crosscheck` applies the
rules that span files.  Paths in diagnostics are relative to the content
folder.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from . import phones
from ..diagnostics import ContentError, ContentWarning, Diagnostic, errors_in
from .topic_names import unknown_topic
from .fields import (BUSINESS_FIELDS, FAQ_FIELDS, FORBIDDEN_BUSINESS_KEYS, MAX_FAQ, REGISTER_FIELDS, SITE_FIELDS,
                     VERIFICATION_FIELDS, Field)
from .logos import check_logo_path, read_logo
from .markup import check_markdown
from ..model import Business, Claim, FaqPage, Logo, RegisteredPhone, RegisterEntry, SiteConfig, Source, Verification
from .formats import LIST_SUFFIXES, read_items
from .spans import Span
from .validate import Record, check_text, read_fields, read_record
from .reading import NotAFile, read_at_most
from .yamlstrict import MAX_FILE_BYTES, parse_yaml, read_yaml_file

_FAQ_NAME = re.compile(r"(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)(?:\.(?P<lang>[a-z]{2,3}))?\.md")


@dataclass(slots=True)
class FileResult:
    """What one content file yielded: values and diagnostics (picklable, for worker processes)."""

    businesses: list[Business] = field(default_factory=list)
    logos: dict[str, Logo] = field(default_factory=dict)
    register: list[RegisterEntry] = field(default_factory=list)
    verifications: list[Verification] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)  # what business records with errors still name
    unread: bool = False  # a register or verification record was left out (with an error, or unread)
    failed: bool = False  # a span that could not be read as a piece of its file: read it to the end instead
    fatal: bool = False  # what was read voids the whole file (see formats.Items)
    looked_up: tuple[str, ...] = ()  # logo paths as written, looked up while reading (its discovered inputs)


# What the build reads in each data folder, by file name ending: the one place to extend with a new
# format (a reader in read_file, then its suffix here).  Anything else there is not read, and said so.
READ_SUFFIXES: dict[str, tuple[str, ...]] = {
    "businesses": LIST_SUFFIXES,  # YAML, CSV and JSON Lines: formats.READ_SUFFIXES
    "register": LIST_SUFFIXES,
    "verifications": LIST_SUFFIXES,
    "faq": (".md",),
}
DATA_FOLDERS = ("businesses", "register", "verifications")  # where an unread file means unpublished data


def content_files(content_dir: Path, folder: str, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    """The files of one content folder that the build reads, sorted so every build reads them in the same order."""
    return folder_files(content_dir, folder, suffixes)[0]


def folder_files(content_dir: Path, folder: str, suffixes: tuple[str, ...] | None = None) -> tuple[list[Path], list[str]]:
    """The files of ``folder`` the build reads, and the names of the other entries there (hidden ones aside)."""
    suffixes = READ_SUFFIXES[folder] if suffixes is None else suffixes
    base = content_dir / folder
    if not base.is_dir():
        return [], []
    with os.scandir(base) as entries:  # names sorted, not paths: 0.4 s less at 100,000 files, before any worker starts
        shown = [e for e in entries if not e.name.startswith(".")]
        # A folder named like a data file is read, so that reading says it is not a file (an error).
        names = sorted(e.name for e in shown if e.name.endswith(suffixes))
        other = sorted(e.name + ("/" if e.is_dir() else "") for e in shown if not e.name.endswith(suffixes))
    return [base / name for name in names], other


def unread_warnings(content_dir: Path) -> list[Diagnostic]:
    """A warning for each file in businesses/, register/ or verifications/ the build does not read
    (``register/companies.csv``, ``businesses/acme.yml.bak``): nobody should believe it was published."""
    return [unread_warning(folder, name) for folder in DATA_FOLDERS for name in folder_files(content_dir, folder)[1]]


def unread_warning(folder: str, name: str) -> Diagnostic:
    *others, last = READ_SUFFIXES[folder]
    read = f"{', '.join(others)} or {last}" if others else last
    if name.endswith("/"):
        return ContentWarning(f"{folder}/{name}", 0, f"not read: badgedir reads the {read} files directly in {folder}/, "
                                                     "not folders inside it; nothing in this one is published")
    return ContentWarning(f"{folder}/{name}", 0, f"not read: badgedir reads {read} files in {folder}/, so nothing in "
                                                 "this one is published (rename it, or move it out of the folder)")


def load_site(content_dir: Path) -> tuple[SiteConfig | None, list[Diagnostic]]:
    config, _, problems = read_site(content_dir)
    return config, problems


def read_site(content_dir: Path) -> tuple[SiteConfig | None, str, list[Diagnostic]]:
    """site.yaml as a :class:`SiteConfig`, or None with the reasons; and the region to read numbers in.

    The region is site.yaml's ``default_region`` whenever that field itself is
    right, even if another field is not (a typo in ``title:`` must not stop
    the business files being checked); ``""`` when it is unknown.
    """
    path = content_dir / "site.yaml"
    if not path.is_file() and not os.path.lexists(path):  # a pipe or a folder by that name: read_yaml_file says so
        return None, "", [ContentError("site.yaml", 0, "missing: every content folder needs a site.yaml (run 'badgedir init DIR' for a starting point)")]
    raw, problems = read_yaml_file(path, "site.yaml")
    if raw is None:
        return None, "", problems
    record, problems = read_fields(raw, SITE_FIELDS, "site.yaml", "ZZ", what="site.yaml")
    if record is None:
        return None, "", problems
    region = record.get("default_region", "")
    if not record.complete(SITE_FIELDS):
        return None, region, problems
    language = record.get("language")
    languages = record.get("languages") or (language or "en",)
    if language and language != languages[0]:
        problems.append(ContentError("site.yaml", record.lines["language"], "language: must be the first of 'languages' (or leave one out)"))
        return None, region, problems
    base_url = record.get("base_url")
    if base_url and not base_url.endswith("/"):
        base_url += "/"
    windows = {}
    for name, default in (("valid_days", 7), ("changes_days", 90)):
        windows[name] = record.get(name, default)
        if not 1 <= windows[name] <= 3660:
            problems.append(ContentError("site.yaml", record.lines[name], f"{name}: must be a number of days from 1 to 3660"))
    if errors_in(problems):
        return None, region, problems
    return SiteConfig(
        title=record.get("title"), description=record.get("description", ""),
        default_region=region, language=languages[0],
        base_url=base_url, languages=languages, **windows,
    ), region, problems


def _file_records(path: Path, rel: str, region: str, fields: tuple[Field, ...], what: str, result: FileResult,
                  forbidden: dict[str, str] | None = None, span: Span | None = None) -> Iterator[Record]:
    """Each record of a file (or of one span of it), in any format, right or not (see
    :meth:`Record.complete`); the problems go to ``result``."""
    items = read_items(path, rel, fields, what, span, forbidden)
    result.diagnostics = items.diagnostics
    result.failed, result.fatal = items.failed, items.fatal
    for item, line in items.records:
        record, problems = read_fields(item, fields, rel, region, forbidden, what, line)
        result.diagnostics += problems
        if record is not None:
            yield record


def load_business_file(path: Path, rel: str, region: str, content_dir: Path, span: Span | None = None) -> FileResult:
    result = FileResult()
    for record in _file_records(path, rel, region, BUSINESS_FIELDS, "business", result, FORBIDDEN_BUSINESS_KEYS, span):
        logo = _business_logo(record, rel, content_dir, result.diagnostics)  # checked even beside other errors
        if logo is False or not record.complete(BUSINESS_FIELDS):
            result.claims.append(Claim(record.get("id"), record.get("whatsapp"), Source(rel, record.line),
                                       Source(rel, record.lines.get("whatsapp", record.line))))
            continue
        business = _business(record, rel, has_logo=logo is not None)
        result.businesses.append(business)
        if logo is not None:
            result.logos[business.id] = logo
    return result


def _business_logo(record: Record, rel: str, content_dir: Path, problems: list[Diagnostic]) -> Logo | None | bool:
    """The checked logo, None when there is none, False when it is broken (an error was recorded)."""
    written = record.get("logo")
    if written is None:
        return None
    path, message = check_logo_path(written, content_dir)
    logo = None
    if path is not None:
        logo, message = read_logo(path, written)
    if message:
        problems.append(ContentError(rel, record.lines["logo"], f"logo: {message}"))
        return False
    return logo


def _business(record: Record, rel: str, has_logo: bool) -> Business:
    get = record.get
    return Business(
        id=get("id"), name=get("name"), whatsapp=get("whatsapp"), whatsapp_display=phones.international(get("whatsapp")),
        company_id=get("company_id"),
        # a few dozen values shared by thousands: one string each (kept once per pickled batch too)
        category=sys.intern(get("category", "")), city=sys.intern(get("city", "")), country=sys.intern(get("country", "")),
        website=get("website", ""), email=get("email", ""), address=get("address", ""),
        logo=get("logo") if has_logo else None, description=get("description", ""),
        source=Source(rel, record.line), whatsapp_source=Source(rel, record.lines["whatsapp"]),
        description_line=record.lines.get("description", 0),
    )


def load_register_file(path: Path, rel: str, region: str, span: Span | None = None) -> FileResult:
    result = FileResult()
    for record in _file_records(path, rel, region, REGISTER_FIELDS, "register entry", result, span=span):
        if not record.complete(REGISTER_FIELDS):
            result.unread = True
            continue
        phones = tuple(RegisteredPhone(e164, Source(rel, line)) for e164, line in record.get("phones"))
        result.register.append(RegisterEntry(record.get("company_id"), record.get("legal_name"), phones,
                                             Source(rel, record.line)))
    return result


def load_verification_file(path: Path, rel: str, region: str, span: Span | None = None) -> FileResult:
    result = FileResult()
    for record in _file_records(path, rel, region, VERIFICATION_FIELDS, "verification record", result, span=span):
        if not record.complete(VERIFICATION_FIELDS):
            result.unread = True
            continue
        if record.get("revoked") is False and record.get("revoked_on") is not None:
            result.diagnostics.append(ContentError(rel, record.lines["revoked"], "revoked: is false but revoked_on gives a date; remove one"))
            continue
        if record.get("expires") <= record.get("verified_on"):
            result.diagnostics.append(ContentError(rel, record.lines["expires"], "expires: must be after verified_on"))
            continue
        result.verifications.append(Verification(
            business=record.get("business"), whatsapp=record.get("whatsapp"), verified_on=record.get("verified_on"),
            expires=record.get("expires"), method=record.get("method", ""),
            revoked=record.get("revoked", record.get("revoked_on") is not None), source=Source(rel, record.line),
            revoked_on=record.get("revoked_on")))
    return result


def load_faq_page(path: Path, rel: str) -> tuple[FaqPage | None, list[Diagnostic]]:
    """A Markdown page with YAML front matter between two '---' lines."""
    named = _FAQ_NAME.fullmatch(path.name)
    if not named:
        return None, [ContentError(rel, 0, "FAQ file names must be <slug>.md or <slug>.<lang>.md, the slug in lowercase letters, digits and hyphens")]
    try:
        data = read_at_most(path, MAX_FILE_BYTES)
    except NotAFile as exc:
        return None, [ContentError(rel, 0, str(exc.strerror))]
    except OSError as exc:
        return None, [ContentError(rel, 0, f"cannot read file: {exc.strerror}")]
    if len(data) > MAX_FILE_BYTES:
        return None, [ContentError(rel, 0, f"file is over {MAX_FILE_BYTES} bytes, the limit")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [ContentError(rel, 0, "file is not valid UTF-8")]
    match = re.match(r"---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|$)", text, re.DOTALL)
    if not match:
        return None, [ContentError(rel, 1, "a FAQ page starts with front matter: '---', title: ..., order: ..., '---'")]
    raw, problems = parse_yaml(b"\n" + match.group(1).encode(), rel)  # line 1 is the opening '---'
    record, more = read_record(raw, FAQ_FIELDS, rel, "ZZ", what="front matter", line=1) if not problems else (None, [])
    problems += more
    body = text[match.end():]
    body_line = text.count("\n", 0, match.end()) + 1
    message = check_text(body, MAX_FAQ, multiline=True) or check_markdown(body)
    if message:
        problems.append(ContentError(rel, body_line, f"body: {message}"))
    topic = record.get("topic") if record is not None else None
    topic_problem = unknown_topic(topic) if topic is not None else None
    if topic_problem:
        problems.append(ContentError(rel, record.lines["topic"], f"topic: {topic_problem}"))
    if record is None or message or topic_problem:
        return None, problems
    return FaqPage(slug=named["slug"], lang=named["lang"], title=record.get("title"), order=record.get("order", 0),
                   body=body, source=Source(rel, 1), topic=topic,
                   topic_line=record.lines["topic"] if topic else 0, body_line=body_line), problems



def read_file(kind: str, path: Path, rel: str, region: str, content_dir: Path, span: Span | None = None) -> FileResult:
    """One business, register or verification file, or one span of it (see :mod:`generator.spans`).

    Symbolic links are refused (they could leave the folder).
    """
    if os.path.islink(path):
        result = FileResult()
        result.diagnostics.append(ContentError(rel, 0, "content files may not be symbolic links"))
        return result
    if not rel.isascii() and not _is_utf8(rel):  # its name is published (api/ sources) and must be text
        result = FileResult()
        result.diagnostics.append(ContentError(rel, 0, "the file name is not valid UTF-8; rename the file"))
        return result
    if kind == "business":
        return load_business_file(path, rel, region, content_dir, span)
    if kind == "register":
        return load_register_file(path, rel, region, span)
    return load_verification_file(path, rel, region, span)


def _is_utf8(name: str) -> bool:
    """Whether a name read from the disk was valid UTF-8 (Python keeps other bytes as lone surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
