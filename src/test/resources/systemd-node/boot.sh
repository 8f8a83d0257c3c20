#!/bin/sh
# Test support, not a provider: boots a throwaway systemd "machine", the stand-in for a Flatcar VM where no VM can
# boot. Run as `boot.sh SEED [NETNS]` (SystemdNode; the fake vagrant's VMs in their network namespace). It puts itself in
# cgroups of its own, then runs the rest in new PID, mount, cgroup and UTS namespaces where Debian's systemd is PID 1.
# The host's file system is shared except what the machine could change: /etc is a copy-on-write overlay, and /run,
# the unit directories, the generators and the journal are private tmpfs mounts, so systemd sees only the seed's
# units and no host service is started, changed or cleaned. The seed:
#   units/       the machine's units (copied to /etc/systemd/system)
#   files/etc/   files its user-data wrote (copied onto the private /etc)
#   machine-id   its /etc/machine-id; hostname (optional) its /etc/hostname
#   disk/        (optional) /var/lib/etcd, kept across power cycles like a VM's disk; without it, a tmpfs
#   var-lib/     (optional) the whole /var/lib, kept across power cycles (etcd's data in var-lib/etcd)
#   home/        (optional) /home, kept across power cycles; /tmp is then private too (a machine of its own)
#   users/       (optional) passwd, group, shadow lines added to the machine's /etc (its own users)
#   sshd_config  for lab-sshd.service; the seed is visible inside as /run/lab-standin
set -eu
seed=$1
if [ "${3:-}" != inner ]; then
  cg=lab-sd-$$
  for h in systemd unified; do
    mkdir -p /sys/fs/cgroup/$h/$cg
    echo $$ > /sys/fs/cgroup/$h/$cg/cgroup.procs
  done
  if [ -n "${2:-}" ]; then  # ip netns exec execs: the PID stays the one that owns the cgroups
    exec ip netns exec "$2" unshare --pid --fork --mount --cgroup --uts sh "$0" "$seed" "$2" inner
  fi
  exec unshare --pid --fork --mount --cgroup --uts sh "$0" "$seed" "" inner
fi
mount --make-rprivate /
mount -t proc proc /proc
# the journal's and D-Bus's units come from the host before its unit directory is hidden (D-Bus: what systemctl
# needs when a user other than root asks, as the box's core user does on Flatcar)
for u in systemd-journald.service systemd-journald.socket systemd-journald-dev-log.socket dbus.service dbus.socket; do
  cp /usr/lib/systemd/system/$u "$seed"/units/
done
mount -t tmpfs -o mode=0755 tmpfs /run
# the runtime journal's directory as systemd's tmpfiles.d/systemd.conf makes it (setgid systemd-journal), so the
# group's members read the journal, as the box's core user does on Flatcar
mkdir -p /run/log/journal
chgrp systemd-journal /run/log/journal && chmod 2755 /run/log/journal
mkdir -p /run/lab-standin /run/etc/upper /run/etc/work
mount --bind "$seed" /run/lab-standin
mount -t overlay overlay -o lowerdir=/etc,upperdir=/run/etc/upper,workdir=/run/etc/work /etc
# root's sessions get /bin/sh: the home directory is the host's, and a session killed with its machine must not
# leave the host's shell start-up half done (seen: pyenv's rehash lock in ~/.bashrc, which then stalled every shell)
sed -i 's#^\(root:[^:]*:[^:]*:[^:]*:[^:]*:[^:]*:\).*#\1/bin/sh#' /etc/passwd
for d in /etc/systemd/system /usr/lib/systemd/system /usr/lib/systemd/system-generators; do
  mount -t tmpfs -o mode=0755 tmpfs "$d"
done
# without /var/log/journal journald keeps its files under /run, which is private already
# (setgid systemd-journal, as systemd's tmpfiles.d/systemd.conf makes it, so its members read the journal)
if [ -d /var/log/journal ]; then
  mount -t tmpfs -o mode=2755,gid=$(getent group systemd-journal | cut -d: -f3) tmpfs /var/log/journal
fi
if [ -d "$seed/var-lib" ]; then
  mount --bind "$seed/var-lib" /var/lib
fi
if [ -d "$seed/home" ]; then
  mount --bind "$seed/home" /home
fi
for f in passwd group shadow; do
  if [ -f "$seed/users/$f" ]; then
    cat "$seed/users/$f" >> /etc/$f
  fi
done
if [ -f "$seed/users/memberships" ]; then  # lines of "USER GROUP,GROUP"
  while read -r user groups; do usermod -a -G "$groups" "$user"; done < "$seed/users/memberships"
fi
mkdir -p /var/lib/etcd  # Debian's etcd-server has it; only a mount point here
if [ -d "$seed/disk" ]; then
  mount --bind "$seed/disk" /var/lib/etcd
elif [ ! -d "$seed/var-lib" ]; then
  mount -t tmpfs -o mode=0700 tmpfs /var/lib/etcd
fi
cp -r "$seed"/units/. /etc/systemd/system/
if [ -d "$seed/files/etc" ]; then
  cp -r "$seed"/files/etc/. /etc/
fi
cp "$seed"/machine-id /etc/machine-id
if [ -f "$seed/hostname" ]; then
  cp "$seed"/hostname /etc/hostname
fi
mount -t tmpfs -o mode=0755 tmpfs /sys/fs/cgroup
mkdir /sys/fs/cgroup/systemd /sys/fs/cgroup/unified
mount -t cgroup -o none,name=systemd cgroup /sys/fs/cgroup/systemd
mount -t cgroup2 cgroup2 /sys/fs/cgroup/unified
if [ -d "$seed/home" ]; then
  mount -t tmpfs -o mode=1777 tmpfs /tmp  # last: the seed itself may lie under the host's /tmp
fi
exec env container=lab-test /lib/systemd/systemd --system --unit=lab.target
