"""A real PostgreSQL server for the gradebook tests, started from Debian's `postgresql` package.

Which server the tests use, in this order:
1. BACKPROP_TEST_POSTGRES, if set: the SQLAlchemy URL of a database on a server you run (e.g.
   postgresql+psycopg://grader@127.0.0.1:5432/postgres), whose user may create databases;
2. otherwise a throwaway server of the installed binaries (/usr/lib/postgresql/*/bin, or on PATH)
   on 127.0.0.1 and a free port, its data in a temporary folder, run as the `postgres` user when
   the tests run as root (PostgreSQL refuses root), and stopped after the tests.
With neither, the tests fail and say how to install the server (`apt-get install -y postgresql`,
as .ci/run does). They skip instead only when BACKPROP_SKIP_POSTGRES=1 is set outside CI: in CI
(CI set) they always run.
"""
from contextlib import contextmanager
import os
from pathlib import Path
import shutil
import signal
import socket
import subprocess
import tempfile
import time

import pytest


def server_url():
    """A context manager giving the URL of a maintenance database on a running server."""
    if os.environ.get("BACKPROP_TEST_POSTGRES"):
        return _given(os.environ["BACKPROP_TEST_POSTGRES"])
    binaries = _binaries()
    if binaries is None:
        if os.environ.get("BACKPROP_SKIP_POSTGRES") == "1" and not os.environ.get("CI"):
            pytest.skip("BACKPROP_SKIP_POSTGRES=1 and no PostgreSQL server installed")
        pytest.fail("the PostgreSQL gradebook tests need a PostgreSQL server: install Debian's "
                    "package (apt-get install -y postgresql), or set BACKPROP_TEST_POSTGRES to "
                    "the URL of one, or BACKPROP_SKIP_POSTGRES=1 to skip these tests")
    return _throwaway(binaries)


def new_database(server, name):
    """Create an empty database on the server; returns its SQLAlchemy URL."""
    import sqlalchemy
    engine = sqlalchemy.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sqlalchemy.text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return str(sqlalchemy.engine.make_url(server).set(database=name).render_as_string(False))


@contextmanager
def _given(url):
    yield url


def _binaries():
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/postgres"),
                   key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0)
    if found:
        return found[-1].parent
    on_path = shutil.which("postgres")
    return Path(on_path).resolve().parent if on_path else None


@contextmanager
def _throwaway(binaries):
    user = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="gradebook-postgres-"))
    if user:
        shutil.chown(folder, user)
    data, port = folder / "data", _free_port()
    subprocess.run([binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                    "--no-locale", "--no-sync"], user=user, cwd=folder, check=True, capture_output=True)
    log = open(folder / "server.log", "wb")
    server = subprocess.Popen(
        [binaries / "postgres", "-D", data, "-h", "127.0.0.1", "-p", str(port), "-k", folder,
         "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
        user=user, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    try:
        _wait_until_up(url, server, folder / "server.log")
        yield url
    finally:
        server.send_signal(signal.SIGINT)   # a fast shutdown: ends the sessions still open
        server.wait(timeout=30)
        log.close()
        shutil.rmtree(folder, ignore_errors=True)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_up(url, server, log, seconds=30):
    import sqlalchemy
    engine = sqlalchemy.create_engine(url)
    deadline = time.monotonic() + seconds
    try:
        while True:
            try:
                with engine.connect():
                    return
            except sqlalchemy.exc.OperationalError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"PostgreSQL did not start:\n{log.read_text()}") from None
                time.sleep(0.2)
    finally:
        engine.dispose()
