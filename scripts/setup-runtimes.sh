#!/usr/bin/env bash
# Install every Python interpreter hpy-rs is tested on, cached under <repo>/.runtimes/
# (git-ignored). Idempotent: a second run only prints "up to date".
#
#   lane    interpreter                     from                       venv (pip + pytest)
#   py311   CPython 3.11 (host python3)     the host                   .runtimes/cpython/
#   pypy73  PyPy 7.3.19 (HPy universal)     Debian trixie pypy3        .runtimes/pypy-venv/
#   py313   CPython 3.13                    Debian trixie python3.13   .runtimes/venvs/py313/
#   py314   CPython 3.14                    Debian sid python3.14      .runtimes/venvs/py314/
#   py314d  CPython 3.14, Py_DEBUG build    Debian sid python3.14-dbg  .runtimes/venvs/py314d/
#   py315   CPython 3.15                    Debian sid python3.15      .runtimes/venvs/py315/
#   pypy8   PyPy 8.0.x (no HPy, cpyext)     Debian sid pypy3           .runtimes/venvs/pypy8/
#
#   .runtimes/trixie/root/  .runtimes/sid/root/   the .debs of each suite, dpkg-deb -x'ed
#                           (each with its own glibc), -dev headers included
#   .runtimes/pypy/root     -> ../trixie/root (the path older tools use)
#   .runtimes/bin/          python3.13 python3.14 python3.14d python3.15 pypy3.11 (= pypy3)
#                           pypy3.11-v8: run an interpreter through its root's own ld.so
#   .runtimes/env.sh        HPYRS_* variables (source it; scripts/README.md lists them)
#
# Nothing is written outside the repo: apt runs with a fully private configuration
# (sources, lists, cache, status) under .runtimes/apt/<suite>/, the .debs are never
# installed, only unpacked, and pip's cache is .runtimes/pip-cache.
# See scripts/README.md.
#
# Usage: scripts/setup-runtimes.sh [--force] [--verify]
#   --force   delete .runtimes/ and rebuild everything (downloads again; sid may have moved)
#   --verify  re-run the final checks even when everything is up to date
# Env: PYTHON=<interpreter> overrides `python3` for the CPython 3.11 venv;
#      HPYRS_DEBIAN_MIRROR=<url> overrides the Debian mirror; HPYRS_SETUP_JOBS=<n> stages at
#      once (default 2); CC=<compiler> for the C build check.
set -euo pipefail

# Bump when a stage's recipe changes so existing caches are rebuilt.
RECIPE=1

# ------------------------------------------------------- what is installed ---

