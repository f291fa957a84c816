#!/bin/sh
# Points XaiVision at the image's CUDA libtorch (PyTorch's torch/lib) unless told otherwise, then runs the verb.
set -e
if [ -z "${XAIVISION_LIBTORCH_DIR:-}" ]; then
  XAIVISION_LIBTORCH_DIR=$(python -c 'import os, torch; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
  export XAIVISION_LIBTORCH_DIR
fi
export LD_LIBRARY_PATH="$XAIVISION_LIBTORCH_DIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
exec "$DOTNET_ROOT/dotnet" /app/xaivision.dll "$@"
