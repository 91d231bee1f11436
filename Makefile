# Thin wrapper over CMake.  `make run` and `make test` work on a fresh
# Debian machine: tools/deps.sh installs what is missing (as root).
BUILD      ?= build
ASAN_BUILD ?= build-asan
PREFIX     ?= /usr/local
DESTDIR    ?=
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)

.PHONY: all build run test test-fast bench install clean deps image lambda-zip fuzz fuzz-build

all: build

deps:
	@tools/deps.sh build

$(BUILD)/Makefile:
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX)

build: deps $(BUILD)/Makefile
	@cmake --build $(BUILD) -j $(JOBS)

# Migrates the bundled example project into an embedded SQLite file and shows info.
run: build
	@rm -f examples/example.db
	cd examples && ../$(BUILD)/runway migrate
	cd examples && ../$(BUILD)/runway info

CLANG_BUILD ?= build-clang
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60

# The whole suite, against real PostgreSQL and MariaDB servers it starts
# itself, in the plain build and again under AddressSanitizer + UBSan.  The
# code must also build warning-free (-Werror) with clang.
test: build
	@tools/deps.sh test
	@test -f $(ASAN_BUILD)/Makefile || cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DRUNWAY_SANITIZE=ON
	@test -f $(CLANG_BUILD)/Makefile || CC=clang cmake -S . -B $(CLANG_BUILD)
	@cmake --build $(CLANG_BUILD) -j $(JOBS)
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	@$(MAKE) --no-print-directory fuzz-build
	tests/lib/with-servers.sh sh -c '\
	  ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) && \
	  RUNWAY_TEST_SANITIZER=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) -LE "e2e|nosan" && \
	  ctest --test-dir $(FUZZ_BUILD) --output-on-failure -j $(JOBS) -L fuzz'

# The libFuzzer harnesses (tests/fuzz, clang): make test runs a few seconds
# of each; make fuzz runs each for FUZZ_SECONDS, then the differential run
# of the PostgreSQL splitter against PostgreSQL's parser (docs/fuzzing.md).
fuzz-build: deps
	@test -f $(FUZZ_BUILD)/Makefile || \
	  CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DRUNWAY_FUZZ=ON
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)

fuzz: fuzz-build
	@tools/deps.sh test
	tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

# The plain build only, for quick iterations.
test-fast: build
	@tools/deps.sh test
	tests/lib/with-servers.sh ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS)

# The servers' files on tmpfs too, as the benchmark's own: a shared disk's
# stalls would otherwise decide the server-side numbers.
bench: build
	@tools/deps.sh bench
	TMPDIR=$$( [ -w /dev/shm ] && echo /dev/shm || echo $${TMPDIR:-/tmp} ) tests/lib/with-servers.sh sh -c 'bench/run.sh $(BUILD)/runway && \
	  MEMORY_DOC=docs/benchmarks-memory.md bench/memory.sh $(BUILD)/runway && \
	  bench/fleet.sh $(BUILD)/runway'

# The OCI image (FROM scratch: runway, its libraries, CA certificates) as
# archives under $(BUILD), loaded into the podman storage there; see docs/deploy.md.
image: build
	@tools/deps.sh image
	@tools/image.sh $(BUILD)

# A zip for Lambda's provided.al2023 / provided.al2 runtimes: bootstrap with
# its own glibc and libraries (docs/deploy.md).
lambda-zip: build
	@tools/deps.sh image
	@tools/lambda-zip.sh $(BUILD)

install: build
	DESTDIR=$(DESTDIR) cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(CLANG_BUILD) $(FUZZ_BUILD) examples/example.db
