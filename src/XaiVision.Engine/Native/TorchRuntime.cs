using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace XaiVision.Engine.Native;

/// <summary>
/// Loads libtorch and resolves devices. The default build carries the CPU libtorch; for CUDA,
/// point <c>XAIVISION_LIBTORCH_DIR</c> (or the <c>Torch:LibTorchDir</c> option) at a directory
/// of CUDA libtorch libraries — e.g. a PyTorch install's <c>torch/lib</c> — and build with
/// <c>-p:TorchBackend=none</c> so no CPU libtorch sits beside the binaries.
/// </summary>
public static class TorchRuntime
{
    public const string LibTorchDirVariable = "XAIVISION_LIBTORCH_DIR";

    // Order matters: each library's dependencies first, so later loads find them by soname.
    static readonly string[] CpuLibraries = ["libc10.so", "libtorch_cpu.so"];
    static readonly string[] CudaLibraries = ["libc10_cuda.so", "libtorch_cuda.so"];
    static readonly object Gate = new();
    static string? _preloadedFrom;

    /// <summary>Preloads libtorch from <paramref name="libTorchDir"/> (or the environment) if one is named.</summary>
    public static void UseLibTorchFrom(string? libTorchDir)
    {
        libTorchDir ??= Environment.GetEnvironmentVariable(LibTorchDirVariable);
        if (string.IsNullOrWhiteSpace(libTorchDir)) return;
        lock (Gate)
        {
            if (_preloadedFrom == libTorchDir) return;
            if (!Directory.Exists(libTorchDir))
                throw new XaiVisionException($"libtorch directory '{libTorchDir}' ({LibTorchDirVariable}) does not exist.");
            foreach (var lib in CpuLibraries.Concat(CudaLibraries).Append("libtorch.so"))
            {
                var path = Path.Combine(libTorchDir, lib);
                if (!File.Exists(path))
                {
                    if (CudaLibraries.Contains(lib)) continue; // a CPU-only directory is fine too
                    throw new XaiVisionException($"libtorch directory '{libTorchDir}' has no {lib}.");
                }
                if (!NativeLibrary.TryLoad(path, out _))
                    throw new XaiVisionException($"Could not load {path}; are its CUDA dependencies installed?");
            }
            _preloadedFrom = libTorchDir;
        }
    }

    /// <summary>
    /// "cpu", "cuda", "cuda:N" or "auto" (CUDA when available). Asking for CUDA where it is not
    /// available is an error that says what is missing.
    /// </summary>
    public static Device ResolveDevice(string? name, string? libTorchDir = null)
    {
        UseLibTorchFrom(libTorchDir);
        LibTorchSettings.EnsureApplied();
        var requested = string.IsNullOrWhiteSpace(name) ? "cpu" : name.Trim().ToLowerInvariant();
        if (requested == "cpu") return CPU;
        bool cudaUsable = TryInitialiseCuda(out var why);
        if (requested == "auto") return cudaUsable ? CUDA : CPU;
        if (!requested.StartsWith("cuda", StringComparison.Ordinal))
            throw new XaiVisionException($"Unknown device '{name}': use cpu, cuda, cuda:N or auto.");
        if (!cudaUsable) throw new XaiVisionException($"Device '{name}' was asked for but CUDA is not available: {why}");
        var device = new Device(requested);
        if (device.index >= cuda.device_count())
            throw new XaiVisionException($"Device '{name}' does not exist: {cuda.device_count()} CUDA device(s) visible.");
        return device;
    }

    static bool TryInitialiseCuda(out string why)
    {
        try
        {
            InitializeDeviceType(DeviceType.CUDA);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            why = $"the CUDA libtorch could not be loaded ({Shorten(e.Message)}). Set {LibTorchDirVariable} to a directory with " +
                  "CUDA libtorch libraries (e.g. a CUDA PyTorch install's torch/lib) and run a build made with -p:TorchBackend=none.";
            return false;
        }
        if (!cuda.is_available())
        {
            why = "libtorch loaded, but no CUDA device or driver is visible (check nvidia-smi and CUDA_VISIBLE_DEVICES).";
            return false;
        }
        why = "";
        return true;
    }

    static string Shorten(string message)
    {
        var line = message.Split('\n')[0].Trim();
        return line.Length > 200 ? line[..200] + "…" : line;
    }
}
