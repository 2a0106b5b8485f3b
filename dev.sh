#!/usr/bin/env bash
# One entry point for people and CI. Idempotent: run it as often as you like.
#   ./dev.sh demo [args]   set everything up, then start the desk on its demo data
#   ./dev.sh test [args]   set everything up, then run the whole test suite
#   ./dev.sh screenshots   every page in zh_CN and English into docs/screenshots/
#   ./dev.sh i18n          refresh ui/translations/*.ts from the code (then translate them)
#   ./dev.sh setup         only set everything up
set -euo pipefail
cd "$(dirname "$0")"

VENV=.venv
STAMP=$VENV/.setup-stamp
# Qt's xcb plugin and its helpers, GL/EGL, a CJK font (no tofu boxes), Xvfb for
# machines without a display, PulseAudio client for QtMultimedia.
DEBIAN_PACKAGES=(
  libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 libxcb-xinerama0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-xkb1
  fonts-wqy-microhei libpulse0 xvfb xauth
)

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

find_python() {
  for candidate in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
    [ -n "$candidate" ] || continue
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  echo "Python 3.11 or newer is needed (Debian/Ubuntu: apt-get install python3 python3-venv)." >&2
  exit 1
}

# install_debian PACKAGE...: installs what is missing; returns 1 when it cannot.
install_debian() {
  local missing=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then sudo="sudo"; else
      say "Missing system packages; install them with:"
      echo "  sudo apt-get install -y ${missing[*]}" >&2
      return 1
    fi
  fi
  say "Installing system packages: ${missing[*]}"
  if [ -z "${APT_UPDATED:-}" ]; then $sudo apt-get update -qq; APT_UPDATED=1; fi
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

system_packages() {
  command -v dpkg >/dev/null 2>&1 || return 0   # not Debian/Ubuntu: see README
  install_debian "${DEBIAN_PACKAGES[@]}" || true
}

python_env() {
  local py; py=$(find_python)
  if ! "$py" -c 'import ensurepip' 2>/dev/null && command -v dpkg >/dev/null 2>&1; then
    # Debian and Ubuntu ship venv's pip bootstrap separately (python3.X-venv).
    local ver; ver=$("$py" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    install_debian "python$ver-venv" || install_debian python3-venv
  fi
  if [ -d "$VENV" ] && ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    say "Removing a broken $VENV (it has no pip)"
    rm -rf "$VENV"
  fi
  if [ ! -x "$VENV/bin/python" ]; then
    say "Creating $VENV with $py"
    "$py" -m venv "$VENV" || {
      echo "Could not create a virtual environment: apt-get install python3-venv" >&2; exit 1; }
  fi
  local want; want=$(sha256sum pyproject.toml | cut -d' ' -f1)
  if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$want" ]; then
    say "Installing the app and its dependencies into $VENV"
    "$VENV/bin/python" -m pip install -q --upgrade pip
    "$VENV/bin/python" -m pip install -q -e ".[dev]"
    echo "$want" > "$STAMP"
  fi
}

translations() {
  local ts qm
  for ts in ui/translations/*.ts; do
    qm="${ts%.ts}.qm"
    if [ ! -f "$qm" ] || [ "$ts" -nt "$qm" ]; then
      say "Compiling $ts"
      "$VENV/bin/pyside6-lrelease" -silent "$ts" -qm "$qm"
    fi
  done
}

setup() { system_packages; python_env; translations; }

cmd=${1:-}
[ $# -gt 0 ] && shift
case "$cmd" in
  setup) setup ;;
  demo)
    setup
    if [ "$(uname -s)" = Linux ] && [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
      if command -v xvfb-run >/dev/null 2>&1; then
        say "No display found: running under xvfb-run (an invisible virtual screen)."
        exec xvfb-run -a -s "-screen 0 1366x768x24" "$VENV/bin/showroom" --demo "$@"
      fi
      echo "No display found and xvfb-run is not installed: nothing can show the window." >&2
      exit 1
    fi
    exec "$VENV/bin/showroom" --demo "$@"
    ;;
  screenshots)
    setup
    if command -v xvfb-run >/dev/null 2>&1; then
      exec xvfb-run -a -s "-screen 0 1920x1080x24" "$VENV/bin/python" scripts/screenshots.py "$@"
    fi
    QT_QPA_PLATFORM=offscreen exec "$VENV/bin/python" scripts/screenshots.py "$@"
    ;;
  i18n)
    # After changing UI strings: refresh the .ts files, then translate in pyside6-linguist.
    setup
    for ts in ui/translations/*.ts; do
      "$VENV/bin/pyside6-lupdate" $(find ui -name '*.py' | sort) -no-obsolete -locations none -ts "$ts"
    done
    translations
    ;;
  test)
    setup
    export QT_QPA_PLATFORM=offscreen
    "$VENV/bin/python" -m pytest "$@"
    # The whole suite (no arguments, as CI runs it) also builds the bundle with the normal
    # OpenCV wheel and runs the frozen self-test (~2 min; the slim release build is
    # `build/build.sh --slim`). SHOWROOM_SKIP_BUNDLE=1 skips it.
    if [ $# -eq 0 ] && [ -z "${SHOWROOM_SKIP_BUNDLE:-}" ]; then
      say "Building the bundle and running the frozen self-test"
      PYTHON="$VENV/bin/python" build/build.sh --no-archive
    fi
    ;;
  *)
    echo "usage: ./dev.sh demo|test|screenshots|i18n|setup" >&2
    exit 2
    ;;
esac
