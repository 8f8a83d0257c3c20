#!/usr/bin/env bash
# `lab up` of a 3-member TLS lab (security: {tls: true, client-cert-auth: true}: a CA and four certificates made,
# every client and peer link TLS, the peer proxies terminating it) against a plain 3-member lab, interleaved in one
# run, median of N each, to a healthy quorum. Target: TLS within 1.3x of plain. Also a lab with etcd's users and
# roles (security: {auth: true}: two users, two roles and "auth enable" after the cluster is ready) against the
# same plain runs.
#   bench/tls.sh [N] [PROVIDER]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-7}"
provider="${2:-local}"
. bench/lib.sh
lab_workdir
printf 'name: plain\nnodes: 3\n' > plain.yaml
printf 'name: tls\nnodes: 3\nsecurity: {tls: true, client-cert-auth: true}\n' > tls.yaml
printf 'name: users\nnodes: 3\nsecurity: {auth: true}\n' > users.yaml
p=(); t=(); u=()
for i in $(seq "$n"); do
  p+=("$(time_ms "$lab" up -f plain.yaml --provider "$provider")")
  "$lab" etcdctl --name plain -- endpoint health >/dev/null 2>&1   # it came up (time_ms ignores failures)
  "$lab" down --name plain >/dev/null
  t+=("$(time_ms "$lab" up -f tls.yaml --provider "$provider")")
  "$lab" etcdctl --name tls -- endpoint health 2>&1 | grep -q '^https://'   # up, and TLS (etcdctl: stderr)
  "$lab" down --name tls >/dev/null
  u+=("$(time_ms "$lab" up -f users.yaml --provider "$provider")")
  "$lab" etcdctl --name users -- user list | grep -qx lab   # up, with its users (lab etcdctl logs in as root)
  "$lab" down --name users >/dev/null
done
compare "lab up, 3 members, $provider (median of $n)" "plain lab" "${p[*]}" "TLS lab with client-cert-auth" "${t[*]}"
compare "lab up, 3 members, $provider (median of $n)" "plain lab" "${p[*]}" "lab with etcd auth (users and roles)" "${u[*]}"
