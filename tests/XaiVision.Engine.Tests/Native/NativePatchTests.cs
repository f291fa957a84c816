using System.Text;
using TorchSharp;
using XaiVision.Engine.Native;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Native;

/// <summary>The build marks libLibTorchSharp.so's GLIBCXX_3.4.32 need weak in its own output only.</summary>
public class NativePatchTests
{
    static bool SystemHasGlibcxx3432() =>
        new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib64/libstdc++.so.6" }.Where(File.Exists)
            .Any(p => Encoding.ASCII.GetString(File.ReadAllBytes(p)).Contains("GLIBCXX_3.4.32\0"));

    [Fact]
    public void Output_copy_differs_from_the_package_by_one_flag_and_the_package_is_untouched()
    {
        var output = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var original = Path.Combine(packages, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");
        Assert.True(File.Exists(output), output);
        Assert.True(File.Exists(original), original);

        var patched = File.ReadAllBytes(output);
        var pristine = File.ReadAllBytes(original);
        Assert.Equal(pristine.Length, patched.Length);
        var differences = Enumerable.Range(0, patched.Length).Where(i => patched[i] != pristine[i]).ToList();
        if (SystemHasGlibcxx3432())
        {
            Assert.Empty(differences);
            return;
        }
        var at = Assert.Single(differences);
        Assert.Equal(0, pristine[at] & 0x2);
        Assert.Equal(pristine[at] | 0x2, patched[at]);
    }

    [Fact]
    public void Devices_resolve_or_explain_what_is_missing()
    {
        Assert.Equal(DeviceType.CPU, TorchRuntime.ResolveDevice("cpu").type);
        Assert.Equal(DeviceType.CPU, TorchRuntime.ResolveDevice(null).type);
        var auto = TorchRuntime.ResolveDevice("auto");
        Assert.Equal(cuda.is_available() ? DeviceType.CUDA : DeviceType.CPU, auto.type);
        Assert.Contains("Unknown device 'tpu'", Assert.Throws<XaiVisionException>(() => TorchRuntime.ResolveDevice("tpu")).Message);
        if (!cuda.is_available())
            Assert.Contains(TorchRuntime.LibTorchDirVariable, Assert.Throws<XaiVisionException>(() => TorchRuntime.ResolveDevice("cuda:0")).Message);
        Assert.Contains("does not exist", Assert.Throws<XaiVisionException>(() => TorchRuntime.UseLibTorchFrom("/nonexistent/torch/lib")).Message);
    }
}
