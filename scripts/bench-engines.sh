#!/usr/bin/env bash
# Fan-out figures for 1, 2 and 3 nodes on each multi-node engine (Backplane:Provider=postgres and redis, both
# on Storage:Provider=postgres), as in docs/performance-history.md "Engines: 1, 2 and 3 nodes".
#
#   scripts/bench-engines.sh [--warmup S] [--duration S] [--only ENGINE:N]... [--out DIR] [--no-wait]
#
# ENGINE:N is postgres:N or redis:N (N = 1..5) or sqlite:1; --only re-runs some configurations into an --out
# that holds the others, and the table then shows them all. Defaults: --warmup 30 --duration 12 (30 s: the nodes reach their steady state, see docs/performance.md).
#
# Publishes the host and the bench (bench/HubApp.Bench) once (Release, into a temp folder), starts a throwaway PostgreSQL cluster
# (as scripts/prereqs/30-postgres.sh does) and a throwaway redis-server on free ports of 127.0.0.1, then for
# each engine and N = 1, 2, 3 (after one SQLite node without a backplane, the reference of the rest of
# docs/performance.md): a fresh database (and an emptied Redis), N nodes, /health 200 on each,
# `fanout` of the bench with its clients spread over the nodes, the JSON kept in --out, the nodes stopped (SIGTERM,
# then SIGKILL after 15 s). Prints one table at the end. Everything it started is stopped on exit; every wait
# is bounded. Before each configuration it waits (at most 20 minutes over the run) until no `dotnet test`
# runs on the machine and other processes use less than half a core; the table says for each configuration
# whether a test run was going on at its start or end, and how many cores other processes used while it ran
# (the machine's busy time from /proc/stat less that of this script's processes and of PostgreSQL). Nothing
# is pinned: as in the rest of docs/performance.md, the load generator, the nodes, PostgreSQL and Redis share
# the machine's cores.
# The machinery (PostgreSQL, Redis, nodes, waiting for a quiet machine) is scripts/lib/bench-nodes.sh's.
# Needs: dotnet, PostgreSQL binaries (/usr/lib/postgresql/*/bin), redis-server, redis-cli, curl, python3.
set -euo pipefail

warmup=30
duration=12
out=""
only=()
wait_idle=1
while [ $# -gt 0 ]; do
  case "$1" in
    --warmup) warmup="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --only) only+=("$2"); shift 2 ;;
    --no-wait) wait_idle=0; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "bench-engines.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done

root="$(cd "$(dirname "$0")/.." && pwd)"
bench_name=bench-engines
# shellcheck source=lib/bench-nodes.sh
. "$root/scripts/lib/bench-nodes.sh"
bench_init
publish_builds "$root"
start_postgres
start_redis

# --- one configuration: ENGINE N ---
run_one() {
  local engine="$1" n="$2" db="bench_$1_$2"
  name="$1-$2"
  wait_for_quiet
  local storage=postgres backplane="$engine"
  if [ "$engine" = sqlite ]; then
    # The reference: one node on its own SQLite file, no backplane (the rest of docs/performance.md).
    storage=sqlite backplane=none
    log "$name: fresh SQLite file, 1 node"
  else
    log "$name: fresh database $db, $n node(s)"
    create_database "$db" || return 1
  fi
  if [ "$engine" = redis ]; then [ "$(redis_cli "$redis_port" FLUSHALL)" = OK ] || { log "$name: FLUSHALL failed"; return 1; }; fi
  start_nodes "$db" "$n" "$storage" "$backplane" "127.0.0.1:$redis_port" || return 1
  local args
  read -r -a args <<<"fanout $(node_args | tr '\n' ' ')"
  args+=(--warmup "$warmup" --duration "$duration" --json "$out/$name.json")
  log "$name: ${args[*]}"
  local before after snap0 snap1
  before="$(tests_running && echo yes || echo no)"
  snap0="$(cpu_snap)"
  local rc=0
  timeout 300 dotnet "$work/bench/HubApp.Bench.dll" "${args[@]}" 2>&1 | tee "$out/$name.txt" | tr '\r' '\n' | grep -v 'deliveries/s over' >&2 || rc=${PIPESTATUS[0]}
  snap1="$(cpu_snap)"
  after="$(tests_running && echo yes || echo no)"
  # A test run going on at the start / at the end, and the cores other processes used meanwhile.
  echo "$before $after $(others_cores "$snap0" "$snap1")" >"$out/$name.machine"
  # Exit 3: the run finished but lost or refused something; it is in the JSON and the table.
  stop_nodes
  [ "$rc" = 0 ] || [ "$rc" = 3 ] || { log "$name: fanout exited with $rc"; return 1; }
  [ -s "$out/$name.json" ] || { log "$name: no JSON written"; return 1; }
}

configs=()
if [ ${#only[@]} -gt 0 ]; then configs=("${only[@]}"); else
  configs=(sqlite:1)
  for engine in postgres redis; do for n in 1 2 3; do configs+=("$engine:$n"); done; done
fi
failed=()
for config in "${configs[@]}"; do
  engine="${config%%:*}" n="${config##*:}"
  case "$engine:$n" in postgres:[1-5]|redis:[1-5]|sqlite:1) ;; *) die "unknown configuration $config (postgres:N or redis:N with N in 1..5, or sqlite:1)" ;; esac
  run_one "$engine" "$n" || failed+=("$config")
done

# --- the table (every JSON in $out, so that a partial re-run completes an earlier one) ---
python3 - "$out" <<'EOF'
import json, os, sys
out = sys.argv[1]
rows = {}
for engine in ("sqlite", "postgres", "redis"):
    for n in range(1, 6):
        path = os.path.join(out, f"{engine}-{n}.json")
        if os.path.exists(path):
            with open(path) as f:
                # The bench writes a figure it could not take (nothing delivered in the window) as the string "NaN".
                rows[(engine, n)] = json.load(f, object_hook=lambda d: {k: float(v) if v in ("NaN", "Infinity", "-Infinity") else v for k, v in d.items()})["FanOut"][0]
base = rows.get(("postgres", 1), {}).get("DeliveriesPerSecond")
print()
print("| engine | nodes | deliveries/s | ratio to postgres, 1 node | p50 / p99 ms | CPU s / 100k (nodes) | node cores | generator cores | lost | send errors | test run beside it | other work, cores |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |")
for (engine, n), r in rows.items():
    ratio = f"{r['DeliveriesPerSecond'] / base:.2f}" if base else "–"
    lat = r["Latency"]
    machine = os.path.join(out, f"{engine}-{n}.machine")
    tb, ta, others = open(machine).read().split() if os.path.exists(machine) else ("?",) * 3
    beside = "no" if tb == ta == "no" else "yes"
    print(f"| {engine} | {n} | {r['DeliveriesPerSecond']:,.0f} | {ratio} | {lat['P50Ms']:.0f} / {lat['P99Ms']:.0f} | "
          f"{r['ServerCpuSecondsPer100k']:.2f} | {r['ServerCores']:.2f} | {r['ClientCores']:.2f} | {r['Lost']} | {r['SendErrors']} | {beside} | {others} |")
EOF
log "JSON, bench output and node logs: $out"
[ ${#failed[@]} -eq 0 ] || die "failed: ${failed[*]}"
