using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.Memory;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Perturbations;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;

namespace XaiVision.Engine.Tests.Memory;

/// <summary>Out-of-memory is simulated with a memory budget that only fits part of a batch: the batch is split, nothing changes.</summary>
public class AdaptiveSuiteRunnerTests(DemoFixture demo) : IClassFixture<DemoFixture>
{
    SuiteRun Spec() => new(
        ExplainerCatalog.CreateList("grad-cam,smoothgrad(samples=4),random"), TargetSelection.Predicted, 7,
        PerturbationCatalog.CreateList("noise(sigma=0.05)"), MetricCatalog.CreateList("deletion(steps=6),localisation"));

    List<RgbImage> Views(int n) => demo.Images.Take(n).Select(p => ImageDecoder.DecodeFile(p)).ToList();

    [Fact]
    public void The_activation_estimate_counts_every_layer_output()
    {
        long bytes = MemoryBudget.MeasureActivationBytes(demo.Model);
        int side = demo.Model.Preprocessing.InputSize;
        Assert.True(bytes > 3L * side * side * 4 * 2, $"{bytes} bytes is not more than input plus one layer"); // input + at least one same-size activation
        Assert.Equal(6 * (long)(bytes * MemoryBudget.BackwardFactor), new MemoryBudget(1).EstimateBytes(demo.Model, 6));
    }

    [Fact]
    public void A_batch_over_the_budget_is_split_and_gives_the_same_results()
    {
        var views = Views(6);
        var masks = demo.Masks.Take(6).ToList();
        var whole = new SuiteRunner(demo.Model, Spec()).Run(SuiteInputs.Of(views, masks));

        var budget = new MemoryBudget(new MemoryBudget(long.MaxValue).EstimateBytes(demo.Model, 2) + 1); // fits two images, not three
        var adaptive = new AdaptiveSuiteRunner(demo.Model, Spec(), budget);
        var split = adaptive.Run(SuiteInputs.Of(views, masks));

        Assert.Equal(2, adaptive.BatchLimit);
        Assert.True(adaptive.Splits >= 2, $"{adaptive.Splits} splits");
        Assert.Equal(6, split.Images.Count);
        for (int i = 0; i < 6; i++)
            for (int m = 0; m < 3; m++)
            {
                var (a, b) = (whole.Images[i].Maps[m], split.Images[i].Maps[m]);
                Assert.Equal(a.Target.Index, b.Target.Index);
                Assert.Equal(a.Target.Logit, b.Target.Logit, 3); // batch size changes float summation order only
                Assert.Equal(a.Map.Length, b.Map.Length);
                for (int p = 0; p < a.Map.Length; p++) Assert.Equal(a.Map[p], b.Map[p], 4);
                foreach (var (k, v) in a.Metrics) Assert.Equal(v, b.Metrics[k], 4);
            }

        int splitsBefore = adaptive.Splits;
        adaptive.Run(SuiteInputs.Of(Views(4), demo.Masks));
        Assert.Equal(splitsBefore, adaptive.Splits); // the next batch starts at the size that fitted
    }

    [Fact]
    public void A_single_image_over_the_budget_is_a_clear_error()
    {
        var adaptive = new AdaptiveSuiteRunner(demo.Model, Spec(), new MemoryBudget(1024));
        var e = Assert.Throws<XaiVisionException>(() => adaptive.Run(SuiteInputs.Of(Views(2))));
        Assert.Contains("single image", e.Message);
        Assert.Contains("memory budget", e.Message);
    }

    [Theory]
    [InlineData("CUDA out of memory. Tried to allocate 2.00 GiB", true)]
    [InlineData("[enforce fail at alloc_cpu.cpp:114] data. DefaultCPUAllocator: not enough memory: you tried to allocate 1234", true)]
    [InlineData("Expected all tensors to be on the same device", false)]
    public void LibTorch_allocation_failures_are_recognised(string message, bool expected)
    {
        Assert.Equal(expected, OutOfMemory.Is(new System.Runtime.InteropServices.ExternalException(message)));
        Assert.Equal(expected, OutOfMemory.Is(new InvalidOperationException("wrapped", new System.Runtime.InteropServices.ExternalException(message))));
    }
}
