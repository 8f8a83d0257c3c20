#!/bin/sh
# Test support, not a provider: boots a throwaway systemd "machine", the stand-in for a Flatcar VM in tests that
# need systemd (the systemd machine profile, fleet units as systemd units). Run as
#   boot.sh SEED
# by SystemdNode: it puts this shell in cgroups of its own, then runs the rest in new PID, mount, cgroup and UTS
# namespaces, where systemd 252 (Debian's) is PID 1. The host's file system is shared except what systemd could
# change: /run, the unit directories, the generators, /var/lib/etcd and the journal are private tmpfs mounts, so
# systemd sees only the units in SEED/units and no host service is started, changed or cleaned. The network is the
# host's (its sshd and etcd listen on a loopback address of the test's choosing).
set -eu
seed=$1
if [ "${2:-}" != inner ]; then
  cg=lab-sd-$$
  for h in systemd unified; do
    mkdir -p /sys/fs/cgroup/$h/$cg
    echo $$ > /sys/fs/cgroup/$h/$cg/cgroup.procs
  done
  exec unshare --pid --fork --mount --cgroup --uts sh "$0" "$seed" inner
fi
mount --make-rprivate /
mount -t proc proc /proc
# the journal's units come from the host's systemd before its unit directory is hidden
for u in systemd-journald.service systemd-journald.socket systemd-journald-dev-log.socket; do
  cp /usr/lib/systemd/system/$u "$seed"/units/
done
for d in /run /etc/systemd/system /usr/lib/systemd/system /usr/lib/systemd/system-generators /var/lib/etcd \
         /var/log/journal; do
  mkdir -p "$d"
  mount -t tmpfs -o mode=0755 tmpfs "$d"
done
cp -r "$seed"/units/. /etc/systemd/system/
mount --bind "$seed"/machine-id /etc/machine-id
mount -t tmpfs -o mode=0755 tmpfs /sys/fs/cgroup
mkdir /sys/fs/cgroup/systemd /sys/fs/cgroup/unified
mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified
exec env container=lab-test /lib/systemd/systemd --system --unit=lab.target
