"""Measure the time from a fresh clone to the login page with ``make demo``.

Clones the repository (committed files only) into a new directory, runs ``make demo`` there
(virtualenv, pip install, migrations, demo municipality S, demo users, gunicorn) with
MELDPUNT_VAR_DIR inside the clone, and polls http://127.0.0.1:8000/inloggen/ until it answers
200. The figure is the wall time from the start of ``git clone`` to that first 200. Afterwards
the server's process group (and only that) is stopped and port 8000 is checked to be free.

pip installs from its cache/wheelhouse: run this twice and report the second run to measure
what a user sees with a warm pip cache::

    .venv/bin/python bench/fresh_clone_demo.py [--clone-dir /tmp/fresh-demo]
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOST, PORT, LOGIN_PATH = "127.0.0.1", 8000, "/inloggen/"
GIVE_UP_AFTER_SECONDS = 1200


def port_in_use(host: str = HOST, port: int = PORT) -> bool:
    with socket.socket() as probe:
        probe.settimeout(1)
        return probe.connect_ex((host, port)) == 0


def login_page_status() -> int | None:
    """HTTP status of the login page (redirects not followed), or None while nothing answers."""
    connection = http.client.HTTPConnection(HOST, PORT, timeout=5)
    try:
        connection.request("GET", LOGIN_PATH)
        return connection.getresponse().status
    except OSError:
        return None
    finally:
        connection.close()


def group_alive(process: subprocess.Popen) -> bool:
    process.poll()  # reap the group leader once it has exited
    try:
        os.killpg(process.pid, 0)
    except ProcessLookupError:
        return False
    return True


def stop_process_group(process: subprocess.Popen) -> None:
    """Stop the process group that ``make demo`` started (make, meldpunt/gunicorn and its workers)."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if not group_alive(process):
            return
        os.killpg(process.pid, sig)
        deadline = time.monotonic() + 15
        while group_alive(process) and time.monotonic() < deadline:
            time.sleep(0.2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clone-dir", type=Path, default=Path(tempfile.gettempdir()) / "fresh-demo")
    args = parser.parse_args()

    if port_in_use():
        sys.exit(f"Port {PORT} is already in use by another process; stop it first (not done here).")
    shutil.rmtree(args.clone_dir, ignore_errors=True)
    env = {**os.environ, "MELDPUNT_VAR_DIR": str(args.clone_dir / "var")}
    for inherited in ("VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE", "MELDPUNT_DATABASE_URL"):
        env.pop(inherited, None)

    started = time.perf_counter()
    subprocess.run(["git", "clone", "--quiet", str(REPO), str(args.clone_dir)], check=True)
    log_path = args.clone_dir / "make-demo.log"
    with log_path.open("w") as log:
        demo = subprocess.Popen(["make", "demo"], cwd=args.clone_dir, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        status = None
        while status != 200:
            if demo.poll() is not None:
                sys.exit(f"`make demo` stopped with exit code {demo.returncode}; see {log_path}")
            if time.perf_counter() - started > GIVE_UP_AFTER_SECONDS:
                sys.exit(f"No 200 from {LOGIN_PATH} after {GIVE_UP_AFTER_SECONDS} s; see {log_path}")
            time.sleep(0.25)
            status = login_page_status()
        seconds = time.perf_counter() - started
    finally:
        stop_process_group(demo)
    if port_in_use():
        sys.exit(f"Port {PORT} is still in use after stopping the demo server")
    print(json.dumps({"metric": "make_demo_fresh_clone_seconds", "value": round(seconds, 1), "unit": "s",
                      "size": "S", "note": "git clone to first 200 from /inloggen/"}))


if __name__ == "__main__":
    main()
