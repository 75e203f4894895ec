# v6-scheduler. `make run` and `make test` work on a fresh Debian machine: they install
# what they need first (`make deps`).
SHELL := /bin/bash
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
SWIFT_FLAGS ?=
DEB_PACKAGES := libsystemd-dev libsqlite3-dev pkg-config
# What only the tests need: systemd-analyze (verify-units.sh, exports), systemd-journald and
# journalctl (the journal tests), systemd itself (e2e-systemd); unshare/nsenter (util-linux);
# promtool and a real Prometheus (the metrics tests), openssl (TLS certificates for the SMTP
# tests); a headless Chromium and its driver (the dashboard's browser test); a Python venv (from
# Debian only where the machine's python3 lacks one). PyPI packages, pinned, all into that venv
# (.build/venv): aiosmtpd (the SMTP sink), kubernetes-validate (checks the exported CronJobs
# offline), Selenium (drives Chromium) and schemathesis (fuzzes the dashboard's API from its
# OpenAPI document); PostgreSQL's server (the shared store's tests start a private cluster),
# iproute2 (`ip`: as root, the cluster test puts each daemon in a network namespace of its own).
TEST_DEB_PACKAGES := systemd util-linux prometheus openssl chromium chromium-driver postgresql iproute2 \
  $(if $(shell python3 -m venv --help >/dev/null 2>&1 && echo yes),,python3 python3-venv)
# The shared store's suites (a private PostgreSQL cluster; E2EClusterTests: three daemons in
# network namespaces), run in a test process of their own.
SHARED_STORE_SUITES := E2EClusterTests|E2ESharedConfigTests|PostgresStoreTests|SharedStoreMaintenanceTests
TEST_PIP_PACKAGES := aiosmtpd==1.4.6 kubernetes-validate==1.37.0 selenium==4.40.0 schemathesis==4.32.5
VENV := .build/venv
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE_DIR = $(shell $(SWIFT) build -c release --show-bin-path 2>/dev/null)
DEBUG_DIR = $(shell $(SWIFT) build --show-bin-path 2>/dev/null)

# Install layout: `make install PREFIX=/usr`, `make install DESTDIR=/tmp/pkg` (packaging).
# systemd reads units, sysusers.d and tmpfiles.d under /usr/local/lib as well as /usr/lib
# (`systemd-analyze unit-paths`), so the lib directories follow PREFIX; /etc/systemd/system
# stays the administrator's (drop-ins, `systemctl edit`). With another PREFIX, set UNITDIR,
# SYSUSERSDIR and TMPFILESDIR to directories systemd reads (install warns otherwise).
PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
DATADIR ?= $(PREFIX)/share
DOCDIR ?= $(DATADIR)/doc/v6-scheduler
MANDIR ?= $(DATADIR)/man
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
# Fixed: the unit's ExecStart= and ConfigurationDirectory= name /etc/v6-scheduler.
CONFDIR := /etc/v6-scheduler
# 1: link the Swift runtime in (--static-swift-stdlib); 0: the dynamic build (needs the toolchain).
STATIC ?= 1
# Where install-files takes the binaries from (install: the release build).
INSTALL_FROM ?= $(RELEASE_DIR)
# Man pages and completion scripts, generated from the binaries (extras).
EXTRAS_DIR := .build/v6-extras
# Which build e2e-systemd (and so `make test` as root) installs: release (what install ships) or debug.
E2E_BUILD ?= release
E2E_BIN = $(if $(filter release,$(E2E_BUILD)),$(RELEASE_DIR),$(DEBUG_DIR))
PROGRAMS := v6-scheduler v6ctl v6-dashboard

.PHONY: deps test-deps build release test fault fuzz run bench e2e-export release-check install install-files extras uninstall e2e-systemd clean

# The Debian packages in $(1) that are not installed yet, installed (sudo only when not root);
# then the shell commands $(2), if any, with $$missing naming what was installed.
define apt_install_missing
	@missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make $@: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing || exit 1; \
	  $(2) \
	fi
