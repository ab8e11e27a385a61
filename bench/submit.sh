#!/bin/bash
# bench/submit.sh - local submission benchmark, ours beside Debian's postfix.
#
#   bench/submit.sh [BUILD-DIR] [CALLS] [PARALLEL]
#
# For each MTA (ours from BUILD-DIR, Debian's postfix 3.7 unpacked into a
# scratch directory by bench/lib.sh) a private instance delivering to
# benchuser's Maildir, then:
#   1. latency: 20 times, one `sendmail benchuser` with a 1 KB message as
#      root (what cron does), timed from the call until the file is in
#      Maildir/new; the median and the slowest are reported;
#   2. throughput: CALLS (default 1000) sendmail calls, PARALLEL at a
#      time (default 4), timed until all are in Maildir/new; also the
#      time until the last sendmail call returned (submission alone).
# sendmail -> postdrop -> maildrop/ -> pickup -> cleanup -> qmgr -> local.
# Needs root.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
calls=${2:-1000}
parallel=${3:-4}
[ "$(id -u)" = 0 ] || { echo "bench/submit.sh: needs root" >&2; exit 1; }

. "$top/bench/lib.sh"

delivered() {
	find "$work/home/Maildir/new" -type f 2>/dev/null | wc -l
}

message() {
	printf 'Subject: bench\nTo: benchuser\n\n'
	head -c 1000 /dev/zero | tr '\0' 'x' | fold -w 72
	echo
}

# wait_for N - until N messages are in Maildir/new (60 s without progress)
wait_for() {
	local n last=-1 still=0
	while n=$(delivered); [ "$n" -lt "$1" ]; do
		if [ "$n" = "$last" ]; then
			still=$((still + 1))
			[ $still -gt 6000 ] && { echo "stuck at $n" >&2; return 1; }
		else
			still=0 last=$n
		fi
		sleep 0.01
	done
}

# latency NAME - "median slowest" in ms over 20 submissions
latency() {
	local name=$1 i t0 t1 n
	: >"$work/lat.$name"
	for i in $(seq 20); do
		n=$(delivered)
		t0=$(date +%s%N)
		message | cmd "$name" sendmail -f bench@mx.example.test benchuser
		wait_for $((n + 1))
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000)) >>"$work/lat.$name"
	done
	sort -n "$work/lat.$name" | awk '{ v[NR] = $1 }
		END { printf "%.1f %.1f\n", (v[10] + v[11]) / 2000, v[NR] / 1000 }'
}

# throughput NAME - "calls/s-until-delivered seconds-until-submitted"
throughput() {
	local name=$1 n t0 t1 t2
	message >"$work/msg"
	n=$(delivered)
	export -f cmd
	export work deb build
	t0=$(date +%s.%N)
	seq "$calls" | xargs -P "$parallel" -I{} bash -c \
		"cmd $name sendmail -f bench@mx.example.test benchuser <'$work/msg'"
	t1=$(date +%s.%N)
	wait_for $((n + calls))
	t2=$(date +%s.%N)
	echo "$(echo "scale=1; $calls / ($t2 - $t0)" | bc) $(echo "scale=2; ($t1 - $t0) / 1" | bc)"
}

declare -A res
port=$((20000 + RANDOM % 20000))
for mta in debian ours; do
	if [ "$mta" = ours ] && [ ! -x "$build/bin/sendmail" ]; then
		res[$mta.lat]="0 0" res[$mta.tput]="0 0"
		continue
	fi
	setup "$mta" $((port++)) maildir
	start "$mta" || { echo "start of $mta failed" >&2; exit 1; }
	sleep 1
	res[$mta.lat]=$(latency "$mta")
	res[$mta.tput]=$(throughput "$mta")
	stop "$mta"
done
ratio() { echo "scale=2; $1 / $2" | bc 2>/dev/null || echo "-"; }
read -r olm olx <<<"${res[ours.lat]}"
read -r dlm dlx <<<"${res[debian.lat]}"
read -r otp ots <<<"${res[ours.tput]}"
read -r dtp dts <<<"${res[debian.tput]}"
printf '%-42s %10s %10s %8s\n' "sendmail -> Maildir" ours debian ratio
printf '%-42s %10s %10s %8s\n' "latency, median of 20 (ms)" "$olm" "$dlm" "$(ratio "$olm" "$dlm")"
printf '%-42s %10s %10s %8s\n' "latency, slowest of 20 (ms)" "$olx" "$dlx" "$(ratio "$olx" "$dlx")"
printf '%-42s %10s %10s %8s\n' "$calls calls x$parallel, delivered (msgs/s)" "$otp" "$dtp" "$(ratio "$otp" "$dtp")"
printf '%-42s %10s %10s %8s\n' "$calls calls x$parallel, all submitted (s)" "$ots" "$dts" "$(ratio "$ots" "$dts")"
