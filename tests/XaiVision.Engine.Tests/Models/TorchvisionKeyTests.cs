using XaiVision.Engine.Models;
using XaiVision.Engine.Tests.Support;

namespace XaiVision.Engine.Tests.Models;

/// <summary>Our modules expose exactly torchvision's state-dict keys and shapes, so torchvision weights load.</summary>
public class TorchvisionKeyTests
{
    public static IEnumerable<object[]> TorchvisionArchitectures() =>
        ArchitectureRegistry.Names.Where(n => n != ArchitectureRegistry.Demo).Order().Select(n => new object[] { n });

    /// <summary>The embedded signatures come from torchvision 0.14 (tools/make_signatures.py); built on the meta device (no memory, no init cost).</summary>
    [Theory]
    [MemberData(nameof(TorchvisionArchitectures))]
    public void State_dict_matches_torchvision(string architecture)
    {
        var expected = ArchitectureSignature.Of(ArchitectureRegistry.Get(architecture)).Entries.Select(e => e.Key + " " + string.Join(",", e.Shape)).Order().ToList();
        TorchSharp.torch.set_default_device(TorchSharp.torch.META); // test classes of this assembly run one at a time
        try
        {
            using var net = ArchitectureRegistry.Get(architecture).Create(1000);
            Assert.Equal(expected, net.state_dict().Select(kv => kv.Key + " " + string.Join(",", kv.Value.shape)).Order().ToList()); // weights load by key
        }
        finally
        {
            TorchSharp.torch.set_default_device(TorchSharp.torch.CPU);
        }
    }

    [Fact]
    public void Default_cam_layer_of_every_vgg_is_the_last_relu_of_features()
    {
        foreach (var name in ArchitectureRegistry.Names.Where(n => n.StartsWith("vgg")))
        {
            var architecture = ArchitectureRegistry.Get(name);
            using var net = architecture.Create(10);
            var modules = net.named_modules().ToDictionary(m => m.name, m => m.module);
            Assert.IsType<TorchSharp.Modules.ReLU>(modules[architecture.DefaultCamLayer]);
            var lastRelu = modules.Where(m => m.Key.StartsWith("features.") && m.Value is TorchSharp.Modules.ReLU).Select(m => m.Key).Last();
            Assert.Equal(lastRelu, architecture.DefaultCamLayer);
        }
        Assert.Equal("features.29", ArchitectureRegistry.Get("vgg16").DefaultCamLayer);
    }

    [Fact]
    public void Unknown_names_list_what_exists()
    {
        var error = Assert.Throws<XaiVisionException>(() => ArchitectureRegistry.Get("vgg17"));
        Assert.Contains("vgg16", error.Message);
        using var model = TinyNets.RandomDemo();
        var layerError = Assert.Throws<XaiVisionException>(() => model.Layer("features.99"));
        Assert.Contains("features.9", layerError.Message);
        Assert.Contains("classifier.3", layerError.Message);
    }
}
