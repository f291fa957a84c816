#!/usr/bin/env bash
# Builds every image from the registries alone (Debian's archive, npm, NuGet), for machines without a container registry:
#   1. local/debian:trixie — debootstrap (minbase) imported with `docker import` (needs root and the debootstrap package);
#   2. stand-ins for the public base images (deploy/docker/local): local/dotnet-sdk:10.0 and local/dotnet-runtime:10.0 with this
#      machine's .NET, local/rabbitmq:3.13-management from Debian, local/azurite:3.35.0 from npm;
#   3. the product's images with the product's own Dockerfiles, the stand-ins passed as build arguments:
#      xaivision-worker:cpu (Dockerfile.cpu) and xaivision-worker:gpu-standin (Dockerfile.gpu, every stage, its CUDA PyTorch base
#      replaced by local/pytorch-standin: Debian's python and the CPU libtorch in a torch/lib folder; CUDA is not verified).
# Starts no engine: it uses the one DOCKER_HOST (or the default socket) points to. Images that exist are kept (the base by its
# tag; the rest by Docker's layer cache); XAIVISION_REBUILD=1 rebuilds the base. Prints each image's size and build time.
# Usage: deploy/docker/build-local.sh            (then deploy/docker/stack-demo.sh)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
suite=${DEBIAN_SUITE:-trixie}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
base=local/debian:$suite
work=$(mktemp -d /tmp/xaivision-images.XXXXXX)
trap 'rm -rf "$work"' EXIT
docker version --format '{{.Server.Version}}' >/dev/null 2>&1 || { echo "build-local.sh: no Docker engine answers at ${DOCKER_HOST:-the default socket}." >&2; exit 2; }

timings=()
timed() { # name, command…
    local name=$1 start=$SECONDS; shift
    local log="$work/${name//[\/:]/_}.log"
    echo "build-local.sh: building $name…"
    "$@" > "$log" 2>&1 || { echo "build-local.sh: building $name failed; its last lines:" >&2; tail -n 25 "$log" >&2; exit 1; }
    timings+=("$name $((SECONDS - start))")
}

if [[ -z "${XAIVISION_REBUILD:-}" ]] && docker image inspect "$base" >/dev/null 2>&1; then
    timings+=("$base cached")
else
    command -v debootstrap >/dev/null || { echo "build-local.sh: debootstrap is missing (apt-get install debootstrap)." >&2; exit 2; }
    build_base() {
        debootstrap --variant=minbase "$suite" "$work/rootfs" "$mirror"
        rm -rf "$work/rootfs/var/cache/apt/archives/"*.deb "$work/rootfs/var/lib/apt/lists/"*
        # Containers reach the registries the way this machine does: where that is through a TLS-inspecting proxy, its CA
        # certificates (this machine's /usr/local/share/ca-certificates) must be trusted inside too; images that install
        # ca-certificates pick them up, Node through NODE_EXTRA_CA_CERTS.
        mkdir -p "$work/rootfs/usr/local/share/ca-certificates"
        cp "${XAIVISION_EXTRA_CA_DIR:-/usr/local/share/ca-certificates}"/*.crt "$work/rootfs/usr/local/share/ca-certificates/" 2>/dev/null || true
        tar -C "$work/rootfs" -c . | docker import --change 'CMD ["bash"]' \
            --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' - "$base"
        rm -rf "$work/rootfs"
    }
    timed "$base" build_base
fi

# This machine's .NET: the SDK for the build stage, the runtime alone for the final stage.
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
mkdir -p "$work/sdk" "$work/runtime/dotnet/shared"
cp -a "$dotnet_root" "$work/sdk/dotnet"
cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$dotnet_root/LICENSE.txt" "$work/runtime/dotnet/"
cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$work/runtime/dotnet/shared/"
mkdir -p "$work/empty"

stand_in() { # tag, Dockerfile, context
    timed "$1" docker build --build-arg "BASE_IMAGE=$base" -t "$1" -f "$root/deploy/docker/local/$2" "$3"
}
stand_in local/dotnet-sdk:10.0 Dockerfile.sdk "$work/sdk"
stand_in local/dotnet-runtime:10.0 Dockerfile.runtime "$work/runtime"
stand_in local/rabbitmq:3.13-management Dockerfile.rabbitmq "$work/empty"
stand_in local/azurite:3.35.0 Dockerfile.azurite "$work/empty"

timed xaivision-worker:cpu docker build -f "$root/deploy/docker/Dockerfile.cpu" \
    --build-arg SDK_IMAGE=local/dotnet-sdk:10.0 --build-arg RUNTIME_IMAGE=local/dotnet-runtime:10.0 -t xaivision-worker:cpu "$root"
# The GPU image's every stage, its CUDA base replaced by a CUDA-less stand-in (local/pytorch-standin: CPU libtorch in torch/lib).
stand_in local/pytorch-standin Dockerfile.pytorch "$work/empty"
timed xaivision-worker:gpu-standin docker build -f "$root/deploy/docker/Dockerfile.gpu" --build-arg SDK_IMAGE=local/dotnet-sdk:10.0 \
    --build-arg RUNTIME_IMAGE=local/dotnet-runtime:10.0 --build-arg PYTORCH_IMAGE=local/pytorch-standin -t xaivision-worker:gpu-standin "$root"

printf '%-36s %10s %12s\n' image size "build (s)"
for entry in "${timings[@]}"; do
    set -- $entry
    printf '%-36s %10s %12s\n' "$1" "$(docker image inspect -f '{{.Size}}' "$1" | awk '{printf "%.0f MB", $1/1e6}')" "$2"
done
