#!/usr/bin/env bash
# Build the release bundle's slim wheels once, into .cache/slim/wheels/; prints their paths.
#
#   build/slim_wheels.sh          build what is missing (FFmpeg, OpenCV, numpy)
#   build/slim_wheels.sh --clean  forget the previous builds and start again
#
# Why: of the 473 MB bundle, the opencv-python-headless wheel took 152 MB (every OpenCV
# module, its own OpenBLAS/LAPACK, an FFmpeg with every codec and encoder, libaom, libvpx…)
# and numpy's OpenBLAS 28 MB.
# * OpenCV: the desk and RapidOCR call only core, imgproc, geometry, imgcodecs (JPEG, PNG,
#   BMP, TIFF, WebP) and videoio (cameras through V4L2, video files through FFmpeg).
#   `build/check_cv2.py` lists and calls every function they use; build.sh --slim runs it.
# * FFmpeg: decoders and demuxers for the usual camera and phone clips only.
# * numpy: the same version without BLAS/LAPACK (its own fallback loops): the desk
#   multiplies small arrays only; ONNX Runtime and LightGBM bring their own kernels.
#
# Pinned and checked: the OpenCV and numpy sdists (PyPI, sha256 below) and Debian
# bookworm's FFmpeg source (apt-get source from a private source list under .cache/, so the
# machine's apt configuration is untouched; apt checks the archive's signature). Bumping one
# means changing its version and hash here (numpy: the one pyproject.toml's resolver picks,
# as in the project's .venv) and building again.
# Needs a C/C++ toolchain, cmake, pkg-config, nasm, zlib1g-dev (installed with apt-get when
# missing and running as root). About 45 min on 2 busy cores, then nothing: the wheels stay
# in .cache/slim/wheels/ (an interrupted OpenCV build resumes where it stopped).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SLIM="$ROOT/.cache/slim"
PY="${PYTHON:-$ROOT/.venv/bin/python}"

OPENCV_VERSION=5.0.0.93
OPENCV_SHA256=b82f9831daab90b725c7c1ee1b36cb5732c367096ac76d119e64e14eb70d5f3c
NUMPY_VERSION=2.4.6
NUMPY_SHA256=f3a3570c4a2a16746ac2c31a7c7c7b0c186b95ce902e33db6f28094ed7387dda
FFMPEG_DEB_VERSION=7:5.1.9-0+deb12u1
FFMPEG_VERSION=5.1.9
FFMPEG_ORIG_SHA256=d9b593bb2ba93d4b50f74177e0cdcd41747e708596367deed0c30348a71dd176
JOBS="${JOBS:-$(nproc)}"

say() { printf '==> %s\n' "$*" >&2; }

if [ "${1:-}" = --clean ]; then rm -rf "$SLIM/ffmpeg" "$SLIM/src" "$SLIM/wheels" "$SLIM/buildenv"; fi
mkdir -p "$SLIM/src" "$SLIM/wheels"

need_debian() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing build tools: sudo apt-get install -y ${missing[*]}" >&2; exit 1
  fi
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
}
command -v dpkg >/dev/null && need_debian build-essential cmake pkg-config nasm zlib1g-dev xz-utils

