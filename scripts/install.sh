#!/bin/sh
# Install twinbeat from this source tree: builds it, copies the runtime files to
# PREFIX/lib/twinbeat (production dependencies only), links PREFIX/bin/twinbeat and the Heartbeat
# shims (hb_standby, hb_takeover, cl_status), installs the man pages, bash completion, logrotate
# file and systemd unit, and seeds the config directory without ever overwriting a file.
# Idempotent: run it again to upgrade in place. --uninstall removes what it installed and keeps
# the configuration and the state.
#
#   sudo scripts/install.sh [--prefix DIR] [--confdir DIR] [--no-systemd] [--no-build] [--uninstall]
#
# DESTDIR=/tmp/stage (environment) installs below that directory, for packaging: nothing
# outside it is touched, no authkeys is generated (a package must not carry a key) and systemd
# is not reloaded. --no-build uses the dist/ already built in this tree.
set -eu

PREFIX=/usr/local
CONFDIR=/etc/ha.d
SYSTEMD=yes
BUILD=yes
ACTION=install
DESTDIR=${DESTDIR:-}

usage() {
  sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

while [ $# -gt 0 ]; do
  case $1 in
  --prefix) PREFIX=${2:?--prefix needs a directory}; shift 2 ;;
  --prefix=*) PREFIX=${1#*=}; shift ;;
  --confdir) CONFDIR=${2:?--confdir needs a directory}; shift 2 ;;
  --confdir=*) CONFDIR=${1#*=}; shift ;;
  --no-systemd) SYSTEMD=no; shift ;;
  --no-build) BUILD=no; shift ;;
  --uninstall) ACTION=uninstall; shift ;;
  -h | --help) usage 0 ;;
  *) echo "install.sh: unknown option $1" >&2; usage 2 ;;
  esac
done

SRC=$(cd "$(dirname "$0")/.." && pwd)
LIBDIR=$PREFIX/lib/twinbeat
BINDIR=$PREFIX/bin
MANDIR=$PREFIX/share/man
COMPLETIONDIR=$PREFIX/share/bash-completion/completions
UNITDIR=/etc/systemd/system
LOGROTATEDIR=/etc/logrotate.d
# Every file installed outside LIBDIR, one absolute path (without DESTDIR) per line: what
# --uninstall removes.
MANIFEST=$LIBDIR/installed-files
SHIMS="hb_standby hb_takeover cl_status"

say() { echo "install.sh: $*"; }
die() { echo "install.sh: $*" >&2; exit 1; }

