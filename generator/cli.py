"""The ``badgedir`` command: parse arguments, call the library, print, exit.

Exit status: 0 success (warnings printed), 1 content or template errors,
2 usage errors, 130 interrupted (Ctrl-C), 143 terminated.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from . import __version__
from .cache.store import DEFAULT_DIR as DEFAULT_CACHE
from .diagnostics import BuildFailed, Diagnostic, UsageError


class _ArgumentParser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors are exit 2, printed the argparse way
        self.print_usage(sys.stderr)
        raise UsageError(message)


def make_parser() -> argparse.ArgumentParser:
    parser = _ArgumentParser(prog="badgedir", description="Build a static directory of businesses' messaging accounts with trust badges.")
    parser.add_argument("--version", action="version", version=f"badgedir {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_ArgumentParser)

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
    cached = build.add_mutually_exclusive_group()
    cached.add_argument("--cache", type=Path, default=Path(DEFAULT_CACHE),
                        help=f"build cache folder: reuse what did not change (default: {DEFAULT_CACHE})")
    cached.add_argument("--no-cache", dest="cache", action="store_const", const=None,
                        help="build cold: read and write no cache")

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
    serve.add_argument("--output", type=Path, help="build folder to serve (default: a temporary folder)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000)")
    return parser


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    try:
        args = make_parser().parse_args(argv)
        return _COMMANDS[args.command](args)
    except UsageError as exc:
        print(f"badgedir: error: {exc}", file=sys.stderr)
        return 2
    except BuildFailed as failed:
        _print_diagnostics(failed.diagnostics)
        count = len(failed.diagnostics)
        print(f"badgedir: {count} error{'s' if count != 1 else ''}; nothing was written", file=sys.stderr)
        return 1
    except OSError as exc:  # the machine, not the content: a full disk, a folder we may not write
        print(f"badgedir: error: {exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}; "
              "the output folder was left as it was", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("badgedir: interrupted; the output folder was left as it was", file=sys.stderr)
        return 130
    except _Terminated:
        print("badgedir: terminated; the output folder was left as it was", file=sys.stderr)
        return 143


def run() -> None:
    """The ``badgedir`` command: :func:`main`, then exit without tearing the heap down object by object.

    A build of 100,000 businesses leaves millions of objects behind, and an
    interpreter's orderly exit frees each one: about a second, measured, spent
    after the work is done.  Everything ``main`` opened it has closed itself;
    only the standard streams are left to flush.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(code)


class _Terminated(BaseException):
    """SIGTERM, raised so that cleanup (``finally``) runs exactly as for Ctrl-C."""


def _terminate(signum, frame) -> None:
    raise _Terminated()


def _print_diagnostics(diagnostics: list[Diagnostic] | tuple[Diagnostic, ...]) -> None:
    for diagnostic in diagnostics:
        print(diagnostic, file=sys.stderr)


def _cmd_build(args: argparse.Namespace) -> int:
    from .build import BuildOptions, build, resolve_as_of
    from .engine.progress import TerminalProgress, summary_line

    options = BuildOptions(content=args.content, output=args.output, templates=args.templates,
                           as_of=resolve_as_of(args.as_of), strict=args.strict, cache=args.cache,
                           **({"jobs": args.jobs} if args.jobs else {}))
    result = build(options, TerminalProgress.for_stream(sys.stderr, quiet=args.quiet))
    if not args.quiet:
        _print_diagnostics(result.warnings)
    for note in result.notes:
        print(note, file=sys.stderr)
    print(summary_line(result, options.output))
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    from .build import load_site, resolve_as_of

    site, warnings = load_site(args.content, resolve_as_of(args.as_of), args.strict)
    _print_diagnostics(warnings)
    counts = ", ".join(f"{n} {tier}" for tier, n in site.tier_counts().items())
    print(f"{args.content}: {len(site.entries)} businesses ({counts}); {len(warnings)} warnings; no errors")
    return 0


def _cmd_explain(args: argparse.Namespace) -> int:
    from .build import load_site, resolve_as_of
    from .explain import explain

    site, _ = load_site(args.content, resolve_as_of(args.as_of))
    text, found = explain(site, args.id)
    print(text, file=sys.stdout if found else sys.stderr)
    return 0 if found else 1


def _cmd_init(args: argparse.Namespace) -> int:
    from .scaffold import create_directory, ignore_cache

    written = create_directory(args.dir, args.format)
    if ignore_cache(Path.cwd(), DEFAULT_CACHE):
        print(f"Added {DEFAULT_CACHE}/ (the build cache) to .gitignore")
    print(f"Created {args.dir} ({len(written)} files). Next: badgedir build --content {args.dir} --output {args.dir}-site")
    return 0


def _cmd_schema(args: argparse.Namespace) -> int:
    from .read.schema import schema_json

    if args.format == "csv" and args.kind in (None, "site"):
        raise UsageError("schema --format csv: name the kind of file (business, register or verification)")
    print(schema_json(args.kind, args.format), end="")
    return 0


def _cmd_serve(args: argparse.Namespace) -> int:
    from .preview.serve import serve  # livereload is only imported by this command

    return serve(args)


_COMMANDS = {"build": _cmd_build, "check": _cmd_check, "explain": _cmd_explain, "init": _cmd_init, "schema": _cmd_schema, "serve": _cmd_serve}
