#!/usr/bin/env bash
# Idempotent set-up of everything `make demo` and `make test` need:
#   Debian packages, a Python 3.7 venv for Odoo 11 (cached, keyed on the pins),
#   a small Python >= 3.8 venv for Playwright and the linters, npm `less`,
#   and a project-local PostgreSQL cluster (socket only) that is started.
# Usage: tools/setup.sh [all|packages|venv|tools|less|pg|pg-stop]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOCAL="$ROOT/.local"
CACHE="${CRM_LIFECYCLE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/crm_lifecycle}"
PGPORT_LOCAL="${CRM_LIFECYCLE_PGPORT:-55432}"
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
APT_PACKAGES=(postgresql postgresql-contrib libpq-dev build-essential libldap2-dev
    libsasl2-dev libjpeg-dev zlib1g-dev chromium fonts-liberation gettext fonts-wqy-zenhei)

log() { printf '[setup] %s\n' "$*" >&2; }
die() { printf '[setup] ERROR: %s\n' "$*" >&2; exit 1; }

hash_of() { cat "$@" | sha256sum | cut -c1-12; }

# --------------------------------------------------------------- packages
packages() {
    local missing=()
    for p in "${APT_PACKAGES[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
    # node/npm may come from another source than Debian (e.g. NodeSource):
    # only ask apt for them when there is no npm at all.
    command -v npm >/dev/null 2>&1 || missing+=(nodejs npm)
    [ "${#missing[@]}" -eq 0 ] && return 0
    [ "$(id -u)" -eq 0 ] || die "missing Debian packages: ${missing[*]}; run as root or: sudo apt-get install ${missing[*]}"
    log "installing Debian packages: ${missing[*]}"
    mkdir -p "$LOCAL/log"
    if ! (apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
            --no-install-recommends "${missing[@]}") >"$LOCAL/log/apt.log" 2>&1; then
        tail -n 20 "$LOCAL/log/apt.log" >&2
        die "apt-get install failed for: ${missing[*]} (full log: .local/log/apt.log)"
    fi
}

# ---------------------------------------------------------------- pythons
find_python37() {
    local c
    for c in "${PYTHON37:-}" python3.7 \
            "$(pyenv root 2>/dev/null || echo "$HOME/.pyenv")"/versions/3.7*/bin/python3.7 \
            /usr/bin/python3.7 /usr/local/bin/python3.7; do
        [ -n "$c" ] || continue
        if "$c" -c 'import sys, venv; assert sys.version_info[:2] == (3, 7)' >/dev/null 2>&1; then
            command -v "$c" 2>/dev/null || echo "$c"
            return 0
        fi
    done
    return 1
}

find_python_tools() {
    local c
    for c in "${PYTHON_TOOLS:-}" python3.11 python3.12 python3.10 python3.9 python3; do
        [ -n "$c" ] || continue
        if "$c" -c 'import sys, venv; assert sys.version_info >= (3, 8)' >/dev/null 2>&1; then
            command -v "$c"
            return 0
        fi
    done
    return 1
}

# pip install into venv $1, logging to $2; on failure show the end of the log.
pip_in() {
    local dir="$1" plog="$2"; shift 2
    if ! "$dir/bin/python" -m pip install --progress-bar off "$@" >>"$plog" 2>&1; then
        grep -v "^WARNING: Location" "$plog" | tail -n 25 >&2
        die "pip install $* failed in $dir (log: ${plog#"$ROOT"/})"
    fi
}

# Build a venv in the shared cache, keyed on the pins, and link it into .local.
# $1 = link name in .local, $2 = python, $3.. = requirement files
build_venv() {
    local name="$1" py="$2"; shift 2
    local key; key="$(hash_of "$@")"
    local dir="$CACHE/$name-$key"
    mkdir -p "$CACHE" "$LOCAL"
    if [ ! -f "$dir/.complete" ]; then
        rm -rf "$dir"
        log "building $name venv ($py) in $dir"
        "$py" -m venv "$dir"
        local plog="$LOCAL/log/pip-$name.log"
        mkdir -p "$LOCAL/log"
        : >"$plog"
        if [ "$name" = venv ]; then
            # setuptools < 58: some Odoo 11 dependencies (vatnumber) still use 2to3,
            # so their sdists are built without isolation against this setuptools.
            pip_in "$dir" "$plog" --upgrade "pip==24.0" "setuptools==57.5.0" "wheel==0.42.0"
            pip_in "$dir" "$plog" -r "$ROOT/requirements.txt"
            pip_in "$dir" "$plog" --no-build-isolation -r "$ROOT/requirements-odoo.txt" \
                -c "$ROOT/requirements.txt"
        else
            pip_in "$dir" "$plog" --upgrade "pip==24.0"
            local f
            for f in "$@"; do
                pip_in "$dir" "$plog" -r "$f"
            done
        fi
        touch "$dir/.complete"
    fi
    ln -sfn "$dir" "$LOCAL/$name"
}

