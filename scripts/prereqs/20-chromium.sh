# Sourced by test.sh: Debian's Chromium for the browser tests (tests/HubApp.Browser.Tests), never a downloaded
# browser build. Installs the `chromium` package when it is missing (CI runs as root) and exports its path.
if [ ! -x /usr/bin/chromium ]; then
  echo "test.sh: installing Debian's chromium for the browser tests" >&2
  if [ "$(id -u)" -eq 0 ]; then apt_get=(apt-get); else apt_get=(sudo -n apt-get); fi
  { DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" update -qq \
      && DEBIAN_FRONTEND=noninteractive "${apt_get[@]}" install -y -qq --no-install-recommends chromium >/dev/null; } \
    || { echo "test.sh: could not install chromium (apt-get install -y chromium as root)" >&2; return 1; }
fi
export CHROMIUM_PATH=/usr/bin/chromium
