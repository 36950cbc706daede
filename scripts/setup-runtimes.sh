#!/usr/bin/env bash
# Install the two Python runtimes hpy-rs is tested against, cached under
# <repo>/.runtimes/ (git-ignored). Idempotent: a second run is a no-op.
#
#   .runtimes/cpython/        venv of the machine's python3 (CPython 3.11): hpy==0.9.0, pytest, wheel, twine
#   .runtimes/pypy/root/      Debian trixie pypy3 7.3.19 + its libs, extracted with dpkg-deb -x
#   .runtimes/bin/pypy3.11    wrapper running that PyPy through trixie's own ld.so (also bin/pypy3)
#   .runtimes/pypy-venv/      PyPy venv with pytest
#   .runtimes/env.sh          exports HPYRS_CPYTHON, HPYRS_PYPY (source it)
#
# Nothing is written outside the repo: apt runs with a fully private
# configuration (sources, lists, cache, status) under .runtimes/apt/, and the
# .debs are never installed, only unpacked. See /work/shared/hpy-abi.md §12.
#
# Usage: scripts/setup-runtimes.sh [--force] [--verify]
#   --force   delete .runtimes/ and rebuild everything (downloads again)
#   --verify  re-run the final checks even when everything is up to date
# Env: PYTHON=<interpreter> overrides `python3` for the CPython venv;
#      HPYRS_DEBIAN_MIRROR=<url> overrides the Debian mirror.
set -euo pipefail

# Bump when a stage's recipe changes so existing caches are rebuilt.
RECIPE=1

SUITE=trixie
PYPY_VERSION=7.3.19
CPY_HPY_VERSION=0.9.0
PYPY_HPY_PREFIX=0.9.1.dev
CPY_PKGS=("hpy==$CPY_HPY_VERSION" pytest wheel twine)
PYPY_PKGS=(pytest)
DEBS=(pypy3 pypy3-lib pypy3-dev pypy3-venv
      libc6 libffi8 libexpat1 libbz2-1.0 zlib1g libtinfo6 libgcc-s1 liblzma5
      libsqlite3-0 libssl3t64 python3-pip-whl python3-setuptools-whl
      # needed by lib_pypy's _curses/_gdbm/_pypy_openssl cffi modules; without
      # them the loader silently picks the host's (bookworm) copies
      libncursesw6 libgdbm6t64 libzstd1)
MULTIARCH=x86_64-linux-gnu
LDSO_NAME=ld-linux-x86-64.so.2

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RT=$REPO/.runtimes
STAMPS=$RT/stamps
LOGS=$RT/logs
APTD=$RT/apt
PYPY_ROOT=$RT/pypy/root
CPY_VENV=$RT/cpython
PYPY_VENV=$RT/pypy-venv
BIN=$RT/bin

# pip's cache also stays inside the repo.
export PIP_CACHE_DIR=$RT/pip-cache PIP_DISABLE_PIP_VERSION_CHECK=1

log() { printf '[setup-runtimes] %s\n' "$*" >&2; }
die() { printf '[setup-runtimes] ERROR: %s\n' "$*" >&2; exit 1; }

FORCE=0 VERIFY=0
for arg in "$@"; do
    case $arg in
        --force) FORCE=1 ;;
        --verify) VERIFY=1 ;;
        -h|--help) awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "${BASH_SOURCE[0]}"; exit 0 ;;
        *) die "unknown argument: $arg (try --help)" ;;
    esac
done

[ "$(uname -m)" = x86_64 ] || die "only x86_64 Linux is supported (got $(uname -m))"

# ---------------------------------------------------------------- helpers ---

# Run a command with its output in a per-stage log; show the log's tail on failure.
run_logged() {
    local name=$1; shift
    mkdir -p "$LOGS"
    if ! "$@" >>"$LOGS/$name.log" 2>&1; then
        printf '[setup-runtimes] command failed: %s\n' "$*" >&2
        printf '[setup-runtimes] ---- last lines of %s ----\n' "$LOGS/$name.log" >&2
        tail -n 25 "$LOGS/$name.log" >&2
        exit 1
    fi
}

# Same, but return the status instead of exiting (for fallbacks).
run_logged_soft() { mkdir -p "$LOGS"; "$@" >>"$LOGS/${LOGNAME_SOFT:-soft}.log" 2>&1; }

