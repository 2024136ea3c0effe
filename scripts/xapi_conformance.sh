#!/usr/bin/env bash
# Run the ADL xAPI 1.0.3 conformance suite (tests/conformance/xapi) against the product:
# start it on 127.0.0.1 with a fresh SQLite database in a temporary folder, create a client, run
# the suite, print "N passed, N failed" and exit non-zero when a test fails.
#
#   scripts/xapi_conformance.sh [--grep PATTERN] [--keep-log FILE]
#
# Needs node >= 18 and npm (dependencies from the suite's package-lock.json via `npm ci`, kept in
# var/xapi-conformance/node_modules between runs). PORT picks the port (default: a free one).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
SUITE_SRC="$ROOT/tests/conformance/xapi"
CACHE="$ROOT/var/xapi-conformance"
PY="$ROOT/.venv/bin/python"
PORT="${PORT:-$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
GREP=""
KEEP_LOG=""
while [ $# -gt 0 ]; do
  case "$1" in
    --grep) GREP="$2"; shift 2 ;;
    --keep-log) KEEP_LOG="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# The suite, with its dependencies installed once per package-lock.json.
mkdir -p "$CACHE"
if ! cmp -s "$SUITE_SRC/package-lock.json" "$CACHE/package-lock.json" \
  || ! cmp -s "$SUITE_SRC/package.json" "$CACHE/package.json" || [ ! -d "$CACHE/node_modules" ]; then
  echo "npm ci (tests/conformance/xapi/package-lock.json)"
  rm -rf "$CACHE/node_modules"
  cp "$SUITE_SRC/package.json" "$SUITE_SRC/package-lock.json" "$CACHE/"
  cp -r "$SUITE_SRC/local" "$CACHE/"
  (cd "$CACHE" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
cp -r "$SUITE_SRC/." "$WORK/suite"
ln -s "$CACHE/node_modules" "$WORK/suite/node_modules"

export MASTERYPATH_DEMO=1
export DATABASE_URL="sqlite:///$WORK/lrs.sqlite3"
export ALLOWED_HOSTS="127.0.0.1,localhost"
"$ROOT/.venv/bin/masterypath" migrate --verbosity 0
CREDS="$("$ROOT/.venv/bin/masterypath" xapi-client create "ADL conformance suite")"
USERNAME="$(printf '%s\n' "$CREDS" | sed -n 's/^username: //p')"
PASSWORD="$(printf '%s\n' "$CREDS" | sed -n 's/^password: //p')"

"$ROOT/.venv/bin/gunicorn" masterypath.wsgi:application -b "127.0.0.1:$PORT" -k gthread -w 1 \
  --threads 8 --log-level warning >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
"$PY" - "$PORT" <<'PYEOF' || { tail -20 "$WORK/server.log"; exit 1; }
import sys, time, urllib.request
for _ in range(150):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/xapi/about", timeout=2)
        break
    except OSError:
        time.sleep(0.2)
else:
    sys.exit("the server did not start")
PYEOF

args=(-e "http://127.0.0.1:$PORT/xapi" -a -u "$USERNAME" -p "$PASSWORD" -x 1.0.3 -z)
[ -n "$GREP" ] && args+=(-g "$GREP")
start=$SECONDS
(cd "$WORK/suite" && node bin/console_runner.js "${args[@]}" >"$WORK/runner.out" 2>&1) || true
LOG="$(ls -t "$WORK"/suite/logs/*.log 2>/dev/null | head -1 || true)"
if [ -z "$LOG" ]; then
  tail -40 "$WORK/runner.out"
  echo "The suite wrote no log." >&2
  exit 1
fi
[ -n "$KEEP_LOG" ] && cp "$LOG" "$KEEP_LOG"
status=0
node -e '
const log = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const s = log.summary || {};
const failed = [];
(function walk(node, trail) {
  if (!node) return;
  const here = node.title ? trail.concat(node.title) : trail;
  if (node.status === "failed" && node.error) failed.push(here.join(" > ") + "\n    " + String(node.error).split("\n")[0]);
  (node.tests || []).forEach(t => walk(t, here));
})(log.log || log, []);
failed.slice(0, 400).forEach(f => console.log("FAILED " + f));
console.log(`${s.passed || 0} passed, ${s.failed || 0} failed`);
process.exit((s.failed || 0) === 0 && (s.passed || 0) > 0 ? 0 : 1);
' "$LOG" || status=$?
echo "(${SECONDS}s in all, suite $((SECONDS - start))s)"
exit $status
