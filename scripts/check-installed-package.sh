#!/usr/bin/env bash
# The package as a user installs it (issue 16, items 1 and 2):
#
#   bash scripts/check-installed-package.sh
#
# packs this checkout (npm pack), installs the tarball into fresh projects
# outside the repository, and runs the installed `pacs-load` binary:
#   A. `npm install --omit=dev --ignore-scripts pacs-load.tgz` (a production
#      install with every install script off);
#   B. `npm install --save-dev pacs-load.tgz` (the CI recipe: pacs-load in the
#      project's devDependencies, install scripts as npm runs them);
# each runs a short profile: dimse.store to DCMTK's storescp (every image it
# acknowledged must be a file storescp wrote, and the summary must count as
# many C-STORE requests) and qido.studies + stow.study to
# the simulator the installed binary starts (`pacs-load simulate`). Then the
# installed dcmjs-dimse is edited so that a fix no longer applies, and the
# run must refuse with ERR_DIMSE_LIBRARY (exit 4), never send and exit 0.
# Needs DCMTK (scripts/install-peers.sh) and the npm registry. All traffic
# goes to 127.0.0.1; every process it starts is stopped on exit.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/pacs-load-installed.XXXXXX")"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "check-installed-package: FAILED: $*" >&2; exit 1; }
step() { echo "--- check-installed-package: $*"; }

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}
wait_for_port() { # port, name, log
  for _ in $(seq 1 200); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  cat "$3" >&2 || true
  fail "$2 did not listen on 127.0.0.1:$1"
}

[ -x /usr/bin/storescp ] || fail "DCMTK's storescp is missing: run scripts/install-peers.sh (as root) first"
step "node $(node --version), npm $(npm --version)"

step "build and pack"
(cd "$ROOT" && npm run build >/dev/null)
# --ignore-scripts: `prepare` would build again; the build is done.
tarball="$(cd "$ROOT" && npm pack --ignore-scripts --silent --pack-destination "$WORK")"
TGZ="$WORK/$tarball"
contents="$(tar tzf "$TGZ")"
for needed in package/bin/pacs-load.js package/dist/src/cli/main.js package/dist/workers/load-worker.js package/dist/src/protocol/dimse/load-dcmjs-dimse.js package/profiles/ci-smoke.yaml; do
  grep -qx "$needed" <<<"$contents" || fail "$tarball lacks $needed"
done
if grep -q '^package/\(test\|src\|node_modules\)/' <<<"$contents"; then fail "$tarball ships test/, src/ or node_modules/"; fi

# storescp: every acknowledged image becomes one file in its folder (TCP_NODELAY: see scripts/peers.sh).
STORESCP_PORT="$(free_port)"
mkdir -p "$WORK/logs" "$WORK/received"
TCP_NODELAY=1 storescp -aet STORESCP -od "$WORK/received" "$STORESCP_PORT" >"$WORK/logs/storescp.log" 2>&1 &
PIDS+=($!)

install_consumer() { # name, npm install flags...
  local dir="$WORK/$1"; shift
  mkdir -p "$dir"
  (cd "$dir" && npm init -y >/dev/null && npm install --no-audit --no-fund "$@" "$TGZ" >"$WORK/logs/install-$(basename "$dir").log" 2>&1) ||
    { cat "$WORK/logs/install-$(basename "$dir").log" >&2; fail "npm install $* $tarball"; }
  [ -x "$dir/node_modules/.bin/pacs-load" ] || fail "npm install $* did not link node_modules/.bin/pacs-load"
}

