#!/usr/bin/env bash
# Build the one-folder desk bundle: dist/showroom/ and dist/showroom-<version>-<os>-<arch>.tar.xz
#
#   build/build.sh              build, report sizes, archive, run the frozen self-test
#   build/build.sh --naive      the same without the size exclusions, into dist/naive/
#   build/build.sh --no-archive skip the archive
#   build/build.sh --gzip       .tar.gz instead of .tar.xz (faster, ~15 % bigger)
#
# Work files go to .cache/pyinstaller, outputs to dist/; nothing is written into build/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
PYINSTALLER_SPEC="${PYINSTALLER_SPEC:-pyinstaller>=6.10,<7}"

naive=0 archive=1 compress=xz selftest=1
for arg in "$@"; do
  case "$arg" in
    --naive) naive=1 ;;
    --no-archive) archive=0 ;;
    --gzip) compress=gz ;;
    --no-self-test) selftest=0 ;;
    *) echo "usage: build/build.sh [--naive] [--no-archive] [--gzip] [--no-self-test]" >&2; exit 2 ;;
  esac
done

if ! "$PY" -c "import PyInstaller" 2>/dev/null; then
  echo "installing PyInstaller into $("$PY" -c 'import sys; print(sys.prefix)')"
  "$PY" -m pip install --quiet "$PYINSTALLER_SPEC"
fi

version="$("$PY" -c 'import showroom_app; print(showroom_app.__version__)')"
os_name="$(uname -s | tr '[:upper:]' '[:lower:]')"
arch="$(uname -m)"
if [ "$naive" = 1 ]; then
  distpath="dist/naive"; workpath=".cache/pyinstaller-naive"; export SHOWROOM_NAIVE_BUNDLE=1
else
  distpath="dist"; workpath=".cache/pyinstaller"; unset SHOWROOM_NAIVE_BUNDLE
fi
bundle="$distpath/showroom"

# The translations are compiled by the setup command; the bundle must not ship without them.
if [ ! -f ui/translations/showroom_zh_CN.qm ]; then
  echo "ui/translations/showroom_zh_CN.qm is missing: run the setup command first" >&2
  exit 1
fi

start=$(date +%s)
"$PY" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath "$distpath" --workpath "$workpath" build/showroom.spec
build_s=$(( $(date +%s) - start ))

size_mb() { du -sm "$1" | cut -f1; }

# Linux: strip debug symbols from our own interpreter and the Python extensions (libpython
# alone carries 17 MB of them). Not the auditwheel-repaired libraries (*.libs/, Qt's lib/):
# stripping a patchelf-ed library breaks loading ("ELF load command address/offset not
# page-aligned", seen with numpy's OpenBLAS). The frozen self-test below checks the result.
if [ "$naive" = 0 ] && [ "$os_name" = linux ] && command -v strip >/dev/null; then
  before=$(size_mb "$bundle")
  find "$bundle/_internal" -type f -name '*.so*' ! -path '*.libs/*' ! -path '*/PySide6/Qt/*' \
    -exec strip --strip-unneeded {} +
  echo "strip: $before MB -> $(size_mb "$bundle") MB"
fi
echo "bundle: $bundle  $(size_mb "$bundle") MB  (built in ${build_s} s)"

if [ "$archive" = 1 ]; then
  name="showroom-${version}-${os_name}-${arch}"
  [ "$naive" = 1 ] && name="$name-naive"
  start=$(date +%s)
  if [ "$compress" = xz ]; then
    out="dist/$name.tar.xz"
    tar -C "$distpath" -cf - showroom | xz -T0 -6 > "$out"
  else
    out="dist/$name.tar.gz"
    tar -C "$distpath" -cf - showroom | gzip -6 > "$out"
  fi
  echo "archive: $out  $(( $(stat -c %s "$out") / 1048576 )) MB  (compressed in $(( $(date +%s) - start )) s)"
fi

if [ "$selftest" = 1 ]; then
  scratch="$(mktemp -d)"
  start=$(date +%s.%N)
  QT_QPA_PLATFORM=offscreen "$bundle/showroom" --data-dir "$scratch" self-test
  echo "frozen self-test: $(echo "$(date +%s.%N) - $start" | bc) s"
  rm -rf "$scratch"
fi
