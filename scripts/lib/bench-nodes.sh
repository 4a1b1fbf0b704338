# Shared by scripts/bench-engines.sh and scripts/bench-cluster.sh (sourced, not run): a temp folder, a throwaway
# PostgreSQL cluster (as scripts/prereqs/30-postgres.sh does), throwaway Redis servers (one, or a Redis Cluster of
# three masters and three replicas), the host and the bench published once, HubApp nodes started and stopped, the
# machine's other work measured, and everything stopped on exit. Every wait is bounded.
#
# The sourcing script sets bench_name (for log lines) and out (a results folder), then calls bench_init.
# Needs: dotnet, PostgreSQL binaries (/usr/lib/postgresql/*/bin), redis-server, redis-cli, curl, python3.

log() { echo "$bench_name: $*" >&2; }
die() { log "$*"; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'; }
# A free port P of 127.0.0.1 with P + 10000 free too (a cluster node's bus port), so P is at most 55535.
free_cluster_port() {
  python3 - <<'PY'
import random, socket
for _ in range(200):
    p = random.randint(20000, 45535)
    try:
        with socket.socket() as a, socket.socket() as b:
            a.bind(("127.0.0.1", p)); b.bind(("127.0.0.1", p + 10000))
        print(p); break
    except OSError:
        pass
else:
    raise SystemExit("no free pair of ports P, P + 10000")
PY
}

node_pids=()
node_urls=()
redis_pids=()
name=""
pg_started=""
pg_port=""
pg_user=postgres
pg_as() { "$@"; }

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

bench_cleanup() {
  local pid
  for pid in "${node_pids[@]}"; do stop_pid "$pid" 15; done
  for pid in "${redis_pids[@]}"; do stop_pid "$pid" 10; done
  if [ -n "$pg_started" ]; then
    pg_as "$pg_bin/pg_ctl" -D "$work/pg" -m fast -t 30 stop >/dev/null 2>&1 \
      || pg_as "$pg_bin/pg_ctl" -D "$work/pg" -m immediate stop >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}

# Checks the tools, makes the temp folder ($work) and the results folder ($out, kept), sets the traps.
bench_init() {
  local tool dir
  for tool in dotnet curl python3 redis-server redis-cli; do
    command -v "$tool" >/dev/null || die "$tool is missing"
  done
  pg_bin=""
  for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/pg_ctl" ] && pg_bin="$dir"; done
  [ -n "$pg_bin" ] || die "no PostgreSQL binaries (source scripts/prereqs/30-postgres.sh once, or apt-get install postgresql)"
  work="$(mktemp -d "/tmp/hubapp-$bench_name.XXXXXX")"
  chmod 755 "$work"
  [ -n "$out" ] || out="$(mktemp -d "/tmp/hubapp-$bench_name-results.XXXXXX")"
  mkdir -p "$out"
  out="$(cd "$out" && pwd)"
  if [ "$(id -u)" -eq 0 ]; then
    id "$pg_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$pg_user"
    pg_as() { runuser -u "$pg_user" -- "$@"; }
    chown "$pg_user" "$work"
  else
    pg_user="$(id -un)"
  fi
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
  quiet_deadline=$((SECONDS + 1200))
}

# --- the machine is shared: before each configuration, wait until no test run is going on and other work
# uses less than half a core (polling every 15 s, at most 20 minutes over the whole run); for each, note the
# cores that other processes used while it ran ---
wait_idle="${wait_idle:-1}"
tests_running() { pgrep -f "dotnet test" >/dev/null 2>&1 || pgrep -f testhost >/dev/null 2>&1; }
# "SECONDS BUSY OURS": a monotonic clock, the machine's busy jiffies (/proc/stat, without idle and iowait),
# and the jiffies of this script's process tree and the PostgreSQL cluster's (live processes, plus the reaped
# children of the two roots).
cpu_snap() {
  python3 - "$$" "$(pg_pid)" <<'PY'
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

# --- build once: $work/host and $work/bench ---
publish_builds() {
  local root="$1"
  log "publishing the host and the bench (Release) into $work"
  timeout 900 dotnet publish "$root/src/HubApp/HubApp.csproj" -c Release -o "$work/host" -p:SkipClientBuild=true -nologo -v quiet >"$work/publish-host.log" 2>&1 \
    || { cat "$work/publish-host.log" >&2; die "publishing the host failed"; }
  timeout 900 dotnet publish "$root/bench/HubApp.Bench/HubApp.Bench.csproj" -c Release -o "$work/bench" -p:SkipClientBuild=true -nologo -v quiet >"$work/publish-bench.log" 2>&1 \
    || { cat "$work/publish-bench.log" >&2; die "publishing the bench failed"; }
}

# --- PostgreSQL (the settings of scripts/prereqs/30-postgres.sh) on $pg_port ---
start_postgres() {
  pg_port="$(free_port)"
  pg_as "$pg_bin/initdb" -D "$work/pg" -U "$pg_user" --auth=trust -E UTF8 --locale=C.UTF-8 >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log" >&2; die "initdb failed"; }
  pg_started=1
  pg_as "$pg_bin/pg_ctl" -D "$work/pg" -l "$work/pg.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -c port=$pg_port -c unix_socket_directories=$work -c max_connections=300 -c shared_buffers=64MB" start >/dev/null \
    || { cat "$work/pg.log" >&2; die "PostgreSQL did not start"; }
  log "PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$pg_port"
}
pg_pid() { head -1 "$work/pg/postmaster.pid" 2>/dev/null || true; }
create_database() { pg_as "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U "$pg_user" "$1"; }

redis_cli() { local port="$1"; shift; timeout 10 redis-cli -h 127.0.0.1 -p "$port" "$@" 2>/dev/null; }

# A redis-server on a free port of 127.0.0.1 (one of free_cluster_port's with --cluster-enabled), answering PING;
# prints "PORT PID" (the caller adds PID to redis_pids: this runs in a command substitution), or nothing when it did
# not answer within 10 s. Further arguments go to redis-server.
start_redis_server() {
  local port dir pid i
  case " $* " in *" --cluster-enabled yes "*) port="$(free_cluster_port)" ;; *) port="$(free_port)" ;; esac
  dir="$work/redis-$port"
  mkdir -p "$dir"
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no --dir "$dir" "$@" >"$dir/redis.log" 2>&1 &
  pid=$!
  for ((i = 0; i < 100; i++)); do
    [ "$(redis_cli "$port" PING)" = PONG ] && { echo "$port $pid"; return 0; }
    kill -0 "$pid" 2>/dev/null || { cat "$dir/redis.log" >&2; log "redis-server exited"; return 1; }
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  log "redis-server on $port did not answer within 10 s"
  return 1
}

# One Redis: sets redis_port, redis_pid.
start_redis() {
  local started
  started="$(start_redis_server)" || die "redis-server did not start"
  redis_port="${started% *}" redis_pid="${started#* }"
  redis_pids+=("$redis_pid")
  log "$(redis-server --version | awk '{print $1, $3}') on 127.0.0.1:$redis_port (pid $redis_pid)"
}

# A Redis Cluster: three masters and three replicas (redis-cli --cluster create --cluster-replicas 1), its slots all
# served (cluster_state:ok on every server). Sets cluster_ports (masters first), cluster_pids, cluster_masters
# ("127.0.0.1:P1,127.0.0.1:P2,127.0.0.1:P3"). Returns 1 (having said why) when the cluster does not form.
start_redis_cluster() {
  local i started endpoints=() port ok
  cluster_ports=() cluster_pids=()
  for ((i = 0; i < 6; i++)); do
    started="$(start_redis_server --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000)" || return 1
    cluster_ports+=("${started% *}")
    cluster_pids+=("${started#* }")
    redis_pids+=("${started#* }")
    endpoints+=("127.0.0.1:${started% *}")
  done
  # create makes the first three given the masters.
  timeout 60 redis-cli --cluster create "${endpoints[@]}" --cluster-replicas 1 --cluster-yes >"$work/redis-cluster-create.log" 2>&1 \
    || { tail -20 "$work/redis-cluster-create.log" >&2; log "redis-cli --cluster create failed"; return 1; }
  for ((i = 0; i < 300; i++)); do
    ok=1
    for port in "${cluster_ports[@]}"; do
      redis_cli "$port" CLUSTER INFO | grep -q '^cluster_state:ok' || { ok=""; break; }
    done
    [ -n "$ok" ] && break
    sleep 0.1
  done
  [ -n "$ok" ] || { log "the Redis Cluster did not reach cluster_state:ok within 30 s"; return 1; }
  cluster_masters="127.0.0.1:${cluster_ports[0]},127.0.0.1:${cluster_ports[1]},127.0.0.1:${cluster_ports[2]}"
  log "Redis Cluster: masters ${cluster_masters}, replicas ${cluster_ports[*]:3} (pids ${cluster_pids[*]})"
}

# Starts $2 HubApp nodes (logs $out/$name-nodeI.log) with Storage:Provider=$3, Backplane:Provider=$4, PostgreSQL
# database $1, Redis connection string $5, and waits for /health 200 on each (60 s at most). Sets node_pids,
# node_urls. Returns 1 (nodes stopped) when one is not healthy.
signing_key=""
start_nodes() {
  local db="$1" n="$2" storage="$3" backplane="$4" redis="$5" i t port pid ok
  [ -n "$signing_key" ] || signing_key="$(python3 -c 'import base64, os; print(base64.b64encode(os.urandom(48)).decode())')"
  node_pids=() node_urls=()
  mkdir -p "$work/$name"
  for ((i = 1; i <= n; i++)); do
    port="$(free_port)"
    env Storage__Provider="$storage" Backplane__Provider="$backplane" \
      ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Username=$pg_user;Database=$db" \
      ConnectionStrings__Sqlite="Data Source=$work/$name/bench.db" \
      ConnectionStrings__Redis="$redis" \
      Auth__SigningKey="$signing_key" Auth__DevTokens__Enabled=true ASPNETCORE_ENVIRONMENT=Production \
      Limits__MessagesPerSecond=1000000 Limits__Burst=1000000 Logging__LogLevel__Default=Warning \
      dotnet "$work/host/HubApp.dll" --urls "http://127.0.0.1:$port" >"$out/$name-node$i.log" 2>&1 &
    pid=$!
    node_pids+=("$pid")
    node_urls+=("http://127.0.0.1:$port")
  done
  for ((i = 0; i < n; i++)); do
    ok=""
    for ((t = 0; t < 600; t++)); do
      kill -0 "${node_pids[$i]}" 2>/dev/null || break
      if [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "${node_urls[$i]}/health")" = 200 ]; then ok=1; break; fi
      sleep 0.1
    done
    [ -n "$ok" ] || { tail -20 "$out/$name-node$((i + 1)).log" >&2; log "$name: node $((i + 1)) not healthy within 60 s"; stop_nodes; return 1; }
  done
}

# The bench's arguments that name the nodes: --server URL --server-pid PID, then --also-server… for the others.
node_args() {
  local i
  echo "--server ${node_urls[0]} --server-pid ${node_pids[0]}"
  for ((i = 1; i < ${#node_pids[@]}; i++)); do echo "--also-server ${node_urls[$i]} --also-server-pid ${node_pids[$i]}"; done
}

# Stops the nodes of the current configuration, notes each exit code (0 after a graceful SIGTERM) in $out/$name-nodeI.exit.
stop_nodes() {
  local i code
  for ((i = 0; i < ${#node_pids[@]}; i++)); do
    stop_pid "${node_pids[$i]}" 15
    code=0
    wait "${node_pids[$i]}" 2>/dev/null || code=$?
    [ "$code" = 0 ] || log "$name: node $((i + 1)) exited with $code after SIGTERM (log: $out/$name-node$((i + 1)).log)"
    echo "$code" >"$out/$name-node$((i + 1)).exit"
  done
  node_pids=() node_urls=()
}
