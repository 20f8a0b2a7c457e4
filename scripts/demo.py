"""Serve the demo: the web server, Celery workers (mail; imports) and beat, stopped together.

Without REDIS_URL the worker and beat use the embedded filesystem broker under var/, so the
scheduled mailings of the demo really run with no server installed.
"""

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def celery_commands() -> list[list[str]]:
    """Beat and one worker per queue, as in docker-compose: mail and sweeps on `celery`,
    bulk imports on `imports` (an import never waits behind a mailing)."""
    celery = str(BIN / "celery")
    worker = [celery, "-A", "config", "worker", "--loglevel=INFO"]
    return [
        [*worker, "-Q", "celery", "-n", "demo@%h", "--concurrency=2"],
        [*worker, "-Q", "imports", "-n", "imports@%h", "--concurrency=1"],
        [celery, "-A", "config", "beat", "--loglevel=INFO", "--pidfile="],
    ]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    processes = [subprocess.Popen(command, cwd=ROOT, env=env) for command in celery_commands()]
    web = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{args.port}"],
        cwd=ROOT,
        env=env,
    )
    processes.append(web)
    print(f"\nStagematching draait op http://127.0.0.1:{args.port}/  (Ctrl+C om te stoppen)")
    print(
        "Na het wachtwoord vraagt het een code van zes cijfers; in een tweede terminal:\n"
        f"  {sys.executable} manage.py totp_code beheerder@demo.stagematching.be\n"
    )
    try:
        return web.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


if __name__ == "__main__":
    raise SystemExit(main())
