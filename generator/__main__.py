"""Allow ``python -m generator`` as well as the ``badgedir`` script."""

from .cli import run

run()
