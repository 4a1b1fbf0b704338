# Sourced by test.sh: the npm packages of the interop test.
npm ci --prefix tests/interop --no-audit --no-fund --loglevel=error
