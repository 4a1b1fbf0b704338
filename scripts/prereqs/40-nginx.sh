# Sourced by test.sh: nginx (Debian package) for the load-balancer tests, which start their own instances
# with a generated configuration on free ports. Exports HUBAPP_TEST_NGINX, the binary. Never exits.

if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
  echo "40-nginx.sh: installing nginx (Debian package)" >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; } || { echo "40-nginx.sh: apt-get install nginx failed" >&2; return 1; }
fi
export HUBAPP_TEST_NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
