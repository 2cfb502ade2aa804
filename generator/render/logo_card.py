"""A verified business's logo as the PNG that social cards show (``og:image``, ``twitter:image``).

Facebook, X, WhatsApp, Slack and most link previewers do not draw SVG, and
most logos here are SVG, so a shared link to a verified business would show
no picture at all.  Each verified logo is published a second time as a
``CARD_SIZE``-pixel square PNG, the logo fitted on white, under
``static/logos/<digest>.card.png`` beside the logo itself.

- SVG logos (already rebuilt from an allow-list by :mod:`generator.read.logos`)
  are drawn by ``resvg`` (via ``resvg-py``), a maintained renderer that
  loads no external resource.  A hostile SVG can still be slow to draw (a
  dash pattern of a million dashes), so resvg runs in a helper process that
  is killed after ``RENDER_SECONDS``; the logo then gets the fallback card.
- Raster logos are scaled with Pillow, refusing pictures whose declared size
  is beyond ``MAX_PIXELS`` before decoding them (a 256 KB PNG can claim
  millions of pixels).
- Anything that cannot be drawn gets the fallback: a green tick on the
  verified badge's colour, drawn with Pillow.

The bytes depend only on the logo, the libraries' versions and, for text in
an SVG logo, the machine's fonts: the same content builds the same files.
"""

from __future__ import annotations

import io
import os
import selectors
import struct
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator

from ..model import Logo

CARD_SIZE = 256  # social cards want at least 200 × 200 (Facebook) and 144 × 144 (X's summary card)
LOGO_BOX = 224  # the logo's largest side on the card, leaving a margin
RENDER_SECONDS = 5.0  # per SVG logo; a logo takes ~10 ms of CPU to draw
MAX_PIXELS = 4096 * 4096
_GREEN = (11, 107, 47)  # --green of site.css, the verified badge


def card_filename(logo: Logo) -> str:
    """Where a logo's card is published, under ``static/logos/``."""
    return f"{logo.digest}.card.png"


def card_key(logo: Logo) -> str:
    """The build cache's key of a logo's card: the logo and the versions of what draws it."""
    from importlib.metadata import version

    from ..cache.keys import digest

    return digest("logo-card", logo.digest, logo.extension, CARD_SIZE, LOGO_BOX,
                  version("resvg-py"), version("pillow"))


def logo_cards(logos: Iterable[Logo]) -> Iterator[tuple[Logo, bytes]]:
    """Each logo with its card, in order; SVG logos share one helper process per call."""
    renderer: _SvgRenderer | None = None
    try:
        for logo in logos:
            if logo.extension == "svg":
                renderer = renderer or _SvgRenderer()
                drawn = renderer.render(logo.data)
                yield logo, _on_card(drawn) if drawn else fallback_card()
            else:
                yield logo, raster_card(logo.data)
    finally:
        if renderer is not None:
            renderer.close()


def raster_card(data: bytes) -> bytes:
    """A PNG, JPEG or WebP logo scaled onto the card; the fallback if it is too large or broken."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS or not image.width or not image.height:
                return fallback_card()
            image.draft("RGB", (LOGO_BOX, LOGO_BOX))  # JPEG: decode at a fraction of the size
            return _on_card(image)
    except (OSError, ValueError, Image.DecompressionBombError):
        return fallback_card()


def _on_card(image: object) -> bytes:
    """``image`` (a Pillow image, or PNG bytes) fitted into LOGO_BOX and centred on a white card."""
    from PIL import Image

    if isinstance(image, bytes):
        image = Image.open(io.BytesIO(image))
    picture = image.convert("RGBA")  # type: ignore[attr-defined]
    picture.thumbnail((LOGO_BOX, LOGO_BOX), Image.Resampling.LANCZOS)
    card = Image.new("RGBA", (CARD_SIZE, CARD_SIZE), (255, 255, 255, 255))
    card.alpha_composite(picture, ((CARD_SIZE - picture.width) // 2, (CARD_SIZE - picture.height) // 2))
    return _png(card.convert("RGB"))


def fallback_card() -> bytes:
    """The verified badge's tick, for a logo that could not be drawn."""
    from PIL import Image, ImageDraw

    card = Image.new("RGB", (CARD_SIZE, CARD_SIZE), (255, 255, 255))
    draw = ImageDraw.Draw(card)
    margin = (CARD_SIZE - LOGO_BOX) // 2
    draw.rounded_rectangle((margin, margin, CARD_SIZE - margin, CARD_SIZE - margin), radius=LOGO_BOX // 5, fill=_GREEN)
    unit = LOGO_BOX / 32
    points = [(margin + x * unit, margin + y * unit) for x, y in ((8.5, 16.5), (13.5, 21.5), (23.5, 10.5))]
    draw.line(points, fill=(255, 255, 255), width=round(3.6 * unit), joint="curve")
    return _png(card)


def _png(image: object) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=False, compress_level=9)  # type: ignore[attr-defined]
    return out.getvalue()


class _SvgRenderer:
    """resvg in a helper process, so that a logo that takes too long can be stopped.

    The helper reads length-prefixed SVGs on its standard input and answers
    each with a length-prefixed PNG (length 0: resvg refused it).  One that
    does not answer within RENDER_SECONDS is killed, and the next logo
    starts a new one.
    """

    def __init__(self) -> None:
        self.process: subprocess.Popen[bytes] | None = None

    def render(self, svg: bytes) -> bytes | None:
        process = self.process or self._start()
        try:
            process.stdin.write(struct.pack(">I", len(svg)) + svg)  # type: ignore[union-attr]
            process.stdin.flush()  # type: ignore[union-attr]
            size = struct.unpack(">I", self._read(process, 4, time.monotonic() + RENDER_SECONDS))[0]
            return self._read(process, size, time.monotonic() + RENDER_SECONDS) if size else None
        except (OSError, TimeoutError, struct.error):
            self.close()
            return None

    def _start(self) -> subprocess.Popen[bytes]:
        self.process = subprocess.Popen([sys.executable, "-I", "-c", _HELPER], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        return self.process

    @staticmethod
    def _read(process: subprocess.Popen[bytes], size: int, deadline: float) -> bytes:
        stream = process.stdout
        assert stream is not None
        chunks, left = [], size
        with selectors.DefaultSelector() as selector:
            selector.register(stream, selectors.EVENT_READ)
            while left:
                if not selector.select(max(0.0, deadline - time.monotonic())):
                    raise TimeoutError
                chunk = os.read(stream.fileno(), left)
                if not chunk:
                    raise OSError("the logo renderer stopped")
                chunks.append(chunk)
                left -= len(chunk)
        return b"".join(chunks)

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            for stream in (self.process.stdin, self.process.stdout):
                if stream is not None:
                    stream.close()
            self.process = None


# The helper process, kept to the one import it needs (starting it costs ~30 ms of CPU, not the
# whole package's imports): draw each SVG read from stdin to fit LOGO_BOX × LOGO_BOX pixels.
_HELPER = f"""
import struct, sys
import resvg_py
source, sink = sys.stdin.buffer, sys.stdout.buffer
while header := source.read(4):
    svg = source.read(struct.unpack(">I", header)[0])
    try:
        png = bytes(resvg_py.svg_to_bytes(svg_string=svg.decode("utf-8"), width={LOGO_BOX}, height={LOGO_BOX}))
    except (ValueError, UnicodeDecodeError):
        png = b""
    sink.write(struct.pack(">I", len(png)) + png)
    sink.flush()
"""
