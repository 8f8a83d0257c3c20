#!/usr/bin/env bash
# The baseline for bench/up.sh: what a person would script by hand. Starts the same three etcd members (same
# loopback addresses, same etcd settings as the default lab's user-data) and polls `etcdctl endpoint health`
# until all three are healthy, prints how long that took, then stops them by PID and removes their data.
#   bench/plain-up.sh DIR
set -euo pipefail
dir="$1"; mkdir -p "$dir"
start=$(date +%s%N)
cluster="core-01=http://127.99.8.101:2380,core-02=http://127.99.8.102:2380,core-03=http://127.99.8.103:2380"
pids=()
for i in 1 2 3; do
  ip="127.99.8.10$i"
  ETCD_NAME="core-0$i" ETCD_DATA_DIR="$dir/core-0$i" \
  ETCD_LISTEN_CLIENT_URLS="http://$ip:2379" ETCD_ADVERTISE_CLIENT_URLS="http://$ip:2379" \
  ETCD_LISTEN_PEER_URLS="http://$ip:2380" ETCD_INITIAL_ADVERTISE_PEER_URLS="http://$ip:2380" \
  ETCD_INITIAL_CLUSTER="$cluster" ETCD_INITIAL_CLUSTER_STATE=new ETCD_INITIAL_CLUSTER_TOKEN=plain \
  ETCD_HEARTBEAT_INTERVAL=100 ETCD_ELECTION_TIMEOUT=1000 ETCD_PRE_VOTE=true \
    etcd >"$dir/core-0$i.log" 2>&1 &
  pids+=($!)
done
trap 'kill "${pids[@]}" 2>/dev/null; wait 2>/dev/null; [[ -n "${KEEP_LOGS:-}" ]] || rm -rf "$dir"' EXIT
until ETCDCTL_API=3 etcdctl --endpoints=127.99.8.101:2379,127.99.8.102:2379,127.99.8.103:2379 \
      --dial-timeout=300ms --command-timeout=1s endpoint health >/dev/null 2>&1; do
  sleep 0.1
done
echo "healthy after $((($(date +%s%N) - start) / 1000000)) ms"
