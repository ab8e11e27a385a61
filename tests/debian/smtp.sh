#!/bin/bash
# smtp.sh PORT RCPT - send one test message to 127.0.0.1:PORT over SMTP;
# exits 0 only when the server accepted it (250 after the dot).
set -eu
exec 3<>"/dev/tcp/127.0.0.1/$1"
reply() { # read one (multi-line) reply; check its code
	local l
	while IFS= read -r -t 20 l <&3; do
		echo "S: $l"
		[ "${l:3:1}" = "-" ] || break
	done
	[ "${l:0:3}" = "$1" ] || { echo "expected $1"; exit 1; }
}
cmd() { printf '%s\r\n' "$1" >&3; echo "C: $1"; }
reply 220
cmd "EHLO client.example.test"; reply 250
cmd "MAIL FROM:<tester@example.test>"; reply 250
cmd "RCPT TO:<$2>"; reply 250
cmd "DATA"; reply 354
printf 'From: tester@example.test\r\nTo: %s\r\nSubject: test %s\r\n\r\nhello\r\n.\r\n' "$2" "$$" >&3
reply 250
cmd "QUIT"; reply 221
