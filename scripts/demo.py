"""Serve the demo: the web server, a Celery worker and Celery beat, stopped together.

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


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", default="8000")
    args = parser.parse_args()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    celery = str(BIN / "celery")
    processes = [
        subprocess.Popen(
            [
                celery,
                "-A",
                "config",
                "worker",
                "--loglevel=INFO",
                "--concurrency=2",
                "-n",
                "demo@%h",
            ],
            cwd=ROOT,
            env=env,
        ),
        subprocess.Popen(
            [celery, "-A", "config", "beat", "--loglevel=INFO", "--pidfile="],
            cwd=ROOT,
            env=env,
        ),
    ]
    web = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{args.port}"],
        cwd=ROOT,
        env=env,
    )
    processes.append(web)
    print(f"\nStagematching draait op http://127.0.0.1:{args.port}/  (Ctrl+C om te stoppen)\n")
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