endef

# Installing Debian's prometheus enables (and, where systemd runs, starts) its server; the tests
# start their own on loopback, so when test-deps installed it, it stops and disables it.
disable_new_prometheus = if echo " $$missing " | grep -q " prometheus "; then \
	  echo "make test-deps: disabling the prometheus.service the package enabled (the tests start their own Prometheus)"; \
	  if [ -d /run/systemd/system ]; then $(SUDO) systemctl disable --now prometheus.service || true; \
	  else $(SUDO) systemctl disable prometheus.service >/dev/null 2>&1 || true; fi; \
	fi;

## deps: install the Debian packages the build needs, when missing (sudo only when not root)
deps:
	$(call apt_install_missing,$(DEB_PACKAGES))

## test-deps: what the tests need beyond the build, when missing: TEST_DEB_PACKAGES, and
## TEST_PIP_PACKAGES (pinned) in .build/venv, whose python the tests use
test-deps: deps
	$(call apt_install_missing,$(TEST_DEB_PACKAGES),$(disable_new_prometheus))
	@installed=$$($(VENV)/bin/python -m pip freeze 2>/dev/null); missing=""; \
	for p in $(TEST_PIP_PACKAGES); do echo "$$installed" | grep -qix "$$p" || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "make test-deps: pip install$$missing into $(VENV)"; \
	  { [ -x $(VENV)/bin/python ] || python3 -m venv $(VENV); } && \
	  $(VENV)/bin/python -m pip install -q --disable-pip-version-check $$missing || exit 1; \
	fi

## build: debug build of everything
build: deps
	$(SWIFT) build $(SWIFT_FLAGS)

## release: optimized binaries with the Swift runtime linked in (--static-swift-stdlib: they need
## only libc, libstdc++, libsqlite3 and libsystemd), checked to load America/New_York (a static
## build can lose Foundation's zone lookup); falls back to the dynamic runtime, and says so
release: deps
	@if [ "$(STATIC)" = 1 ]; then \
	  if $(SWIFT) build -c release --static-swift-stdlib $(SWIFT_FLAGS) && $(MAKE) --no-print-directory release-check; then exit 0; fi; \
	  echo "make release: WARNING: the --static-swift-stdlib build failed or cannot load America/New_York;" \
	    "building against the dynamic Swift runtime instead (the binaries then need $$(dirname $$(dirname $(SWIFT)))/lib/swift/linux)" >&2; \
	fi; \
	$(SWIFT) build -c release $(SWIFT_FLAGS) && $(MAKE) --no-print-directory release-check

# The release binaries start and load the NYSE zone (ZoneRules fails loudly when it cannot).
release-check:
	@bin="$(RELEASE_DIR)"; \
	"$$bin/v6ctl" calendar phase --at 2026-03-08T03:30 | grep -q -- "-04:00" && \
	"$$bin/v6-scheduler" plan --config config/demo.yaml --from 2026-11-27 --to 2026-11-27 >/dev/null && \
	if ldd "$$bin/v6-scheduler" | grep -q libswiftCore; then kind=dynamic; else kind=static; fi && \
	echo "make release: $$kind Swift runtime; $$bin/v6-scheduler $$(du -h "$$bin/v6-scheduler" | cut -f1), v6ctl $$(du -h "$$bin/v6ctl" | cut -f1) (unstripped)"

