#!/usr/bin/env bash
# Demo task: one line to show the scheduler is alive.
set -euo pipefail
echo "heartbeat at $(date '+%Y-%m-%d %H:%M:%S %Z') (pid $$)"
