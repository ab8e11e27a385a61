# bench/lib.sh - shared by the end-to-end benchmarks (sourced, not run).
#
# Expects: top (the source tree), build (our build directory). Makes the
# scratch directory $work (removed, with the instances stopped, at exit),
# downloads Debian's postfix 3.7 and
# unpacks it into $work/deb (never installed), creates the users, and
# defines:
#   setup NAME PORT MAILBOX   config and queue of instance NAME (ours or
#                             debian) with smtpd on 127.0.0.1:PORT and
#                             delivery to benchuser's Maildir or mbox
#   start NAME / stop NAME    master of that instance
#   cmd NAME PROG ARGS...     run one of the instance's commands
work=$(mktemp -d /tmp/mta-bench-XXXXXX)
chmod 755 "$work"
cleanup() {
	for d in "$work"/ours "$work"/debian; do
		[ -f "$d/queue/pid/master.pid" ] &&
			kill "$(cat "$d/queue/pid/master.pid")" 2>/dev/null
	done
	sleep 1
	userdel benchuser >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT

# Debian's postfix in a scratch root.
(cd "$work" && apt-get download postfix >/dev/null 2>&1) ||
	{ echo "bench: cannot download Debian's postfix" >&2; exit 1; }
dpkg -x "$work"/postfix_*.deb "$work/deb"
deb=$work/deb
# Debian's programs find their shared libraries in the scratch root even
# where they clean the environment (sendmail starting postdrop).
for f in "$deb"/usr/sbin/* "$deb"/usr/lib/postfix/sbin/*; do
	[ -f "$f" ] && [ ! -L "$f" ] &&
		patchelf --set-rpath "$deb/usr/lib/postfix" "$f" 2>/dev/null || true
done
getent group postdrop >/dev/null || groupadd -r postdrop
id postfix >/dev/null 2>&1 || {
	groupadd -rf postfix
	useradd -r -g postfix -d /var/spool/postfix -s /usr/sbin/nologin postfix
}
id benchuser >/dev/null 2>&1 || useradd -M -d "$work/home" -s /bin/sh benchuser
usermod -d "$work/home" benchuser
mkdir -p "$work/home"
chown benchuser: "$work/home"

# setup NAME PORT MAILBOX - config and queue of one instance
setup() {
	local name=$1 port=$2 mailbox=$3 d=$work/$1
	local daemons cmds
	if [ "$name" = debian ]; then
		daemons=$deb/usr/lib/postfix/sbin cmds=$deb/usr/sbin
	else
		daemons=$build/bin cmds=$build/bin
	fi
	rm -rf "$d" "$work/home/Maildir" "$work/spool"
	mkdir -p "$d/conf" "$d/queue" "$d/data" "$work/spool"
	chmod 1777 "$work/spool"
	chown postfix "$d/data"
	cat >"$d/conf/main.cf" <<-EOF
	compatibility_level = 3.6
	queue_directory = $d/queue
	data_directory = $d/data
	daemon_directory = $daemons
	command_directory = $cmds
	mail_owner = postfix
	setgid_group = postdrop
	myhostname = mx.example.test
	mydomain = example.test
	mydestination = \$myhostname, localhost
	inet_interfaces = 127.0.0.1
	inet_protocols = ipv4
	mynetworks = 127.0.0.0/8
	alias_maps = hash:$d/conf/aliases
	alias_database = hash:$d/conf/aliases
	mail_spool_directory = $work/spool
	maillog_file = $d/maillog
	maillog_file_prefixes = /var, /dev/stdout, /tmp
	home_mailbox = $([ "$mailbox" = maildir ] && echo Maildir/)
	EOF
	if [ "$name" = debian ]; then
		cat >>"$d/conf/main.cf" <<-EOF
		shlib_directory = $deb/usr/lib/postfix
		meta_directory = $deb/etc/postfix
		import_environment = MAIL_CONFIG MAIL_DEBUG MAIL_LOGTAG TZ LANG LD_LIBRARY_PATH=$deb/usr/lib/postfix
		EOF
	fi
	sed "s/^smtp      inet  n       -       y/127.0.0.1:$port inet n - y/" \
		"$top/mta/conf/master.cf" >"$d/conf/master.cf"
	echo "postmaster: root" >"$d/conf/aliases"
	# The queue tree, as "postfix set-permissions" makes it.
	(cd "$d/queue" &&
		mkdir -p active bounce corrupt defer deferred flush hold incoming \
			private saved trace maildrop public pid etc &&
		chown postfix active bounce corrupt defer deferred flush hold \
			incoming private saved trace maildrop public &&
		chmod 700 active bounce corrupt defer deferred flush hold \
			incoming private saved trace &&
		chgrp postdrop maildrop public && chmod 1730 maildrop &&
		chmod 710 public &&
		cp /etc/hosts /etc/services /etc/resolv.conf /etc/nsswitch.conf \
			etc/ 2>/dev/null; cp /etc/localtime etc/ 2>/dev/null || true)
	if [ "$name" = debian ]; then
		LD_LIBRARY_PATH=$deb/usr/lib/postfix "$deb/usr/sbin/postalias" \
			-c "$d/conf" "$d/conf/aliases"
	else
		"$build/bin/postalias" -c "$d/conf" "$d/conf/aliases"
	fi
}

# start NAME - run master for the instance and wait for it
start() {
	local d=$work/$1
	if [ "$1" = debian ]; then
		LD_LIBRARY_PATH=$deb/usr/lib/postfix MAIL_CONFIG=$d/conf \
			"$deb/usr/lib/postfix/sbin/master" -c "$d/conf" -w
	else
		MAIL_CONFIG=$d/conf "$build/bin/master" -c "$d/conf" -w
	fi
}

stop() {
	local d=$work/$1 pid
	pid=$(cat "$d/queue/pid/master.pid" 2>/dev/null) || return 0
	kill "$pid" 2>/dev/null || true
	for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}

# cmd NAME PROG ARGS... - one of the instance's commands (sendmail, ...)
cmd() {
	local name=$1 prog=$2
	shift 2
	if [ "$name" = debian ]; then
		LD_LIBRARY_PATH=$deb/usr/lib/postfix MAIL_CONFIG=$work/$name/conf \
			"$deb/usr/sbin/$prog" "$@"
	else
		MAIL_CONFIG=$work/$name/conf "$build/bin/$prog" "$@"
	fi
}
