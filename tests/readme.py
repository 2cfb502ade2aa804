"""The README's code blocks, read the way a newcomer reads them.

Used by the test that runs every README example as written
(``tests/test_readme.py``) and by ``.ci/run``, which runs the README's two
opening commands — so what the README promises is what CI runs.  Standard
library only: ``.ci/run`` calls it with the machine's bare ``python3``.

    python3 tests/readme.py opening 1     # prints the first opening command
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
_BLOCK = re.compile(r"^```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^```", re.MULTILINE | re.DOTALL)


def blocks(text: str, lang: str) -> list[str]:
    """The bodies of the fenced code blocks marked ``lang``, in order."""
    return [m["body"] for m in _BLOCK.finditer(text) if m["lang"] == lang]


def commands(block: str) -> list[str]:
    """A shell block's commands, one a line, without comments (``# ...``) or blank lines."""
    found = []
    for line in block.splitlines():
        command = re.sub(r"(^|\s)#.*$", "", line).strip()
        if command:
            found.append(command)
    return found


def opening_commands(text: str) -> list[str]:
    """The README's first shell block: the two commands it promises set everything up."""
    return commands(blocks(text, "sh")[0])


def main(argv: list[str]) -> int:
    if len(argv) == 2 and argv[0] == "opening" and argv[1] in ("1", "2"):
        opening = opening_commands(README.read_text(encoding="utf-8"))
        if len(opening) != 2:
            print(f"README.md: the first sh block must hold exactly two commands, not {len(opening)}", file=sys.stderr)
            return 1
        print(opening[int(argv[1]) - 1])
        return 0
    print("usage: python3 tests/readme.py opening 1|2", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
