# Sourced by test.sh: redis-server (Debian package) for the scale-out tests on the Redis engine. Each test
# cluster starts its own throwaway server on 127.0.0.1 at a free port (the fault tests kill and restart it), so
# this only makes sure the binary is there and exports it as HUBAPP_TEST_REDIS_SERVER, and redis-cli (which the Redis
# Cluster tests create their six-node clusters with) as HUBAPP_TEST_REDIS_CLI. The package's own service is not used.
# Never exits: returns 1 on failure.

hubapp_redis_server="$(command -v redis-server || true)"
[ -z "$hubapp_redis_server" ] && [ -x /usr/bin/redis-server ] && hubapp_redis_server=/usr/bin/redis-server
if [ -z "$hubapp_redis_server" ]; then
  echo "50-redis.sh: installing redis-server (Debian package)" >&2
  # policy-rc.d 101: the package's service is not started (nothing here needs a Redis on 6379).
  hubapp_redis_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && hubapp_redis_policy=1
  fi
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null; } || { echo "50-redis.sh: apt-get install redis-server failed" >&2; [ -n "$hubapp_redis_policy" ] && rm -f /usr/sbin/policy-rc.d; return 1; }
  [ -n "$hubapp_redis_policy" ] && rm -f /usr/sbin/policy-rc.d
  hubapp_redis_server="$(command -v redis-server || echo /usr/bin/redis-server)"
  [ -x "$hubapp_redis_server" ] || { echo "50-redis.sh: no redis-server after installing the package" >&2; return 1; }
fi
export HUBAPP_TEST_REDIS_SERVER="$hubapp_redis_server"
# redis-cli comes with redis-server (Debian's redis-tools, which the server package depends on).
hubapp_redis_cli="$(command -v redis-cli || echo "$(dirname "$hubapp_redis_server")/redis-cli")"
[ -x "$hubapp_redis_cli" ] || { echo "50-redis.sh: no redis-cli beside $hubapp_redis_server" >&2; return 1; }
export HUBAPP_TEST_REDIS_CLI="$hubapp_redis_cli"
echo "50-redis.sh: $("$hubapp_redis_server" --version | awk '{print $3}') at $hubapp_redis_server" >&2
unset hubapp_redis_server hubapp_redis_cli hubapp_redis_policy