# pip packages of each venv (add e.g. numpy or mypy here; the venv is rebuilt on change).
# shellcheck disable=SC2034  # PKGS_*, DEBS_* and PINS_* are read through namerefs
{
PKGS_PY311=("hpy==0.9.0" pytest wheel twine)
PKGS_PYPY73=(pytest)
PKGS_PY313=(pytest)
PKGS_PY314=(pytest)
PKGS_PY314D=(pytest)
PKGS_PY315=(pytest)
PKGS_PYPY8=(pytest)

# Interpreters unpacked from Debian, one row per lane:
#   lane   suite   usr/bin/<interp>  .runtimes/bin/<wrapper>  venv (under .runtimes/)  expectations (verify)
LANE_ROWS=(
  "pypy73  trixie  pypy3.11     pypy3.11     pypy-venv     impl=pypy version=7.3.19 hpy=0.9.1.dev"
  "py313   trixie  python3.13   python3.13   venvs/py313   impl=cpython version=3.13."
  "py314   sid     python3.14   python3.14   venvs/py314   impl=cpython version=3.14."
  "py314d  sid     python3.14d  python3.14d  venvs/py314d  impl=cpython version=3.14. debug=1"
  "py315   sid     python3.15   python3.15   venvs/py315   impl=cpython version=3.15."
  "pypy8   sid     pypy3.11     pypy3.11-v8  venvs/pypy8   impl=pypy version=8.0. hpy=none"
)
# The host's CPython 3.11 lane (venv of $PYTHON, hpy 0.9.0 from PyPI).
PY311_EXPECT="impl=cpython version=3.11. hpy=0.9.0 strict=0"
# Stdlib modules every lane must import (each needs its Debian library package).
IMPORTS="ssl sqlite3 ctypes decimal zlib lzma bz2 hashlib pyexpat readline uuid curses"

# Debian packages per suite. Interpreters, their stdlib, venv and -dev packages, the wheels
# ensurepip installs from, and every shared library an ELF in the root needs (the script
# refuses a root in which an ELF resolves a library from the host).
LIBS=(libc6 libgcc-s1 libffi8 libexpat1 libbz2-1.0 zlib1g liblzma5 libzstd1 libsqlite3-0
      libssl3t64 libtinfo6 libncursesw6 libreadline8t64 libuuid1 libgdbm6t64 libdb5.3t64)
DEBS_trixie=(pypy3 pypy3-lib pypy3-dev pypy3-venv
             python3.13 python3.13-minimal libpython3.13-minimal libpython3.13-stdlib libpython3.13
             python3.13-venv python3.13-dev libpython3.13-dev
             python3-pip-whl python3-setuptools-whl "${LIBS[@]}")
DEBS_sid=(python3.14 python3.14-minimal libpython3.14-minimal libpython3.14-stdlib libpython3.14
          python3.14-venv python3.14-dev libpython3.14-dev python3.14-dbg libpython3.14-dbg
          python3.15 python3.15-minimal libpython3.15-minimal libpython3.15-stdlib libpython3.15
          python3.15-venv python3.15-dev libpython3.15-dev
          pypy3 pypy3-lib pypy3-dev pypy3-venv
          python3-pip-whl python3-setuptools-whl "${LIBS[@]}")
# Versions the suites must offer (a prefix ending in "." accepts any patch release). sid
# moves: a new series (e.g. PyPy 8.1) stops the script until someone updates this line.
PINS_trixie=(pypy3=7.3.19 python3.13=3.13.)
PINS_sid=(python3.14=3.14. python3.14-dbg=3.14. python3.15=3.15. pypy3=8.0.)
}
# Files removed from the roots: the debug build's _tkinter needs Tk/X11 (~20 more packages).
DROP_GLOBS=("usr/lib/python3.*/lib-dynload/_tkinter.*.so")
SUITES=(trixie sid)

MULTIARCH=x86_64-linux-gnu
LDSO_NAME=ld-linux-x86-64.so.2

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
RT=$REPO/.runtimes
STAMPS=$RT/stamps
LOGS=$RT/logs
APTD=$RT/apt
BIN=$RT/bin
CPY_VENV=$RT/cpython

# pip's cache also stays inside the repo.
export PIP_CACHE_DIR=$RT/pip-cache PIP_DISABLE_PIP_VERSION_CHECK=1

log() { printf '[setup-runtimes] %s\n' "$*" >&2; }
since() { echo "$((SECONDS - $1)) s"; }
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

# ------------------------------------------------------------------ lanes ---

LANES=()
declare -A L_SUITE L_INTERP L_WRAP L_VENV L_EXPECT
for row in "${LANE_ROWS[@]}"; do
    read -r lane suite interp wrap venv expect <<<"$row"
    LANES+=("$lane")
    L_SUITE[$lane]=$suite L_INTERP[$lane]=$interp L_WRAP[$lane]=$wrap
    L_VENV[$lane]=$RT/$venv L_EXPECT[$lane]=$expect
done
root_of() { echo "$RT/$1/root"; }
venv_python() { if [ "$1" = py311 ]; then echo "$CPY_VENV/bin/python"; else echo "${L_VENV[$1]}/bin/python"; fi; }
lane_pkgs() { local -n p="PKGS_${1^^}"; echo "${p[*]}"; }
lanes_of() { local l; for l in "${LANES[@]}"; do if [ "${L_SUITE[$l]}" = "$1" ]; then echo "$l"; fi; done; }
is_pypy() { [ "${L_INTERP[$1]}" = pypy3.11 ]; }

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
stamp_ok() { [ -f "$STAMPS/$1" ] && [ "$(<"$STAMPS/$1")" = "$(stamp_key "${@:2}")" ]; }
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

# ----------------------------------------------------------- Debian roots ---