# A stage is done when its stamp holds exactly the current key.
stamp_key() { printf 'recipe=%s %s\n' "$RECIPE" "$*"; }
stamp_ok() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$(stamp_key "${@:2}")" ]; }
stamp_set() { mkdir -p "$STAMPS"; stamp_key "${@:2}" >"$STAMPS/$1"; }
stamp_clear() { local s; for s in "$@"; do rm -f "$STAMPS/$s"; done; }

# Debian mirror of the host (first non-security "URIs:" / "deb" entry).
debian_mirror() {
    if [ -n "${HPYRS_DEBIAN_MIRROR:-}" ]; then echo "${HPYRS_DEBIAN_MIRROR%/}"; return; fi
    local m=""
    if [ -r /etc/apt/sources.list.d/debian.sources ]; then
        m=$(awk 'tolower($1)=="uris:" { for (i = 2; i <= NF; i++) if ($i !~ /security/) { print $i; exit } }' \
            /etc/apt/sources.list.d/debian.sources)
    fi
    if [ -z "$m" ] && [ -r /etc/apt/sources.list ]; then
        m=$(awk '$1=="deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { if ($i !~ /security/) print $i; break } }' \
            /etc/apt/sources.list | head -n 1)
    fi
    m=${m%/}
    case $m in http://*|https://*) echo "$m" ;; *) echo "http://deb.debian.org/debian" ;; esac
}

host_python() {
    local py=${PYTHON:-python3}
    command -v "$py" >/dev/null 2>&1 || die "'$py' not found (set PYTHON=...)"
    # Resolve shims (pyenv etc.) to the real interpreter.
    "$py" -c 'import sys; print(sys.executable)'
}

# ------------------------------------------------------------------ lock ---

mkdir -p "$RT"
if [ "$FORCE" = 1 ]; then
    log "--force: removing $RT"
    # keep the directory itself (and the lock below) valid
    find "$RT" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
fi
if command -v flock >/dev/null 2>&1; then
    exec 9>"$RT/.lock"
    flock -n 9 || { log "another setup-runtimes.sh is running; waiting"; flock 9; }
fi

MIRROR=$(debian_mirror)
KEY_CPY="python=${PYTHON:-python3} pkgs=${CPY_PKGS[*]}"
KEY_ROOT="mirror=$MIRROR suite=$SUITE debs=${DEBS[*]}"
KEY_VENV="pkgs=${PYPY_PKGS[*]}"
KEY_VERIFY="pypy=$PYPY_VERSION hpy=$CPY_HPY_VERSION/$PYPY_HPY_PREFIX"

all_present() {
    [ -x "$CPY_VENV/bin/python" ] && [ -x "$PYPY_ROOT/usr/bin/pypy3.11" ] &&
    [ -x "$BIN/pypy3.11" ] && [ -e "$PYPY_VENV/bin/python" ] && [ -f "$RT/env.sh" ]
}

if [ "$VERIFY" = 0 ] && all_present &&
   stamp_ok cpython "$KEY_CPY" && stamp_ok pypy-root "$KEY_ROOT" &&
   stamp_ok pypy-venv "$KEY_VENV" && stamp_ok verify "$KEY_VERIFY"; then
    log "runtimes are up to date in $RT (source $RT/env.sh; --force to rebuild, --verify to re-check)"
    [ ! -f "$PYPY_VENV/FALLBACK" ] ||
        log "warning: $PYPY_VENV is the pip --target fallback, not a venv (--force to retry)"
    exit 0
fi

# --------------------------------------------------------- 1. CPython venv ---

if stamp_ok cpython "$KEY_CPY" && [ -x "$CPY_VENV/bin/python" ]; then
    log "cpython venv: up to date"
else
    stamp_clear cpython verify
    HOST_PY=$(host_python)
    log "cpython venv: creating from $HOST_PY ($("$HOST_PY" -c 'import platform; print(platform.python_version())'))"
    "$HOST_PY" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' ||
        log "warning: $HOST_PY is not CPython 3.11; continuing anyway"
    rm -rf "$CPY_VENV" "$LOGS/cpython.log"
    run_logged cpython "$HOST_PY" -m venv "$CPY_VENV"
    log "cpython venv: pip install ${CPY_PKGS[*]}"
    run_logged cpython "$CPY_VENV/bin/python" -m pip install --disable-pip-version-check "${CPY_PKGS[@]}"
    stamp_set cpython "$KEY_CPY"
fi