# --- FFmpeg: decoders only, shared libraries -------------------------------------------
# Only what reading the usual camera/phone clips takes (MP4/MOV, AVI, MKV/WebM, WMV/ASF
# containers; H.264, HEVC, MPEG-4 Part 2, MJPEG, VP8/VP9, WMV/VC-1 video); no audio codecs
# (OpenCV reads video only), no network, no devices, no filters. One encoder (MPEG-4 into
# MP4) so that check_cv2.py can make its own test clip with cv2.VideoWriter.
ffmpeg_prefix="$SLIM/ffmpeg"
if [ ! -f "$ffmpeg_prefix/.done" ]; then
  say "FFmpeg $FFMPEG_VERSION (Debian $FFMPEG_DEB_VERSION source)"
  apt_dir="$SLIM/apt"
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
  cat > "$apt_dir/sources.list" <<'EOF'
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
EOF
  apt_opts=(-o "Dir::Etc::SourceList=$apt_dir/sources.list" -o Dir::Etc::SourceParts=/nonexistent
            -o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache"
            -o APT::Sandbox::User=root)
  orig="$SLIM/src/ffmpeg_${FFMPEG_VERSION}.orig.tar.xz"
  if [ ! -f "$orig" ]; then
    apt-get "${apt_opts[@]}" -qq update
    (cd "$SLIM/src" && apt-get "${apt_opts[@]}" source --download-only \
       "ffmpeg=$FFMPEG_DEB_VERSION" >&2)
  fi
  echo "$FFMPEG_ORIG_SHA256  $orig" | sha256sum -c --quiet
  rm -rf "$SLIM/src/ffmpeg-$FFMPEG_VERSION"
  tar -C "$SLIM/src" -xJf "$orig"
  (
    cd "$SLIM/src/ffmpeg-$FFMPEG_VERSION"
    ./configure --prefix="$ffmpeg_prefix" --enable-shared --disable-static --enable-pic \
      --disable-programs --disable-doc --disable-autodetect --disable-everything \
      --disable-avdevice --disable-avfilter --disable-postproc --disable-swresample \
      --disable-network --enable-zlib \
      --enable-protocol=file \
      --enable-demuxer=mov,avi,matroska,asf,mjpeg,h264,hevc,m4v,mpegps,mpegts \
      --enable-decoder=h264,hevc,mpeg4,h263,mjpeg,vp8,vp9,mpeg1video,mpeg2video,msmpeg4v1,msmpeg4v2,msmpeg4v3,wmv1,wmv2,wmv3,vc1,rawvideo \
      --enable-parser=h264,hevc,mpeg4video,mpegvideo,mjpeg,vp8,vp9,vc1,h263 \
      --enable-bsf=h264_mp4toannexb,hevc_mp4toannexb,mpeg4_unpack_bframes \
      --enable-encoder=mpeg4 --enable-muxer=mp4 >/dev/null
    make -j"$JOBS" >/dev/null 2>"$SLIM/ffmpeg-build.log" ||
      { tail -30 "$SLIM/ffmpeg-build.log" >&2; exit 1; }
    make install >/dev/null
  )
  touch "$ffmpeg_prefix/.done"
fi

