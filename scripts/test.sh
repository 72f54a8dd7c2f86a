#!/usr/bin/env bash
# `npm test`: everything CI checks, from a clean clone. Installs what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-system.sh
# node-gyp must build against the local Node headers: there is no network for header downloads.
export npm_config_nodedir="${npm_config_nodedir:-/usr}"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
npm run build
npm run typecheck
npm run lint
npx vitest run
if [ -f playwright.config.ts ]; then npx playwright test; fi
