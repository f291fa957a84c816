using XaiVision.Engine.Explainers;
using XaiVision.Engine.Suites;
using XaiVision.Engine.Tests.Support;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Explainers;

/// <summary>Occlusion and RISE on the hand-weighted linear net y = W·flatten(x) + b (3 channels × 2 × 2), where the answers have closed forms.</summary>
public class BlackBoxTests
{
    static readonly float[] W = [0.5f, -1f, 2f, 0.25f, 1f, 1f, -0.5f, 0f, 0.3f, -0.2f, 0.1f, 0.4f, /* class 1 */ 1f, 1f, 1f, 1f, 0f, 0f, 0f, 0f, -1f, -1f, -1f, -1f];
    static readonly float[] X = [0.2f, -0.4f, 1f, 0.5f, -1f, 0.3f, 0.7f, 0.9f, 0.1f, 0.6f, -0.8f, 0.25f];

    static (XaiVision.Engine.Models.ExplainableModel Model, Tensor Images) Net()
    {
        var net = new TinyNets.LinearNet(W, [0.1f, -0.2f]);
        return (TinyNets.Wrap(net, "fc", 2), tensor(X).view(1, 3, 2, 2));
    }

    /// <summary>A 1×1 patch at every pixel: the logit drop is that pixel's Σ_c W_c·x_c, and the map sums it over the three channels.</summary>
    [Fact]
    public void Occlusion_with_one_pixel_patches_gives_each_pixels_contribution_times_the_channels()
    {
        using var scope = NewDisposeScope();
        var (model, x) = Net();
        using var _ = model;
        var map = ExplainerCatalog.Create("occlusion(size=1,stride=1)").Explain(model, x, tensor(new long[] { 0 }), 0).view(4).data<float>().ToArray();
        for (int p = 0; p < 4; p++)
        {
            double contribution = Enumerable.Range(0, 3).Sum(c => W[c * 4 + p] * X[c * 4 + p]);
            Assert.Equal(3 * contribution, map[p], 5);
        }
    }

    /// <summary>One 2×2 patch covers everything: every pixel is credited with the whole drop y(x) − y(0) = W·x, times three channels.</summary>
    [Fact]
    public void Occlusion_with_one_patch_over_the_image_credits_every_pixel_with_the_whole_drop()
    {
        using var scope = NewDisposeScope();
        var (model, x) = Net();
        using var _ = model;
        var map = ExplainerCatalog.Create("occlusion(size=2)").Explain(model, x, tensor(new long[] { 1 }), 0).view(4).data<float>().ToArray();
        double drop = Enumerable.Range(0, 12).Sum(i => W[12 + i] * X[i]);
        Assert.All(map, v => Assert.Equal(3 * drop, v, 5));
    }

    /// <summary>RISE against its definition written out: S = Σ_i P(target | x ⊙ M_i) M_i / (N p), with the method's own seeded masks.</summary>
    [Fact]
    public void Rise_equals_its_definition_with_its_own_masks()
    {
        using var scope = NewDisposeScope();
        var (model, x) = Net();
        using var _ = model;
        var rise = (Rise)ExplainerCatalog.Create("rise(masks=50,grid=2,p=0.5,batch=7)");
        var map = rise.Explain(model, x, tensor(new long[] { 1 }), 9).view(4).data<float>().ToArray();
        var masks = rise.MaskSet(2, 2, 9).view(50, 4).data<float>().ToArray();
        var expected = new double[4];
        for (int i = 0; i < 50; i++)
        {
            double[] logits = [0.1, -0.2];
            for (int c = 0; c < 2; c++)
                for (int j = 0; j < 12; j++) logits[c] += W[c * 12 + j] * X[j] * masks[i * 4 + j % 4];
            double probability = Math.Exp(logits[1]) / (Math.Exp(logits[0]) + Math.Exp(logits[1]));
            for (int p = 0; p < 4; p++) expected[p] += probability * masks[i * 4 + p] / (50 * 0.5);
        }
        for (int p = 0; p < 4; p++) Assert.Equal(expected[p], map[p], 5);
        Assert.Equal(map, rise.Explain(model, x, tensor(new long[] { 1 }), 9).view(4).data<float>().ToArray()); // seeded
        Assert.True(masks.Distinct().Count() > 2, "soft (bilinearly upsampled) masks");
    }