# ---------------------------------------------- 2. PyPy root from trixie ---

apt_private() {
    # Everything apt reads or writes lives under $APTD; the host's apt.conf(.d),
    # sources, preferences, lists, cache and dpkg status are not used.
    local etc=$APTD/etc
    mkdir -p "$etc/apt.conf.d" "$etc/sources.list.d" "$etc/preferences.d" \
             "$APTD/lists/partial" "$APTD/cache/archives/partial" "$APTD/state" "$APTD/log" "$APTD/debs"
    [ -f "$APTD/state/status" ] || : >"$APTD/state/status"

    local signed=""
    if [ -r /usr/share/keyrings/debian-archive-keyring.gpg ]; then
        signed="[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
    fi
    printf 'deb %s%s %s main\n' "$signed" "$MIRROR" "$SUITE" >"$etc/sources.list"

    {
        echo "// generated by scripts/setup-runtimes.sh"
        echo "Dir::Etc::main \"$etc/apt.conf.none\";"
        echo "Dir::Etc::parts \"$etc/apt.conf.d\";"
        echo "Dir::Etc::sourcelist \"$etc/sources.list\";"
        echo "Dir::Etc::sourceparts \"$etc/sources.list.d\";"
        echo "Dir::Etc::preferences \"$etc/preferences\";"
        echo "Dir::Etc::preferencesparts \"$etc/preferences.d\";"
        echo "Dir::Etc::trusted \"$etc/trusted.gpg\";"
        echo "Dir::Etc::trustedparts \"/etc/apt/trusted.gpg.d\";"
        echo "Dir::State \"$APTD/state\";"
        echo "Dir::State::Lists \"$APTD/lists\";"
        echo "Dir::State::status \"$APTD/state/status\";"
        echo "Dir::Cache \"$APTD/cache\";"
        echo "Dir::Cache::archives \"$APTD/cache/archives\";"
        echo "Dir::Cache::pkgcache \"\";"
        echo "Dir::Cache::srcpkgcache \"\";"
        echo "Dir::Log \"$APTD/log\";"
        echo "APT::Architectures { \"amd64\"; };"
        echo "Acquire::Languages \"none\";"
        # apt drops to _apt for downloads when root; the repo may not be readable by _apt.
        if [ "$(id -u)" = 0 ]; then echo "APT::Sandbox::User \"root\";"; fi
        # Keep the host's network-related settings (proxy, snapshot date checks).
        apt-config dump 2>/dev/null | grep -E \
            '^Acquire::(Check-Valid-Until|Check-Date|Retries|ForceIPv4|ForceIPv6|(http|https|ftp)::(Proxy|proxy|Timeout)[^ ]*) ' || true
    } >"$APTD/apt.conf"
}

apt_run() { APT_CONFIG="$APTD/apt.conf" "$@"; }

# Resolve the packages to the file names apt-get download stores them under.
deb_files() {
    local out
    out=$(apt_run apt-cache show --no-all-versions "${DEBS[@]}") ||
        die "apt-cache show failed (a package missing from $SUITE?)"
    # <name>_<version, ':' as %3a>_<arch>.deb, as apt-get download names them
    awk '/^Package:/ { p = $2 } /^Version:/ { v = $2; gsub(/:/, "%3a", v) }
         /^Architecture:/ { print p "_" v "_" $2 ".deb" }' <<<"$out"
}

if stamp_ok pypy-root "$KEY_ROOT" && [ -x "$PYPY_ROOT/usr/bin/pypy3.11" ] && [ -x "$BIN/pypy3.11" ]; then
    log "pypy root: up to date"
