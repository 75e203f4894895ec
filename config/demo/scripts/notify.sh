#!/usr/bin/env bash
# Demo on_failure hook: a real one would page the desk; this one prints what it was given.
set -euo pipefail
echo "notify: a task failed for good (arguments: $*)"
env | grep -E '^(V6|SCHEDULER)_' | sort || true