# --- OpenCV: core, imgproc, imgcodecs, videoio and the Python bindings -----------------
wheel="$(ls "$SLIM"/wheels/opencv_python_headless-"$OPENCV_VERSION"-*.whl 2>/dev/null | head -1 || true)"
if [ -z "$wheel" ]; then
  say "OpenCV $OPENCV_VERSION, slim"
  sdist="$SLIM/src/opencv_python_headless-$OPENCV_VERSION.tar.gz"
  if [ ! -f "$sdist" ]; then
    "$PY" -m pip download --quiet --no-deps --no-binary opencv-python-headless \
      "opencv-python-headless==$OPENCV_VERSION" -d "$SLIM/src"
  fi
  echo "$OPENCV_SHA256  $sdist" | sha256sum -c --quiet
  src="$SLIM/src/opencv_python_headless-$OPENCV_VERSION"
  # Kept between runs: scikit-build then resumes an interrupted build where it stopped.
  [ -d "$src" ] || tar -C "$SLIM/src" -xzf "$sdist"
  # The wheel's Python type stubs (cv2/typing, py.typed) are generated from every module's
  # headers, and the generator gives up when modules are left out; the desk needs neither.
  sed -i -e 's|\[ r"python/cv2/py.typed" \] if sys.version_info >= (3, 6) else \[\]|[]|' \
         -e 's|rearrange_cmake_output_data\["cv2.typing"\] = .*|pass|' "$src/setup.py"
  # BUILD_LIST: only these modules; OpenCV 5 moved the contour geometry (minAreaRect,
  # approxPolyN, getPerspectiveTransform…) into `geometry`, which needs `flann`. No
  # LAPACK/BLAS (core's own fallbacks do cv2.invert), no IPP (its build downloads a binary),
  # ITT, OpenCL, OpenVX. Image codecs: what the desk's file dialog offers (JPEG, PNG, BMP,
  # TIFF, WebP), from OpenCV's 3rdparty sources, linked in; JPEG 2000 inside PDFs falls back
  # to pypdf/Pillow (capture._load_pdf). V4L2 for cameras, the FFmpeg above for files. The
  # rpath lets PyInstaller (ldd) and the check find the FFmpeg libraries in .cache.
  export CMAKE_ARGS="-DBUILD_LIST=core,flann,geometry,imgproc,imgcodecs,videoio,python3 \
    -DWITH_LAPACK=OFF -DWITH_EIGEN=OFF -DWITH_IPP=OFF -DWITH_ITT=OFF -DWITH_OPENCL=OFF \
    -DWITH_OPENVX=OFF -DWITH_VA=OFF -DWITH_VA_INTEL=OFF -DWITH_GSTREAMER=OFF -DWITH_1394=OFF \
    -DWITH_PROTOBUF=OFF -DWITH_FLATBUFFERS=OFF -DWITH_TBB=OFF -DWITH_OPENMP=OFF \
    -DWITH_TIFF=ON -DBUILD_TIFF=ON -DWITH_WEBP=ON -DBUILD_WEBP=ON -DWITH_OPENJPEG=OFF -DWITH_JASPER=OFF -DWITH_OPENEXR=OFF \
    -DBUILD_OPENEXR=OFF -DWITH_AVIF=OFF -DWITH_JPEGXL=OFF -DWITH_IMGCODEC_HDR=OFF \
    -DWITH_IMGCODEC_SUNRASTER=OFF -DWITH_IMGCODEC_PXM=OFF -DWITH_IMGCODEC_PFM=OFF \
    -DWITH_IMGCODEC_GIF=OFF -DWITH_SPNG=OFF \
    -DBUILD_JPEG=ON -DBUILD_PNG=ON -DBUILD_ZLIB=ON -DWITH_V4L=ON -DWITH_FFMPEG=ON \
    -DOPENCV_FFMPEG_ENABLE_LIBAVDEVICE=OFF -DWITH_OBSENSOR=OFF -DVIDEOIO_ENABLE_PLUGINS=OFF \
    -DCV_TRACE=OFF -DENABLE_PRECOMPILED_HEADERS=OFF -DWITH_UNIFONT=OFF \
    -DCMAKE_SHARED_LINKER_FLAGS=-Wl,-rpath,$ffmpeg_prefix/lib"
  # A build environment of our own instead of pip's throw-away one: pinned (the sdist's
  # pyproject.toml build requirements for Python 3.11), and at a fixed path, so the CMake
  # cache stays valid and an interrupted build resumes instead of starting over.
  buildenv="$SLIM/buildenv"
  if [ ! -x "$buildenv/bin/python" ]; then
    "$PY" -m venv "$buildenv"
    "$buildenv/bin/python" -m pip install --quiet "numpy==2.0.2" "scikit-build==0.19.1" \
      "setuptools==59.2.0" "packaging" "wheel" "pip"
  fi
  numpy_include="$("$buildenv/bin/python" -c 'import numpy; print(numpy.get_include())')"
  CMAKE_ARGS="$CMAKE_ARGS -DPYTHON3_NUMPY_INCLUDE_DIRS=$numpy_include"
  export PKG_CONFIG_PATH="$ffmpeg_prefix/lib/pkgconfig"
  export ENABLE_HEADLESS=1 ENABLE_CONTRIB=0 MAKEFLAGS="-j$JOBS" CMAKE_BUILD_PARALLEL_LEVEL="$JOBS"
  (cd "$src" && "$buildenv/bin/python" -m pip wheel --no-deps --no-build-isolation \
     --wheel-dir "$SLIM/wheels" . >&2)
  wheel="$(ls "$SLIM"/wheels/opencv_python_headless-"$OPENCV_VERSION"-*.whl | head -1)"
fi

# --- numpy without BLAS/LAPACK ---------------------------------------------------------
numpy_wheel="$(ls "$SLIM"/wheels/numpy-"$NUMPY_VERSION"-*.whl 2>/dev/null | head -1 || true)"
if [ -z "$numpy_wheel" ]; then
  say "numpy $NUMPY_VERSION without BLAS"
  sdist="$SLIM/src/numpy-$NUMPY_VERSION.tar.gz"
  if [ ! -f "$sdist" ]; then
    "$PY" -m pip download --quiet --no-deps --no-binary numpy "numpy==$NUMPY_VERSION" \
      -d "$SLIM/src"
  fi
  echo "$NUMPY_SHA256  $sdist" | sha256sum -c --quiet
  "$PY" -m pip wheel --no-deps --wheel-dir "$SLIM/wheels" "$sdist" \
    -Csetup-args=-Dblas=none -Csetup-args=-Dlapack=none -Csetup-args=-Dallow-noblas=true >&2
  numpy_wheel="$(ls "$SLIM"/wheels/numpy-"$NUMPY_VERSION"-*.whl | head -1)"
fi
echo "$wheel"
echo "$numpy_wheel"
