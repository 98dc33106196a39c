"""The command line: serve the mock, encrypt or decrypt a password, check fixtures."""

from __future__ import annotations

import argparse
import contextlib
import gc
import ipaddress
import logging
import os
import sys
import time
from pathlib import Path

from mockserver import crypto
from mockserver.errors import FixtureError

ADMIN_TOKEN_ENV = "MOCK_ADMIN_TOKEN"


class UsageError(Exception):
    """A command line that asks for something unsafe or impossible."""


def is_loopback(host: str) -> bool:
    """Tell whether binding `host` keeps the mock on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _serve(args: argparse.Namespace) -> int:
    from mockserver.app import create_app
    from mockserver.context import MockConfig
    from mockserver.serving import base_url, make_server

    token = args.admin_token or os.environ.get(ADMIN_TOKEN_ENV) or None
    if not is_loopback(args.host):
        if token is None:
            raise UsageError(
                f"binding {args.host} makes the admin API reachable from other machines: "
                f"set --admin-token or {ADMIN_TOKEN_ENV}"
            )
        print(
            f"warning: binding {args.host}: the mock is reachable from other machines",
            file=sys.stderr,
        )
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s")
    config = MockConfig(fixtures_dir=Path(args.fixtures), watch=True, admin_token=token)
    app = create_app(config)
    # What start-up built lives as long as the server: keep it out of the collector's scans,
    # which otherwise grow with the size of the fixtures' world on every request's garbage.
    gc.freeze()
    server = make_server(app, args.host, args.port)
    print(
        f"userPwdReset mock on {base_url(args.host, server.effective_port)} "
        f"(fixtures: {args.fixtures}; admin API: /__admin/)",
        flush=True,
    )
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


def _encrypt(args: argparse.Namespace) -> int:
    print(crypto.encrypt(args.plaintext, args.random))
    return 0


def _decrypt(args: argparse.Namespace) -> int:
    print(crypto.decrypt(args.ciphertext, args.random))
    return 0


def _check_fixtures(args: argparse.Namespace) -> int:
    from mockserver.reloading import load_fixtures

    fixtures = load_fixtures(Path(args.directory), now=time.time())
    world, catalog = fixtures.world, fixtures.catalog
    print(
        f"{args.directory}: ok ({len(world.domains)} user domains, "
        f"{len({id(user) for user in world.users.values()})} users, {len(world.codes)} codes, "
        f"{len(catalog.scenarios)} scenarios, {len(catalog.rules)} rules)"
    )
    return 0


def parser() -> argparse.ArgumentParser:
    """Build the argument parser of `python -m mockserver`."""
    root = argparse.ArgumentParser(
        prog="python -m mockserver", description="Mock of PUT /v2/enduser/enduserapi/userPwdReset"
    )
    commands = root.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the mock")
    serve.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8080, help="port (default 8080; 0: any free)")
    serve.add_argument("--fixtures", default="fixtures", help="fixture folder (default fixtures)")
    serve.add_argument(
        "--admin-token",
        help=f"require this token for /__admin/ (or set {ADMIN_TOKEN_ENV}); "
        "needed when binding beyond loopback",
    )
    serve.set_defaults(run=_serve)

    encrypt = commands.add_parser("encrypt", help="encrypt a password as a client sends it")
    encrypt.add_argument("--random", required=True, help="the request's random value")
    encrypt.add_argument("plaintext")
    encrypt.set_defaults(run=_encrypt)

    decrypt = commands.add_parser("decrypt", help="decrypt a pwd value")
    decrypt.add_argument("--random", required=True, help="the request's random value")
    decrypt.add_argument("ciphertext")
    decrypt.set_defaults(run=_decrypt)

    check = commands.add_parser("check-fixtures", help="check a fixture folder and exit")
    check.add_argument("directory")
    check.set_defaults(run=_check_fixtures)
    return root


def main(argv: list[str] | None = None) -> int:
    """Run the command line; errors print one clear line each and exit non-zero."""
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except FixtureError as error:
        for problem in error.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except crypto.DecryptError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(f"error: {error.strerror or error}", file=sys.stderr)
        return 2
