"""The FAQ topics templates link to, by name: the one list, and the check of a ``topic:`` value.

Apart from :mod:`generator.read.faq_topics` because reading a FAQ page checks
its topic here, while ``faq_topics`` reads the built-in pages: one module
holding both would import the reader that imports it.
"""

from __future__ import annotations

import difflib

TOPICS: dict[str, str] = {
    "badges": "what the badges mean (the footer of every page)",
    "checking-a-copy": "how to check a copy of this directory (the home page's as-of line)",
    "getting-confirmed-and-verified": "how a business gets confirmed and verified",
    "impostors": "how to spot an impostor (the number lookup's answer for an unknown number)",
    "staying-in-control": "how a visitor stays in control (every business page)",
}


def unknown_topic(topic: str) -> str | None:
    """The problem with a topic name, or None when templates know it."""
    if topic in TOPICS:
        return None
    close = difflib.get_close_matches(topic, TOPICS, n=1, cutoff=0.6)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown topic '{topic}'; {hint}the topics are: {', '.join(TOPICS)}"
