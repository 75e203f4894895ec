#!/usr/bin/env python3
"""The dashboard's JSON API fuzzed from its own OpenAPI document with schemathesis, against a real
v6-scheduler and v6-dashboard on the demo configuration.

    python3 Tests/Dashboard/fuzz_api.py BIN_DIR

1. With a read-only key: no 5xx, every answer matches the document (status code, content type,
   schema), and nothing changes in the daemon (toggles and run count before and after).
2. With an operator key: no 5xx and every answer matches the document.
Ends with "N passed, M failed"; exits 1 on any failure.
"""
import json
import os
import re
import subprocess
import sys

from stack import Stack

CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
results = {"passed": 0, "failed": 0}


def check(name, ok, detail=""):
    results["passed" if ok else "failed"] += 1
    print(("PASS " if ok else "FAIL ") + name + ("" if ok or not detail else ":\n" + detail), flush=True)


def main():
    read_key, operator_key = "read-" + os.urandom(16).hex(), "oper-" + os.urandom(16).hex()
    stack = Stack(sys.argv[1], "apifuzz")
    keys_file = os.path.join(stack.work, "keys")
    with open(keys_file, "w") as keys:
        keys.write("fuzz-reader read-only %s\nfuzz-operator operator %s\n" % (read_key, operator_key))
    stack.dashboard_args = ["--api-keys", keys_file]
    try:
        stack.start()
        check("v6-dashboard starts", stack.base is not None, stack.line)
        if stack.base is None:
            return
        base = stack.base

        def state():
            tasks = json.loads(stack.v6ctl("list", "--json").stdout)["tasks"]
            runs = json.loads(stack.v6ctl("history", "--limit", "10000", "--json").stdout)["runs"]
            manual = [r["run_id"] for r in runs if r["trigger"] == "manual"]
            return {t["name"]: (t["enabled"], t["enabled_source"], t.get("toggle_until")) for t in tasks}, manual

        def fuzz(name, key, max_examples):
            # The schemathesis of the python running this script (make test-deps: .build/venv).
            beside = os.path.join(os.path.dirname(sys.executable), "schemathesis")
            command = [beside if os.path.exists(beside) else "schemathesis", "run", base + "/api/v1/openapi.yaml", "--url", base, "-H", "Authorization: Bearer " + key,
                       "--checks", CHECKS, "--max-examples", str(max_examples), "--workers", "1", "--no-color",
                       "--phases", "examples,coverage,fuzzing", "--suppress-health-check", "all"]
            # In the test's folder: schemathesis keeps a cache (.schemathesis/) in its working directory.
            run = subprocess.run(command, capture_output=True, text=True, timeout=900, cwd=stack.work)
            output = run.stdout + run.stderr
            # schemathesis's own tally ("N passed" / operations tested), so a run that tested nothing shows.
            summary = [l.strip() for l in output.splitlines() if re.search(r"(passed|failed|Test cases|API Operations|Operations)", l)]
            print("  schemathesis: " + " | ".join(summary[-4:]), flush=True)
            check(name, run.returncode == 0 and "No test cases" not in output, output[-4000:])

        before = state()
        fuzz("read-only key: no 5xx, answers match the document", read_key, 30)
        after = state()
        check("read-only key: nothing changed in the daemon", before == after, "before %s\nafter %s" % (before, after))
        fuzz("operator key: no 5xx, answers match the document", operator_key, 20)
    finally:
        stack.stop()
        print("api-fuzz: %d passed, %d failed" % (results["passed"], results["failed"]), flush=True)
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
