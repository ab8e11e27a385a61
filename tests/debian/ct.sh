#!/bin/bash
# ct.sh - throwaway Debian 12 containers booted with systemd, for tests.
#
#   ct.sh base               debootstrap the cached base (once)
#   ct.sh prefetch           fetch the Depends of $CT_DEBS/*.deb into the
#                            base's apt cache, so installs work offline
#   ct.sh start NAME         overlay over the base, boot, wait for systemd
#   ct.sh exec NAME CMD...   run CMD inside (all namespaces)
#   ct.sh pipe CMD...        run CMD in a container without systemd
#                            (a throwaway overlay; no init, no network)
#   ct.sh stop NAME          power off, unmount, remove
#
# The base lives in $CT_WORK (default /var/tmp/mta-debian-ct) and is
# kept between runs; containers have a private network (only lo) and
# see $CT_DEBS read-only as /srv/debs. Follows the tested recipe of
# shared/reference/systemd-container.md.
set -euo pipefail
W=${CT_WORK:-/var/tmp/mta-debian-ct}
BASE=$W/base
DEBS=${CT_DEBS:-$W/debs}
ENV=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
	LANG=C.UTF-8 TERM=dumb DEBIAN_FRONTEND=noninteractive)
INCLUDE=systemd,systemd-sysv,dbus,procps,rsyslog,debconf-utils

cpid() { cat "$W/run/$1/pid1"; }
mirror() {
	awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/debian.sources \
		2>/dev/null || echo http://deb.debian.org/debian
}

case $1 in
base)
	[ -d "$BASE" ] && exit 0
	mkdir -p "$W"
	rm -rf "$BASE.tmp"
	debootstrap --variant=minbase --include=$INCLUDE bookworm \
		"$BASE.tmp" "$(mirror)" >"$W/debootstrap.log" 2>&1 ||
		{ tail -20 "$W/debootstrap.log" >&2; exit 1; }
	rm -f "$BASE.tmp/etc/apt/sources.list"
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		cp /etc/apt/sources.list.d/debian.sources \
			"$BASE.tmp/etc/apt/sources.list.d/"
	else
		echo "deb $(mirror) bookworm main" >"$BASE.tmp/etc/apt/sources.list"
	fi
	echo deb-test >"$BASE.tmp/etc/hostname"
	# A host name with a domain, so that hostname --fqdn has a dot.
	printf '127.0.0.1\tlocalhost\n127.0.1.1\tdeb-test.example.test deb-test\n' \
		>"$BASE.tmp/etc/hosts"
	: >"$BASE.tmp/etc/machine-id"
	echo force-unsafe-io >"$BASE.tmp/etc/dpkg/dpkg.cfg.d/unsafe-io"
	systemd-nspawn -q -D "$BASE.tmp" --register=no --keep-unit --pipe \
		-E DEBIAN_FRONTEND=noninteractive \
		sh -c 'apt-get update -q >/dev/null' </dev/null
	mv "$BASE.tmp" "$BASE"
	;;
prefetch)
	systemd-nspawn -q -D "$BASE" --register=no --keep-unit --pipe \
		--bind-ro="$DEBS:/srv/debs" -E DEBIAN_FRONTEND=noninteractive \
		sh -c 'apt-get install -y -q -d --no-install-recommends /srv/debs/cur/*.deb >/dev/null ||
		       { apt-get update -q >/dev/null &&
		         apt-get install -y -q -d --no-install-recommends /srv/debs/cur/*.deb >/dev/null; }' \
		</dev/null
	;;
start)
	R=$W/run/$2
	mkdir -p "$R/up" "$R/wk" "$R/root"
	mount -t overlay overlay \
		-o "lowerdir=$BASE,upperdir=$R/up,workdir=$R/wk" "$R/root"
	SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1 setsid systemd-nspawn -q -D "$R/root" \
		-b -M "$2" --register=no --keep-unit --private-network \
		--bind-ro="$DEBS:/srv/debs" </dev/null >"$R/console.log" 2>&1 &
	echo $! >"$R/nspawn.pid"
	C=
	for _ in $(seq 300); do
		C=$(pgrep -P "$(cat "$R/nspawn.pid")" -x systemd || true)
		[ -n "$C" ] && break
		sleep 0.1
	done
	[ -n "$C" ] || { echo "container did not start" >&2; exit 1; }
	echo "$C" >"$R/pid1"
	readlink "/proc/$C/ns/pid" >"$R/pidns"
	st=
	for _ in $(seq 600); do
		st=$(nsenter -t "$C" -a "${ENV[@]}" systemctl is-system-running \
			--wait 2>/dev/null || true)
		case $st in
		running | degraded) exit 0 ;;
		maintenance | stopping) break ;;
		esac
		sleep 0.1
	done
	echo "boot failed: ${st:-no bus}" >&2
	exit 1
	;;
exec)
	n=$2
	shift 2
	exec nsenter -t "$(cpid "$n")" -a "${ENV[@]}" "$@"
	;;
pipe)
	shift
	R=$W/run/pipe.$$
	mkdir -p "$R/up" "$R/wk" "$R/root"
	mount -t overlay overlay \
		-o "lowerdir=$BASE,upperdir=$R/up,workdir=$R/wk" "$R/root"
	rc=0
	systemd-nspawn -q -D "$R/root" --register=no --keep-unit --pipe \
		--private-network --bind-ro="$DEBS:/srv/debs" \
		-E DEBIAN_FRONTEND=noninteractive "$@" </dev/null || rc=$?
	umount "$R/root" 2>/dev/null || umount -l "$R/root" || true
	rm -rf "$R"
	exit $rc
	;;
stop)
	R=$W/run/$2
	[ -d "$R" ] || exit 0
	P=$(cat "$R/nspawn.pid" 2>/dev/null || echo 0)
	kill -TERM "$P" 2>/dev/null || true
	for _ in $(seq 300); do
		kill -0 "$P" 2>/dev/null || break
		sleep 0.1
	done
	C=$(cpid "$2" 2>/dev/null || echo 0)
	if [ "$C" != 0 ] &&
		[ "$(readlink "/proc/$C/ns/pid" 2>/dev/null)" = "$(cat "$R/pidns")" ]; then
		kill -KILL "$C"
		sleep 0.5
	fi
	umount "$R/root" 2>/dev/null || umount -l "$R/root" || true
	rm -rf "$R"
	;;
*)
	echo "usage: ct.sh base|prefetch|start NAME|exec NAME CMD...|stop NAME" >&2
	exit 2
	;;
esac