venv() {
    local py
    py="$(find_python37)" || die "no Python 3.7 found. Odoo 11 needs exactly Python 3.7 (3.8+ breaks it). Install one, e.g. 'pyenv install 3.7.16', or set PYTHON37=/path/to/python3.7"
    build_venv venv "$py" "$ROOT/requirements.txt" "$ROOT/requirements-odoo.txt"
}

tools() {
    local py
    py="$(find_python_tools)" || die "no Python >= 3.8 found for the browser/lint venv; install python3 (3.8+) or set PYTHON_TOOLS"
    build_venv venv-tools "$py" "$ROOT/requirements-tools.txt"
}

bench() {
    local py
    py="$(find_python_tools)" || die "no Python >= 3.8 found for the benchmark venv; install python3 (3.8+) or set PYTHON_TOOLS"
    build_venv venv-bench "$py" "$ROOT/requirements-bench.txt"
}

# ------------------------------------------------------------------- less
less() {
    local dir="$CACHE/node-less-3.13.1"
    if [ ! -x "$dir/node_modules/.bin/lessc" ]; then
        command -v npm >/dev/null || die "npm not found (Debian package npm)"
        log "installing less@3.13.1 with npm"
        mkdir -p "$dir"
        npm install --silent --no-audit --no-fund --prefix "$dir" less@3.13.1 >/dev/null \
            || die "npm install less@3.13.1 failed"
    fi
    mkdir -p "$LOCAL"
    ln -sfn "$dir" "$LOCAL/node"
}

# ------------------------------------------------------------- postgresql
# The cluster runs as the `postgres` user (initdb refuses root). Its data
# lives in .local/pg when that user can reach it, else (a checkout under a
# private folder such as mktemp -d) in a per-checkout folder of the cache,
# linked from .local/pg.
pg_dir() {
    if [ -L "$LOCAL/pg" ] || [ -d "$LOCAL/pg" ]; then
        readlink -f "$LOCAL/pg"; return
    fi
    mkdir -p "$LOCAL/pg-probe"
    chmod 755 "$LOCAL/pg-probe"
    if runuser -u postgres -- test -x "$LOCAL/pg-probe" 2>/dev/null; then
        rmdir "$LOCAL/pg-probe"
        mkdir -p "$LOCAL/pg"
        readlink -f "$LOCAL/pg"
    else
        rmdir "$LOCAL/pg-probe"
        local alt="/var/lib/crm_lifecycle/pg-$(echo "$ROOT" | sha256sum | cut -c1-12)"
        mkdir -p "$alt"
        chmod 755 /var/lib/crm_lifecycle
        ln -sfn "$alt" "$LOCAL/pg"
        echo "$alt"
    fi
}

as_pg() {
    # from / : the postgres user may not enter the caller's folder
    if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u postgres -- "$@"); else "$@"; fi
}

pg() {
    id postgres >/dev/null 2>&1 || [ "$(id -u)" -ne 0 ] || die "user postgres missing (Debian package postgresql)"
    [ -x "$PGBIN/initdb" ] || die "PostgreSQL binaries not found in $PGBIN (Debian package postgresql-15)"
    local dir; dir="$(pg_dir)"
    mkdir -p "$dir/run"
    if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$dir"; fi
    chmod 755 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        log "creating PostgreSQL cluster in $dir/data"
        rm -rf "$dir/data"
        as_pg "$PGBIN/initdb" -D "$dir/data" -A trust -U odoo -E UTF8 --locale=C.UTF-8 >/dev/null \
            || die "initdb failed"
    fi
    if as_pg "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        return 0
    fi
    log "starting PostgreSQL (socket $dir/run, port $PGPORT_LOCAL)"
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -w -t 60 -l "$dir/postgresql.log" \
        -o "-k $dir/run -p $PGPORT_LOCAL -c listen_addresses= -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=512MB -c max_connections=200" \
        start >/dev/null || { tail -n 20 "$dir/postgresql.log" >&2; die "PostgreSQL did not start"; }
}

pg_stop() {
    [ -e "$LOCAL/pg/data/PG_VERSION" ] || return 0
    local dir; dir="$(readlink -f "$LOCAL/pg")"
    if as_pg "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
        log "stopping PostgreSQL"
        as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
    fi
}

case "${1:-all}" in
    all) packages; venv; tools; less; pg ;;
    packages) packages ;;
    venv) packages; venv ;;
    tools) packages; tools ;;
    bench) packages; bench ;;
    less) packages; less ;;
    pg) packages; pg ;;
    pg-stop) pg_stop ;;
    pg-socket) echo "$(readlink -f "$LOCAL/pg")/run" ;;
    pg-port) echo "$PGPORT_LOCAL" ;;
    *) die "unknown step $1" ;;
esac
