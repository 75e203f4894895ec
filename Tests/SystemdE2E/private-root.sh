#!/usr/bin/env bash
# Runs inside systemd-ns's namespaces (`systemd-ns exec bash private-root.sh DIR`): gives that
# private systemd writable views of /etc, /usr/local, /var/lib, /var/log and /srv that the host never
# sees. Each becomes an overlayfs whose lower layer is the host's directory and whose upper layer
# is DIR/<name>/upper (on the host's disk, removed by run.sh): `make install` without DESTDIR,
# systemd-sysusers, StateDirectory=, LogsDirectory= and the project in /srv/trading-bot then
# behave as on a real machine, while the host's /etc/passwd, /usr/local, /var and /srv stay untouched.
#
# systemd-ns mounts private tmpfs copies under some of these (/etc/systemd, /var/lib/systemd,
# /var/log/journal): an overlay would hide them, so they are moved aside and back on top.
set -euo pipefail
top=${1:?usage: private-root.sh DIR}
keep=/run/v6e2e-keep

die() { echo "private-root: $*" >&2; exit 1; }
# Only ever inside the private systemd: its PID 1 is systemd and its hostname systemd-ns.
[ "$(cat /proc/1/comm)" = systemd ] && [ "$(hostname)" = systemd-ns ] || die "not inside systemd-ns"
[ "$(readlink /proc/self/ns/mnt)" = "$(readlink /proc/1/ns/mnt)" ] || die "not in PID 1's mount namespace"

for dir in /etc /usr/local /var/lib /var/log /srv; do
    [ "$(findmnt -n -o FSTYPE --mountpoint "$dir" || true)" != overlay ] || continue   # done already
    name=$(echo "${dir#/}" | tr / _)
    mkdir -p "$top/$name/upper" "$top/$name/work" "$keep/$name"
    # Top-level mounts below $dir (findmnt lists parents before children).
    moved=()
    while read -r target; do
        for m in "${moved[@]}"; do [[ "$target" == "$m"/* ]] && continue 2; done
        moved+=("$target")
    done < <(findmnt -rn -o TARGET | grep "^$dir/" || true)
    i=0
    for m in "${moved[@]}"; do mkdir -p "$keep/$name/$i"; mount -n --move "$m" "$keep/$name/$i"; i=$((i + 1)); done
    mount -n -t overlay "v6e2e-$name" -o "lowerdir=$dir,upperdir=$top/$name/upper,workdir=$top/$name/work" "$dir"
    i=0
    for m in "${moved[@]}"; do mkdir -p "$m"; mount -n --move "$keep/$name/$i" "$m"; i=$((i + 1)); done
    [ "$(findmnt -n -o FSTYPE --mountpoint "$dir")" = overlay ] || die "$dir is not an overlay"
done
echo "private-root: /etc /usr/local /var/lib /var/log /srv are private overlays (upper layers in $top)"
