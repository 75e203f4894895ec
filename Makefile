# v6-scheduler. `make run` and `make test` work on a fresh Debian machine: they install
# what they need first (`make deps`).
SHELL := /bin/bash
PREFIX ?= /usr/local
DESTDIR ?=
SWIFT ?= $(shell command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)
SWIFT_FLAGS ?=
DEB_PACKAGES := libsystemd-dev libsqlite3-dev pkg-config
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
RELEASE_DIR = $(shell $(SWIFT) build -c release --show-bin-path 2>/dev/null)

.PHONY: deps build release test run bench install uninstall clean

## deps: install the Debian packages the build needs, when missing (sudo only when not root)
deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

## build: debug build of everything
build: deps
	$(SWIFT) build $(SWIFT_FLAGS)

## release: optimized binaries
release: deps
	$(SWIFT) build -c release $(SWIFT_FLAGS)

## test: the whole test suite (tests that need root say so when they skip)
test: deps
	$(SWIFT) build --build-tests $(SWIFT_FLAGS)
	$(SWIFT) test --skip-build $(SWIFT_FLAGS)

## run: the daemon in the foreground on the demo config, state under ./.v6/ (Ctrl-C stops it)
run: deps
	$(SWIFT) build $(SWIFT_FLAGS)
	@bin=$$($(SWIFT) build --show-bin-path); \
	echo "v6-scheduler: demo config config/demo.yaml; state, socket and logs in ./.v6/"; \
	echo "in another terminal:  export V6_SOCKET=$$PWD/.v6/control.sock PATH=$$bin:\$$PATH; v6ctl status"; \
	exec $$bin/v6-scheduler run --config config/demo.yaml --log-target stderr

## bench: release build, every benchmark, table to stdout and docs/benchmarks.md
bench: release
	bash Tests/Benchmarks/run.sh "$(RELEASE_DIR)"

## install: release binaries and files under $(DESTDIR)$(PREFIX)
install: release
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(RELEASE_DIR)/v6ctl $(DESTDIR)$(PREFIX)/bin/v6ctl

## uninstall: remove what install put there
uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/v6ctl

clean:
	rm -rf .build .v6
