"""`make bench`: figures for the hot paths of stagematching at realistic and stress sizes.

Run with `.venv/bin/python -m bench --size realistic|50k|100k|500k --repeat 7`. PostgreSQL only
(DATABASE_URL, default postgres://root@127.0.0.1:5432/stagematching_bench); the round
mailing needs Redis (BENCH_REDIS_URL, default redis://127.0.0.1:6379/12). Writes
bench/results/latest.json and latest.md. See docs/benchmarks.md for how to read them.

This is a benchmark, not a test: nothing here is collected by pytest and CI does not gate
on wall-clock times.
"""
