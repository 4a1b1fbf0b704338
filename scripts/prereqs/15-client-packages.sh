# Sourced by test.sh: the browser client's npm packages (client/), for its unit tests (vitest) and its build.
npm ci --prefix client --no-audit --no-fund --loglevel=error