else
    stamp_clear pypy-root pypy-venv verify
    rm -f "$LOGS/pypy-root.log"
    apt_private
    log "pypy root: apt-get update ($MIRROR $SUITE main, private config)"
    run_logged pypy-root apt_run apt-get update
    files_out=$(deb_files)
    mapfile -t FILES <<<"$files_out"
    [ "${#FILES[@]}" = "${#DEBS[@]}" ] || die "expected ${#DEBS[@]} packages, apt-cache found ${#FILES[@]}"
    log "pypy root: apt-get download ${#DEBS[@]} packages ($(printf '%s\n' "${FILES[@]}" | grep '^pypy3_'))"
    # apt keeps partial downloads in its private cache and skips files already
    # present with the right hash, so a rerun resumes an interrupted download.
    (cd "$APTD/debs" && run_logged pypy-root apt_run apt-get download "${DEBS[@]}")
    # Drop stale .debs (e.g. from an older point release).
    for f in "$APTD"/debs/*.deb; do
        keep=0
        for g in "${FILES[@]}"; do [ "${f##*/}" = "$g" ] && keep=1; done
        [ "$keep" = 1 ] || rm -f "$f"
    done

    log "pypy root: extracting with dpkg-deb -x"
    rm -rf "$PYPY_ROOT.new"
    mkdir -p "$PYPY_ROOT.new"
    for f in "${FILES[@]}"; do
        [ -f "$APTD/debs/$f" ] || die "missing download $APTD/debs/$f"
        run_logged pypy-root dpkg-deb -x "$APTD/debs/$f" "$PYPY_ROOT.new"
    done
    R=$PYPY_ROOT.new
    [ -x "$R/usr/bin/pypy3.11" ] || die "usr/bin/pypy3.11 missing after extraction"
    [ -e "$R/usr/lib/$MULTIARCH/$LDSO_NAME" ] || die "usr/lib/$MULTIARCH/$LDSO_NAME missing after extraction"

    # Debian's ensurepip looks for wheels in the host's /usr/share/python-wheels.
    EP=$R/usr/lib/pypy3.11/ensurepip/__init__.py
    [ -f "$EP" ] || die "$EP missing (pypy3-venv not extracted?)"
    grep -q '^_WHEEL_PKG_DIR = ' "$EP" || die "no _WHEEL_PKG_DIR line in $EP"
    sed -i 's|^_WHEEL_PKG_DIR = .*|_WHEEL_PKG_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "share", "python-wheels"))  # patched by hpy-rs scripts/setup-runtimes.sh|' "$EP"
    ls "$R"/usr/share/python-wheels/pip-*.whl >/dev/null 2>&1 || die "no pip wheel in usr/share/python-wheels"

    # Every ELF under the PyPy tree must resolve its libraries inside the root.
    LIBP=$R/usr/lib/$MULTIARCH
    missing=$(
        { echo "$R/usr/bin/pypy3.11"; find "$R/usr/lib/pypy3.11" "$R/usr/lib/$MULTIARCH" -maxdepth 3 -name 'libpypy*.so*' 2>/dev/null
          find "$R/usr/lib/pypy3.11" -name '*.so' 2>/dev/null; } | sort -u |
        while read -r elf; do
            # flag "not found", loader errors, and libraries resolved outside the root
            "$LIBP/$LDSO_NAME" --library-path "$LIBP" --list "$elf" 2>&1 |
                awk -v r="$R/" -v e="${elf#"$R"}" '/not found|error/ { print e ": " $0; next }
                    $2 == "=>" && $3 ~ /^\// && index($3, r) != 1 { print e ": " $0 }' || true
        done
    )
    [ -z "$missing" ] || die "unresolved libraries in the PyPy root (add their packages to DEBS):
$missing"

    rm -rf "$PYPY_ROOT"
    mv "$PYPY_ROOT.new" "$PYPY_ROOT"

    log "pypy root: writing wrappers in $BIN"
    mkdir -p "$BIN"
    cat >"$BIN/pypy3.11.new" <<EOF
