using System.Text.Json;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace XaiVision.Engine.Tests.Metrics;

/// <summary>
/// The map-only metrics against Quantus 0.6 itself: <c>tools/quantus_reference.py</c> ran Quantus's own classes on seeded signed,
/// sparse, tied, mostly negative and one-pixel maps with disc and box masks (32×32) and kept the values in
/// <c>fixtures/quantus/map_only.json</c>; every one must agree to 1e-4. Except where top-k-intersection's cut at k falls inside a run
/// of equal values: Quantus's answer there is whichever order numpy's unstable argsort left the run in, ours the mean over the
/// run (see <see cref="TopKIntersection"/>); those cases are counted, and must be the minority.
/// </summary>
public class QuantusReferenceTests
{
    sealed record Case(string Name, float[] Map, string Mask, Dictionary<string, double?> Values);
    sealed record Reference(string Quantus, int Side, List<Case> Cases);

    static readonly Reference Fixture = JsonSerializer.Deserialize<Reference>(File.ReadAllText(Fixtures.Path("quantus", "map_only.json")),
        new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    public static TheoryData<string> Metrics() => new(Fixture.Cases[0].Values.Keys);

    [Theory]
    [MemberData(nameof(Metrics))]
    public void Every_case_agrees_with_quantus(string metric)
    {
        Assert.Equal("0.6.0", Fixture.Quantus);
        var created = MetricCatalog.Create(MethodSpec.Parse(metric));
        var output = Assert.Single(created.Outputs).Key;
        int compared = 0;
        foreach (var c in Fixture.Cases)
        {
            if (created is TopKIntersection && TiedAtCut(c.Map, MethodSpec.Parse(metric).Int("k", 1000, 1, int.MaxValue))) continue;
            compared++;
            using var scope = NewDisposeScope();
            var mask = c.Mask.Select(ch => ch == '1').ToArray();
            var context = new MetricContext(null!, null!, empty(0), empty(0), tensor(c.Map).view(1, Fixture.Side, Fixture.Side), [mask], 0);
            var ours = created.Evaluate(context)[0].Values.TryGetValue(output, out var v) ? v : (double?)null;
            var expected = c.Values[metric];
            if (expected is null) Assert.True(ours is null, $"{c.Name}: Quantus has no score, ours is {ours}");
            else Assert.True(ours is { } o && Math.Abs(o - expected.Value) <= 1e-4, $"{metric} on {c.Name}: ours {ours}, Quantus {expected}");
        }
        Assert.True(compared * 2 > Fixture.Cases.Count || created is TopKIntersection && compared >= 3, $"{compared} of {Fixture.Cases.Count} cases compared");
    }

    static bool TiedAtCut(float[] map, int k)
    {
        var sorted = map.OrderDescending().ToArray();
        return k < sorted.Length && sorted[k - 1] == sorted[k];
    }

    sealed record RoadReference(long[] Targets, Dictionary<string, double[]> Values);
    sealed record ImputationReference(long[] Indices, double[] Image);
    sealed record RobustnessReference(string Explainer, float[] Maps, Dictionary<string, double[]> Values);
    sealed record RepresentationReference(string Model, Dictionary<string, double[]> Values);
    sealed record BatchReference(float[] Images, long[] Targets, float[] Maps, Dictionary<string, double[]> Values, double?[] Focus);
    sealed record SlicCase(int Height, int Width, int Segments, double Compactness, float[] Image, int[] Labels);
    sealed record InvarianceNet(long[] Targets, Dictionary<string, float[]> State);
    sealed record InvarianceReference(Dictionary<string, InvarianceNet> Nets, Dictionary<string, double[]> Values);
    sealed record ModelReference(string Quantus, int Side, float[] Images, long[] Targets, float[] Maps, Dictionary<string, double[]> Values,
        RoadReference Road, ImputationReference Imputation, RobustnessReference Robustness, RepresentationReference Representation,
        InvarianceReference Invariance, SlicCase[] Slic, BatchReference Batch);

    static readonly ModelReference WithModel = JsonSerializer.Deserialize<ModelReference>(File.ReadAllText(Fixtures.Path("quantus", "with_model.json")),
        new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;

    public static TheoryData<string> ModelMetrics() => new(WithModel.Values.Keys);

    /// <summary>
    /// The metrics that run the model, on the reference's seeded tiny CNN (its TorchScript, so both run the same network), three
    /// 12×12 images and maps (smooth, noisy, signed); each image given to Quantus alone. To 1e-4, relative above 1 (completeness's
    /// gaps run to the thousands: these maps are not attributions of this net).
    /// </summary>
    [Theory]
    [MemberData(nameof(ModelMetrics))]
    public void Every_image_agrees_with_quantus_on_the_same_model(string metric)
    {
        using var scope = NewDisposeScope();
        using var model = Network("tinycnn.pt");
        AgreesImageByImage(metric, model, null, tensor(WithModel.Targets), tensor(WithModel.Maps).view(-1, WithModel.Side, WithModel.Side), WithModel.Values[metric]);
    }

    static XaiVision.Engine.Models.ExplainableModel Network(string file) => XaiVision.Engine.Models.ModelLoader.Load(new XaiVision.Engine.Models.ModelSpec("",
        Fixtures.Path("quantus", file), Preprocessing: XaiVision.Engine.Imaging.Preprocessing.ImageNet(WithModel.Side, WithModel.Side), AllowTorchScript: true), CPU);

    /// <summary>The metric's one output on the reference's images against Quantus's values, image by image, to 1e-4 (relative above 1).</summary>
    static void AgreesImageByImage(string metric, XaiVision.Engine.Models.ExplainableModel model, IExplainer? explainer, Tensor targets, Tensor maps, double[] quantus)
    {
        int side = WithModel.Side, n = (int)targets.shape[0];
        var created = MetricCatalog.Create(MethodSpec.Parse(metric));
        var results = created.Evaluate(new MetricContext(model, explainer!, tensor(WithModel.Images).view(n, 3, side, side), targets, maps, [], 0));
        var output = Assert.Single(created.Outputs).Key;
        for (int i = 0; i < n; i++)
        {
            double ours = results[i].Values[output], expected = quantus[i];
            Assert.True(Math.Abs(ours - expected) <= 1e-4 * Math.Max(1, Math.Abs(expected)), $"{metric} on image {i}: ours {ours}, Quantus {expected}");
        }
    }

    public static TheoryData<string> RoadMetrics() => new(WithModel.Road.Values.Keys);

    /// <summary>
    /// On a net that sees where things are (the tiny CNN predicts one class whatever it is shown): ROAD against Quantus's (its per-pixel
    /// protocol: Quantus 0.6's own evaluate_batch fails on RGB, see <see cref="Road"/>), MoRF and LeRF, noise-free and noisy — the
    /// reference draws its noise from torch's generator seeded as the engine seeds it, so even the noisy runs must agree exactly — and
    /// monotonicity against Quantus's loop with the paper's perturbation (Quantus 0.6's never changes the image, see
    /// <see cref="Monotonicity"/>).
    /// </summary>
    [Theory]
    [MemberData(nameof(RoadMetrics))]
    public void On_a_net_that_sees_where_things_are_every_image_agrees_with_quantus(string metric)
    {
        using var scope = NewDisposeScope();
        using var model = Network("roadnet.pt");
        AgreesImageByImage(metric, model, null, tensor(WithModel.Road.Targets), tensor(WithModel.Maps).view(-1, WithModel.Side, WithModel.Side),
            WithModel.Road.Values[metric]);
    }

    [Fact]
    public void The_noisy_linear_imputation_equals_quantus_pixel_for_pixel()
    {
        using var scope = NewDisposeScope();
        int side = WithModel.Side;
        var image = tensor(WithModel.Images).view(-1, 3, side, side)[..1].to(ScalarType.Float64);
        var removed = zeros(side * side, ScalarType.Bool).index_fill_(0, tensor(WithModel.Imputation.Indices), true).view(1, side, side);
        var imputed = LinearImputation.Impute(image, removed, null, 0).view(-1).data<double>().ToArray();
        var kept = image.view(-1).data<double>().ToArray();
        for (int i = 0; i < imputed.Length; i++)
            Assert.True(Math.Abs(imputed[i] - WithModel.Imputation.Image[i]) <= 1e-6, $"value {i}: ours {imputed[i]}, Quantus {WithModel.Imputation.Image[i]}");
        Assert.True(Enumerable.Range(0, kept.Length).Count(i => kept[i] != imputed[i]) == 3 * WithModel.Imputation.Indices.Length, "exactly the removed pixels change");
    }

    public static TheoryData<string> RobustnessMetrics() => new(WithModel.Robustness.Values.Keys);

    /// <summary>
    /// The robustness metrics explain noisy copies again: Quantus is given the engine's saliency as its explain_func and the engine's
    /// noise draws (see <c>NoisyExplanations</c>), so the two must agree image by image; the clean maps agree too.
    /// </summary>
    [Theory]
    [MemberData(nameof(RobustnessMetrics))]
    public void Robustness_agrees_with_quantus_explaining_with_the_same_saliency(string metric)
    {
        AgreesExplainingAgain("tinycnn.pt", metric, WithModel.Robustness.Values[metric], WithModel.Robustness.Maps);
    }

    /// <summary>The metric on <paramref name="network"/> with the reference's saliency (its maps checked first, when given) against Quantus's values.</summary>
    static void AgreesExplainingAgain(string network, string metric, double[] expected, float[]? referenceMaps = null)
    {
        using var scope = NewDisposeScope();
        using var model = Network(network);
        var explainer = XaiVision.Engine.Suites.ExplainerCatalog.Create(WithModel.Robustness.Explainer);
        var targets = tensor(WithModel.Targets);
        var maps = explainer.Explain(model, tensor(WithModel.Images).view(-1, 3, WithModel.Side, WithModel.Side), targets, 0);
        if (referenceMaps is not null)
            Assert.True((maps.reshape(-1) - tensor(referenceMaps)).abs().max().item<float>() < 1e-5, "the saliency maps agree");
        AgreesImageByImage(metric, model, explainer, targets, maps, expected);
    }

    public static TheoryData<string> RepresentationMetrics() => new(WithModel.Representation.Values.Keys);

    /// <summary>
    /// Relative representation stability against Quantus hooking the last convolution: the engine reads that activation from the
    /// same network scripted to return it (as tools/export-torchscript.py exports), with the same saliency and noise.
    /// </summary>
    [Theory]
    [MemberData(nameof(RepresentationMetrics))]
    public void Representation_stability_agrees_with_quantus_on_the_same_layer(string metric)
    {
        AgreesExplainingAgain(WithModel.Representation.Model, metric, WithModel.Representation.Values[metric]);
    }

    public static TheoryData<string> InvarianceCases() => new(WithModel.Invariance.Values.Keys);

    /// <summary>
    /// Input invariance against Quantus's, on two Sequentials that start with their convolution (Quantus shifts the first submodule):
    /// padded (the borders see the shift) and unpadded; explained by saliency and by input × gradient.
    /// </summary>
    [Theory]
    [MemberData(nameof(InvarianceCases))]
    public void Input_invariance_agrees_with_quantus(string netAndExplainer)
    {
        using var scope = NewDisposeScope();
        var (netName, explainerName) = (netAndExplainer.Split('/')[0], netAndExplainer.Split('/')[1]);
        var reference = WithModel.Invariance.Nets[netName];
        int side = WithModel.Side, inner = netName == "padded" ? side : side - 2;
        var net = Sequential(("0", Conv2d(3, 4, 3, padding: netName == "padded" ? 1 : 0)), ("1", ReLU()), ("2", Flatten()), ("3", Linear(4 * inner * inner, 4)));
        using (no_grad())
            foreach (var (key, values) in reference.State) net.state_dict()[key].copy_(tensor(values).view(net.state_dict()[key].shape));
        net.eval();
        using var model = TinyNets.Wrap(net, "1", side);
        var explainer = XaiVision.Engine.Suites.ExplainerCatalog.Create(explainerName);
        var targets = tensor(reference.Targets);
        var maps = explainer.Explain(model, tensor(WithModel.Images).view(-1, 3, side, side), targets, 0);
        AgreesImageByImage("input-invariance", model, explainer, targets, maps, WithModel.Invariance.Values[netAndExplainer]);
    }

    /// <summary>
    /// IROF's superpixels: the engine's SLIC cuts the reference's images (12×12 to 64×64, smooth and noisy, several segment counts
    /// and compactnesses) into exactly the segments scikit-image 0.19 gives, label for label.
    /// </summary>
    [Fact]
    public void Slic_cuts_the_same_segments_as_scikit_image()
    {
        foreach (var c in WithModel.Slic)
        {
            var (labels, count) = XaiVision.Engine.Imaging.Slic.Segment(c.Image, c.Height, c.Width, c.Segments, c.Compactness);
            Assert.Equal(c.Labels.Max() + 1, count);
            var differ = Enumerable.Range(0, labels.Length).Count(i => labels[i] != c.Labels[i]);
            Assert.True(differ == 0, $"{c.Height}×{c.Width}, {c.Segments} segments, compactness {c.Compactness}: {differ} pixels labelled otherwise");
        }
    }

    public static TheoryData<string> BatchMetrics() => new(WithModel.Batch.Values.Keys);

    /// <summary>
    /// Sufficiency and consistency score an image against the rest of its batch: one batch of ten images on the net that sees where
    /// things are, in three groups (near maps, shared labels and shared predictions occur, not always together), given to Quantus
    /// whole; consistency with the engine's discretisation (Quantus's default reads the first five values, see <see cref="Consistency"/>).
    /// </summary>
    [Theory]
    [MemberData(nameof(BatchMetrics))]
    public void Batch_level_metrics_agree_with_quantus_on_the_same_batch(string metric)
    {
        using var scope = NewDisposeScope();
        using var model = Network("roadnet.pt");
        int side = WithModel.Side, n = WithModel.Batch.Targets.Length;
        var created = MetricCatalog.Create(MethodSpec.Parse(metric));
        var results = created.Evaluate(new MetricContext(model, null!, tensor(WithModel.Batch.Images).view(n, 3, side, side), tensor(WithModel.Batch.Targets),
            tensor(WithModel.Batch.Maps).view(n, side, side), [], 0));
        var ours = results.Select(r => r.Values[created.Name]).ToArray();
        Assert.True(ours.Zip(WithModel.Batch.Values[metric]).All(p => Math.Abs(p.First - p.Second) <= 1e-4),
            $"{metric}: ours [{string.Join(", ", ours.Select(v => v.ToString("F3")))}], Quantus [{string.Join(", ", WithModel.Batch.Values[metric].Select(v => v.ToString("F3")))}]");
    }

    /// <summary>
    /// Focus on mosaics of the batch's own images: the reference builds the engine's mosaics (same partners, same rotating layout, same
    /// area shrinking) and hands them to Quantus with their layout; the image whose class has no partner gets no score on either side.
    /// </summary>
    [Fact]
    public void Focus_agrees_with_quantus_on_the_same_mosaics()
    {
        using var scope = NewDisposeScope();
        using var model = Network("roadnet.pt");
        int side = WithModel.Side, n = WithModel.Batch.Targets.Length;
        var explainer = XaiVision.Engine.Suites.ExplainerCatalog.Create("saliency");
        var results = new Focus().Evaluate(new MetricContext(model, explainer, tensor(WithModel.Batch.Images).view(n, 3, side, side), tensor(WithModel.Batch.Targets),
            tensor(WithModel.Batch.Maps).view(n, side, side), [], 0));
        for (int i = 0; i < n; i++)
        {
            double? ours = results[i].Values.TryGetValue("focus", out var v) ? v : null, expected = WithModel.Batch.Focus[i];
            Assert.True(ours is null == expected is null && (ours is null || Math.Abs(ours.Value - expected!.Value) <= 1e-4), $"focus on image {i}: ours {ours}, Quantus {expected}");
        }
    }
}
