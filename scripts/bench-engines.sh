#!/usr/bin/env bash
# Fan-out figures for 1, 2 and 3 nodes on each multi-node engine (Backplane:Provider=postgres and redis, both
# on Storage:Provider=postgres), as in docs/performance.md "Engines: 1, 2 and 3 nodes".
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
# Needs: dotnet, PostgreSQL binaries (/usr/lib/postgresql/*/bin), redis-server, curl, python3.
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
log() { echo "bench-engines: $*" >&2; }
die() { log "$*"; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }

for tool in dotnet curl python3 redis-server; do
  command -v "$tool" >/dev/null || die "$tool is missing"
done
pg_bin=""
for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/pg_ctl" ] && pg_bin="$dir"; done
[ -n "$pg_bin" ] || die "no PostgreSQL binaries (source scripts/prereqs/30-postgres.sh once, or apt-get install postgresql)"

work="$(mktemp -d /tmp/hubapp-bench-engines.XXXXXX)"
chmod 755 "$work"
[ -n "$out" ] || out="$(mktemp -d /tmp/hubapp-bench-engines-results.XXXXXX)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

# --- cleanup: nodes, Redis, PostgreSQL, the temp folder (results in $out are kept) ---
node_pids=()
name=""
redis_pid=""
pg_started=""
pg_user=postgres
pg_as() { "$@"; }
if [ "$(id -u)" -eq 0 ]; then
  id "$pg_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user"
  pg_as() { runuser -u "$pg_user" -- "$@"; }
  chown "$pg_user" "$work"
else
  pg_user="$(id -un)"
fi

# SIGTERM, up to $2 seconds for the exit, then SIGKILL. Prints nothing; returns 0.
stop_pid() {
  local pid="$1" grace="${2:-15}" i
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < grace * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  log "pid $pid still running ${grace} s after SIGTERM: SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  return 0
}

cleanup() {
  local pid
  for pid in "${node_pids[@]}"; do stop_pid "$pid" 15; done
  [ -n "$redis_pid" ] && stop_pid "$redis_pid" 10
  if [ -n "$pg_started" ]; then
    pg_as "$pg_bin/pg_ctl" -D "$work/pg" -m fast -t 30 stop >/dev/null 2>&1 \
      || pg_as "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- the machine is shared: before each configuration, wait until no test run is going on and other work
# uses less than half a core (polling every 15 s, at most 20 minutes over the whole run); for each, note the
# cores that other processes used while it ran ---
tests_running() { pgrep -f "dotnet test" >/dev/null 2>&1 || pgrep -f testhost >/dev/null 2>&1; }
# "SECONDS BUSY OURS": a monotonic clock, the machine's busy jiffies (/proc/stat, without idle and iowait),
# and the jiffies of this script's process tree and the PostgreSQL cluster's (live processes, plus the reaped
# children of the two roots).
cpu_snap() {
  python3 - "$$" "$(head -1 "$work/pg/postmaster.pid" 2>/dev/null)" <<'PY'
import os, sys, time
roots = {int(p) for p in sys.argv[1:] if p}
stats = {}
for d in os.listdir('/proc'):
    if d.isdigit():
        try:
            s = open(f'/proc/{d}/stat').read()
        except OSError:
            continue
        f = s[s.rindex(')') + 2:].split()
        stats[int(d)] = (int(f[1]), int(f[11]) + int(f[12]), int(f[13]) + int(f[14]))
children = {}
for pid, (ppid, _, _) in stats.items():
    children.setdefault(ppid, []).append(pid)
ours, todo, seen = 0, list(roots), set()
while todo:
    p = todo.pop()
    if p in seen or p not in stats:
        continue
    seen.add(p)
    ours += stats[p][1] + (stats[p][2] if p in roots else 0)
    todo.extend(children.get(p, []))
cpu = open('/proc/stat').readline().split()[1:9]
busy = sum(int(x) for i, x in enumerate(cpu) if i not in (3, 4))
print(f"{time.monotonic():.3f} {busy} {ours}")
PY
}
# Cores used by other processes between two snapshots (USER_HZ = 100).
others_cores() {
  python3 -c 'import sys; a, b = sys.argv[1].split(), sys.argv[2].split(); print(f"{max(0, (int(b[1]) - int(a[1])) - (int(b[2]) - int(a[2]))) / (float(b[0]) - float(a[0])) / 100:.2f}")' "$1" "$2"
}
quiet_deadline=$((SECONDS + 1200))
wait_for_quiet() {
  [ "$wait_idle" = 1 ] || return 0
  local a b others said=""
  while :; do
    a="$(cpu_snap)"; sleep 5; b="$(cpu_snap)"
    others="$(others_cores "$a" "$b")"
    if ! tests_running && python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < 0.5 else 1)" "$others"; then return 0; fi
    if [ "$SECONDS" -ge "$quiet_deadline" ]; then
      log "the machine is still busy after 20 minutes of waiting (other work $others cores): measuring beside it"
      return 0
    fi
    [ -n "$said" ] || { log "waiting for a quieter machine (test run: $(tests_running && echo yes || echo no), other work $others cores), polling every 15 s"; said=1; }
    sleep 10
  done
}

