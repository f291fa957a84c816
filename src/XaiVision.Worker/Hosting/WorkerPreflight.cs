using TorchSharp;
using XaiVision.Engine;
using XaiVision.Engine.Native;
using XaiVision.Worker.Configuration;

namespace XaiVision.Worker.Hosting;

/// <summary>
/// What <c>run</c> checks before it takes work, so a broken image or install stops the worker at start with the reason (a
/// pod that crash-loops and says why) instead of failing every shard it takes later: libtorch loads and computes on the
/// configured device, and the model cache directory (and a file-system store's root) is writable — a read-only root file system
/// with either inside it.
/// </summary>
public static class WorkerPreflight
{
    /// <summary>Returns what was checked, for the start log line; throws <see cref="XaiVisionException"/> with the fix.</summary>
    public static string Check(WorkerOptions options, StorageOptions storage)
    {
        var device = CheckTorch(options);
        CheckWritable(options.ModelCacheDirectory, $"{WorkerOptions.Section}:ModelCacheDirectory");
        if (storage.Kind == StorageKind.FileSystem) CheckWritable(storage.Root, $"{StorageOptions.Section}:Root");
        return $"libtorch computes on {device}; the model cache {options.ModelCacheDirectory}"
            + (storage.Kind == StorageKind.FileSystem ? $" and the store {storage.Root} are writable" : " is writable");
    }

    static string CheckTorch(WorkerOptions options)
    {
        try
        {
            var device = TorchRuntime.ResolveDevice(options.Device, options.LibTorchDir);
            using var scope = torch.NewDisposeScope();
            var sum = torch.ones(2, device: device).sum().item<float>();
            if (sum != 2f) throw new XaiVisionException($"libtorch on {device} computed 1 + 1 = {sum}; the native libraries are broken.");
            return device.ToString();
        }
        catch (Exception e) when (e is not XaiVisionException and not OutOfMemoryException)
        {
            var cause = e;
            while (cause.InnerException is not null) cause = cause.InnerException;
            throw new XaiVisionException($"libtorch could not be loaded ({Echo.Clip(cause.Message.Split('\n')[0])}): the install or image lacks "
                + $"TorchSharp's native libraries (libLibTorchSharp.so and libtorch_cpu.so beside xaivision.dll, or {TorchRuntime.LibTorchDirVariable}).");
        }
    }

    static void CheckWritable(string directory, string setting)
    {
        try
        {
            Directory.CreateDirectory(directory);
            var probe = Path.Combine(directory, $".write-probe-{Environment.ProcessId}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new XaiVisionException($"{setting} '{directory}' is not writable ({e.Message}); point it at a writable volume "
                + "(the images have /cache and /data; a read-only root file system allows writes nowhere else but /tmp).");
        }
    }
}
