"""Benchmark 8: coverage-guided fuzzing (libFuzzer) of the parsers that read untrusted text, for a
bounded time per target (Tests/Fuzz/run.sh builds and runs them).

    python3 bench_fuzz.py REPO_DIR SECONDS_PER_TARGET
"""
import json
import os
import subprocess
import sys

from benchlib import WORK, record

NAMES = {
    "control-protocol": "the control protocol's JSON parser and request/response decoders",
    "schedule-syntax": "the cron, duration and at: parsers",
}


def main(repo, seconds):
    results = os.path.join(WORK, "fuzz.jsonl")
    done = subprocess.run(["bash", os.path.join(repo, "Tests/Fuzz/run.sh"), str(seconds), results])
    rows = [json.loads(line) for line in open(results)] if os.path.exists(results) else []
    for letter, row in zip("ab", rows):
        record(f"15{letter}", f"libFuzzer over {NAMES.get(row['target'], row['target'])}: crashes", row["crashes"], "crashes",
               target="0", met=row["crashes"] == 0 and row["exit"] == 0,
               notes=f"{row['runs']:,} inputs in {row['seconds']} s ({row['runs'] // max(1, row['seconds']):,}/s, "
                     f"-sanitize=fuzzer,address); coverage {row['cov']} edges, {row['features']} features; "
                     f"corpus {row['corpus']} inputs (kept in .build-fuzz/ between runs)")
    if done.returncode != 0:
        print(f"fuzzing found a crash or failed to build (exit {done.returncode}); see .build-fuzz/", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
