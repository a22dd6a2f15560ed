#!/usr/bin/env bash
# A private PostgreSQL server for the tests: 127.0.0.1:54329, user postgres, trust auth, no fsync.
#   scripts/postgres.sh        start it (installs Debian's postgresql first when missing; idempotent)
#   scripts/postgres.sh stop   stop it
# Prints nothing but errors. The tests find it through CASEGRAPH_TEST_PG (the Makefile sets it).
set -euo pipefail

PORT="${CASEGRAPH_PG_PORT:-54329}"  # the Makefile's CASEGRAPH_TEST_PG names this port
REPO="$(cd "$(dirname "$0")/.." && pwd)"
ACTION="${1:-start}"

die() {
	echo "scripts/postgres.sh: $*" >&2
	exit 1
}

find_bin() {
	# Debian installs each major version beside the others; take the newest.
	local dir
	dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
	if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then echo "$dir"; fi
}

install_postgres() {
	if [ "$(id -u)" != 0 ]; then
		die "PostgreSQL is not installed: sudo apt-get install postgresql (then run make test again)"
	fi
	command -v apt-get >/dev/null || die "PostgreSQL is not installed and apt-get is missing: install PostgreSQL 13 or newer"
	local log
	log="$(mktemp)"
	# Debian's server package carries the contrib modules (unaccent) since PostgreSQL 10. apt's chatter
	# goes to a log, shown only when the install fails.
	if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql; } </dev/null >"$log" 2>&1; then
		cat "$log" >&2
		rm -f "$log"
		die "apt-get install postgresql failed (output above)"
	fi
	rm -f "$log"
}

# Run a server binary as a user it accepts: initdb and postgres refuse root.
as_owner() {
	if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# out/pg under the repository, unless the postgres user cannot reach it (a private home): then /tmp.
choose_base() {
	local base="$REPO/out/pg"
	if [ "$(id -u)" = 0 ]; then
		mkdir -p "$base"
		chown postgres: "$base"
		if ! runuser -u postgres -- test -w "$base" 2>/dev/null; then
			base="/tmp/casegraph-pg-$PORT"
			mkdir -p "$base"
			chown postgres: "$base"
		fi
	else
		mkdir -p "$base"
	fi
	echo "$base"
}

existing_base() {
	local base
	for base in "$REPO/out/pg" "/tmp/casegraph-pg-$PORT"; do
		if [ -f "$base/data/PG_VERSION" ]; then echo "$base"; return; fi
	done
}

answers() {
	local bin="$1"
	"$bin/pg_isready" -q -h 127.0.0.1 -p "$PORT" >/dev/null 2>&1
}

init_cluster() {
	local bin="$1" base="$2" sockets="$2/run"
	# A Unix socket path must fit in 107 bytes; TCP alone serves the tests when it does not.
	if [ "${#sockets}" -gt 90 ]; then sockets=""; fi
	as_owner "$bin/initdb" -D "$base/data" -U postgres --auth=trust --encoding=UTF8 --locale=C \
		>"$base/initdb.log" 2>&1 || die "initdb failed; see $base/initdb.log"
	# Only TCP on 127.0.0.1 and a socket in a private folder: nothing is reachable from outside.
	cat >"$base/data/pg_hba.conf" <<-EOF
		local all all trust
		host all all 127.0.0.1/32 trust
	EOF
	cat >>"$base/data/postgresql.conf" <<-EOF
		listen_addresses = '127.0.0.1'
		port = $PORT
		unix_socket_directories = '$sockets'
		fsync = off
		synchronous_commit = off
		full_page_writes = off
		max_connections = 200
	EOF
}

start() {
	local bin base
	bin="$(find_bin)"
	if [ -z "$bin" ]; then
		install_postgres
		bin="$(find_bin)"
		[ -n "$bin" ] || die "PostgreSQL installed but no /usr/lib/postgresql/*/bin/initdb found"
	fi
	if answers "$bin"; then return; fi
	base="$(existing_base)"
	[ -n "$base" ] || base="$(choose_base)"
	if [ ! -f "$base/data/PG_VERSION" ]; then init_cluster "$bin" "$base"; fi
	if [ "$(cat "$base/data/PG_VERSION")" != "$(basename "$(dirname "$bin")")" ]; then
		die "$base/data was made by PostgreSQL $(cat "$base/data/PG_VERSION"); remove it (scripts/postgres.sh stop; rm -rf $base) and run again"
	fi
	as_owner mkdir -p "$base/run"
	if ! as_owner "$bin/pg_ctl" -D "$base/data" -l "$base/postgres.log" -w -t 60 start >/dev/null 2>&1; then
		tail -n 20 "$base/postgres.log" >&2 || true
		die "PostgreSQL did not start on port $PORT; see $base/postgres.log"
	fi
}

stop() {
	local bin base
	bin="$(find_bin)"
	base="$(existing_base)"
	if [ -z "$bin" ] || [ -z "$base" ]; then return; fi
	if as_owner "$bin/pg_ctl" -D "$base/data" status >/dev/null 2>&1; then
		as_owner "$bin/pg_ctl" -D "$base/data" -w -m fast stop >/dev/null
	fi
}

case "$ACTION" in
start)
	# Two `make test` runs at once must not both initdb the same folder.
	mkdir -p "$REPO/out"
	exec 9>"$REPO/out/.postgres.lock"
	if command -v flock >/dev/null; then flock 9; fi
	start 9>&-  # the server must not inherit (and hold) the lock
	;;
stop) stop ;;
*) die "unknown argument $ACTION: use start or stop" ;;
esac
