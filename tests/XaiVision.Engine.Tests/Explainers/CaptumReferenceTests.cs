using System.Text.Json;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Explainers;

/// <summary>
/// The Captum-named methods against Captum itself (tools/captum_reference.py: its fetched source on Debian's torch 1.13), on the
/// reference's seeded CNN as TorchScript (both sides run the same network), three images, each given to Captum alone with the
/// engine's own draws: the maps must agree value for value (to 1e-4 of the map's largest magnitude) and at r ≥ 0.999.
/// </summary>
public class CaptumReferenceTests(Xunit.Abstractions.ITestOutputHelper log)
{
    sealed record Reference(int Side, float[] Images, long[] Targets, Dictionary<string, float[]> Maps, Dictionary<string, float[]> State,
        long[] DeepTargets, Dictionary<string, float[]> DeepState);

    static readonly Reference Fixture = JsonSerializer.Deserialize<Reference>(File.ReadAllText(Fixtures.Path("captum", "maps.json")),
        new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    public static TheoryData<string> Methods() => new(Fixture.Maps.Keys);

    [Theory]
    [MemberData(nameof(Methods))]
    public void Agrees_with_captum_on_the_same_network_and_draws(string method)
    {
        using var scope = NewDisposeScope();
        // The ReLU-rewriting methods need the network's own modules (a TorchScript model hides its ReLUs): ours, holding its weights;
        // DeepLIFT runs on the reference's second net, with max-pools.
        bool deep = method.StartsWith("deep-lift");
        using var model = deep ? DeepModules() : method.StartsWith("guided") || method == "deconvolution" ? OwnModules() : ModelLoader.Load(new ModelSpec("",
            Fixtures.Path("captum", "net.pt"), Preprocessing: XaiVision.Engine.Imaging.Preprocessing.ImageNet(Fixture.Side, Fixture.Side), AllowTorchScript: true), CPU);
        int n = Fixture.Targets.Length, pixels = Fixture.Side * Fixture.Side;
        var targets = tensor(deep ? Fixture.DeepTargets : Fixture.Targets);
        var maps = ExplainerCatalog.Create(method).Explain(model, tensor(Fixture.Images).view(n, 3, Fixture.Side, Fixture.Side), targets, 0)
            .reshape(-1).data<float>().ToArray();
        var expected = Fixture.Maps[method];
        double worstR = 1, worstShare = 0;
        for (int i = 0; i < n; i++)
        {
            var (ours, theirs) = (maps[(i * pixels)..((i + 1) * pixels)], expected[(i * pixels)..((i + 1) * pixels)]);
            double scale = theirs.Max(v => Math.Abs(v)), worst = ours.Zip(theirs).Max(p => Math.Abs(p.First - p.Second));
            double r = MapSimilarity.Pearson(ours.Select(v => (double)v).ToArray(), theirs.Select(v => (double)v).ToArray());
            // A map Captum leaves flat (guided Grad-CAM where the ReLU'd Grad-CAM is zero; one superpixel: SLIC on noise) has no r.
            Assert.True(worst <= 1e-4 * scale && (theirs.Distinct().Count() == 1 || r >= 0.999), $"{method}, image {i}: largest difference {worst:G3} of {scale:G3}, r = {r:F6}");
            if (theirs.Distinct().Count() > 1) worstR = Math.Min(worstR, r);
            worstShare = Math.Max(worstShare, scale > 0 ? worst / scale : worst);
        }
        log.WriteLine($"| {method} | Captum | {worstR:F6} | {worstShare:E1} |"); // bench/README.md's reference table
    }

    /// <summary>The reference's Sequential as our modules, named as PyTorch names them, with its weights; the CAM layer is '3'.</summary>
    static ExplainableModel OwnModules()
    {
        int side = Fixture.Side;
        return Holding(Fixture.State, nn.Conv2d(3, 6, 3, padding: 1), nn.ReLU(), nn.Conv2d(6, 8, 3, stride: 2, padding: 1), nn.ReLU(), nn.Flatten(),
            nn.Linear(8 * (side / 2) * (side / 2), 4));
    }

    /// <summary>The reference's second net (DeepLIFT's: ReLU, 1×1 conv, max-pool, Tanh, 1×1 conv, max-pool) as our modules.</summary>
    static ExplainableModel DeepModules()
    {
        int side = Fixture.Side;
        return Holding(Fixture.DeepState, nn.Conv2d(3, 6, 3, padding: 1), nn.ReLU(), nn.Conv2d(6, 6, 1), nn.MaxPool2d(2), nn.Conv2d(6, 8, 3, padding: 1),
            nn.Tanh(), nn.Conv2d(8, 8, 1), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(8 * (side / 4) * (side / 4), 4));
    }

    /// <summary>A Sequential of <paramref name="layers"/> named "0", "1", … as PyTorch names them, holding <paramref name="state"/>.</summary>
    static ExplainableModel Holding(Dictionary<string, float[]> state, params nn.Module<Tensor, Tensor>[] layers)
    {
        var net = nn.Sequential(layers.Select((layer, i) => (i.ToString(), layer)).ToArray());
        using (no_grad())
            foreach (var (key, values) in state) net.state_dict()[key].copy_(tensor(values).view(net.state_dict()[key].shape));
        net.eval();
        return TinyNets.Wrap(net, "3", Fixture.Side);
    }
}
