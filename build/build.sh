#!/usr/bin/env bash
# Build the one-folder desk bundle: dist/showroom/ and dist/showroom-<version>-<os>-<arch>.tar.xz
#
#   build/build.sh              build, report sizes, archive, run the frozen self-test
#   build/build.sh --slim       the release build: slim OpenCV and numpy (build/slim_wheels.sh,
#                               ~45 min once, then cached), from a build venv in .cache/slim
#   build/build.sh --naive      the same without the size exclusions, into dist/naive/
#   build/build.sh --no-archive skip the archive (CI: ./dev.sh test runs this after pytest)
#   build/build.sh --gzip       .tar.gz instead of .tar.xz (faster, ~15 % bigger)
#
# Work files go to .cache/, outputs to dist/; nothing is written into build/.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
PYINSTALLER_SPEC="${PYINSTALLER_SPEC:-pyinstaller>=6.10,<7}"

naive=0 archive=1 compress=xz selftest=1 slim=0
for arg in "$@"; do
  case "$arg" in
    --naive) naive=1 ;;
    --slim) slim=1 ;;
    --no-archive) archive=0 ;;
    --gzip) compress=gz ;;
    --no-self-test) selftest=0 ;;
    *) echo "usage: build/build.sh [--slim] [--naive] [--no-archive] [--gzip] [--no-self-test]" >&2; exit 2 ;;
  esac
done

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

if [ "$slim" = 1 ]; then
  # A venv of its own: the project's .venv (and so the tests) keeps the normal OpenCV wheel.
  built="$(PYTHON="$PY" build/slim_wheels.sh)"
  mapfile -t wheels < <(tail -2 <<<"$built")
  [ ${#wheels[@]} -eq 2 ] && [ -f "${wheels[0]}" ] && [ -f "${wheels[1]}" ] || {
    echo "build/slim_wheels.sh did not name its two wheels" >&2; exit 1; }
  venv="$ROOT/.cache/slim/venv"
  want="$(cat pyproject.toml "${wheels[@]}" | sha256sum | cut -d' ' -f1)"
  if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.stamp" 2>/dev/null)" != "$want" ]; then
    echo "build venv: $venv"
    rm -rf "$venv"
    "$PY" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --upgrade pip
    "$venv/bin/python" -m pip install --quiet -e . "$PYINSTALLER_SPEC"
    "$venv/bin/python" -m pip install --quiet --no-deps --force-reinstall "${wheels[@]}"
    echo "$want" > "$venv/.stamp"
  fi
  PY="$venv/bin/python"
  "$PY" build/check_cv2.py
  "$PY" -c 'import numpy; d = numpy.show_config(mode="dicts")["Build Dependencies"]
print("numpy", numpy.__version__, "BLAS:", d.get("blas", {}).get("name"))'
fi

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

# Linux: ICU's data library trimmed to what a zh_CN/English desk uses (31 -> 9 MB, see
# build/trim_icu.py), kept only when Qt answers exactly as with the full data.
icu="$(ls "$bundle"/_internal/PySide6/Qt/lib/libicudata.so.* 2>/dev/null | head -1 || true)"
if [ "$naive" = 0 ] && [ -n "$icu" ] && command -v cc >/dev/null && command -v nm >/dev/null; then
  trimmed="$ROOT/.cache/icu/$(basename "$icu")"
  "$PY" build/trim_icu.py "$icu" "$trimmed"
  full_probe="$("$PY" build/trim_icu.py --probe)"
  trimmed_probe="$(LD_PRELOAD="$trimmed" "$PY" build/trim_icu.py --probe)"
  if [ "$full_probe" = "$trimmed_probe" ]; then
    cp "$trimmed" "$icu"
    echo "ICU data trimmed: bundle $(size_mb "$bundle") MB"
  else
    echo "ICU data NOT trimmed: Qt answers differently with the trimmed data" >&2
    exit 1
  fi
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
  start=$(now_ms)
  QT_QPA_PLATFORM=offscreen "$bundle/showroom" --data-dir "$scratch" self-test
  elapsed=$(( $(now_ms) - start ))
  printf 'frozen self-test: %d.%02d s\n' $(( elapsed / 1000 )) $(( elapsed % 1000 / 10 ))
  rm -rf "$scratch"
fi
