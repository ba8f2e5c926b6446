#!/usr/bin/env bash
# The real peers for trying pacs-load against, on 127.0.0.1 with free ports
# (issue 3 item 6, docs/architecture.md section 9):
#
#   scripts/peers.sh install   Debian packages (DCMTK, Orthanc + DICOMweb, ...); needs root
#   scripts/peers.sh start     Orthanc (worklist + DICOMweb plugins), DCMTK wlmscpfs and storescp
#   scripts/peers.sh status    what runs, and the ports (also in $PEERS_DIR/peers.env)
#   scripts/peers.sh stop      stops them and removes their folder
#
# Everything lives in PEERS_DIR (default /tmp/pacs-load-peers): configs, storage,
# worklist files, logs, pids, and peers.env with the ports, for example
#   . /tmp/pacs-load-peers/peers.env; echo "$ORTHANC_DICOM_PORT"
# Every peer starts with TCP_NODELAY=1: without it Nagle's algorithm adds about
# 40 ms to each DIMSE exchange and a load test measures that instead of the peer.
# The test suite does not use this script: each test starts its own peers
# (test/helpers/orthanc.ts, ...) so tests never share state.
set -euo pipefail

PEERS_DIR="${PEERS_DIR:-/tmp/pacs-load-peers}"
HERE="$(cd "$(dirname "$0")" && pwd)"

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

wait_for_port() { # port, name, log
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "peers: $2 did not start listening on 127.0.0.1:$1; its log: $3" >&2
  return 1
}

start() {
  if [ -f "$PEERS_DIR/peers.env" ]; then
    echo "peers: already started (see $PEERS_DIR/peers.env); run '$0 stop' first" >&2
    exit 1
  fi
  for binary in /usr/sbin/Orthanc /usr/bin/wlmscpfs /usr/bin/storescp; do
    [ -x "$binary" ] || { echo "peers: $binary is missing; run '$0 install' (as root) first" >&2; exit 1; }
  done
  mkdir -p "$PEERS_DIR"/{orthanc/worklists,orthanc/storage,orthanc/index,wlm/WLMSCP,store,logs}
  # wlmscpfs serves DIR/<called AE>/*.wl and needs a file named lockfile there.
  touch "$PEERS_DIR/wlm/WLMSCP/lockfile"

  local orthanc_dicom orthanc_http wlm store
  orthanc_dicom="$(free_port)"; orthanc_http="$(free_port)"; wlm="$(free_port)"; store="$(free_port)"

  local plugins='"/usr/share/orthanc/plugins/libModalityWorklists.so"'
  if [ -f /usr/share/orthanc/plugins/libOrthancDicomWeb.so ]; then
    plugins="$plugins, \"/usr/share/orthanc/plugins/libOrthancDicomWeb.so\""
  fi
  cat >"$PEERS_DIR/orthanc/orthanc.json" <<JSON
{
  "Name": "PACSLOAD-PEER",
  "StorageDirectory": "$PEERS_DIR/orthanc/storage",
  "IndexDirectory": "$PEERS_DIR/orthanc/index",
  "HttpPort": $orthanc_http,
  "DicomPort": $orthanc_dicom,
  "DicomAet": "ORTHANC",
  "RemoteAccessAllowed": false,
  "AuthenticationEnabled": false,
  "DicomCheckCalledAet": false,
  "DicomAlwaysAllowEcho": true,
  "DicomAlwaysAllowStore": true,
  "DicomAlwaysAllowFind": true,
  "DicomAlwaysAllowFindWorklist": true,
  "DicomAlwaysAllowGet": true,
  "DicomAlwaysAllowMove": true,
  "DicomModalities": { "STORESCP": ["STORESCP", "127.0.0.1", $store] },
  "Plugins": [ $plugins ],
  "Worklists": { "Enable": true, "Database": "$PEERS_DIR/orthanc/worklists" },
  "DicomWeb": { "Enable": true, "Root": "/dicom-web/" },
  "StorageCompression": false,
  "SaveJobs": false,
  "OverwriteInstances": true
}
JSON
  # Orthanc binds every interface; RemoteAccessAllowed=false keeps its REST API local.
  TCP_NODELAY=1 nohup /usr/sbin/Orthanc "$PEERS_DIR/orthanc/orthanc.json" \
    >"$PEERS_DIR/logs/orthanc.log" 2>&1 & echo $! >"$PEERS_DIR/orthanc.pid"
  TCP_NODELAY=1 nohup wlmscpfs --data-files-path "$PEERS_DIR/wlm" "$wlm" \
    >"$PEERS_DIR/logs/wlmscpfs.log" 2>&1 & echo $! >"$PEERS_DIR/wlmscpfs.pid"
  # --fork: one process per association, as sites run it.
  TCP_NODELAY=1 nohup storescp --fork --aetitle STORESCP --output-directory "$PEERS_DIR/store" "$store" \
    >"$PEERS_DIR/logs/storescp.log" 2>&1 & echo $! >"$PEERS_DIR/storescp.pid"

  wait_for_port "$orthanc_dicom" Orthanc "$PEERS_DIR/logs/orthanc.log"
  wait_for_port "$orthanc_http" "Orthanc HTTP" "$PEERS_DIR/logs/orthanc.log"
  wait_for_port "$wlm" wlmscpfs "$PEERS_DIR/logs/wlmscpfs.log"
  wait_for_port "$store" storescp "$PEERS_DIR/logs/storescp.log"

  cat >"$PEERS_DIR/peers.env" <<ENV
ORTHANC_AE=ORTHANC
ORTHANC_DICOM_PORT=$orthanc_dicom
ORTHANC_HTTP_URL=http://127.0.0.1:$orthanc_http
ORTHANC_DICOMWEB_URL=http://127.0.0.1:$orthanc_http/dicom-web
ORTHANC_WORKLIST_DIR=$PEERS_DIR/orthanc/worklists
WLMSCPFS_AE=WLMSCP
WLMSCPFS_PORT=$wlm
WLMSCPFS_WORKLIST_DIR=$PEERS_DIR/wlm/WLMSCP
STORESCP_AE=STORESCP
STORESCP_PORT=$store
ENV
  status
}

status() {
  if [ ! -f "$PEERS_DIR/peers.env" ]; then echo "peers: not started"; return 0; fi
  local name pid
  for name in orthanc wlmscpfs storescp; do
    pid="$(cat "$PEERS_DIR/$name.pid" 2>/dev/null || true)"
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then echo "$name: running (pid $pid)"; else echo "$name: NOT running (log: $PEERS_DIR/logs/$name.log)"; fi
  done
  cat "$PEERS_DIR/peers.env"
}

stop() {
  local name pid
  for name in orthanc wlmscpfs storescp; do
    pid="$(cat "$PEERS_DIR/$name.pid" 2>/dev/null || true)"
    [ -n "$pid" ] || continue
    kill "$pid" 2>/dev/null || true
    # Orthanc must be gone before another one starts on the same folder.
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  # storescp --fork children, if any association was still open.
  pkill -f "storescp --fork --aetitle STORESCP --output-directory $PEERS_DIR/store" 2>/dev/null || true
  rm -rf "$PEERS_DIR"
  echo "peers: stopped"
}

case "${1:-}" in
  install) bash "$HERE/install-peers.sh" ;;
  start) start ;;
  status) status ;;
  stop) stop ;;
  *) echo "usage: $0 install|start|status|stop   (PEERS_DIR=${PEERS_DIR})" >&2; exit 2 ;;
esac