    /// <summary>At grid 256 a chunk holds about 127 masks of a 2×2 input: 300 masks come in three chunks, and the map still equals the
    /// definition over the whole set made at once (a mask is the same whatever chunk makes it).</summary>
    [Fact]
    public void Rise_masks_made_in_chunks_are_the_masks_of_the_whole_set()
    {
        using var scope = NewDisposeScope();
        var (model, x) = Net();
        using var _ = model;
        var rise = (Rise)ExplainerCatalog.Create("rise(masks=300,grid=256,batch=50)");
        Assert.True(rise.MasksPerChunk(2, 2) < 150, $"{rise.MasksPerChunk(2, 2)} masks per chunk");
        var map = rise.Explain(model, x, tensor(new long[] { 0 }), 4).view(4).data<float>().ToArray();
        var masks = rise.MaskSet(2, 2, 4).view(300, 4).data<float>().ToArray();
        var expected = new double[4];
        for (int i = 0; i < 300; i++)
        {
            double[] logits = [0.1, -0.2];
            for (int c = 0; c < 2; c++)
                for (int j = 0; j < 12; j++) logits[c] += W[c * 12 + j] * X[j] * masks[i * 4 + j % 4];
            double probability = Math.Exp(logits[0]) / (Math.Exp(logits[0]) + Math.Exp(logits[1]));
            for (int p = 0; p < 4; p++) expected[p] += probability * masks[i * 4 + p] / (300 * 0.5);
        }
        for (int p = 0; p < 4; p++) Assert.Equal(expected[p], map[p], 5);
    }

    /// <summary>
    /// Issue 36's crash: 8,000 masks at grid 256 made at once take 4.2 GB (a grid of 257² per mask before cropping); made a chunk at
    /// a time they take tens of MB. Measured as the process's peak resident memory, reset before the run (Linux's clear_refs).
    /// </summary>
    [Fact]
    public void Rise_with_many_fine_masks_stays_within_a_bounded_memory()
    {
        using var scope = NewDisposeScope();
        var (model, x) = Net();
        using var _ = model;
        System.IO.File.WriteAllText("/proc/self/clear_refs", "5"); // resets VmHWM to the current resident size
        long before = PeakResidentBytes();
        var map = ExplainerCatalog.Create("rise(masks=8000,grid=256,batch=65536)").Explain(model, x, tensor(new long[] { 0 }), 1);
        long growth = PeakResidentBytes() - before;
        Assert.True(map.isfinite().all().item<bool>());
        Assert.True(growth < 2L << 30, $"peak memory grew by {growth / 1048576} MiB (made at once: about 4,200 MiB)");
    }

    static long PeakResidentBytes() =>
        long.Parse(System.IO.File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) * 1024;

    /// <summary>A run stopped mid-method ends at its next forward pass, not at the end of the method's thousands.</summary>
    [Fact]
    public void A_stopped_run_ends_inside_the_method_at_its_next_forward()
    {
        using var scope = NewDisposeScope();
        var (model, x) = Net();
        using var _ = model;
        using var stop = new CancellationTokenSource();
        var occlusion = ExplainerCatalog.Create("occlusion(size=1,stride=1,batch=1)");
        int stopped = Forwards(model, count => { if (count == 2) stop.Cancel(); }, () =>
        {
            using var limits = Interruption.Enter(stop.Token);
            Assert.Throws<OperationCanceledException>(() => occlusion.Explain(model, x, tensor(new long[] { 0 }), 0));
        });
        Assert.Equal(2, stopped); // the reference and one position; the other three were never run
        Assert.Equal(5, Forwards(model, _ => { }, () => occlusion.Explain(model, x, tensor(new long[] { 0 }), 0)));
    }

    /// <summary>When the first chunk shows that the rest cannot end in the time left, the method refuses with its estimate.</summary>
    [Fact]
    public void A_method_that_cannot_end_in_the_time_left_refuses_with_its_estimate()
    {
        using var scope = NewDisposeScope();
        var (model, x) = Net();
        using var _ = model;
        using var limits = Interruption.Enter(CancellationToken.None, TimeSpan.FromMilliseconds(1));
        var refusal = Assert.Throws<XaiVisionException>(() => ExplainerCatalog.Create("rise(masks=300,grid=256)").Explain(model, x, tensor(new long[] { 0 }), 0));
        Assert.Contains("rise on 1 image(s) would take about", refusal.Message);
        Assert.Contains("300 forward passes", refusal.Message);
    }

    /// <summary>How many forward passes <paramref name="run"/> made, calling <paramref name="seen"/> with the count after each.</summary>
    static int Forwards(XaiVision.Engine.Models.ExplainableModel model, Action<int> seen, Action run)
    {
        int count = 0;
        var hook = model.Network.register_forward_hook((_, _, output) =>
        {
            seen(++count);
            return output;
        });
        try
        {
            run();
        }
        finally
        {
            hook.remove();
        }
        return count;
    }
}