#!/bin/sh
# Generated by scripts/setup-runtimes.sh: run Debian trixie's PyPy $PYPY_VERSION through
# trixie's own dynamic loader (it needs a newer glibc than the host's).
# --argv0 keeps sys.executable = this script (or a venv symlink to it), so
# subprocesses started by pip/venv come back through the loader.
case "\$0" in */*) self=\$0 ;; *) self=\$(command -v -- "\$0") ;; esac
real=\$(readlink -f -- "\$self")
ROOT=\${real%/*}/../pypy/root
L=\$ROOT/usr/lib/$MULTIARCH
exec "\$L/$LDSO_NAME" --library-path "\$L" --argv0 "\$0" "\$ROOT/usr/bin/pypy3.11" "\$@"
EOF
    chmod +x "$BIN/pypy3.11.new"
    mv -f "$BIN/pypy3.11.new" "$BIN/pypy3.11"
    ln -sfn pypy3.11 "$BIN/pypy3"
    stamp_set pypy-root "$KEY_ROOT"
fi

# ------------------------------------------------------------ 3. PyPy venv ---

if stamp_ok pypy-venv "$KEY_VENV" && [ -e "$PYPY_VENV/bin/python" ]; then
    log "pypy venv: up to date"
else
    stamp_clear pypy-venv verify
    rm -rf "$PYPY_VENV" "$LOGS/pypy-venv.log"
    log "pypy venv: $BIN/pypy3.11 -m venv"
    LOGNAME_SOFT=pypy-venv
    if run_logged_soft "$BIN/pypy3.11" -m venv "$PYPY_VENV" &&
       log "pypy venv: pip install ${PYPY_PKGS[*]}" &&
       run_logged_soft "$PYPY_VENV/bin/python" -m pip install --disable-pip-version-check "${PYPY_PKGS[@]}"; then
        :
    else
        log "warning: the PyPy venv route failed (see $LOGS/pypy-venv.log); falling back to"
        log "         'pip install --target' with CPython's pip + PYTHONPATH (no real venv: pip install into it will NOT work)"
        rm -rf "$PYPY_VENV"
        mkdir -p "$PYPY_VENV/bin"
        run_logged pypy-venv "$CPY_VENV/bin/python" -m pip install --disable-pip-version-check \
            --target "$PYPY_VENV/site" "${PYPY_PKGS[@]}"
        cat >"$PYPY_VENV/bin/python" <<EOF
#!/bin/sh
# Fallback (not a venv): PyPy with pure-Python packages from ../site on PYTHONPATH.
real=\$(readlink -f -- "\$0")
site=\${real%/bin/*}/site
PYTHONPATH=\$site\${PYTHONPATH:+:\$PYTHONPATH} exec "$BIN/pypy3.11" "\$@"
EOF
        chmod +x "$PYPY_VENV/bin/python"
        echo "fallback: not a venv; rerun with --force to retry the venv route" >"$PYPY_VENV/FALLBACK"
    fi
    stamp_set pypy-venv "$KEY_VENV"
fi

# ---------------------------------------------------------------- env.sh ---

cat >"$RT/env.sh.new" <<EOF
# Generated by scripts/setup-runtimes.sh; source it: . .runtimes/env.sh
export HPYRS_CPYTHON="$CPY_VENV/bin/python"
export HPYRS_PYPY="$PYPY_VENV/bin/python"
export HPYRS_PYPY_ROOT="$PYPY_ROOT"
EOF
mv -f "$RT/env.sh.new" "$RT/env.sh"

# ---------------------------------------------------------------- verify ---

log "verify: checking both runtimes"
stamp_clear verify
fail=0
out=$("$CPY_VENV/bin/python" -c 'import sys, hpy.universal; print(sys.implementation.name, hpy.universal.get_version()[0])' 2>&1) || true
if [ "$out" = "cpython $CPY_HPY_VERSION" ]; then
    log "verify: CPython $("$CPY_VENV/bin/python" -c 'import platform; print(platform.python_version())') hpy.universal $CPY_HPY_VERSION: ok"
else
    log "verify: CPython hpy.universal check FAILED: $out"; fail=1
fi
out=$("$PYPY_VENV/bin/python" -c 'import sys, hpy.universal; v = sys.pypy_version_info; print("%d.%d.%d" % v[:3], hpy.universal.get_version()[0])' 2>&1) || true
case $out in
    "$PYPY_VERSION $PYPY_HPY_PREFIX"*) log "verify: PyPy $out (hpy.universal): ok" ;;
    *) log "verify: PyPy check FAILED (want $PYPY_VERSION + hpy $PYPY_HPY_PREFIX*): $out"; fail=1 ;;
esac
for py in "$CPY_VENV/bin/python" "$PYPY_VENV/bin/python"; do
    if out=$("$py" -m pytest --version 2>&1); then
        log "verify: ${py#"$REPO/"} -m pytest --version: $out"
    else
        log "verify: ${py#"$REPO/"} -m pytest --version FAILED: $out"; fail=1
    fi
done
if [ -f "$PYPY_VENV/pyvenv.cfg" ]; then
    out=$("$PYPY_VENV/bin/python" -c 'import sys; print(sys.prefix != sys.base_prefix)' 2>&1) || true
    [ "$out" = True ] || { log "verify: PyPy venv is not active under its python: $out"; fail=1; }
fi
[ "$fail" = 0 ] || die "verification failed; fix the cause and rerun (completed stages are cached)"
stamp_set verify "$KEY_VERIFY"
log "done: source $RT/env.sh  (HPYRS_CPYTHON, HPYRS_PYPY)"
