using System.Text.Json;
using TorchSharp;
using XaiVision.Engine.Models.Weights;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Weights;

/// <summary>Files written by PyTorch 1.13 itself (tools/make_weight_fixtures.py) against the values it printed.</summary>
public class WeightFileTests
{
    static JsonElement Expected => JsonDocument.Parse(File.ReadAllText(Fixtures.Path("weights", "tiny_expected.json"))).RootElement;

    [Theory]
    [InlineData("tiny_zip.pth")]
    [InlineData("tiny_legacy.pth")]
    [InlineData("tiny.safetensors")]
    public void Reads_every_tensor_exactly(string file)
    {
        using var weights = WeightFile.Read(Fixtures.Path("weights", file));
        var expected = Expected.GetProperty("tensors");
        Assert.Equal(expected.EnumerateObject().Select(p => p.Name), weights.Keys);
        foreach (var entry in expected.EnumerateObject())
        {
            var tensor = weights[entry.Name];
            Assert.Equal(entry.Value.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), tensor.shape);
            var values = entry.Value.GetProperty("values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            using var asDouble = tensor.to(ScalarType.Float64);
            Assert.Equal(values, asDouble.data<double>().ToArray());
        }
        Assert.Equal(ScalarType.Int64, weights["features.1.num_batches_tracked"].dtype);
        Assert.Equal(42, weights["features.1.num_batches_tracked"].item<long>());
    }

    [Theory]
    [InlineData("tiny_zip.pth")]
    [InlineData("tiny_legacy.pth")]
    [InlineData("tiny.safetensors")]
    public void Loaded_network_reproduces_pytorch_output(string file)
    {
        using var net = new TinyNets.PyTinyNet();
        WeightFile.Load(net, Fixtures.Path("weights", file), "tiny");
        net.eval();
        var e = Expected;
        using var input = tensor(e.GetProperty("input").EnumerateArray().Select(v => v.GetSingle()).ToArray())
            .view(e.GetProperty("input_shape").EnumerateArray().Select(v => v.GetInt64()).ToArray());
        using var output = net.call(input);
        var expected = e.GetProperty("output").EnumerateArray().Select(v => v.GetSingle()).ToArray();
        var actual = output.data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5f);
    }

    [Fact]
    public void TorchSharp_dat_round_trips()
    {
        using var net = new TinyNets.PyTinyNet();
        var path = System.IO.Path.GetTempFileName() + ".dat";
        try
        {
            net.save(path);
            using var read = WeightFile.Read(path);
            foreach (var (key, value) in net.state_dict())
                Assert.True(value.allclose(read[key], rtol: 0, atol: 0), key);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Entries that inflate past what they can hold are refused by the zip directory's sizes, before inflating (memory stays flat).</summary>
    [Theory]
    [InlineData("bomb_data.pth", "'tiny_zip/data/0' inflates to 67,109,296 bytes, more than its storage")]
    [InlineData("bomb_pickle.pth", "'tiny_zip/data.pkl' inflates to 314,573,848 bytes, more than a state dict's pickle")]
    public void Refuses_zip_bombs_before_inflating_them(string file, string reason)
    {
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var error = Assert.Throws<XaiVisionException>(() => WeightFile.Read(Fixtures.Path("weights", file)));
        Assert.Contains(reason, error.Message);
        Assert.Contains("zip bomb", error.Message);
        Assert.True(GC.GetTotalAllocatedBytes(precise: true) - before < 32 << 20, "the bomb was inflated");
    }

    [Theory]
    [InlineData("evil_zip.pth")]
    [InlineData("evil_legacy.pth")]
    public void Refuses_pickles_that_call_anything_but_tensor_builders(string file)
    {
        const string marker = "/tmp/xaivision-pwned";
        File.Delete(marker);
        var error = Assert.Throws<XaiVisionException>(() => WeightFile.Read(Fixtures.Path("weights", file)));
        Assert.Contains("posix.system", error.Message);
        Assert.False(File.Exists(marker));
    }

    [Theory]
    [InlineData("tiny_zip.pth")]
    [InlineData("tiny_legacy.pth")]
    [InlineData("tiny.safetensors")]
    public void Truncated_files_fail_clearly(string file)
    {
        var bytes = File.ReadAllBytes(Fixtures.Path("weights", file));
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "truncated-" + file);
        foreach (var fraction in new[] { 0.1, 0.5, 0.9 })
        {
            File.WriteAllBytes(path, bytes[..(int)(bytes.Length * fraction)]);
            Assert.Throws<XaiVisionException>(() => WeightFile.Read(path));
        }
        File.Delete(path);
    }

    [Fact]
    public void Wrong_architecture_names_the_offending_keys()
    {
        using var vgg = torchvision.models.vgg11(10);
        var error = Assert.Throws<XaiVisionException>(() => WeightFile.Load(vgg, Fixtures.Path("weights", "tiny_zip.pth"), "vgg11"));
        Assert.Contains("do not fit architecture 'vgg11'", error.Message);
        Assert.Contains("missing", error.Message);
        Assert.Contains("features.3.weight", error.Message);
        Assert.Contains("unexpected", error.Message);
        Assert.Contains("features.1.running_mean", error.Message);
        Assert.Contains("shape mismatch", error.Message);
    }

    [Fact]
    public void Unknown_extension_and_missing_file_fail_clearly()
    {
        Assert.Contains("does not exist", Assert.Throws<XaiVisionException>(() => WeightFile.Read("/nonexistent/w.pth")).Message);
        var path = System.IO.Path.GetTempFileName() + ".onnx";
        File.WriteAllText(path, "x");
        Assert.Contains("Unknown weight file type", Assert.Throws<XaiVisionException>(() => WeightFile.Read(path)).Message);
        File.Delete(path);
    }
}
