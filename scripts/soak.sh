#!/usr/bin/env bash
# The long soaks, outside the suite: the one-host churn soak and the two-node soak on each backplane engine
# (PostgreSQL and Redis), each for SECONDS (default 300; ./test.sh runs them for 60 and 90). Runs through test.sh so
# that PostgreSQL and Redis are installed and started as for the suite. Usage: scripts/soak.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
case "$seconds" in '' | *[!0-9]*) echo "soak.sh: SECONDS must be a whole number, not '$seconds'" >&2; exit 2 ;; esac
HUBAPP_SOAK_SECONDS="$seconds" exec ./test.sh --filter "FullyQualifiedName~HubApp.Tests.ScaleOut.SoakTests|FullyQualifiedName~HubApp.Tests.Hardening.SoakTests"
