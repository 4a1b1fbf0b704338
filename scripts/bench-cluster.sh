#!/usr/bin/env bash
# The cluster benchmark of issue 25 (docs/performance.md "Cluster benchmark (issue 25)"): node CPU per 100k
# deliveries at 1, 2 and 3 nodes, and its ratio to 1 node, for each engine and workload in one run.
#
#   scripts/bench-cluster.sh [--quick] [--warmup S] [--duration S] [--engines "E…"] [--nodes "N…"]
#                            [--workloads "W…"] [--out DIR] [--no-wait]
#
# Engines (all on Storage:Provider=postgres): postgres (Backplane:Provider=postgres), redis (one Redis),
# redis-cluster (Backplane:Provider=redis on a Redis Cluster of three masters and three replicas,
# ConnectionStrings:Redis listing the masters). Workloads, each paced to a fixed offered rate:
#   random  200 rooms × 5 members, 3,000 deliveries/s, each connection on a node drawn at random (seeded);
#   room    the same, every member of room r on node r mod N;
#   first   the same, every connection on node 1: the other nodes hold nothing;
#   direct  1,000 users, direct messages to users drawn at random, 300 a second (600 deliveries/s: each one
#           reaches the sender's and the recipient's connection), connections on nodes at random.
# At 1 node the three fan-out placements are one and the same workload: it runs once ("fanout") and is the
# denominator of all three.
# Defaults: every engine, nodes "1 2 3", every workload, --warmup 15 --duration 15 (about 20 minutes on a quiet
# machine: 30 runs of about 36 s, each connecting its 1,000 clients, plus publishing and starting nodes);
# --quick: nodes "1 3" (unless --nodes is given), --warmup 4 --duration 5 (18 runs of about 15 s: about 6 minutes).
#
# For each engine and N: a fresh database (and emptied Redis), N nodes (Production, dev tokens, rate limit lifted),
# /health 200 on each, then each workload in turn against those nodes with rooms and users of its own (--tag), the
# bench measuring the nodes' CPU (in all and node by node), PostgreSQL's (the postmaster and its backends) and
# Redis's over the measured window; then the nodes are stopped. The JSON of each run, its output, the node logs,
# cluster.json (every row) and table.md are kept in --out. Nothing is pinned; before each N it waits (at most 20
# minutes over the run, not with --no-wait) for a quiet machine, as scripts/bench-engines.sh does, and notes the
# cores other processes used. When an engine does not come up or a run fails, the table says so and the run goes on;
# the exit code is then 1.
# Needs: dotnet, PostgreSQL binaries (/usr/lib/postgresql/*/bin), redis-server, redis-cli, curl, python3.
set -euo pipefail

warmup=15
duration=15
engines="postgres redis redis-cluster"
node_counts=""
workloads="random room first direct"
out=""
wait_idle=1
quick=""
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) warmup=4; duration=5; quick=1; shift ;;
    --warmup) warmup="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --engines) engines="$2"; shift 2 ;;
    --nodes) node_counts="$2"; shift 2 ;;
    --workloads) workloads="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-wait) wait_idle=0; shift ;;
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "bench-cluster.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$node_counts" ] || { [ -n "$quick" ] && node_counts="1 3" || node_counts="1 2 3"; }
for e in $engines; do case "$e" in postgres|redis|redis-cluster) ;; *) echo "bench-cluster.sh: unknown engine $e" >&2; exit 2 ;; esac; done
for n in $node_counts; do case "$n" in [1-5]) ;; *) echo "bench-cluster.sh: nodes must be 1..5, not $n" >&2; exit 2 ;; esac; done
for w in $workloads; do case "$w" in random|room|first|direct) ;; *) echo "bench-cluster.sh: unknown workload $w" >&2; exit 2 ;; esac; done

rooms=200 members=5 room_rate=3000 users=1000 direct_rate=600

root="$(cd "$(dirname "$0")/.." && pwd)"
bench_name=bench-cluster
# shellcheck source=lib/bench-nodes.sh
. "$root/scripts/lib/bench-nodes.sh"
bench_init
started_at="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
publish_builds "$root"
start_postgres
case " $engines " in *" redis "*) start_redis ;; esac
cluster_state=""

failed=()
# Notes why a run has no figures: the table shows it.
fail() { echo "$2" >"$out/$1.failed"; failed+=("$1"); log "$1: $2"; }

