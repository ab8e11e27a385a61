# Top-level build for the MTA. GNU make, C11, gcc.
#
#   make            build everything into build/
#   make SAN=1      build with AddressSanitizer + UBSan into build-san/
#   make check      install missing deps, build, run all suites, then again
#                   under SAN=1, and print "N passed, N failed"
#   make run        build and start what exists with a local configuration
#   make install    install under $(DESTDIR) with Debian paths
#   make doc        regenerate doc/man/man5/postconf.5 from params.def

SHELL := /bin/bash
CC ?= gcc
ifeq ($(origin CC),default)
CC := gcc
endif

ifeq ($(SAN),1)
O ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
OPTFLAGS := -O1 -g
else
O ?= build
SANFLAGS :=
OPTFLAGS := -O2 -g -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=3
endif

WARN := -std=c11 -Wall -Wextra -Werror -Wformat=2 -Wshadow -Wvla \
	-Wstrict-prototypes -Wmissing-prototypes -Wimplicit-fallthrough
CPPFLAGS += -D_GNU_SOURCE -Imta/libutil -Imta/libglobal -Imta/libmaster
CFLAGS += $(WARN) $(OPTFLAGS) -fstack-protector-strong -fPIE $(SANFLAGS)
LDFLAGS += -pie $(SANFLAGS)
# Libraries of the lookup table types (mta/libutil/dict_*.c).
LDLIBS += -ldb -llmdb -lcdb -lpcre2-8 -lsqlite3 -lssl -lcrypto -lsystemd
DEPFLAGS = -MMD -MP

# Debian install paths.
DESTDIR ?=
SBINDIR := /usr/sbin
DAEMONDIR := /usr/lib/postfix/sbin
CONFDIR := /etc/postfix
MANDIR := /usr/share/man
SHAREDIR := /usr/share/postfix
UNITDIR := /lib/systemd/system
# INSTALL_CONF=no: leave /etc/postfix/main.cf and master.cf alone (the
# package's postinst writes them; they are not conffiles).
INSTALL_CONF ?= yes

