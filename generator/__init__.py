"""badgedir: turn YAML files of businesses into a static directory of their
messaging accounts, each shown with a trust badge computed from evidence.

The build is a pipeline of small stages (see :mod:`generator.build`):
load → validate → decide tiers → render → write.
"""

__version__ = "0.1.0"