# The bench's figures for one workload against the running nodes; $1 = engine-N, $2 = workload.
run_workload() {
  local config="$1" workload="$2" run="$1-$2" args rc=0 snap0 snap1 before after
  rm -f "$out/$run.failed" "$out/$run.json"
  case "$workload" in
    direct) args=(direct --users "$users" --rate "$direct_rate" --placement random) ;;
    fanout) args=(fanout --rooms "$rooms" --members "$members" --rate "$room_rate" --placement random) ;;
    *) args=(fanout --rooms "$rooms" --members "$members" --rate "$room_rate" --placement "$workload") ;;
  esac
  local nodes
  read -r -a nodes <<<"$(node_args | tr '\n' ' ')"
  args+=("${nodes[@]}" --tag "$workload-" --warmup "$warmup" --duration "$duration" --json "$out/$run.json" --backend "postgres=$(pg_pid)")
  [ -z "$bus_pids" ] || args+=(--backend "redis=$bus_pids")
  log "$run: ${args[*]}"
  before="$(tests_running && echo yes || echo no)"
  snap0="$(cpu_snap)"
  timeout "$((warmup + duration + 180))" dotnet "$work/bench/HubApp.Bench.dll" "${args[@]}" 2>&1 | tee "$out/$run.txt" | tr '\r' '\n' | grep -v 'deliveries/s over' >&2 || rc=${PIPESTATUS[0]}
  snap1="$(cpu_snap)"
  after="$(tests_running && echo yes || echo no)"
  echo "$before $after $(others_cores "$snap0" "$snap1")" >"$out/$run.machine"
  # Exit 3: the run finished but lost, duplicated or refused something; it is in the JSON and the table.
  if [ "$rc" != 0 ] && [ "$rc" != 3 ]; then fail "$run" "the bench exited with $rc (see $run.txt)"; return 0; fi
  [ -s "$out/$run.json" ] || fail "$run" "no JSON written (see $run.txt)"
}

for engine in $engines; do
  backplane=redis bus_pids="" redis_conn=""
  case "$engine" in
    postgres) backplane=postgres ;;
    redis) redis_conn="127.0.0.1:$redis_port" bus_pids="$redis_pid" ;;
    redis-cluster)
      if [ -z "$cluster_state" ]; then
        if start_redis_cluster; then cluster_state=up; else cluster_state=down; fi
      fi
      redis_conn="${cluster_masters:-}"
      bus_pids="$(IFS=,; echo "${cluster_pids[*]}")" ;;
  esac
  for n in $node_counts; do
    name="$engine-$n"
    runs=()
    for w in $workloads; do
      if [ "$n" = 1 ] && [ "$w" != direct ]; then w=fanout; fi
      case " ${runs[*]} " in *" $w "*) ;; *) runs+=("$w") ;; esac
    done
    if [ "$engine" = redis-cluster ] && [ "$cluster_state" != up ]; then
      for w in "${runs[@]}"; do fail "$name-$w" "the Redis Cluster did not form (see the log above)"; done
      continue
    fi
    wait_for_quiet
    db="bench_${engine//-/_}_$n"
    log "$name: fresh database $db, $n node(s) on the $engine engine"
    create_database "$db" || { for w in "${runs[@]}"; do fail "$name-$w" "createdb failed"; done; continue; }
    case "$engine" in
      redis) redis_cli "$redis_port" FLUSHALL >/dev/null || true ;;
      redis-cluster) for p in "${cluster_ports[@]:0:3}"; do redis_cli "$p" FLUSHALL >/dev/null || true; done ;;
    esac
    if ! start_nodes "$db" "$n" postgres "$backplane" "$redis_conn"; then
      for w in "${runs[@]}"; do fail "$name-$w" "a node was not healthy within 60 s (see $name-node*.log)"; done
      continue
    fi
    for w in "${runs[@]}"; do
      run_workload "$name" "$w"
      for pid in "${node_pids[@]}"; do
        kill -0 "$pid" 2>/dev/null || log "$name: node pid $pid has exited (see $name-node*.log)"
      done
    done
    stop_nodes
  done
done

# --- the tables (every JSON in $out, so that a partial re-run completes an earlier one) ---
python3 - "$out" "$started_at" "$warmup" "$duration" "$engines" "$node_counts" "$workloads" <<'EOF'
import json, os, sys
out, started_at, warmup, duration = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4])
engines, node_counts, workloads = sys.argv[5].split(), [int(n) for n in sys.argv[6].split()], sys.argv[7].split()
names = {"random": "200 rooms × 5 members, at random, 3,000 deliveries/s", "room": "every room's members on one node",
         "first": "every connection on node 1", "direct": "direct messages at random, 300/s (600 deliveries/s)"}
engine_names = {"postgres": "PostgreSQL", "redis": "Redis", "redis-cluster": "Redis Cluster"}

