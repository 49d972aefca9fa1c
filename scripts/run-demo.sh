#!/usr/bin/env bash
# make run: the demo kabupaten on SQLite, the server, and the field client (window or browser).
set -euo pipefail
umask 077  # the data folder holds health data and the demo passwords: ours only
DATA_DIR="${1:-instance}"
PORT="${2:-5000}"
BIN=.venv/bin
case "$DATA_DIR" in /*) ;; *) DATA_DIR="$PWD/$DATA_DIR" ;; esac
export POSYANDU_DATA_DIR="$DATA_DIR"
mkdir -p -m 700 "$POSYANDU_DATA_DIR"

if [ ! -f "$POSYANDU_DATA_DIR/.demo-seeded" ]; then
  echo "== menyiapkan database demo (Kabupaten Kayong Utara) di $POSYANDU_DATA_DIR"
  "$BIN/posyandu-server" seed-demo --seed 1 | tee "$POSYANDU_DATA_DIR/demo-users.txt"
  touch "$POSYANDU_DATA_DIR/.demo-seeded"
else
  "$BIN/posyandu-server" init
  echo "== pengguna demo: $POSYANDU_DATA_DIR/demo-users.txt"
  cat "$POSYANDU_DATA_DIR/demo-users.txt" | sed -n '/pengguna demo/,$p'
fi

echo "== server: http://127.0.0.1:$PORT  (API /api/v1, OpenAPI /api/v1/openapi.json)"
"$BIN/posyandu-server" run --host 127.0.0.1 --port "$PORT" &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true' EXIT INT TERM

if "$BIN/python" -c "import field_client.cli" 2>/dev/null; then
  CLIENT_DIR="$POSYANDU_DATA_DIR/field-client"
  echo "== field client (data: $CLIENT_DIR); server address to sign in with: http://127.0.0.1:$PORT"
  echo "   browser tab closed? $BIN/posyandu-client open --data-dir \"$CLIENT_DIR\""
  # The sign-in form offers this server's address.
  POSYANDU_SERVER_URL="http://127.0.0.1:$PORT" "$BIN/posyandu-client" --data-dir "$CLIENT_DIR" || true
else
  echo "== field client not installed yet; the server keeps running (Ctrl-C to stop)"
  wait $SERVER_PID
fi