apt_private() {
    # Everything apt reads or writes lives under $APTD/<suite>; the host's apt.conf(.d),
    # sources, preferences, lists, cache and dpkg status are not used.
    local suite=$1 d=$APTD/$1
    local etc=$d/etc
    mkdir -p "$etc/apt.conf.d" "$etc/sources.list.d" "$etc/preferences.d" \
             "$d/lists/partial" "$d/cache/archives/partial" "$d/state" "$d/log" "$d/debs"
    [ -f "$d/state/status" ] || : >"$d/state/status"

    local signed=""
    if [ -r /usr/share/keyrings/debian-archive-keyring.gpg ]; then
        signed="[signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] "
    fi
    printf 'deb %s%s %s main\n' "$signed" "$MIRROR" "$suite" >"$etc/sources.list"

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
        echo "Dir::State \"$d/state\";"
        echo "Dir::State::Lists \"$d/lists\";"
        echo "Dir::State::status \"$d/state/status\";"
        echo "Dir::Cache \"$d/cache\";"
        echo "Dir::Cache::archives \"$d/cache/archives\";"
        echo "Dir::Cache::pkgcache \"\";"
        echo "Dir::Cache::srcpkgcache \"\";"
        echo "Dir::Log \"$d/log\";"
        echo "APT::Architectures { \"amd64\"; };"
        echo "Acquire::Languages \"none\";"
        # apt drops to _apt for downloads when root; the repo may not be readable by _apt.
        if [ "$(id -u)" = 0 ]; then echo "APT::Sandbox::User \"root\";"; fi
        # Keep the host's network-related settings (proxy, snapshot date checks).
        apt-config dump 2>/dev/null | grep -E \
            '^Acquire::(Check-Valid-Until|Check-Date|Retries|ForceIPv4|ForceIPv6|(http|https|ftp)::(Proxy|proxy|Timeout)[^ ]*) ' || true
    } >"$d/apt.conf"
}

apt_run() { local suite=$1; shift; APT_CONFIG="$APTD/$suite/apt.conf" "$@"; }

# "<package> <version> <file name apt-get download stores it under>" for each package.
deb_table() {
    local suite=$1; shift
    local out
    out=$(apt_run "$suite" apt-cache show --no-all-versions "$@") ||
        die "apt-cache show failed: a package is missing from Debian $suite (see the message above)"
    # <name>_<version, ':' as %3a>_<arch>.deb, as apt-get download names them
    awk '/^Package:/ { p = $2 } /^Version:/ { v = $2; f = v; gsub(/:/, "%3a", f) }
         /^Architecture:/ { print p, v, p "_" f "_" $2 ".deb" }' <<<"$out"
}

# Fail loudly when a suite no longer offers the expected series (sid moves).
check_pins() {
    local suite=$1 table=$2 pin pkg want ver upstream
    local -n pins="PINS_$suite"
    for pin in "${pins[@]}"; do
        pkg=${pin%%=*} want=${pin#*=}
        ver=$(awk -v p="$pkg" '$1 == p { print $2 }' <<<"$table")
        upstream=${ver#*:}                      # drop an epoch
        case $want in
            *.) case $upstream in "$want"*) continue ;; esac ;;
            *)  case $upstream in "$want"|"$want"[!0-9]*) continue ;; esac ;;
        esac
        case $want in *.) want=${want}x ;; esac
        die "Debian $suite's $pkg is now ${ver:-missing}, but hpy-rs expects $want (PINS_$suite in scripts/setup-runtimes.sh).
  A new series needs a review (ABI, HPy support) before it becomes a test lane: update the pin, the lane table and scripts/README.md together."
    done
}

# Every ELF in a root must resolve all its libraries inside that root.
check_root_elfs() {
    local R L out
    R=$(cd "$1" && pwd) L=$R/usr/lib/$MULTIARCH
    out=$(
        find "$R" -type f \( -perm -u+x -o -name '*.so' -o -name '*.so.*' \) ! -path "$R/usr/lib/debug/*" |
        while read -r f; do
            [ "$(LC_ALL=C head -c 4 -- "$f" 2>/dev/null)" = $'\x7fELF' ] || continue
            # flag "not found", loader errors, and libraries resolved outside the root
            "$L/$LDSO_NAME" --library-path "$L" --list "$f" 2>&1 |
                awk -v r="$R/" -v e="${f#"$R"}" '/not found|error/ { print e ": " $0; next }
                    $2 == "=>" && $3 ~ /^\// && index($3, r) != 1 { print e ": " $0 }' || true
        done
    )
    [ -z "$out" ] || die "libraries resolved from the host or missing in $R (add their packages to DEBS_*):
$out"
}

