#!/usr/bin/env bash
# Demo task: job.sh NAME SECONDS prints what it does, works for SECONDS, and succeeds.
set -euo pipefail
name="${1:-job}"
seconds="${2:-1}"
echo "$name: starting in $(pwd)"
sleep "$seconds"
echo "$name: done after ${seconds}s"
