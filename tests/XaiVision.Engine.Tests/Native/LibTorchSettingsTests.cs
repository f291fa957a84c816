using XaiVision.Engine.Models;
using XaiVision.Engine.Native;
using XaiVision.Engine.Suites;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Native;

/// <summary>The libtorch switches: NNPACK off everywhere, oneDNN off where the CPU hides its caches, and what that buys.</summary>
public class LibTorchSettingsTests(ITestOutputHelper output)
{
    [Fact]
    public void NNPACK_is_off_once_a_model_exists_so_libtorch_never_warns_about_it()
    {
        using var model = ModelLoader.Load(new ModelSpec("demo-shapes", null), CPU);
        Assert.True(LibTorchSettings.EnsureApplied());
        Assert.False(LibTorchSettings.NnpackEnabled());
    }

    [Fact]
    public void OneDNN_follows_the_cache_topology_unless_the_setting_says_otherwise()
    {
        Assert.Equal((OneDnnMode.On, null), LibTorchSettings.OneDnnChoice(null, cachesHidden: false));
        var (mode, reason) = LibTorchSettings.OneDnnChoice(null, cachesHidden: true);
        Assert.Equal(OneDnnMode.Off, mode);
        Assert.Contains("hides its cache sizes", reason);
        Assert.Equal(OneDnnMode.On, LibTorchSettings.OneDnnChoice("on", cachesHidden: true).Mode);
        Assert.Equal((OneDnnMode.Off, "XAIVISION_ONEDNN=off"), LibTorchSettings.OneDnnChoice("OFF", cachesHidden: false));
        Assert.Equal(OneDnnMode.OffInBackward, LibTorchSettings.OneDnnChoice("backward", cachesHidden: false).Mode);
        LibTorchSettings.EnsureApplied();
        // Off throughout stays off; on stays on whatever runs beside (the mode of this process is fixed: no backward scope toggles it).
        using (LibTorchSettings.BackwardScope())
            if (LibTorchSettings.OneDnn != OneDnnMode.OffInBackward) Assert.Equal(LibTorchSettings.OneDnn == OneDnnMode.On, LibTorchSettings.OneDnnEnabled());
        output.WriteLine($"this machine: caches {(CpuCaches.Hidden() ? "hidden" : "listed")}, oneDNN {Described()}");
    }

    static string Described() => $"{LibTorchSettings.OneDnn}{(LibTorchSettings.OneDnnReason is { } why ? " (" + why + ")" : "")}";

    [Fact]
    public void Cache_topology_is_hidden_when_linux_lists_no_cache()
    {
        var cpu = Directory.CreateTempSubdirectory("cpu0-").FullName;
        Assert.True(CpuCaches.Hidden(cpu)); // no cache/ at all
        Directory.CreateDirectory(Path.Combine(cpu, "cache"));
        Assert.True(CpuCaches.Hidden(cpu)); // an empty cache/
        Directory.CreateDirectory(Path.Combine(cpu, "cache", "index0"));
        Assert.False(CpuCaches.Hidden(cpu));
        Assert.False(CpuCaches.Hidden(Path.Combine(cpu, "missing"))); // nothing to judge by
    }

    /// <summary>
    /// The input gradient through ResNet50's bottlenecks (1×1 convolutions) — on a CPU that hides its caches, oneDNN's backward of
    /// those died with SIGFPE and took the test host with it. Whatever machine this runs on, it must finish with a usable map.
    /// </summary>
    [Fact]
    public void Input_gradient_methods_run_through_resnet50_bottlenecks_on_this_machine()
    {
        using var model = ModelLoader.Load(new ModelSpec("resnet50", null, NumClasses: 5), CPU);
        using var scope = NewDisposeScope();
        random.manual_seed(1);
        var images = randn(1, 3, 224, 224);
        var explainers = ExplainerCatalog.CreateList("saliency,input-x-gradient");
        var pass = SharedPass.Run(model, images, explainers, logits => [[logits.argmax(1).item<long>()]]);
        foreach (var map in pass.Maps.Values)
        {
            Assert.Equal(new long[] { 1, 224, 224 }, map.shape);
            Assert.True(map.isfinite().all().item<bool>());
            Assert.True(map.abs().sum().item<float>() > 0);
        }
        output.WriteLine($"oneDNN {Described()}");
    }
}