# The wrapper of one interpreter, written into <root>/usr/bin/<interp>-run. It execs the
# interpreter through the root's own ld.so (the roots' glibc is newer than the host's);
# .runtimes/bin/<wrapper> is a symlink to it, and the root is found from the wrapper's real path.
write_wrapper() {
    local lane=$1 R=$2 interp=${L_INTERP[$1]} argv0
    if is_pypy "$lane"; then
        # PyPy finds its stdlib from libpypy's location; sys.executable is what we call it.
        argv0="\$self"
    else
        # CPython finds its prefix from argv[0]: outside a venv that must be the path inside
        # the root; inside a venv (pyvenv.cfg next to bin/) the venv's own path.
        argv0="\$a"
    fi
    cat >"$R/usr/bin/$interp-run" <<EOF
#!/bin/sh
# Generated by scripts/setup-runtimes.sh (lane $lane): runs Debian ${L_SUITE[$lane]}'s
# $interp through this root's own dynamic loader. --argv0 makes sys.executable a path
# that re-enters through this script, so pip/venv subprocesses work.
case "\$0" in */*) self=\$0 ;; *) self=\$(command -v -- "\$0") ;; esac
real=\$(readlink -f -- "\$self")
ROOT=\${real%/usr/bin/*}
L=\$ROOT/usr/lib/$MULTIARCH
d=\${self%/*}
if [ -f "\$d/../pyvenv.cfg" ] || [ -f "\$d/pyvenv.cfg" ]; then a=\$self; else a=\$real; fi
exec "\$L/$LDSO_NAME" --library-path "\$L" --argv0 "$argv0" "\$ROOT/usr/bin/$interp" "\$@"
EOF
    chmod +x "$R/usr/bin/$interp-run"
}

# Fixes applied to a freshly unpacked root.
patch_root() {
    local R=$1 f n link target
    # Debian's ensurepip reads its wheels from the host's /usr/share/python-wheels
    # (sysconfig's WHEEL_PKG_DIR); point every interpreter at the root's copy.
    for f in "$R"/usr/lib/python3.*/ensurepip/__init__.py "$R"/usr/lib/pypy3.*/ensurepip/__init__.py; do
        [ -f "$f" ] || continue
        n=$(grep -c "sysconfig.get_config_var('WHEEL_PKG_DIR')" "$f" || true)
        [ "$n" = 1 ] || die "$f: expected one sysconfig.get_config_var('WHEEL_PKG_DIR'), found $n (Debian changed ensurepip?)"
        sed -i "/sysconfig.get_config_var('WHEEL_PKG_DIR')/ {
                    s|sysconfig.get_config_var('WHEEL_PKG_DIR')|os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', '..', 'share', 'python-wheels'))|
                    s|\$|  # patched by hpy-rs scripts/setup-runtimes.sh|
                }" "$f"
    done
    ls "$R"/usr/share/python-wheels/pip-*.whl >/dev/null 2>&1 || die "no pip wheel in $R/usr/share/python-wheels"
    # usr/include/python3.X/pyconfig.h only includes <$MULTIARCH/python3.X/pyconfig.h>, which a
    # compiler looks up in the host's /usr/include; make it a relative include so that
    # -I <sysconfig include dir> alone is enough to build an extension.
    for f in "$R"/usr/include/python3.*/pyconfig.h; do
        [ -f "$f" ] || continue
        sed -i "s|#\( *\)include <$MULTIARCH/\(python3[^/]*\)/pyconfig.h>|#\1include \"../$MULTIARCH/\2/pyconfig.h\"|" "$f"
        grep -q "include \"../$MULTIARCH/" "$f" || die "$f: no <$MULTIARCH/...> include to patch"
    done
    # Absolute symlinks (e.g. usr/lib/python3.X/sitecustomize.py -> /etc/python3.X/...) would
    # reach into the host: point them at the root's own copy.
    while IFS= read -r -d '' link; do
        target=$(readlink -- "$link")
        if [ -e "$R$target" ]; then
            ln -sfn -- "$(realpath -s --relative-to="${link%/*}" "$R$target")" "$link"
        else
            log "removing $link -> $target (no such file in the root)"; rm -f -- "$link"
        fi
    done < <(find "$R" -type l -lname '/*' -print0)
    # shellcheck disable=SC2086  # the globs must expand
    for f in "${DROP_GLOBS[@]}"; do rm -f -- "$R"/$f; done
}

build_root() {
    local suite=$1 R l t0=$SECONDS
    R=$(root_of "$suite")
    local -n debs="DEBS_$suite"
    local lanes; lanes=$(lanes_of "$suite" | tr '\n' ' ')
    rm -f "$LOGS/root-$suite.log"
    apt_private "$suite"
    log "$suite root: apt-get update ($MIRROR $suite main, private config)"
    run_logged "root-$suite" apt_run "$suite" apt-get update
    local table; table=$(deb_table "$suite" "${debs[@]}")
    local n; n=$(wc -l <<<"$table")
    [ "$n" = "${#debs[@]}" ] || die "expected ${#debs[@]} packages from $suite, apt-cache found $n"
    check_pins "$suite" "$table"
    local files; mapfile -t files < <(awk '{ print $3 }' <<<"$table")
    log "$suite root: apt-get download ${#debs[@]} packages ($(awk -v ORS=' ' '$1 ~ /^(pypy3|python3\.[0-9]+)$/ { print $1 "=" $2 }' <<<"$table"))"
    # apt skips files already present with the right hash and re-fetches broken ones,
    # so a rerun resumes an interrupted download.
    (cd "$APTD/$suite/debs" && run_logged "root-$suite" apt_run "$suite" apt-get download "${debs[@]}")
    # Drop stale .debs (e.g. from an older point release).
    local f g keep
    for f in "$APTD/$suite"/debs/*.deb; do
        keep=0
        for g in "${files[@]}"; do [ "${f##*/}" = "$g" ] && keep=1; done
        [ "$keep" = 1 ] || rm -f "$f"
    done

    log "$suite root: extracting with dpkg-deb -x"
    rm -rf "$R.new"
    mkdir -p "$R.new"
    for f in "${files[@]}"; do
        [ -f "$APTD/$suite/debs/$f" ] || die "missing download $APTD/$suite/debs/$f"
        run_logged "root-$suite" dpkg-deb -x "$APTD/$suite/debs/$f" "$R.new"
    done
    [ -e "$R.new/usr/lib/$MULTIARCH/$LDSO_NAME" ] || die "usr/lib/$MULTIARCH/$LDSO_NAME missing after extraction"
    for l in $lanes; do
        [ -x "$R.new/usr/bin/${L_INTERP[$l]}" ] || die "usr/bin/${L_INTERP[$l]} (lane $l) missing after extraction"
    done
    patch_root "$R.new"
    check_root_elfs "$R.new"
    for l in $lanes; do write_wrapper "$l" "$R.new"; done

    rm -rf "$R"
    mkdir -p "${R%/*}"
    mv "$R.new" "$R"
    mkdir -p "$BIN"
    for l in $lanes; do
        ln -sfn "../$suite/root/usr/bin/${L_INTERP[$l]}-run" "$BIN/${L_WRAP[$l]}"
    done
    if [ "$suite" = trixie ]; then
        ln -sfn pypy3.11 "$BIN/pypy3"
        # Older tools (and hpy-rs/tests/layout.rs) read PyPy 7.3.19's files under pypy/root.
        rm -rf "$RT/pypy"; mkdir -p "$RT/pypy"; ln -s ../trixie/root "$RT/pypy/root"
    fi
    stamp_set "root-$suite" "${KEY_ROOT[$suite]}"
    log "$suite root: done ($(since "$t0"), $(du -sh "$R" | cut -f1))"
}

