#!/bin/bash
# bench/mail.sh - end-to-end mail benchmark, ours beside Debian's postfix.
#
#   bench/mail.sh [BUILD-DIR] [MESSAGES] [SESSIONS]
#
# For each MTA (ours from BUILD-DIR, Debian's postfix 3.7 unpacked from the
# Debian package into a scratch directory, never installed over ours) this
# creates a private instance on loopback with the same main.cf and the same
# master.cf (ours, as Debian ships it: smtpd, cleanup, bounce... chrooted),
# then measures:
#   1. MESSAGES (default 5000) messages from smtp-source (SESSIONS parallel
#      sessions, default 20) through SMTP into one local user's Maildir,
#      from the first connection until the last message is in Maildir/new;
#   2. the same into the user's mbox in mail_spool_directory;
#   3. resident memory with 100 idle SMTP sessions open: per smtpd process
#      and the sum over all processes of the instance.
# Both MTAs fsync the queue file before "250" and the mailbox after
# delivery (Postfix's behaviour; ours the same). Needs root.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build}
case "$build" in /*) ;; *) build="$top/$build" ;; esac
msgs=${2:-5000}
sessions=${3:-20}
[ "$(id -u)" = 0 ] || { echo "bench/mail.sh: needs root" >&2; exit 1; }
. "$top/bench/lib.sh"

# delivered MAILBOX - messages delivered so far
delivered() {
	if [ "$1" = maildir ]; then
		find "$work/home/Maildir/new" -type f 2>/dev/null | wc -l
	else
		grep -c '^From ' "$work/spool/benchuser" 2>/dev/null || echo 0
	fi
}

# cpu_by_program CONF - CPU seconds per program of the instance so far
# (processes that already exited are not counted: max_idle keeps most)
cpu_by_program() {
	python3 - "$1" <<-'EOF'
	import os, sys
	conf = sys.argv[1].encode()
	hz = os.sysconf("SC_CLK_TCK")
	cpu = {}
	for p in os.listdir("/proc"):
	    if not p.isdigit():
	        continue
	    try:
	        env = open("/proc/%s/environ" % p, "rb").read()
	        cmd = open("/proc/%s/cmdline" % p, "rb").read()
	        st = open("/proc/%s/stat" % p).read()
	    except OSError:
	        continue
	    if b"MAIL_CONFIG=" + conf not in env and conf not in cmd:
	        continue
	    f = st.rsplit(")", 1)[1].split()
	    prog = os.path.basename(cmd.split(b"\0")[0].decode()).split()[0]
	    if prog.startswith("python"):
	        continue
	    cpu[prog] = cpu.get(prog, 0) + (int(f[11]) + int(f[12])) / hz
	print(" ".join("%s=%.1f" % kv for kv in sorted(cpu.items())))
	EOF
}

# throughput NAME PORT MAILBOX - messages per second, end to end
throughput() {
	local name=$1 port=$2 mailbox=$3 t0 t1 n last=0 still=0
	setup "$name" "$port" "$mailbox"
	start "$name" || { echo "start of $name failed" >&2; echo 0; return; }
	sleep 1
	t0=$(date +%s.%N)
	LD_LIBRARY_PATH=$deb/usr/lib/postfix "$deb/usr/sbin/smtp-source" \
		-s "$sessions" -m "$msgs" -l 1000 -f bench@remote.test \
		-t benchuser@mx.example.test "127.0.0.1:$port"
	while n=$(delivered "$mailbox"); [ "$n" -lt "$msgs" ]; do
		if [ "$n" = "$last" ]; then
			still=$((still + 1))
			[ $still -gt 600 ] && { echo "$name: stuck at $n" >&2; break; }
		else
			still=0 last=$n
		fi
		sleep 0.05
	done
	t1=$(date +%s.%N)
	cpu_by_program "$work/$name/conf" >"$work/cpu.$name.$mailbox"
	stop "$name"
	echo "scale=1; $(delivered "$mailbox") / ($t1 - $t0)" | bc
}

# memory NAME PORT - "smtpd-KiB total-KiB" with 100 idle sessions
memory() {
	local name=$1 port=$2 d=$work/$1
	setup "$name" "$port" maildir
	start "$name" || { echo "0 0"; return; }
	python3 - "$port" "$d/conf" <<-'EOF'
	import os, socket, sys, time
	port, conf = int(sys.argv[1]), sys.argv[2]
	socks = []
	for i in range(100):
	    s = socket.create_connection(("127.0.0.1", port))
	    s.recv(512)
	    socks.append(s)
	time.sleep(2)
	smtpd, total, n = 0, 0, 0
	for p in os.listdir("/proc"):
	    if not p.isdigit():
	        continue
	    try:
	        env = open("/proc/%s/environ" % p, "rb").read()
	        cmd = open("/proc/%s/cmdline" % p, "rb").read()
	        st = open("/proc/%s/status" % p).read()
	    except OSError:
	        continue
	    if (b"MAIL_CONFIG=" + conf.encode()) not in env and conf.encode() not in cmd:
	        continue
	    rss = int([l for l in st.splitlines() if l.startswith("VmRSS")][0].split()[1])
	    total += rss
	    if b"smtpd" in cmd.split(b"\0")[0]:
	        smtpd += rss
	        n += 1
	print(smtpd // max(n, 1), total)
	EOF
	stop "$name"
}

ratio() { echo "scale=2; $1 / $2" | bc 2>/dev/null || echo "-"; }

port=$((20000 + RANDOM % 20000))
declare -A res
for mta in debian ours; do
	if [ "$mta" = ours ] && [ ! -x "$build/bin/master" ]; then
		res[$mta.maildir]=0 res[$mta.mbox]=0 res[$mta.mem]="0 0"
		continue
	fi
	res[$mta.maildir]=$(throughput "$mta" $((port++)) maildir)
	res[$mta.mbox]=$(throughput "$mta" $((port++)) mbox)
	res[$mta.mem]=$(memory "$mta" $((port++)))
done
read -r om ot <<<"${res[ours.mem]}"
read -r dm dt <<<"${res[debian.mem]}"
printf '%-36s %10s %10s %8s\n' "$msgs messages, $sessions sessions" ours debian ratio
printf '%-36s %10s %10s %8s\n' "SMTP -> Maildir (msgs/s)" "${res[ours.maildir]}" \
	"${res[debian.maildir]}" "$(ratio "${res[ours.maildir]}" "${res[debian.maildir]}")"
printf '%-36s %10s %10s %8s\n' "SMTP -> mbox (msgs/s)" "${res[ours.mbox]}" \
	"${res[debian.mbox]}" "$(ratio "${res[ours.mbox]}" "${res[debian.mbox]}")"
printf '%-36s %10s %10s %8s\n' "RSS per smtpd, 100 idle (KiB)" "$om" "$dm" "$(ratio "$om" "$dm")"
printf '%-36s %10s %10s %8s\n' "RSS all processes, 100 idle (KiB)" "$ot" "$dt" "$(ratio "$ot" "$dt")"
echo "CPU seconds per program at the end of each run (live processes only):"
for f in "$work"/cpu.*; do
	[ -f "$f" ] && printf '  %-16s %s\n' "${f##*/cpu.}" "$(cat "$f")"
done
