"""The yardstick: a bare Flask "hello" for a PUT on any path, served as the mock is served.

`python -m benchmarks.hello_app --port 0` serves it through `mockserver.serving`, the same
server and settings as `python -m mockserver serve`.
"""

from __future__ import annotations

import argparse
import contextlib

from flask import Flask

from mockserver.serving import make_server

app = Flask(__name__)


@app.put("/<path:path>")
def hello(path: str) -> str:
    """Answer without looking at the request."""
    return "hello"


def main() -> None:
    """Serve the bare app on loopback and print its URL, as the mock's `serve` does."""
    arguments = argparse.ArgumentParser(description=__doc__)
    arguments.add_argument("--port", type=int, default=0)
    port = arguments.parse_args().port
    server = make_server(app, "127.0.0.1", port)
    print(f"bare Flask app on http://127.0.0.1:{server.effective_port}", flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()


if __name__ == "__main__":
    main()
