#!/usr/bin/env bash
# Makes docs/screenshot.png and docs/screenshot-phone.png (beside the first, whatever its path): builds and starts HubApp on a free local port with a throwaway SQLite file, runs
# scripts/screenshot.mjs against it in headless Chromium, then stops the host. Needs Debian's chromium
# (scripts/prereqs/20-chromium.sh installs it) and `npm ci --prefix client`. SCREENSHOT_SCRIPT runs another script
# the same way (scripts/screenshot-attachments.mjs for docs/screenshot-attachments.png).
set -euo pipefail
cd "$(dirname "$0")/.."

data="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
dotnet build src/HubApp -v:q -nologo >/dev/null
ConnectionStrings__Sqlite="Data Source=$data/hubapp.db" dotnet run --no-build --project src/HubApp --urls "http://127.0.0.1:$port" >"$data/host.log" 2>&1 &
host=$!
trap 'kill "$host" 2>/dev/null || true; wait "$host" 2>/dev/null || true; rm -rf "$data"' EXIT

for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$port/health" >/dev/null && break
  sleep 0.5
done
curl -fs "http://127.0.0.1:$port/health" >/dev/null || { echo "screenshot.sh: the host did not start:" >&2; cat "$data/host.log" >&2; exit 1; }
node "${SCREENSHOT_SCRIPT:-scripts/screenshot.mjs}" "http://127.0.0.1:$port" "${1:-docs/screenshot.png}"