## test: the whole test suite in four test processes, one after the other: every suite but the
## fault-injection ones, the in-process daemons and the shared store's; ClockedDaemonTests alone
## (whole daemons inside the test process answer on Swift's cooperative threads, which the
## synchronous E2E tests hold for seconds at a time: together, v6ctl timed out); the suites on a
## private PostgreSQL alone (they start clusters and daemons and wait on them for a minute and
## more: beside the others they held both pool threads and stalled every async test for 50 s);
## then the fault suite alone (fault); the
## units' syntax (systemd-analyze verify); the exports (kubernetes-validate, systemd-analyze
## verify); the dashboard in a real headless Chromium and its API fuzzed from its OpenAPI
## document; as root, also the install and the exported timers under a real systemd (e2e-systemd,
## e2e-export). Tests that need root say so when they skip elsewhere; under CI (root, or CI set)
## nothing may be skipped for want of a tool or of root.
test: test-deps
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)
	$(SWIFT) test --skip-build $(SWIFT_FLAGS) --skip FaultTests --skip ClockedDaemonTests --skip '$(SHARED_STORE_SUITES)'
	$(SWIFT) test --skip-build $(SWIFT_FLAGS) --filter ClockedDaemonTests
	$(SWIFT) test --skip-build $(SWIFT_FLAGS) --filter '$(SHARED_STORE_SUITES)'
	@$(MAKE) --no-print-directory fault
	bash Tests/SystemdE2E/verify-units.sh "$(DEBUG_DIR)"
	bash Tests/ExportE2E/check-exports.sh "$(DEBUG_DIR)" $(VENV)
	$(VENV)/bin/python Tests/Dashboard/dashboard_browser.py "$(DEBUG_DIR)"
	$(VENV)/bin/python Tests/Dashboard/fuzz_api.py "$(DEBUG_DIR)"
	@if [ "$$(id -u)" = 0 ]; then \
	  $(MAKE) --no-print-directory e2e-systemd && bash Tests/ExportE2E/timers.sh "$(DEBUG_DIR)"; \
	elif [ -n "$$CI" ]; then \
	  echo "FAIL e2e-systemd, e2e-export: need root, and CI is set (CI runs the whole suite as root)" >&2; exit 1; \
	else \
	  echo "SKIP e2e-systemd, e2e-export: need root (they boot a private systemd with ../shared/tools/systemd-ns); run: sudo make e2e-systemd e2e-export" >&2; \
	fi

## fault: the fault suite alone, in its own process after the others (it kills daemons, floods 1 GB
## of output, fills disks; its timing figures need the machine to itself): FIGURE lines on stdout.
## V6_FAULT_SCALE=quick runs a fraction of it (15 kills instead of 100, 300 MB instead of 1 GB).
fault: test-deps
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)
	set -o pipefail; $(SWIFT) test --skip-build --filter FaultTests $(SWIFT_FLAGS) 2>&1 | tee .build/fault.log
	@echo "== the fault suite's figures:"; grep -h "^FIGURE:" .build/fault.log || true

## fuzz: coverage-guided fuzzing (libFuzzer) of the JSON, request, cron, duration and at: parsers,
## FUZZ_SECONDS per target (default 60); make bench runs it too
FUZZ_SECONDS ?= 60
fuzz:
	bash Tests/Fuzz/run.sh $(FUZZ_SECONDS)

## run: the daemon in the foreground on the demo config, state under ./.v6/, and the dashboard
## next to it (it prints its dashboard: http://127.0.0.1:8501/?token=... line); Ctrl-C stops both.
## .v6/env sets V6_SOCKET and PATH for v6ctl in another terminal (`. .v6/env` from this folder)
run: deps
	$(SWIFT) build $(SWIFT_FLAGS)
	@bin=$$($(SWIFT) build --show-bin-path); mkdir -p .v6; \
	printf 'export V6_SOCKET=%s PATH=%s:$$PATH\n' "$$PWD/.v6/control.sock" "$$bin" > .v6/env; \
	echo "v6-scheduler: demo config config/demo.yaml; state, socket and logs in ./.v6/"; \
	echo "in another terminal, from this folder:  . .v6/env; v6ctl status"; \
	$$bin/v6-scheduler run --config config/demo.yaml --log-target stderr & daemon=$$!; \
	trap 'kill $$dashboard $$daemon 2>/dev/null; wait' INT TERM EXIT; \
	for i in $$(seq 200); do [ -S .v6/control.sock ] && break; sleep 0.05; done; \
	$$bin/v6-dashboard --socket .v6/control.sock --listen $${V6_DASHBOARD_LISTEN:-127.0.0.1:8501} --token-file .v6/dashboard-token & dashboard=$$!; \
	wait $$daemon