LIBUTIL_SRC := $(wildcard mta/libutil/*.c)
LIBGLOBAL_SRC := $(wildcard mta/libglobal/*.c)
LIBMASTER_SRC := $(wildcard mta/libmaster/*.c)
# Every directory under mta/ that is not a library or the sample
# configuration is one program: mta/smtpd/*.c -> $(O)/bin/smtpd.
PROG_NAMES := $(sort $(filter-out lib% conf,$(notdir $(wildcard mta/*))))
UNIT_SRC := $(wildcard tests/unit/*_test.c)
TOOL_SRC := $(wildcard tests/tools/*.c)

obj = $(patsubst %.c,$(O)/%.o,$(1))

LIBUTIL := $(O)/lib/libutil.a
LIBGLOBAL := $(O)/lib/libglobal.a
LIBMASTER := $(O)/lib/libmaster.a
LIBS := $(LIBMASTER) $(LIBGLOBAL) $(LIBUTIL)

PROGS := $(patsubst %,$(O)/bin/%,$(PROG_NAMES))
# Commands users run go to /usr/sbin; every other program is a daemon
# that master starts from daemon_directory (/usr/lib/postfix/sbin).
COMMAND_NAMES := postconf postmap postalias postfix postsuper postdrop postcat \
	sendmail postqueue
DAEMON_NAMES := $(filter-out $(COMMAND_NAMES),$(PROG_NAMES))
# Programs that are another program under a second name.
LINKS := $(O)/bin/newaliases $(O)/bin/mailq
UNIT_BINS := $(patsubst tests/unit/%.c,$(O)/tests/unit/%,$(UNIT_SRC))
TOOLS := $(patsubst tests/tools/%.c,$(O)/tools/%,$(TOOL_SRC))

.PHONY: all deps check check-one run install clean doc update-ref bench deb \
	unit-bins format-check
.DEFAULT_GOAL := all

all: deps $(PROGS) $(LINKS) $(TOOLS)

# Install what build and test need when something is missing; quiet
# and quick when all is present.
deps:
	@scripts/install-deps

$(O)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(DEPFLAGS) -c $< -o $@

$(LIBUTIL): $(call obj,$(LIBUTIL_SRC))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBGLOBAL): $(call obj,$(LIBGLOBAL_SRC))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(LIBMASTER): $(call obj,$(LIBMASTER_SRC))
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# prog_rule NAME - link $(O)/bin/NAME from mta/NAME/*.c and the libraries
define prog_rule
$(O)/bin/$(1): $$(call obj,$$(wildcard mta/$(1)/*.c)) $$(LIBS)
	@mkdir -p $$(@D)
	$$(CC) $$(LDFLAGS) -o $$@ $$(call obj,$$(wildcard mta/$(1)/*.c)) $$(LIBS) $$(LDLIBS)
endef
$(foreach p,$(PROG_NAMES),$(eval $(call prog_rule,$(p))))

# Programs that check argv[0]: in the build directory newaliases is
# postalias (the tests run it directly); installed, newaliases and mailq
# are sendmail, which runs postalias or postqueue, as Postfix installs them.
$(O)/bin/newaliases: $(O)/bin/postalias
	ln -sf postalias $@
$(O)/bin/mailq: $(O)/bin/sendmail
	ln -sf sendmail $@

$(O)/tests/unit/%: $(O)/tests/unit/%.o $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBS) $(LDLIBS) -lcmocka

$(O)/tools/%: $(O)/tests/tools/%.o $(LIBS)
	@mkdir -p $(@D)
	$(CC) $(LDFLAGS) -o $@ $< $(LIBS) $(LDLIBS)

unit-bins: $(UNIT_BINS)

# One pass of all suites against the build in $(O).
check-one: deps $(PROGS) $(LINKS) $(TOOLS) $(UNIT_BINS)
	@tests/run --build $(O)

# Everything, normally and under the sanitizers, with one summary line.
check:
	@scripts/check

run: all
	@scripts/run-local $(O)

# Benchmarks beside Debian's postfix (downloaded into a scratch directory).
bench: all
	@bench/tables.sh $(O)
	@bench/mail.sh $(O)
	@bench/submit.sh $(O)

doc: $(O)/tools/param_doc
	$(O)/tools/param_doc > doc/man/man5/postconf.5.new
	mv doc/man/man5/postconf.5.new doc/man/man5/postconf.5

update-ref: all
	@tests/postconf/run --build $(O) --update

format-check:
	@clang-format --dry-run --Werror $(wildcard mta/*/*.c mta/*/*.h)

install: all
	install -d $(DESTDIR)$(SBINDIR) $(DESTDIR)$(DAEMONDIR) \
		$(DESTDIR)$(CONFDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8 \
		$(DESTDIR)$(SHAREDIR)
	install -m 0755 $(patsubst %,$(O)/bin/%,$(COMMAND_NAMES)) \
		$(DESTDIR)$(SBINDIR)/
	install -m 0755 $(patsubst %,$(O)/bin/%,$(DAEMON_NAMES)) \
		$(DESTDIR)$(DAEMONDIR)/
	install -d $(DESTDIR)/usr/bin $(DESTDIR)/usr/lib
	ln -sf ../sbin/sendmail $(DESTDIR)/usr/bin/newaliases
	ln -sf ../sbin/sendmail $(DESTDIR)/usr/bin/mailq
	ln -sf ../sbin/sendmail $(DESTDIR)/usr/lib/sendmail
	install -m 0644 doc/man/man1/*.1 $(DESTDIR)$(MANDIR)/man1/
	ln -sf sendmail.1 $(DESTDIR)$(MANDIR)/man1/mailq.1
	ln -sf sendmail.1 $(DESTDIR)$(MANDIR)/man1/newaliases.1
	install -m 0644 doc/man/man5/*.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 doc/man/man8/*.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 mta/conf/main.cf $(DESTDIR)$(SHAREDIR)/main.cf.dist
	install -m 0644 mta/conf/master.cf $(DESTDIR)$(SHAREDIR)/master.cf.dist
	install -d $(DESTDIR)$(UNITDIR)
	install -m 0644 $(wildcard systemd/*.service systemd/*.path) \
		$(DESTDIR)$(UNITDIR)/
	[ "$(INSTALL_CONF)" = no ] || test -e $(DESTDIR)$(CONFDIR)/main.cf || \
		install -m 0644 mta/conf/main.cf $(DESTDIR)$(CONFDIR)/main.cf
	[ "$(INSTALL_CONF)" = no ] || test -e $(DESTDIR)$(CONFDIR)/master.cf || \
		install -m 0644 mta/conf/master.cf $(DESTDIR)$(CONFDIR)/master.cf

# The .deb, built from a copy of the working tree in $(O)/deb/src so
# that dpkg-buildpackage writes its results into $(O)/deb, then lintian.
deb: deps
	rm -rf $(O)/deb && mkdir -p $(O)/deb/src
	tar --exclude-vcs --exclude='./build*' --exclude=./run -cf - . | \
		tar -C $(O)/deb/src -xf -
	cd $(O)/deb/src && DEB_BUILD_OPTIONS="nocheck parallel=2" \
		dpkg-buildpackage -b -us -uc >../build.log 2>&1 || \
		{ tail -30 ../build.log; exit 1; }
	lintian --fail-on error,warning $(O)/deb/*.changes

clean:
	rm -rf build build-san run

-include $(shell find $(O) -path $(O)/deb -prune -o -name '*.d' -type f -print 2>/dev/null)
