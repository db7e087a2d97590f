#!/bin/sh
# Install twinbeat from this source tree: builds it, copies the runtime files to
# PREFIX/lib/twinbeat (production dependencies only), links PREFIX/bin/twinbeat, installs the
# systemd unit, and seeds the config directory without ever overwriting an existing file.
# Idempotent: run it again to upgrade in place.
#
#   sudo scripts/install.sh [--prefix DIR] [--confdir DIR] [--no-systemd]
set -eu

PREFIX=/usr/local
CONFDIR=/etc/ha.d
SYSTEMD=yes
UNITDIR=/etc/systemd/system

usage() {
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-0}"
}

while [ $# -gt 0 ]; do
  case $1 in
  --prefix) PREFIX=${2:?--prefix needs a directory}; shift 2 ;;
  --prefix=*) PREFIX=${1#*=}; shift ;;
  --confdir) CONFDIR=${2:?--confdir needs a directory}; shift 2 ;;
  --confdir=*) CONFDIR=${1#*=}; shift ;;
  --no-systemd) SYSTEMD=no; shift ;;
  -h | --help) usage 0 ;;
  *) echo "install.sh: unknown option $1" >&2; usage 2 ;;
  esac
done

SRC=$(cd "$(dirname "$0")/.." && pwd)
LIBDIR=$PREFIX/lib/twinbeat
BINDIR=$PREFIX/bin

say() { echo "install.sh: $*"; }
die() { echo "install.sh: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "run as root: resource scripts must be root-owned to be run by the daemon"
command -v node >/dev/null || die "node not found (Node.js >= 20.10 is required)"
command -v npm >/dev/null || die "npm not found"
node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=10)?0:1)' ||
  die "Node.js >= 20.10 required, found $(node --version)"

# 1. Build in the source tree (needs the dev dependencies: TypeScript).
say "building in $SRC"
(cd "$SRC" && npm ci --no-audit --no-fund && npx tsc -p .)

# 2. Runtime files into a fresh staging dir, production dependencies only, then swap it in, so
#    a failed install leaves the previous version intact.
STAGE=$LIBDIR.new
rm -rf "$STAGE"
mkdir -p "$STAGE/dist"
cp -R "$SRC/dist/src" "$STAGE/dist/src"
cp -R "$SRC/resources.d" "$SRC/package.json" "$SRC/package-lock.json" "$STAGE/"
for f in README.md LICENSE ha.cf haresources; do
  [ -f "$SRC/$f" ] && cp "$SRC/$f" "$STAGE/"
done
(cd "$STAGE" && npm ci --omit=dev --no-audit --no-fund >/dev/null)
chmod 0755 "$STAGE/dist/src/cli/main.js"
# The daemon refuses resource scripts on paths writable by anyone but root.
chown -R 0:0 "$STAGE"
chmod -R go-w "$STAGE"
rm -rf "$LIBDIR.old"
[ -d "$LIBDIR" ] && mv "$LIBDIR" "$LIBDIR.old"
mv "$STAGE" "$LIBDIR"
rm -rf "$LIBDIR.old"
mkdir -p "$BINDIR"
ln -sfn "$LIBDIR/dist/src/cli/main.js" "$BINDIR/twinbeat"
say "installed $LIBDIR, $BINDIR/twinbeat ($("$BINDIR/twinbeat" --version))"

# 3. Configuration: seed samples only where nothing exists.
mkdir -p "$CONFDIR"
for f in ha.cf haresources; do
  if [ -e "$CONFDIR/$f" ]; then
    say "keeping existing $CONFDIR/$f"
  elif [ -f "$LIBDIR/$f" ]; then
    cp "$LIBDIR/$f" "$CONFDIR/$f"
    say "installed sample $CONFDIR/$f: edit it (node names, links, resources)"
  fi
done
if [ -e "$CONFDIR/authkeys" ]; then
  say "keeping existing $CONFDIR/authkeys"
else
  "$BINDIR/twinbeat" -c "$CONFDIR" keygen
  say "generated $CONFDIR/authkeys: copy it to the peer (scp -p), both nodes need the same key"
fi

# 4. systemd.
if [ "$SYSTEMD" = yes ]; then
  sed -e "s|@BINDIR@|$BINDIR|g" -e "s|@LIBDIR@|$LIBDIR|g" -e "s|@CONFDIR@|$CONFDIR|g" \
    "$SRC/scripts/twinbeat.service" >"$UNITDIR/twinbeat.service.new"
  mv "$UNITDIR/twinbeat.service.new" "$UNITDIR/twinbeat.service"
  if [ -d /run/systemd/system ]; then
    systemctl daemon-reload
    say "installed $UNITDIR/twinbeat.service; after \`twinbeat -c $CONFDIR check\` passes: systemctl enable --now twinbeat"
  else
    say "installed $UNITDIR/twinbeat.service (systemd is not running here)"
  fi
fi
