"""The preview's HTTP server: livereload's application on a server that bounds what a client can hold.

Any page open in the browser can make requests to ``127.0.0.1``, so the
preview must survive a hostile one: tornado's defaults keep an idle
connection for an hour and accept connections without limit.  Here an idle
connection (or one that sends its request too slowly) is closed after
``idle_timeout`` seconds, and at most ``max_connections`` are open at once
(the live-reload websockets of open tabs count too); beyond that a new
connection is closed at once, with one line in the terminal per burst.
"""

from __future__ import annotations

import sys
from typing import Any

import livereload
from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler
from livereload.server import LiveScriptInjector
from tornado import web
from tornado.httpserver import HTTPServer
from tornado.iostream import IOStream

IDLE_TIMEOUT = 15.0  # seconds; browsers reopen a closed keep-alive connection without a sound
MAX_CONNECTIONS = 64  # a few tabs' worth: six connections and a websocket each
# livereload's own loader snippet (its Server.application), for the page's own port
LIVE_SCRIPT = ('<script type="text/javascript">(function(){var s=document.createElement("script");'
               "var port=(window.location.port || (window.location.protocol == 'https:' ? 443: 80));"
               's.src="//"+window.location.hostname+":"+port+ "/livereload.js?port=" + port;'
               "document.head.appendChild(s);})();</script>")


class BoundedHTTPServer(HTTPServer):
    """tornado's server, refusing connections beyond ``max_connections``."""

    def initialize(self, *args: Any, max_connections: int = MAX_CONNECTIONS, **kwargs: Any) -> None:  # type: ignore[override]
        super().initialize(*args, **kwargs)
        self.max_connections = max_connections
        self.streams: list[IOStream] = []
        self.refusing = False

    def handle_stream(self, stream: IOStream, address: tuple) -> None:
        self.streams = [s for s in self.streams if not s.closed()]
        if len(self.streams) >= self.max_connections:
            if not self.refusing:
                print(f"badgedir: {len(self.streams)} connections open, the most the preview keeps; "
                      "refusing new ones until some close", file=sys.stderr, flush=True)
            self.refusing = True
            stream.close()
            return
        self.refusing = False
        self.streams.append(stream)
        super().handle_stream(stream, address)


def listen(server: livereload.Server, port: int, host: str, idle_timeout: float = IDLE_TIMEOUT,
           max_connections: int = MAX_CONNECTIONS) -> BoundedHTTPServer:
    """What ``server.application(port, host, liveport=None, debug=False, live_css=False)`` does, on a
    :class:`BoundedHTTPServer`.  Raises ``OSError`` when the address cannot be listened on."""
    LiveReloadHandler.watcher = server.watcher
    LiveReloadHandler.live_css = False
    script = LIVE_SCRIPT.encode("utf-8")

    class Injector(LiveScriptInjector):
        pass

    Injector.script = script
    handlers = [(r"/livereload", LiveReloadHandler), (r"/forcereload", ForceReloadHandler),
                (r"/livereload.js", LiveReloadJSHandler)] + server.get_web_handlers(script)
    app = web.Application(handlers=handlers, debug=False, transforms=[Injector])
    http = BoundedHTTPServer(app, idle_connection_timeout=idle_timeout, body_timeout=idle_timeout,
                             max_connections=max_connections)
    http.listen(port, address=host)
    return http