# One run of the installed binary: dimse.store to storescp, DICOMweb to the simulator.
run_profile() { # consumer name
  local dir="$WORK/$1" studies=6 images=3
  local http_port dimse_port
  http_port="$(free_port)"; dimse_port="$(free_port)"
  find "$WORK/received" -mindepth 1 -delete
  (cd "$dir" && exec ./node_modules/.bin/pacs-load simulate --dimse-port "$dimse_port" --http-port "$http_port") >"$WORK/logs/simulate-$1.log" 2>&1 &
  local simulator=$!
  PIDS+=("$simulator")
  wait_for_port "$http_port" "the installed pacs-load simulate" "$WORK/logs/simulate-$1.log"
  wait_for_port "$STORESCP_PORT" storescp "$WORK/logs/storescp.log"
  cat >"$dir/installed.yaml" <<YAML
name: installed-package
seed: 1
target:
  dimse: { host: 127.0.0.1, port: $STORESCP_PORT, calledAe: STORESCP, callingAe: PACSLOAD }
  dicomweb: { baseUrl: "http://127.0.0.1:$http_port/dicom-web" }
scenarios:
  store:
    operation: dimse.store
    executor: iterations
    iterations: $studies
    users: 2
    maxDuration: 1m
    modality: CT
    images: $images
    imageSize: 16KiB
  search:
    operation: qido.studies
    executor: iterations
    iterations: 20
    users: 2
    maxDuration: 1m
  stow:
    operation: stow.study
    executor: iterations
    iterations: 4
    users: 1
    maxDuration: 1m
YAML
  local code=0
  (cd "$dir" && ./node_modules/.bin/pacs-load run installed.yaml --quiet --workers 1 --out summary.json </dev/null) >"$WORK/logs/run-$1.log" 2>&1 || code=$?
  kill "$simulator" 2>/dev/null || true
  wait "$simulator" 2>/dev/null || true
  [ "$code" = 0 ] || { cat "$WORK/logs/run-$1.log" >&2; fail "$1: pacs-load run exited $code"; }
  local received
  received="$(find "$WORK/received" -type f | wc -l)"
  [ "$received" = "$((studies * images))" ] || { cat "$WORK/logs/run-$1.log" >&2; fail "$1: storescp wrote $received files, expected $((studies * images)) ($studies studies of $images images)"; }
  # The summary agrees: every operation of every scenario completed, none failed.
  node -e '
    const s = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const want = { "dimse.store": +process.argv[2], "qido.studies": 20, "stow.study": 4 };
    for (const [op, n] of Object.entries(want)) {
      const o = s.operations.find((x) => x.operation === op);
      if (!o || o.succeeded !== n || o.failed !== 0 || o.dropped !== 0) { console.error(op, JSON.stringify(o && o.outcomes)); process.exit(1); }
    }
    const store = s.operations.find((x) => x.operation === "dimse.store");
    if (store.requests !== +process.argv[3]) { console.error("C-STORE requests", store.requests); process.exit(1); }' "$dir/summary.json" "$studies" "$received" || fail "$1: summary.json does not show every operation ok"
  step "$1: storescp stored $received images ($studies studies x $images), the simulator answered 20 QIDO and 4 STOW, exit 0"
}

step "A: npm install --omit=dev --ignore-scripts (install scripts off)"
install_consumer prod --omit=dev --ignore-scripts
run_profile prod

step "B: npm install --save-dev (the CI recipe)"
install_consumer dev --save-dev
run_profile dev

step "the self-check: an installed dcmjs-dimse that the fixes do not match is refused"
library="$WORK/dev/node_modules/dcmjs-dimse/build/dcmjs-dimse.min.js"
[ -f "$library" ] || fail "$library is missing (is dcmjs-dimse hoisted elsewhere?)"
sed -i 's/_wrapSocket(){this.socket.setTimeout(/_wrapSocket(){ this.socket.setTimeout(/' "$library"
find "$WORK/received" -mindepth 1 -delete
code=0
(cd "$WORK/dev" && ./node_modules/.bin/pacs-load run installed.yaml --quiet </dev/null) >"$WORK/logs/refused.log" 2>&1 || code=$?
[ "$code" = 4 ] || { cat "$WORK/logs/refused.log" >&2; fail "with unmatched dcmjs-dimse fixes, pacs-load run exited $code, expected 4"; }
grep -q "ERR_DIMSE_LIBRARY" "$WORK/logs/refused.log" || fail "the refusal does not name ERR_DIMSE_LIBRARY"
grep -q "^hint: .*Reinstall pacs-load" "$WORK/logs/refused.log" || fail "the refusal has no hint"
[ -z "$(find "$WORK/received" -type f)" ] || fail "files reached storescp although DIMSE was refused"
step "refused with exit 4: $(head -n 1 "$WORK/logs/refused.log")"
echo "check-installed-package: all checks passed"
