#!/bin/bash
# bench/tables.sh - lookup table benchmark, ours beside Debian's postfix.
#
#   bench/tables.sh [BUILD-DIR] [ENTRIES] [LOOKUPS]
#
# Builds a hash: table of ENTRIES (default 1,000,000) entries with our
# postmap and with Debian's postmap 3.7 (unpacked from the Debian package
# into a scratch directory, never installed over ours), then looks up
# LOOKUPS (default 200,000) random keys through "postmap -q -" with each.
# Prints wall-clock seconds and rates, and the ratio ours/Debian.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
n=${2:-1000000}
q=${3:-200000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Debian's postfix in a scratch root.
(cd "$work" && apt-get download postfix >/dev/null 2>&1) ||
	{ echo "bench: cannot download Debian's postfix" >&2; exit 1; }
dpkg -x "$work"/postfix_*.deb "$work/deb"
deb_postmap() {
	LD_LIBRARY_PATH="$work/deb/usr/lib/postfix" \
		"$work/deb/usr/sbin/postmap" -c "$work/debconf" "$@"
}
mkdir -p "$work/debconf" "$work/ourconf"
owner=postfix
id postfix >/dev/null 2>&1 || owner=nobody
group=postdrop
getent group postdrop >/dev/null 2>&1 || group=nogroup
printf 'mail_owner = %s\nsetgid_group = %s\n' "$owner" "$group" >"$work/debconf/main.cf"
cp "$top/mta/conf/master.cf" "$work/debconf/"
: >"$work/ourconf/main.cf"

awk -v n="$n" 'BEGIN { srand(1); for (i = 0; i < n; i++)
	printf "user%d@example%d.com relay%d.example.net\n", i, i % 1000, i % 97 }' \
	>"$work/src"
awk -v n="$n" -v q="$q" 'BEGIN { srand(2); for (i = 0; i < q; i++) {
	k = int(rand() * n * 1.25);	# about one in five misses
	printf "user%d@example%d.com\n", k, k % 1000 } }' >"$work/keys"
cp "$work/src" "$work/src2"

now() { date +%s.%N; }
time_it() { local t0 t1; t0=$(now); "$@" >/dev/null; t1=$(now); echo "$t1 - $t0" | bc; }

ours_build=$(time_it "$build/bin/postmap" -c "$work/ourconf" "hash:$work/src")
deb_build=$(time_it deb_postmap "hash:$work/src2")
ours_q=$(time_it sh -c "'$build/bin/postmap' -c '$work/ourconf' -q - 'hash:$work/src' <'$work/keys'")
deb_q=$(time_it sh -c "LD_LIBRARY_PATH='$work/deb/usr/lib/postfix' '$work/deb/usr/sbin/postmap' -c '$work/debconf' -q - 'hash:$work/src2' <'$work/keys'")
# The two tables must answer the same.
a=$("$build/bin/postmap" -c "$work/ourconf" -q - "hash:$work/src2" <"$work/keys" | md5sum)
b=$(deb_postmap -q - "hash:$work/src" <"$work/keys" | md5sum)
[ "$a" = "$b" ] || { echo "bench: the tables answer differently" >&2; exit 1; }

printf '%-32s %12s %12s %8s\n' "" ours debian "ours/deb"
printf '%-32s %12.2f %12.2f %8.2f\n' "build $n entries (s)" "$ours_build" "$deb_build" \
	"$(echo "$ours_build / $deb_build" | bc -l)"
printf '%-32s %12.0f %12.0f %8.2f\n' "lookups per second ($q keys)" \
	"$(echo "$q / $ours_q" | bc -l)" "$(echo "$q / $deb_q" | bc -l)" \
	"$(echo "$deb_q / $ours_q" | bc -l)"
