"""The build cache: results of keyed pieces of work, kept between builds.

A piece of work (reading one content file, rendering one page) is a pure
function of the values it is given; its key is a hash of all of them, so a
hit can only ever return what running the piece again would produce.  See
``docs/architecture.md`` for the stages, the keys and how warm = cold is proven.
"""
