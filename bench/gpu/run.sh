#!/usr/bin/env bash
# Run ON THE DEVICE MACHINE (after bench/gpu/prepare.sh here, carrying .gpu-bundle). Builds nothing. Prints, for VGG16
# 224² with random weights: XaiVision's explainers at batch 1 and 64 in fp32, tf32 and bf16 (with each map's correlation
# to fp32), deletion+insertion (29 steps), the shared-pass suite rows (--suite), and the same computations in PyTorch
# (bench/pytorch_reference.py) in one run.
set -euo pipefail
cd "$(dirname "$0")/../.."
bundle=${BUNDLE:-.gpu-bundle}
export DOTNET_ROOT=/tmp/xaivision-dotnet
mkdir -p "$DOTNET_ROOT" && tar -C "$DOTNET_ROOT" -xJf "$bundle/dotnet-runtime.tar.xz"
torch_lib=$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__) + "/lib")')
export XAIVISION_LIBTORCH_DIR="$torch_lib" LD_LIBRARY_PATH="$torch_lib:${LD_LIBRARY_PATH:-}"
bench() { timeout "${CELL_TIMEOUT:-240}" "$DOTNET_ROOT/dotnet" "$bundle/bench/XaiVision.Bench.dll" --model vgg16 --device cuda "$@" || echo "| (failed or timed out: $*) |"; }

nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader
python3 -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda)'
methods="grad-cam;lrp-epsilon;lrp-composite;integrated-gradients(steps=32)"
for precision in fp32 tf32 bf16; do
  echo; bench --batches 1,64 --repeats 5 --precision "$precision" --methods "$methods"
done
echo; bench --batches 64 --repeats 3 --methods grad-cam --metrics "deletion(steps=29);insertion(steps=29)"
# Shared passes: the five-method suite against its forward/backward floors, before (each method alone) and now.
echo; bench --suite --batches 32 --repeats 3 --methods "grad-cam;grad-cam++;layer-cam;saliency;input-x-gradient"
echo; timeout 300 python3 bench/pytorch_reference.py --device cuda --batches 1,64 --repeats 5 --methods grad-cam,lrp-epsilon,ig-32
echo; timeout 300 python3 bench/pytorch_reference.py --device cuda --tf32 --batches 64 --repeats 5 --methods grad-cam,lrp-epsilon,ig-32
nvidia-smi --query-gpu=memory.used --format=csv,noheader
