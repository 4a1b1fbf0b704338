# Sourced by test.sh: a throwaway PostgreSQL 15 cluster for the scale-out tests, in a temp folder, on
# 127.0.0.1 at a free port, trust authentication. Exports HUBAPP_TEST_POSTGRES (a connection string to an
# empty database the tests may create further databases from) and stops the cluster at exit.
# Installs Debian's postgresql package when its binaries are missing. Never exits: returns 1 on failure.

hubapp_pg_bin=""
for dir in /usr/lib/postgresql/*/bin; do
  [ -x "$dir/pg_ctl" ] && hubapp_pg_bin="$dir"
done
if [ -z "$hubapp_pg_bin" ]; then
  echo "30-postgres.sh: installing PostgreSQL (Debian package)" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; } || { echo "30-postgres.sh: apt-get install postgresql failed" >&2; return 1; }
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/pg_ctl" ] && hubapp_pg_bin="$dir"
  done
  [ -n "$hubapp_pg_bin" ] || { echo "30-postgres.sh: no pg_ctl after installing postgresql" >&2; return 1; }
fi

# initdb refuses to run as root: the cluster belongs to a plain user.
hubapp_pg_user=postgres
if [ "$(id -u)" -eq 0 ]; then
  id "$hubapp_pg_user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$hubapp_pg_user" || return 1
  hubapp_pg_as() { runuser -u "$hubapp_pg_user" -- "$@"; }
else
  hubapp_pg_user="$(id -un)"
  hubapp_pg_as() { "$@"; }
fi

hubapp_pg_dir="$(mktemp -d /tmp/hubapp-pg.XXXXXX)"
chmod 755 "$hubapp_pg_dir"
[ "$(id -u)" -eq 0 ] && chown "$hubapp_pg_user" "$hubapp_pg_dir"
hubapp_pg_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)))"

hubapp_pg_as "$hubapp_pg_bin/initdb" -D "$hubapp_pg_dir/data" -U "$hubapp_pg_user" --auth=trust -E UTF8 --locale=C.UTF-8 >"$hubapp_pg_dir/initdb.log" 2>&1 \
  || { echo "30-postgres.sh: initdb failed:" >&2; cat "$hubapp_pg_dir/initdb.log" >&2; return 1; }
# Small, fast and not durable beyond what the tests need: fsync stays on so "durable before the ack" is real.
hubapp_pg_as "$hubapp_pg_bin/pg_ctl" -D "$hubapp_pg_dir/data" -l "$hubapp_pg_dir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -c port=$hubapp_pg_port -c unix_socket_directories=$hubapp_pg_dir -c max_connections=300 -c shared_buffers=64MB" start >/dev/null \
  || { echo "30-postgres.sh: the cluster did not start:" >&2; cat "$hubapp_pg_dir/server.log" >&2; return 1; }
at_exit "runuser -u '$hubapp_pg_user' -- '$hubapp_pg_bin/pg_ctl' -D '$hubapp_pg_dir/data' -m immediate stop >/dev/null 2>&1 || '$hubapp_pg_bin/pg_ctl' -D '$hubapp_pg_dir/data' -m immediate stop >/dev/null 2>&1; rm -rf '$hubapp_pg_dir'"
hubapp_pg_as "$hubapp_pg_bin/createdb" -h 127.0.0.1 -p "$hubapp_pg_port" -U "$hubapp_pg_user" hubapp_test || { echo "30-postgres.sh: createdb failed" >&2; return 1; }

export HUBAPP_TEST_POSTGRES="Host=127.0.0.1;Port=$hubapp_pg_port;Username=$hubapp_pg_user;Database=hubapp_test"
# The fault tests restart the cluster: they need its folder, its binaries and the user that owns it.
export HUBAPP_TEST_POSTGRES_DATA="$hubapp_pg_dir/data"
export HUBAPP_TEST_POSTGRES_BIN="$hubapp_pg_bin"
export HUBAPP_TEST_POSTGRES_USER="$hubapp_pg_user"
echo "30-postgres.sh: PostgreSQL $("$hubapp_pg_bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$hubapp_pg_port ($hubapp_pg_dir)" >&2
unset -f hubapp_pg_as
