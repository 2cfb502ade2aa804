"""The ``badgedir`` command: parse arguments, call the library, print, exit.

Exit status: 0 success (warnings printed), 1 content or template errors,
2 usage errors, 130 interrupted (Ctrl-C), 143 terminated.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__
from .cache.store import DEFAULT_DIR as DEFAULT_CACHE
from .diagnostics import BuildFailed, Diagnostic, UsageError, shown
from .engine.signals import Interruptions, Terminated


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors are exit 2, printed the argparse way
        self.print_usage(sys.stderr)
        raise UsageError(message)


def make_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(prog="badgedir", description="Build a static directory of businesses' messaging accounts with trust badges.")
    parser.add_argument("--version", action="version", version=f"badgedir {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_ArgumentParser)

    def cache_options(command: argparse.ArgumentParser) -> None:
        cached = command.add_mutually_exclusive_group()
        cached.add_argument("--cache", type=Path, default=Path(DEFAULT_CACHE),
                            help=f"build cache folder: reuse what did not change (default: {DEFAULT_CACHE})")
        cached.add_argument("--no-cache", dest="cache", action="store_const", const=None,
                            help="build cold: read and write no cache")

    def content_options(command: argparse.ArgumentParser) -> None:
        command.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
        command.add_argument("--as-of", dest="as_of", help="decide tiers as of this date, YYYY-MM-DD (default: SOURCE_DATE_EPOCH, else today UTC)")

    build = commands.add_parser("build", help="build the site into the output folder")
    content_options(build)
    build.add_argument("--output", type=Path, default=Path("output"), help="output folder (default: output)")
    build.add_argument("--templates", type=Path, help="folder of templates overriding the built-in ones by name")
    build.add_argument("--strict", action="store_true", help="treat warnings as errors")
    build.add_argument("--quiet", "-q", action="store_true", help="no progress and no warnings, only errors and the summary")
    build.add_argument("--jobs", "-j", type=int, help="worker processes (default: one per core)")
    build.add_argument("--sign-key", type=Path, help="minisign secret key signing manifest.json (default: the key text "
                       "in $BADGEDIR_SIGN_KEY; passphrase in $BADGEDIR_SIGN_PASSPHRASE)")
    build.add_argument("--previous", metavar="DIR|URL", help="the published copy this build replaces: the feed carries "
                       "its changes and the version grows past its own (checked against the site's key first)")
    build.add_argument("--previous-key", type=Path, metavar="PUBFILE", help="public key checking --previous "
                       "(default: the public half of the signing key)")

    build.add_argument("--dask", metavar="ADDRESS", help="run the build's work on a Dask cluster, e.g. tcp://10.0.0.5:8786 "
                       "(needs pip install 'badgedir[dask]'; content, templates, cache and output on a filesystem "
                       "every worker mounts at the same path)")
    build.add_argument("--dask-timeout", dest="dask_timeout", type=float, default=10.0, metavar="SECONDS",
                       help="wait this long for the Dask scheduler and a first worker (default: 10)")
    cache_options(build)

    keygen = commands.add_parser("keygen", help="make a key pair to sign the site with (minisign format)")
    keygen.add_argument("keyfile", type=Path, help="secret key file to write (mode 0600); the public key goes to KEYFILE.pub")
    keygen.add_argument("--passphrase-env", metavar="VAR", help="encrypt the secret key with the passphrase in "
                        "environment variable VAR (default: not encrypted)")
    keygen.add_argument("--force", action="store_true", help="overwrite an existing key")

    verify = commands.add_parser("verify", help="check that a copy of the site is genuine and current")
    verify.add_argument("target", help="a folder or an http(s) URL of a published copy")
    verify.add_argument("--key", type=Path, required=True, help="the site's public key file (minisign .pub), pinned")
    verify.add_argument("--as-of", dest="as_of", help="check freshness on this date, YYYY-MM-DD (default: today UTC)")
    verify.add_argument("--sample", type=int, metavar="N", help="check N files picked at random (and status.json), not all")
    verify.add_argument("--min-version", type=int, metavar="V", help="reject a copy older than version V (one already seen)")
    verify.add_argument("--timeout", type=float, default=30.0, help="seconds allowed to fetch one file (default: 30)")
    verify.add_argument("--jobs", "-j", type=int, default=8, help="files fetched at once (default: 8)")
    verify.add_argument("--quiet", "-q", action="store_true", help="no progress bar")

    check = commands.add_parser("check", help="validate the content without writing anything")
    content_options(check)
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")

    explain = commands.add_parser("explain", help="show a business's tier and the evidence behind it")
    explain.add_argument("id", help="the business id")
    content_options(explain)

    init = commands.add_parser("init", help="start a new directory with example content and the default FAQ")
    init.add_argument("dir", type=Path, help="folder to create")
    init.add_argument("--format", choices=("yaml", "csv", "jsonl"), default="yaml",
                      help="format of the businesses, register and verification files (default: yaml)")

    schema = commands.add_parser("schema", help="print the JSON Schema of the content files (published as api/schema.json)")
    schema.add_argument("kind", nargs="?", choices=("business", "register", "verification", "site"), help="one kind of file only")
    schema.add_argument("--format", choices=("yaml", "csv"), default="yaml",
                        help="csv: the schema of one CSV row of that kind (a JSON Lines line is a YAML record)")

    serve = commands.add_parser("serve", help="build, serve and rebuild on every change (live preview)")
    content_options(serve)
    serve.add_argument("--templates", type=Path, help="folder of templates overriding the built-in ones")
    serve.add_argument("--output", type=Path, help="build folder to serve (default: one in the cache, kept for the next "
                       "serve; with --no-cache a temporary folder)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    cache_options(serve)
    serve.add_argument("--idle-timeout", dest="idle_timeout", type=float, default=15.0, metavar="SECONDS",
                       help="close a connection idle (or sending its request) this long (default: 15)")
    serve.add_argument("--max-connections", dest="max_connections", type=int, default=64, metavar="N",
                       help="connections open at once, websockets included; more are refused (default: 64)")
    return parser


def main(argv: list[str] | None = None, interruptions: Interruptions | None = None) -> int:
    """Run one command; the exit status.  Called as a library (tests), it puts the signal handlers back after."""
    restore = interruptions is None
    if interruptions is None:
        interruptions = Interruptions()
    previous = interruptions.install()
    try:
        args = make_parser().parse_args(argv)
        return _COMMANDS[args.command](args, interruptions)
    except UsageError as exc:
        print(f"badgedir: error: {shown(exc)}", file=sys.stderr)
        return 2
    except BuildFailed as failed:
        _print_diagnostics(failed.diagnostics)
        count = len(failed.diagnostics)
        print(f"badgedir: {count} error{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)
        return 1
    except OSError as exc:  # the machine, not the content: a full disk, a folder we may not write
        where = f": {shown(exc.filename)}" if exc.filename else ""
        outcome = ("the new site was published before it" if interruptions.is_published
                   else "the output folder was left as it was")
        print(f"badgedir: error: {shown(exc.strerror or exc)}{where}; {outcome}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("badgedir: interrupted; the output folder was left as it was", file=sys.stderr)
        return 130
    except Terminated:
        print("badgedir: terminated; the output folder was left as it was", file=sys.stderr)
        return 143
    finally:
        if restore:
            interruptions.uninstall(previous)


def run() -> None:
    """The ``badgedir`` command: :func:`main`, then exit without tearing the heap down object by object.

    A build of 100,000 businesses leaves millions of objects behind, and an
    interpreter's orderly exit frees each one: about a second, measured, spent
    after the work is done.  Everything ``main`` opened it has closed itself;
    only the standard streams are left to flush.
    """
    code = main(interruptions=Interruptions())  # its handlers stay until the exit: a late signal is only noted
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


def _print_diagnostics(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)


def _cmd_build(args: argparse.Namespace, interruptions: Interruptions) -> int:
    """Once the new site is published, a Ctrl-C or SIGTERM no longer interrupts: the build is done."""
    from .cache.memo import recall_build
    from .engine.progress import TerminalProgress, summary_line
    from .options import BuildOptions, resolve_as_of
    from .record.keys import load_public_key, load_sign_key

    if not 0 < args.dask_timeout <= 3600:
        raise UsageError("--dask-timeout must be 0-3600 seconds")
    options = BuildOptions(content=args.content, output=args.output, templates=args.templates,
                           as_of=resolve_as_of(args.as_of), strict=args.strict, cache=args.cache,
                           sign_key=load_sign_key(args.sign_key, os.environ), previous=args.previous,
                           previous_key=load_public_key(args.previous_key, "--previous-key") if args.previous_key else None,
                           dask=args.dask, dask_timeout=args.dask_timeout, **({"jobs": args.jobs} if args.jobs else {}))
    memo, result = recall_build(options)  # nothing changed: the pipeline is not even imported
    if result is None:
        from .build import build
        result = build(options, TerminalProgress.for_stream(sys.stderr, quiet=args.quiet),
                       published=interruptions.published, memo=memo)
    if not args.quiet:
        _print_diagnostics(result.warnings)
    for note in result.notes:
        print(note, file=sys.stderr)
    print(summary_line(result, options.output))
    if interruptions.late is not None:
        print("badgedir: a stop signal came after the new site was published; it stays published", file=sys.stderr)
    return 0


def _cmd_keygen(args: argparse.Namespace, _: Interruptions) -> int:
    from .record.keys import keygen

    public = keygen(args.keyfile, args.passphrase_env, os.environ, args.force)
    print(f"Wrote {args.keyfile} (secret, mode 0600; keep it out of the repository) and {args.keyfile}.pub "
          f"(key id {public.id_hex}). Publish the public key; sign with: badgedir build --sign-key {args.keyfile}")
    return 0


def _cmd_verify(args: argparse.Namespace, _: Interruptions) -> int:
    from .options import resolve_as_of
    from .engine.progress import TerminalProgress
    from .record.keys import load_public_key
    from .record.source import Limits, open_copy
    from .record.verify import summary, verify_copy

    if args.sample is not None and args.sample < 1:
        raise UsageError("--sample: give a number of files, at least 1")
    if not 0 < args.timeout <= 3600 or not 1 <= args.jobs <= 64:
        raise UsageError("--timeout must be 0-3600 seconds and --jobs 1-64")
    key = load_public_key(args.key, "--key")
    today = resolve_as_of(args.as_of, {})
    try:
        copy = open_copy(args.target, Limits(timeout=args.timeout))
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    try:
        progress = TerminalProgress.for_stream(sys.stderr, quiet=args.quiet)
        report = verify_copy(copy, key, today, args.sample, args.min_version, progress, args.jobs)
    finally:
        copy.close()
    del progress
    _print_diagnostics(report.problems)
    print(summary(report))
    return 1 if report.problems else 0


def _cmd_check(args: argparse.Namespace, _: Interruptions) -> int:
    from .build import load_site
    from .options import resolve_as_of
    from .publish.link_check import planned_content_links
    from .read.faq_topics import defaults_in_use

    site, warnings = load_site(args.content, resolve_as_of(args.as_of), args.strict)
    warnings = sorted(warnings + planned_content_links(site, args.strict))
    _print_diagnostics(warnings)
    counts = ", ".join(f"{n} {tier}" for tier, n in site.tier_counts().items())
    defaults = defaults_in_use(site.faq)
    if defaults:
        used = "; ".join(f"{topic} ({', '.join(langs)})" for topic, langs in defaults.items())
        print(f"FAQ topics shown with the built-in page: {used} (write a page with 'topic: <name>' to replace one)")
    print(f"{shown(args.content)}: {len(site.entries)} businesses ({counts}); {len(warnings)} warnings; no errors")
    return 0


def _cmd_explain(args: argparse.Namespace, _: Interruptions) -> int:
    from .build import load_site
    from .options import resolve_as_of
    from .explain import explain

    site, _ = load_site(args.content, resolve_as_of(args.as_of))
    text, found = explain(site, args.id)
    print(text, file=sys.stdout if found else sys.stderr)
    return 0 if found else 1


def _cmd_init(args: argparse.Namespace, _: Interruptions) -> int:
    from .scaffold import create_directory, ignore_cache

    written = create_directory(args.dir, args.format)
    if ignore_cache(Path.cwd(), DEFAULT_CACHE):
        print(f"Added {DEFAULT_CACHE}/ (the build cache) to .gitignore")
    print(f"Created {args.dir} ({len(written)} files). Next: badgedir build --content {args.dir} --output {args.dir}-site")
    return 0


def _cmd_schema(args: argparse.Namespace, _: Interruptions) -> int:
    from .read.schema import schema_json

    if args.format == "csv" and args.kind in (None, "site"):
        raise UsageError("schema --format csv: name the kind of file (business, register or verification)")
    print(schema_json(args.kind, args.format), end="")
    return 0


def _cmd_serve(args: argparse.Namespace, _: Interruptions) -> int:
    from .preview.serve import serve  # livereload is only imported by this command

    return serve(args)


_COMMANDS = {"build": _cmd_build, "keygen": _cmd_keygen, "verify": _cmd_verify, "check": _cmd_check, "explain": _cmd_explain, "init": _cmd_init, "schema": _cmd_schema, "serve": _cmd_serve}