def load(engine, n, workload):
    run = f"{engine}-{n}-{'fanout' if n == 1 and workload != 'direct' else workload}"
    row = {"engine": engine, "nodes": n, "workload": workload, "run": run}
    failed = os.path.join(out, run + ".failed")
    path = os.path.join(out, run + ".json")
    if os.path.exists(failed):
        row["failed"] = open(failed).read().strip()
        return row
    if not os.path.exists(path):
        return None
    # The bench writes NaN (a figure it could not take) as the string "NaN".
    report = json.load(open(path), object_hook=lambda d: {k: float(v) if v in ("NaN", "Infinity", "-Infinity") else v for k, v in d.items()})
    r = (report["FixedRate"] or report["FanOut"])[0]
    machine = os.path.join(out, run + ".machine")
    tb, ta, others = open(machine).read().split() if os.path.exists(machine) else ("?",) * 3
    row.update({
        "deliveriesPerSecond": r["DeliveriesPerSecond"], "offered": r["Settings"]["OfferedRate"],
        "nodeCpuSecondsPer100k": r["ServerCpuSecondsPer100k"], "byNode": r["NodeCpuSecondsPer100k"],
        "nodesPerMessage": r["NodesPerMessage"], "backends": r["BackendCpuSecondsPer100k"],
        "lost": r["Lost"], "duplicated": r["Duplicated"], "sendErrors": r["SendErrors"], "unansweredSenders": r.get("UnansweredSenders", 0),
        "p50Ms": r["Latency"]["P50Ms"], "p99Ms": r["Latency"]["P99Ms"], "nodeCores": r["Cpu"]["ServerCores"],
        "generatorCores": r["Cpu"]["ClientCores"], "testRunBeside": not (tb == ta == "no"), "otherWorkCores": others,
    })
    return row

rows = [r for e in engines for w in workloads for n in node_counts if (r := load(e, n, w))]
for r in rows:
    base = next((b for b in rows if b["engine"] == r["engine"] and b["workload"] == r["workload"] and b["nodes"] == 1), None)
    ok = "failed" not in r and base is not None and "failed" not in base and base["nodeCpuSecondsPer100k"]
    r["ratioToOneNode"] = r["nodeCpuSecondsPer100k"] / base["nodeCpuSecondsPer100k"] if ok else None

def f(x, spec=".2f"):
    x = float(x) if isinstance(x, str) else x
    return "–" if x is None or x != x else format(x, spec)

lines = [f"Cluster benchmark, started {started_at}, --warmup {warmup:g} --duration {duration:g}; not pinned.", "",
         "| engine | workload | nodes | deliveries/s | of offered | node CPU s / 100k | ÷ 1 node | nodes per message | by node | PostgreSQL CPU s / 100k | Redis CPU s / 100k | lost / duplicated / refused | p50 / p99 ms | node / generator cores | other work, cores |",
         "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
for r in rows:
    head = f"| {engine_names[r['engine']]} | {names[r['workload']]} | {r['nodes']} |"
    if "failed" in r:
        lines.append(head + f" failed: {r['failed']} |" + " |" * 12)
        continue
    b = r["backends"]
    share = r["deliveriesPerSecond"] / r["offered"] if r["offered"] else None
    lines.append(head + f" {r['deliveriesPerSecond']:,.0f} | {f(share, '.0%')}{' (saturated?)' if share is not None and share < 0.9 else ''} | {f(r['nodeCpuSecondsPer100k'])} | {f(r['ratioToOneNode'])} | {f(r['nodesPerMessage'])} | "
                 f"{' / '.join(f(x) for x in r['byNode'])} | {f(b.get('postgres'))} | {f(b.get('redis'))} | "
                 f"{r['lost']} / {r['duplicated']} / {r['sendErrors']}{' (' + str(r['unansweredSenders']) + ' senders unanswered)' if r['unansweredSenders'] else ''} | {f(r['p50Ms'], '.1f')} / {f(r['p99Ms'], '.1f')} | "
                 f"{f(r['nodeCores'])} / {f(r['generatorCores'])} | {r['otherWorkCores']}{' (test run)' if r['testRunBeside'] else ''} |")
lines += ["", "| engine | workload | " + " | ".join(f"{n} nodes" for n in node_counts if n > 1) + f" | least nodes that must handle each message ({max(node_counts)} nodes) |",
          "| --- | --- | " + " | ".join("---:" for n in node_counts if n > 1) + " | ---: |"]
for e in engines:
    for w in workloads:
        by_n = {r["nodes"]: r for r in rows if r["engine"] == e and r["workload"] == w}
        if not by_n:
            continue
        cells = []
        for n in node_counts:
            if n == 1:
                continue
            r = by_n.get(n)
            ratio = None if r is None or "failed" in r else r["ratioToOneNode"]
            cells.append("failed" if r is not None and "failed" in r else "–" if ratio is None or ratio != ratio else f"{ratio:.2f}×")
        top = by_n.get(max(node_counts))
        spread = "–" if top is None or "failed" in top else f(top["nodesPerMessage"])
        lines.append(f"| {engine_names[e]} | {names[w]} | " + " | ".join(cells) + f" | {spread} |")
table = "\n".join(lines)
print()
print(table)
open(os.path.join(out, "table.md"), "w").write(table + "\n")
json.dump({"startedAt": started_at, "warmupSeconds": warmup, "durationSeconds": duration, "rows": rows},
          open(os.path.join(out, "cluster.json"), "w"), indent=2)
EOF
log "JSON (cluster.json, one per run), table.md, bench output and node logs: $out"
[ ${#failed[@]} -eq 0 ] || die "without figures: ${failed[*]}"
