#!/usr/bin/env bash
# Starts Prometheus (Debian's `prometheus` package) against a running all-in-one, with the project's
# recording and alert rules, so you can look at the series, rules and alerts at http://127.0.0.1:9095.
#   ./goldilocks serve                      # in another terminal: metrics on 127.0.0.1:9090
#   deploy/local/run.sh                     # or: deploy/local/run.sh --port 9096 --interval 1s host:port ...
# Ctrl-C stops Prometheus and removes its data. The integration test starts Prometheus through this script.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
port=9095
interval=5s
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --port) port=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    -h|--help) sed -n '2,7p' "$0"; exit 0 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(127.0.0.1:9090)
prometheus=$(command -v prometheus || true)
if [ -z "$prometheus" ]; then
  echo "run.sh: prometheus is not installed (sudo apt-get install prometheus)" >&2
  exit 2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/goldilocks-prometheus.XXXXXX")
list=$(printf '"%s", ' "${targets[@]}")
sed -e "s#\[\"127.0.0.1:9090\"\]#[${list%, }]#" \
    -e "s#^\(  *\)\(scrape\|evaluation\)_interval: .*#\1\2_interval: $interval#" \
    -e "s#\.\./prometheus/rules/#$here/../prometheus/rules/#" \
    "$here/prometheus.yml" > "$work/prometheus.yml"
"$prometheus" --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$port" --log.level=warn &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
echo "run.sh: Prometheus on http://127.0.0.1:$port, scraping ${targets[*]} every $interval" >&2
wait "$pid"