## bench: release build, every benchmark, table to stdout and docs/benchmarks.md
bench: release
	bash Tests/Benchmarks/run.sh "$(RELEASE_DIR)"

## install: binaries (stripped), systemd units, sysusers.d and tmpfiles.d entries, man pages,
## shell completions and docs under $(DESTDIR)$(PREFIX); /etc/v6-scheduler/production.yaml and
## scheduler.env only when absent (else a .new copy beside them); the drop-in directory
## /etc/v6-scheduler/production.yaml.d (owned by v6-scheduler through tmpfiles.d: the daemon
## writes run-time edits there). Without DESTDIR, on a host
## running systemd, it also creates the users (systemd-sysusers) and /run/v6-scheduler.
install: release
	@$(MAKE) --no-print-directory extras INSTALL_FROM="$(RELEASE_DIR)"
	@$(MAKE) --no-print-directory install-files INSTALL_FROM="$(RELEASE_DIR)"

# Man pages (swift-argument-parser's generate-manual plugin builds its tool offline; we run the
# tool on the built binaries, since the plugin itself would rebuild them without the static
# runtime) and bash/zsh/fish completions, from the binaries in INSTALL_FROM, into EXTRAS_DIR.
extras:
	@set -e; rm -rf $(EXTRAS_DIR); mkdir -p $(EXTRAS_DIR)/man $(EXTRAS_DIR)/completions; \
	bin="$(INSTALL_FROM)"; \
	for p in $(PROGRAMS); do \
	  "$$bin/$$p" --generate-completion-script bash > $(EXTRAS_DIR)/completions/$$p.bash; \
	  "$$bin/$$p" --generate-completion-script zsh > $(EXTRAS_DIR)/completions/_$$p; \
	  "$$bin/$$p" --generate-completion-script fish > $(EXTRAS_DIR)/completions/$$p.fish; \
	done; \
	date=$$(git log -1 --format=%cs 2>/dev/null || date +%F); \
	if $(SWIFT) package generate-manual --help >/dev/null 2>$(EXTRAS_DIR)/generate-manual.log && \
	   tool="$(DEBUG_DIR)/generate-manual-tool" && [ -x "$$tool" ] && \
	   for p in $(PROGRAMS); do "$$tool" "$$bin/$$p" --date $$date -o $(EXTRAS_DIR)/man || exit 1; done; then \
	  echo "make extras: man pages $$(cd $(EXTRAS_DIR)/man && echo *.1), completions for bash, zsh and fish"; \
	else \
	  echo "make extras: WARNING: generate-manual failed (see $(EXTRAS_DIR)/generate-manual.log); installing --help text instead of man pages" >&2; \
	  rm -f $(EXTRAS_DIR)/man/*; \
	  for p in $(PROGRAMS); do "$$bin/$$p" --help > $(EXTRAS_DIR)/man/$$p.help.txt; done; \
	fi

# The files of `make install`, from INSTALL_FROM and EXTRAS_DIR (the e2e test calls it inside
# a private systemd with the binaries it built). No build step: it runs no swift.
install-files:
	@set -e; \
	d="$(DESTDIR)"; bin="$(INSTALL_FROM)"; \
	[ -x "$$bin/v6-scheduler" ] && [ -x "$$bin/v6ctl" ] || { echo "make install: no binaries in '$$bin' (run make release)" >&2; exit 1; }; \
	[ -d $(EXTRAS_DIR) ] || { echo "make install: no $(EXTRAS_DIR) (run make extras)" >&2; exit 1; }; \
	for p in $(PROGRAMS); do install -D -m 0755 -s "$$bin/$$p" "$$d$(BINDIR)/$$p"; done; \
	for u in service socket; do \
	  sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' systemd/v6-scheduler.$$u.in > $(EXTRAS_DIR)/v6-scheduler.$$u; \
	  install -D -m 0644 $(EXTRAS_DIR)/v6-scheduler.$$u "$$d$(UNITDIR)/v6-scheduler.$$u"; \
	done; \
	sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@DOCDIR@|$(DOCDIR)|g' systemd/v6-dashboard.service.in > $(EXTRAS_DIR)/v6-dashboard.service; \
	install -D -m 0644 $(EXTRAS_DIR)/v6-dashboard.service "$$d$(UNITDIR)/v6-dashboard.service"; \
	install -D -m 0644 systemd/v6-scheduler.sysusers "$$d$(SYSUSERSDIR)/v6-scheduler.conf"; \
	install -D -m 0644 systemd/v6-scheduler.tmpfiles "$$d$(TMPFILESDIR)/v6-scheduler.conf"; \
	if ls $(EXTRAS_DIR)/man/*.1 >/dev/null 2>&1; then \
	  install -d "$$d$(MANDIR)/man1"; install -m 0644 $(EXTRAS_DIR)/man/*.1 "$$d$(MANDIR)/man1/"; \
	else \
	  install -d "$$d$(DOCDIR)"; install -m 0644 $(EXTRAS_DIR)/man/*.help.txt "$$d$(DOCDIR)/"; \
	fi; \
	for p in $(PROGRAMS); do \
	  install -D -m 0644 $(EXTRAS_DIR)/completions/$$p.bash "$$d$(BASHCOMPDIR)/$$p"; \
	  install -D -m 0644 $(EXTRAS_DIR)/completions/_$$p "$$d$(ZSHCOMPDIR)/_$$p"; \
	  install -D -m 0644 $(EXTRAS_DIR)/completions/$$p.fish "$$d$(FISHCOMPDIR)/$$p.fish"; \
	done; \
	install -d "$$d$(DOCDIR)/examples"; \
	install -m 0644 README.md docs/*.md "$$d$(DOCDIR)/"; \
	install -m 0644 config/production.yaml systemd/scheduler.env "$$d$(DOCDIR)/examples/"; \
	install -d -m 0755 "$$d$(CONFDIR)" "$$d$(CONFDIR)/production.yaml.d"; \
	for f in production.yaml:config/production.yaml:0644 scheduler.env:systemd/scheduler.env:0640; do \
	  name=$${f%%:*}; rest=$${f#*:}; src=$${rest%%:*}; mode=$${rest#*:}; target="$$d$(CONFDIR)/$$name"; \
	  if [ ! -e "$$target" ]; then install -m $$mode "$$src" "$$target"; \
	  elif cmp -s "$$src" "$$target"; then :; \
	  else install -m $$mode "$$src" "$$target.new"; \
	    echo "make install: kept your $(CONFDIR)/$$name; the shipped version is $(CONFDIR)/$$name.new (diff them)"; fi; \
	done; \
	case "$(UNITDIR)" in /etc/systemd/system|/usr/local/lib/systemd/system|/usr/lib/systemd/system|/lib/systemd/system) ;; \
	  *) echo "make install: WARNING: systemd does not read units from $(UNITDIR) (see systemd-analyze unit-paths); set UNITDIR=, SYSUSERSDIR=, TMPFILESDIR=" >&2;; esac; \
	if ldd "$$d$(BINDIR)/v6-scheduler" | grep -q libswiftCore; then \
	  echo "make install: NOTE: dynamic build: the binaries need the Swift runtime from $$(dirname $$(dirname $(SWIFT)))/lib/swift/linux"; fi; \
	echo "make install: installed into $${d:-/}: $(BINDIR)/{v6-scheduler,v6ctl,v6-dashboard}, $(UNITDIR)/v6-scheduler.{service,socket}, $(UNITDIR)/v6-dashboard.service, $(DOCDIR)"; \
	if [ -n "$$d" ]; then \
	  echo "make install: DESTDIR install: on the target, run systemd-sysusers and systemd-tmpfiles --create for v6-scheduler.conf"; \
	  exit 0; fi; \
	if [ -d /run/systemd/system ]; then \
	  systemd-sysusers "$(SYSUSERSDIR)/v6-scheduler.conf"; \
	  systemd-tmpfiles --create "$(TMPFILESDIR)/v6-scheduler.conf"; \
	  echo "make install: created user v6-scheduler, group v6, /run/v6-scheduler and $(CONFDIR)/production.yaml.d (run-time edits). Next:"; \
	  echo "  edit $(CONFDIR)/production.yaml (working_directory) and, if the project is not in /srv/trading-bot,"; \
	  echo "  systemctl edit v6-scheduler  ->  [Service] ReadWritePaths=<the project directory>"; \
	  echo "  systemctl daemon-reload && systemctl enable --now v6-scheduler"; \
	  echo "  the web dashboard (optional): systemctl enable --now v6-dashboard; journalctl -u v6-dashboard | grep dashboard:"; \
	else \
	  echo "make install: systemd is not running here: at its next boot it creates the user (sysusers.d) and /run/v6-scheduler (tmpfiles.d)"; \
	fi

## uninstall: remove what install put there (stops and disables the units first when systemd
## runs); keeps /etc/v6-scheduler, /var/lib/v6-scheduler, /var/log/v6-scheduler and the users
uninstall:
	@d="$(DESTDIR)"; \
	if [ -z "$$d" ] && [ -d /run/systemd/system ] && [ -e "$(UNITDIR)/v6-scheduler.service" ]; then \
	  systemctl disable --now v6-dashboard.service v6-scheduler.service v6-scheduler.socket || true; fi; \
	rm -f $(foreach p,$(PROGRAMS),"$$d$(BINDIR)/$(p)" "$$d$(MANDIR)/man1/$(p).1" "$$d$(BASHCOMPDIR)/$(p)" "$$d$(ZSHCOMPDIR)/_$(p)" "$$d$(FISHCOMPDIR)/$(p).fish") \
	  "$$d$(UNITDIR)/v6-scheduler.service" "$$d$(UNITDIR)/v6-scheduler.socket" "$$d$(UNITDIR)/v6-dashboard.service" \
	  "$$d$(SYSUSERSDIR)/v6-scheduler.conf" "$$d$(TMPFILESDIR)/v6-scheduler.conf"; \
	rm -rf "$$d$(DOCDIR)"; \
	if [ -z "$$d" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi; \
	echo "make uninstall: removed the binaries, units, man pages, completions and docs."; \
	echo "  Kept (remove by hand if you mean it): $(CONFDIR) (configuration), /var/lib/v6-scheduler (run history),"; \
	echo "  /var/log/v6-scheduler (logs), user v6-scheduler and group v6 (userdel v6-scheduler; groupdel v6)."

## e2e-systemd: (root) install into a private systemd (../shared/tools/systemd-ns) and check the
## units end to end: start via READY=1, status, v6ctl, socket activation, journal, reload,
## stop, watchdog restart. Prints PASS/FAIL per check and "N passed, M failed".
e2e-systemd: test-deps
	@if [ "$(E2E_BUILD)" = release ]; then $(MAKE) --no-print-directory release; else $(SWIFT) build $(SWIFT_FLAGS); fi
	@$(MAKE) --no-print-directory extras INSTALL_FROM="$(E2E_BIN)"
	bash Tests/SystemdE2E/run.sh "$(E2E_BIN)"

## e2e-export: (root) exported systemd timers of frequent test tasks under a private systemd:
## they fire, the gate skips what it should, timeouts and retries hold
e2e-export: deps
	$(SWIFT) build $(SWIFT_FLAGS)
	bash Tests/ExportE2E/timers.sh "$(DEBUG_DIR)"

clean:
	rm -rf .build .v6
