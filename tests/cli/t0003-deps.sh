#!/bin/sh
# tools/deps.sh checks what each target needs by the command, pkg-config
# module or Perl module it provides, and waits for the dpkg lock.
# Shell only (tools/deps.sh, stub commands): not run again under the sanitizers.
# label: nosan
. ./lib.sh

deps=$RUNWAY_SOURCE_DIR/tools/deps.sh

# A directory of stub commands: every tool deps.sh looks for, answering yes.
make_stubs() {
  mkdir -p stubs &&
  for c in cmake make gcc pkg-config sqlite3 initdb psql mariadbd mariadb prove clang jq \
           node npm perl objcopy strip tar gzip podman runc zip unzip patchelf; do
    # rm first: a stub may be a link to the real command, which must stay untouched.
    rm -f stubs/$c && printf '#!/bin/sh\nexit 0\n' >stubs/$c && chmod +x stubs/$c || return 1
  done
}

test_expect_success 'everything present by command: nothing is missing' '
  make_stubs &&
  RUNWAY_DEPS_PATH=$TRASH/stubs bash "$deps" --check build >out 2>&1 ||
    { cat out; false; }
'

# What the test target needs besides commands (files, busybox-static) depends
# on the machine: these tests look only at the packages they are about.

test_expect_success 'a missing command names the package that provides it' '
  make_stubs && rm stubs/psql stubs/mariadbd &&
  ! RUNWAY_DEPS_PATH=$TRASH/stubs bash "$deps" --check test >out 2>&1 &&
  expect_grep "^runway: missing: postgresql-client mariadb-server\( \|$\)" out
'

test_expect_success 'psql from a versioned package (postgresql-client-15) satisfies postgresql-client' '
  psql_bin=$(command -v psql) || { echo "no psql here"; exit 1; }
  make_stubs && rm stubs/psql && ln -s "$psql_bin" stubs/psql &&
  RUNWAY_DEPS_PATH=$TRASH/stubs bash "$deps" --check test >out 2>&1
  ! grep "postgresql-client" out
'

test_expect_success 'a missing library is found by its pkg-config module' '
  make_stubs && printf "#!/bin/sh\n[ \"\$2\" != jansson ]\n" >stubs/pkg-config &&
  ! RUNWAY_DEPS_PATH=$TRASH/stubs bash "$deps" --check build >out 2>&1 &&
  expect_grep "^runway: missing: libjansson-dev$" out
'

test_expect_success 'apt waits for the dpkg lock instead of failing at once' '
  test "$(id -u)" = 0 || { echo "# needs root: deps.sh installs only as root"; exit 0; }
  make_stubs && rm stubs/jq &&
  printf "#!/bin/sh\necho \"apt-get \$*\" >>\"$TRASH/apt.log\"\n" >stubs/apt-get && chmod +x stubs/apt-get &&
  PATH=$TRASH/stubs:$PATH RUNWAY_DEPS_PATH=$TRASH/stubs bash "$deps" test >out 2>&1 &&
  expect_grep "^apt-get -o DPkg::Lock::Timeout=600 update" apt.log &&
  expect_grep "^apt-get -o DPkg::Lock::Timeout=600 install .* jq\( \|$\)" apt.log
'

test_done