case $PREFIX$CONFDIR in *[!A-Za-z0-9/._+-]*) die "--prefix and --confdir must be plain paths (letters, digits, / . _ + -)" ;; esac
case $PREFIX in /*) ;; *) die "--prefix must be absolute" ;; esac
case $CONFDIR in /*) ;; *) die "--confdir must be absolute" ;; esac
case $DESTDIR in "" | /*) ;; *) die "DESTDIR must be absolute" ;; esac
ROOT=$(id -u)
[ "$ROOT" = 0 ] || [ -n "$DESTDIR" ] || die "run as root: resource scripts must be root-owned to be run by the daemon"

if [ "$ACTION" = uninstall ]; then
  [ -d "$DESTDIR$LIBDIR" ] || die "nothing to uninstall: $DESTDIR$LIBDIR does not exist"
  # Stopping a failover daemon moves its resources to the peer: that is the operator's call.
  if [ -z "$DESTDIR" ] && "$BINDIR/twinbeat" -c "$CONFDIR" status >/dev/null 2>&1; then
    die "twinbeat is running: stop it first (systemctl disable --now twinbeat, or twinbeat stop)"
  fi
  if [ -f "$DESTDIR$MANIFEST" ]; then
    while IFS= read -r f; do
      case $f in /*) rm -f "$DESTDIR$f" ;; esac
    done <"$DESTDIR$MANIFEST"
  fi
  rm -rf "$DESTDIR$LIBDIR" "$DESTDIR$LIBDIR.new" "$DESTDIR$LIBDIR.old"
  if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; then systemctl daemon-reload; fi
  say "removed $DESTDIR$LIBDIR and the files it installed; kept $DESTDIR$CONFDIR (configuration, authkeys) and /var/lib/twinbeat (state)"
  exit 0
fi

command -v node >/dev/null || die "node not found (Node.js >= 20.10 is required)"
command -v npm >/dev/null || die "npm not found"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=10)?0:1)' ||
  die "Node.js >= 20.10 required, found $(node --version)"

# 1. Build in the source tree (needs the dev dependencies: TypeScript; `prepare` runs tsc).
if [ "$BUILD" = yes ]; then
  say "building in $SRC"
  (cd "$SRC" && npm ci --no-audit --no-fund)
fi
[ -f "$SRC/dist/src/cli/main.js" ] || die "$SRC/dist is not built (run without --no-build, or npm run build)"

# 2. Runtime files into a fresh staging dir, production dependencies only, then swap it in, so
#    a failed install leaves the previous version intact.
STAGE=$DESTDIR$LIBDIR.new
rm -rf "$STAGE"
mkdir -p "$STAGE/dist"
cp -R "$SRC/dist/src" "$STAGE/dist/src"
find "$STAGE/dist" -name '*.map' -exec rm -f {} +
cp -R "$SRC/resources.d" "$STAGE/"
# A packed tarball (npm pack) has no lock file: then npm resolves the pinned versions itself.
if [ -f "$SRC/package-lock.json" ]; then cp "$SRC/package-lock.json" "$STAGE/"; fi
mkdir -p "$STAGE/share"
cp -R "$SRC/scripts/man" "$SRC/scripts/completion" "$SRC/scripts/heartbeat" "$STAGE/share/"
for f in README.md LICENSE ha.cf haresources; do
  if [ -f "$SRC/$f" ]; then cp "$SRC/$f" "$STAGE/"; fi
done
# The installed package.json has no scripts: `prepare` would try to build there.
node -e 'const fs=require("fs");const p=JSON.parse(fs.readFileSync(process.argv[1]));delete p.scripts;delete p.devDependencies;fs.writeFileSync(process.argv[2],JSON.stringify(p,null,2)+"\n")' \
  "$SRC/package.json" "$STAGE/package.json"
if [ -f "$STAGE/package-lock.json" ]; then NPM_INSTALL=ci; else NPM_INSTALL=install; fi
(cd "$STAGE" && npm "$NPM_INSTALL" --omit=dev --no-audit --no-fund --prefer-offline >/dev/null)
chmod 0755 "$STAGE/dist/src/cli/main.js" "$STAGE/dist/src/cli/cl-status.js" "$STAGE/share/heartbeat/hb_standby" "$STAGE/share/heartbeat/hb_takeover"
# The daemon refuses resource scripts on paths writable by anyone but root.
if [ "$ROOT" = 0 ]; then chown -R 0:0 "$STAGE"; fi
chmod -R go-w "$STAGE"
rm -rf "$DESTDIR$LIBDIR.old"
if [ -d "$DESTDIR$LIBDIR" ]; then mv "$DESTDIR$LIBDIR" "$DESTDIR$LIBDIR.old"; fi
mv "$STAGE" "$DESTDIR$LIBDIR"
rm -rf "$DESTDIR$LIBDIR.old"

# 3. Links, man pages, completion, logrotate, unit: each recorded in the manifest.
: >"$DESTDIR$MANIFEST"
record() { echo "$1" >>"$DESTDIR$MANIFEST"; }
link() { # link TARGET NAME: NAME points at TARGET (both absolute, without DESTDIR)
  mkdir -p "$DESTDIR$(dirname "$2")"
  ln -sfn "$1" "$DESTDIR$2"
  record "$2"
}
put() { # put SOURCE DEST [MODE]: a copy with @BINDIR@, @LIBDIR@, @CONFDIR@ replaced
  mkdir -p "$DESTDIR$(dirname "$2")"
  sed -e "s|@BINDIR@|$BINDIR|g" -e "s|@LIBDIR@|$LIBDIR|g" -e "s|@CONFDIR@|$CONFDIR|g" "$1" >"$DESTDIR$2.new"
  chmod "${3:-0644}" "$DESTDIR$2.new"
  mv "$DESTDIR$2.new" "$DESTDIR$2"
  record "$2"
}
link "$LIBDIR/dist/src/cli/main.js" "$BINDIR/twinbeat"
link "$LIBDIR/share/heartbeat/hb_standby" "$BINDIR/hb_standby"
link "$LIBDIR/share/heartbeat/hb_takeover" "$BINDIR/hb_takeover"
link "$LIBDIR/dist/src/cli/cl-status.js" "$BINDIR/cl_status"
put "$SRC/scripts/man/man8/twinbeat.8" "$MANDIR/man8/twinbeat.8"
put "$SRC/scripts/man/man5/twinbeat-ha.cf.5" "$MANDIR/man5/twinbeat-ha.cf.5"
put "$SRC/scripts/completion/twinbeat.bash" "$COMPLETIONDIR/twinbeat"
for shim in $SHIMS; do link twinbeat "$COMPLETIONDIR/$shim"; done
put "$SRC/scripts/twinbeat.logrotate" "$LOGROTATEDIR/twinbeat"
if [ -z "$DESTDIR" ] && [ -f "$LOGROTATEDIR/heartbeat" ]; then
  say "warning: $LOGROTATEDIR/heartbeat (Heartbeat's package) also rotates /var/log/ha-log and ha-debug: remove one of the two entries"
fi
say "installed $DESTDIR$LIBDIR, $DESTDIR$BINDIR/twinbeat ($(node "$DESTDIR$LIBDIR/dist/src/cli/main.js" --version)), $SHIMS, man pages, completion, logrotate"

# 4. Configuration: seed samples only where nothing exists.
mkdir -p "$DESTDIR$CONFDIR"
for f in ha.cf haresources; do
  if [ -e "$DESTDIR$CONFDIR/$f" ]; then
    say "keeping existing $DESTDIR$CONFDIR/$f"
  elif [ -f "$DESTDIR$LIBDIR/$f" ]; then
    cp "$DESTDIR$LIBDIR/$f" "$DESTDIR$CONFDIR/$f"
    say "installed sample $DESTDIR$CONFDIR/$f: edit it (node names, links, resources)"
  fi
done
if [ -e "$DESTDIR$CONFDIR/authkeys" ]; then
  say "keeping existing $DESTDIR$CONFDIR/authkeys"
elif [ -n "$DESTDIR" ]; then
  say "no authkeys generated into a DESTDIR: run \`twinbeat keygen\` on the first node after installing"
else
  "$BINDIR/twinbeat" -c "$CONFDIR" keygen
  say "generated $CONFDIR/authkeys: copy it to the peer (scp -p), both nodes need the same key"
fi

# 5. systemd.
if [ "$SYSTEMD" = yes ]; then
  put "$SRC/scripts/twinbeat.service" "$UNITDIR/twinbeat.service"
  if [ -z "$DESTDIR" ] && [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    say "installed $UNITDIR/twinbeat.service; after \`twinbeat -c $CONFDIR check\` passes: systemctl enable --now twinbeat"
  else
    say "installed $DESTDIR$UNITDIR/twinbeat.service (systemd not reloaded)"
  fi
fi