# --- build once ---
log "publishing the host and the bench (Release) into $work"
timeout 900 dotnet publish "$root/src/HubApp/HubApp.csproj" -c Release -o "$work/host" -p:SkipClientBuild=true -nologo -v quiet >"$work/publish-host.log" 2>&1 \
  || { cat "$work/publish-host.log" >&2; die "publishing the host failed"; }
timeout 900 dotnet publish "$root/bench/HubApp.Bench/HubApp.Bench.csproj" -c Release -o "$work/bench" -p:SkipClientBuild=true -nologo -v quiet >"$work/publish-bench.log" 2>&1 \
  || { cat "$work/publish-bench.log" >&2; die "publishing the bench failed"; }

# --- PostgreSQL (the settings of scripts/prereqs/30-postgres.sh) ---
pg_port="$(free_port)"
pg_as "$pg_bin/initdb" -D "$work/pg" -U "$pg_user" --auth=trust -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log" >&2; die "initdb failed"; }
pg_started=1
pg_as "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$work -c max_connections=300 -c shared_buffers=64MB" start >/dev/null \
  || { cat "$work/pg.log" >&2; die "PostgreSQL did not start"; }
log "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"

# --- Redis ---
redis_port="$(free_port)"
mkdir -p "$work/redis"
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$work/redis" >"$work/redis.log" 2>&1 &
redis_pid=$!
redis_ping() { timeout 5 redis-cli -h 127.0.0.1 -p "$redis_port" "$@" 2>/dev/null; }
for ((i = 0; i < 100; i++)); do
  [ "$(redis_ping PING)" = PONG ] && break
  kill -0 "$redis_pid" 2>/dev/null || { cat "$work/redis.log" >&2; die "redis-server exited"; }
  sleep 0.1
done
[ "$(redis_ping PING)" = PONG ] || die "redis-server did not answer within 10 s"
log "$(redis-server --version | awk '{print $1, $3}') on 127.0.0.1:$redis_port (pid $redis_pid)"

signing_key="$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(48)).decode())')"

# Stops the nodes of the current configuration, notes each exit code (0 after a graceful SIGTERM).
stop_nodes() {
  local i code
  for ((i = 0; i < ${#node_pids[@]}; i++)); do
    stop_pid "${node_pids[$i]}" 15
    code=0
    wait "${node_pids[$i]}" 2>/dev/null || code=$?
    [ "$code" = 0 ] || log "$name: node $((i + 1)) exited with $code after SIGTERM (log: $out/$name-node$((i + 1)).log)"
    echo "$code" >"$out/$name-node$((i + 1)).exit"
  done
  node_pids=()
}

# --- one configuration: ENGINE N ---
run_one() {
  local engine="$1" n="$2" db="bench_$1_$2" i t port pid
  name="$1-$2"
  wait_for_quiet
  local urls=() pids=()
  local storage=postgres backplane="$engine"
  if [ "$engine" = sqlite ]; then
    # The reference: one node on its own SQLite file, no backplane (the rest of docs/performance.md).
    storage=sqlite backplane=none
    mkdir -p "$work/$name"
    log "$name: fresh SQLite file, 1 node"
  else
    log "$name: fresh database $db, $n node(s)"
    pg_as "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U "$pg_user" "$db" || return 1
  fi
  if [ "$engine" = redis ]; then [ "$(redis_ping FLUSHALL)" = OK ] || { log "$name: FLUSHALL failed"; return 1; }; fi
  node_pids=()
  for ((i = 1; i <= n; i++)); do
    port="$(free_port)"
    env Storage__Provider="$storage" Backplane__Provider="$backplane" \
      ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Username=$pg_user;Database=$db" \
      ConnectionStrings__Sqlite="Data Source=$work/$name/bench.db" \
      ConnectionStrings__Redis="127.0.0.1:$redis_port" \
      Auth__SigningKey="$signing_key" Auth__DevTokens__Enabled=true ASPNETCORE_ENVIRONMENT=Production \
      Limits__MessagesPerSecond=1000000 Limits__Burst=1000000 Logging__LogLevel__Default=Warning \
      dotnet "$work/host/HubApp.dll" --urls "http://127.0.0.1:$port" >"$out/$name-node$i.log" 2>&1 &
    pid=$!
    node_pids+=("$pid")
    urls+=("http://127.0.0.1:$port")
    pids+=("$pid")
  done
  for ((i = 0; i < n; i++)); do
    local ok=""
    for ((t = 0; t < 600; t++)); do
      kill -0 "${pids[$i]}" 2>/dev/null || break
      if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "${urls[$i]}/health")" = 200 ]; then ok=1; break; fi
      sleep 0.1
    done
    [ -n "$ok" ] || { tail -20 "$out/$name-node$((i + 1)).log" >&2; log "$name: node $((i + 1)) not healthy within 60 s"; stop_nodes; return 1; }
  done
  local args=(fanout --server "${urls[0]}" --server-pid "${pids[0]}")
  for ((i = 1; i < n; i++)); do args+=(--also-server "${urls[$i]}" --also-server-pid "${pids[$i]}"); done
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
                rows[(engine, n)] = json.load(f)["FanOut"][0]
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
