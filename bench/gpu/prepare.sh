#!/usr/bin/env bash
# Run HERE (the dev machine) before a device session. Builds what travels to the GPU machine into .gpu-bundle/
# (git-ignored; name it in the device tool's `carry`): the .NET runtime as an xz tarball and a framework-dependent
# publish of bench/XaiVision.Bench without any libtorch (-p:TorchBackend=none), its libLibTorchSharp.so patched for
# older libstdc++. The device machine has no .NET and builds nothing; bench/gpu/run.sh runs there.
set -euo pipefail
cd "$(dirname "$0")/../.."
out=.gpu-bundle
rm -rf "$out" && mkdir -p "$out"
dotnet publish bench/XaiVision.Bench -c Release -p:TorchBackend=none -p:XaiVisionForceGlibcxxPatch=true -o "$out/bench" -v q -nologo
find "$out/bench/runtimes" -mindepth 1 -maxdepth 1 ! -name linux-x64 -exec rm -rf {} +   # only linux-x64 natives travel
rm -f "$out/bench"/*.pdb
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime=$(ls -d "$dotnet_root"/shared/Microsoft.NETCore.App/10.* | sort -V | tail -1)
tar -C "$dotnet_root" -cJf "$out/dotnet-runtime.tar.xz" dotnet host "shared/Microsoft.NETCore.App/$(basename "$runtime")"
du -sh "$out" "$out"/* >&2
echo "carry: [\"$out\"]; then run: bash bench/gpu/run.sh" >&2