# ---------------------------------------------------------------- venvs ---

stage_py311() {
    local t0=$SECONDS host_py
    host_py=$(host_python)
    log "py311 venv: creating from $host_py ($("$host_py" -c 'import platform; print(platform.python_version())'))"
    "$host_py" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' ||
        log "warning: $host_py is not CPython 3.11; continuing anyway"
    rm -rf "$CPY_VENV" "$LOGS/cpython.log"
    run_logged cpython "$host_py" -m venv "$CPY_VENV"
    log "py311 venv: pip install ${PKGS_PY311[*]}"
    run_logged cpython "$CPY_VENV/bin/python" -m pip install --disable-pip-version-check "${PKGS_PY311[@]}"
    stamp_set cpython "$KEY_PY311"
    log "py311 venv: done ($(since "$t0"))"
}

# PyPy 7.3.19 only, kept from the first version of this script: if its venv route fails,
# pure-Python packages installed with CPython's pip, on PYTHONPATH.
pypy73_fallback() {
    local V=$1 base=$2; shift 2
    log "warning: the PyPy venv route failed (see $LOGS/venv-pypy73.log); falling back to"
    log "         'pip install --target' with CPython's pip + PYTHONPATH (no real venv: pip install into it will NOT work)"
    rm -rf "$V"
    mkdir -p "$V/bin"
    run_logged venv-pypy73 "$CPY_VENV/bin/python" -m pip install --disable-pip-version-check \
        --target "$V/site" "$@"
    cat >"$V/bin/python" <<EOF
#!/bin/sh
# Fallback (not a venv): PyPy with pure-Python packages from ../site on PYTHONPATH.
real=\$(readlink -f -- "\$0")
site=\${real%/bin/*}/site
PYTHONPATH=\$site\${PYTHONPATH:+:\$PYTHONPATH} exec "$base" "\$@"
EOF
    chmod +x "$V/bin/python"
    echo "fallback: not a venv; rerun with --force to retry the venv route" >"$V/FALLBACK"
}

stage_venv() {
    local lane=$1 V=${L_VENV[$1]} base=$BIN/${L_WRAP[$1]} t0=$SECONDS
    local -n pkgs="PKGS_${1^^}"
    rm -rf "$V" "$LOGS/venv-$lane.log"
    mkdir -p "${V%/*}"
    log "$lane venv: ${base#"$REPO/"} -m venv ${V#"$REPO/"}; pip install ${pkgs[*]}"
    if [ "$lane" = pypy73 ]; then
        LOGNAME_SOFT=venv-$lane
        if ! { run_logged_soft "$base" -m venv "$V" &&
               run_logged_soft "$V/bin/python" -m pip install --disable-pip-version-check "${pkgs[@]}"; }; then
            pypy73_fallback "$V" "$base" "${pkgs[@]}"
        fi
    else
        run_logged "venv-$lane" "$base" -m venv "$V"
        [ -e "$V/bin/python" ] || die "$V/bin/python missing after -m venv (see $LOGS/venv-$lane.log)"
        run_logged "venv-$lane" "$V/bin/python" -m pip install --disable-pip-version-check "${pkgs[@]}"
    fi
    stamp_set "venv-$lane" "${KEY_VENV[$lane]}"
    log "$lane venv: done ($(since "$t0"))"
}

# --------------------------------------------------------------- verify ---

# Checks one lane with scripts/check-runtime.py and `-m pytest --version`; the report goes to
# $LOGS/verify-<lane>.log (printed by the caller, in lane order).
verify_lane() {
    local lane=$1 py expect st=0 out
    py=$(venv_python "$lane")
    if [ "$lane" = py311 ]; then expect=$PY311_EXPECT; else expect=${L_EXPECT[$lane]}; fi
    # The pip --target fallback of PyPy 7.3.19 is not a venv.
    if [ "$lane" = pypy73 ] && [ -f "${L_VENV[pypy73]}/FALLBACK" ]; then expect+=" venv=0"; fi
    {
        # shellcheck disable=SC2086  # $expect is a list of key=value words
        "$py" "$REPO/scripts/check-runtime.py" $expect "imports=$IMPORTS" 2>&1 || st=1
        if out=$("$py" -m pytest --version 2>&1); then
            echo "ok   ${py#"$REPO/"} -m pytest --version: $out"
        else
            echo "FAIL ${py#"$REPO/"} -m pytest --version: $out"; st=1
        fi
    } >"$LOGS/verify-$lane.log"
    return "$st"
}

# ----------------------------------------------------------------- jobs ---

# Independent stages run in the background, at most $JOBS at a time; a failing stage has
# already printed why (die/run_logged), jobs_wait then stops the script.
JOBS=${HPYRS_SETUP_JOBS:-2}
JOB_PIDS=() JOB_NAMES=()
job() {
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n || true; done
    "$@" &
    JOB_PIDS+=("$!") JOB_NAMES+=("$*")
}
jobs_wait() {
    local i failed=()
    for i in "${!JOB_PIDS[@]}"; do
        wait "${JOB_PIDS[$i]}" || failed+=("${JOB_NAMES[$i]}")
    done
    JOB_PIDS=() JOB_NAMES=()
    [ "${#failed[@]}" = 0 ] ||
        die "failed: ${failed[*]} (messages above); rerun to retry (completed stages are cached)"
}

# ================================================================= main ===

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

# Stage keys: a stage is redone when its key changes (packages, pins, lanes, recipe).
MIRROR=$(debian_mirror)
KEY_PY311="python=${PYTHON:-python3} pkgs=${PKGS_PY311[*]}"
declare -A KEY_ROOT KEY_VENV
for suite in "${SUITES[@]}"; do
    declare -n debs="DEBS_$suite" pins="PINS_$suite"
    rows=$(for l in $(lanes_of "$suite"); do printf '%s:%s:%s ' "$l" "${L_INTERP[$l]}" "${L_WRAP[$l]}"; done)
    KEY_ROOT[$suite]="mirror=$MIRROR suite=$suite debs=${debs[*]} pins=${pins[*]} drop=${DROP_GLOBS[*]} lanes=$rows"
    unset -n debs pins
done
for l in "${LANES[@]}"; do KEY_VENV[$l]="pkgs=$(lane_pkgs "$l") root=[${KEY_ROOT[${L_SUITE[$l]}]}]"; done
KEY_VERIFY="check=$(cksum <"$REPO/scripts/check-runtime.py") imports=$IMPORTS py311=[$KEY_PY311 $PY311_EXPECT]"
for l in "${LANES[@]}"; do KEY_VERIFY+=" $l=[${KEY_VENV[$l]} ${L_EXPECT[$l]}]"; done

root_ok() {
    local R l; R=$(root_of "$1")
    stamp_ok "root-$1" "${KEY_ROOT[$1]}" || return 1
    for l in $(lanes_of "$1"); do
        [ -x "$R/usr/bin/${L_INTERP[$l]}-run" ] && [ -e "$BIN/${L_WRAP[$l]}" ] || return 1
    done
}
venv_ok() { stamp_ok "venv-$1" "${KEY_VENV[$1]}" && [ -e "$(venv_python "$1")" ]; }
py311_ok() { stamp_ok cpython "$KEY_PY311" && [ -x "$CPY_VENV/bin/python" ]; }
all_ok() {
    local s l
    py311_ok && [ -f "$RT/env.sh" ] && stamp_ok verify "$KEY_VERIFY" || return 1
    for s in "${SUITES[@]}"; do root_ok "$s" || return 1; done
    for l in "${LANES[@]}"; do venv_ok "$l" || return 1; done
}

if [ "$VERIFY" = 0 ] && all_ok; then
    log "runtimes are up to date in $RT (source $RT/env.sh; --force to rebuild, --verify to re-check)"
    [ ! -f "${L_VENV[pypy73]}/FALLBACK" ] ||
        log "warning: ${L_VENV[pypy73]} is the pip --target fallback, not a venv (--force to retry)"
    exit 0
fi

# Layout of the first version of this script: one trixie root in pypy/root, apt state in apt/.
if [ -f "$APTD/apt.conf" ]; then
    log "moving the old single-root layout of $RT aside (PyPy 7.3.19 now lives in trixie/root)"
    mkdir -p "$APTD/trixie"
    if [ -d "$APTD/debs" ] && [ ! -d "$APTD/trixie/debs" ]; then mv "$APTD/debs" "$APTD/trixie/debs"; fi
    rm -rf "${APTD:?}"/{etc,lists,cache,state,log,debs,apt.conf}
    stamp_clear pypy-root pypy-venv
fi

# 1. the host's CPython venv and the Debian roots (network-bound: in parallel)
if py311_ok; then log "py311 venv: up to date"; else stamp_clear cpython verify; job stage_py311; fi
for suite in "${SUITES[@]}"; do
    if root_ok "$suite"; then
        log "$suite root: up to date"
    else
        mapfile -t deps < <(lanes_of "$suite" | sed 's/^/venv-/')
        stamp_clear "root-$suite" verify "${deps[@]}"
        job build_root "$suite"
    fi
done
jobs_wait

# 2. the venvs (CPU-bound: $JOBS at a time, slowest first)
for l in $(printf '%s\n' "${LANES[@]}" | grep -E 'd$|^pypy'; printf '%s\n' "${LANES[@]}" | grep -vE 'd$|^pypy'); do
    if venv_ok "$l"; then log "$l venv: up to date"; else stamp_clear "venv-$l" verify; job stage_venv "$l"; fi
done
jobs_wait

# 3. env.sh
ALL_LANES=(py311 "${LANES[@]}")
pythons=(); for l in "${ALL_LANES[@]}"; do pythons+=("$(venv_python "$l")"); done
cat >"$RT/env.sh.new" <<EOF
# Generated by scripts/setup-runtimes.sh; source it: . .runtimes/env.sh
# One venv python per lane (each has pytest; see scripts/README.md):
export HPYRS_CPYTHON="$(venv_python py311)"   # CPython 3.11 (host), hpy 0.9.0
export HPYRS_PYPY="$(venv_python pypy73)"   # PyPy 7.3.19, HPy universal built in
export HPYRS_PY313="$(venv_python py313)"
export HPYRS_PY314="$(venv_python py314)"
export HPYRS_PY314D="$(venv_python py314d)"   # Py_DEBUG build (sys.gettotalrefcount)
export HPYRS_PY315="$(venv_python py315)"
export HPYRS_PYPY8="$(venv_python pypy8)"   # PyPy 8.0.x: cpyext only, no _hpy_universal
# The Debian roots (headers in <root>/usr/include/{python3.X,python3.14d,pypy3.11}):
export HPYRS_TRIXIE_ROOT="$(root_of trixie)"   # PyPy 7.3.19, CPython 3.13
export HPYRS_SID_ROOT="$(root_of sid)"   # CPython 3.14, 3.14d, 3.15, PyPy 8
export HPYRS_PYPY_ROOT="$(root_of trixie)"   # = HPYRS_TRIXIE_ROOT
export HPYRS_PYPY8_ROOT="$(root_of sid)"   # = HPYRS_SID_ROOT
# Every lane: names and venv pythons, space-separated, in the same order.
export HPYRS_LANES="${ALL_LANES[*]}"
export HPYRS_PYTHONS="${pythons[*]}"
EOF
mv -f "$RT/env.sh.new" "$RT/env.sh"

# 4. verification (in parallel; reports in lane order)
t0=$SECONDS
log "verify: checking ${#ALL_LANES[@]} lanes (${ALL_LANES[*]})"
stamp_clear verify
mkdir -p "$LOGS"
for l in "${ALL_LANES[@]}"; do job verify_lane "$l"; done
failed=()
for i in "${!JOB_PIDS[@]}"; do
    l=${ALL_LANES[$i]}
    wait "${JOB_PIDS[$i]}" || failed+=("$l")
    while IFS= read -r line; do log "verify: $l: $line"; done <"$LOGS/verify-$l.log"
done
JOB_PIDS=() JOB_NAMES=()
[ "${#failed[@]}" = 0 ] ||
    die "verification failed for ${failed[*]} (FAIL lines above); fix the cause and rerun (completed stages are cached)"
stamp_set verify "$KEY_VERIFY"
log "verify: done ($(since "$t0"))"
log "done in $SECONDS s: source $RT/env.sh (HPYRS_CPYTHON HPYRS_PYPY HPYRS_PY313 HPYRS_PY314 HPYRS_PY314D HPYRS_PY315 HPYRS_PYPY8; HPYRS_PYTHONS lists all)"
