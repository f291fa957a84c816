using MassTransit.Testing;
using XaiVision.Contracts;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Tests.Consumers;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Fuzz;

/// <summary>
/// Seeded mutation of a valid job spec, field by field, from pools of valid, hostile and colliding values. The validator
/// answers in user words, and every spec it accepts runs to an ended job (completed or failed, with reasons) on the
/// in-memory harness — the contract "an accepted spec is an executable one". No image of an accepted spec may fail with an
/// unclassified engine error.
/// </summary>
public sealed class SpecFuzzTests(ITestOutputHelper log)
{
    static readonly string[] Explainers =
    [
        "grad-cam", "grad-cam(layer=features.4)", "grad-cam(layer=classifier.1)", "layer-cam(layer=features)", "grad-cam++(layer=features.10)",
        "ig(steps=2)", "smoothgrad(samples=2)", "saliency", "input-x-gradient", "lrp-epsilon", "lrp-composite", "lrp:epsilon-plus-flat",
        "lrp:epsilon-gamma-box", "random", "center", "gradcam", "nope", "grad-cam(layer=features.30)", "ig(steps=0)", "ig(baseline=grey)",
    ];
    static readonly string[] Perturbations =
        ["noise", "blur(sigma=0.5)", "affine(rotate=30)", "text(text=Z)", "mask(top=10)", "jpeg(quality=10)", "occlusion(size=0.5)", "channel-swap(order=gbr)", "bad", "mask(top=0)"];
    static readonly string[] Metrics =
    [
        "deletion(steps=3)", "insertion(steps=3)", "localisation", "aopc-morf(steps=3)", "faithfulness-correlation(subsets=4)", "infidelity(patches=4)",
        "max-sensitivity(samples=2)", "randomisation", "deletion", "pointing", "deletion(steps=0)",
    ];
    static readonly string[] Targets = ["predicted", "label", "class:2", "class:9", "top-k:2", "top-k:6", "top-k:0", "best"];

    static AuditJobSpec Mutate(AuditJobSpec spec, Random random)
    {
        T Pick<T>(IReadOnlyList<T> pool) => pool[random.Next(pool.Count)];
        List<string> Edit(IReadOnlyList<string> list, string[] pool)
        {
            var edited = list.ToList();
            switch (random.Next(3))
            {
                case 0: edited.Add(Pick(pool)); break;
                case 1 when edited.Count > 0: edited[random.Next(edited.Count)] = Pick(pool); break;
                default: if (edited.Count > 0) edited.RemoveAt(random.Next(edited.Count)); break;
            }
            return edited;
        }
        return random.Next(10) switch
        {
            0 or 1 => spec with { Suite = spec.Suite with { Explainers = Edit(spec.Suite.Explainers, Explainers) } },
            2 => spec with { Suite = spec.Suite with { Perturbations = Edit(spec.Suite.Perturbations, Perturbations) } },
            3 => spec with { Suite = spec.Suite with { Metrics = Edit(spec.Suite.Metrics, Metrics) } },
            4 => spec with { Targets = Pick(Targets) },
            5 => spec with { Model = spec.Model with { InputSize = Pick(new int?[] { null, 64, 32, 224, 0 }), Precision = Pick(new[] { null, "bf16", "fp16" }) } },
            6 => spec with { ShardSize = Pick(new[] { 1, 2, 0, 300 }), Images = spec.Images with { Limit = Pick(new int?[] { 1, 2, 3, 0 }) } },
            7 => spec with { MaxMinutes = Pick(new int?[] { null, 1, 0 }),
                Gates = [.. spec.Gates, new Gate { Metric = Pick(new[] { "failed-images", "insertion", "" }), Max = Pick(new double?[] { null, 0.5 }) }] },
            8 => spec with { Baseline = spec.Model, Targets = Pick(new[] { "predicted", "label", "top-k:2" }) },
            _ => spec with { Images = spec.Images with { Manifest = Pick(new[] { "manifest.csv", null }) } },
        };
    }

    [Fact]
    public async Task Every_spec_the_validator_accepts_runs_to_an_ended_job()
    {
        var valid = WorkerTestServices.CheapDemoSpec("fuzz") with
        {
            Images = DemoJob.Spec("x").Images with { Limit = 2 },
            Suite = new SuiteDefinition { Explainers = ["grad-cam", "saliency"], Perturbations = ["channel-swap"], Metrics = ["deletion(steps=4)"], Seed = 3 },
            Gates = [],
            ShardSize = 1,
        };
        var (provider, harness, _, _) = await WorkerTestServices.StartSeededAsync("specfuzz");
        await using var _ = provider;
        var random = new Random(1130);
        int accepted = 0, refused = 0, completed = 0, failed = 0;
        for (int i = 0; i < 400 && accepted < 16; i++)
        {
            var spec = valid;
            for (int n = random.Next(1, 4); n > 0; n--) spec = Mutate(spec, random);
            spec = spec with { Output = spec.Output with { Prefix = $"fuzz-{i}" } };
            var problems = JobSpecValidator.Validate(spec);
            Assert.All(problems, p => Assert.DoesNotMatch(@"System\.|`\d|Exception", p.Message));
            if (problems.Count > 0)
            {
                refused++;
                continue;
            }
            accepted++;
            var jobId = Guid.NewGuid();
            await harness.Bus.Publish(new SubmitAuditJob(jobId, spec));
            bool Ended() => harness.Published.Select<AuditJobCompleted>().Any(m => m.Context.Message.JobId == jobId)
                || harness.Published.Select<AuditJobFailed>().Any(m => m.Context.Message.JobId == jobId)
                || harness.Published.Select<AuditJobRejected>().Any(m => m.Context.Message.JobId == jobId);
            var shown = System.Text.Json.JsonSerializer.Serialize(spec.Suite)
                + $" targets={spec.Targets} size={spec.Model.InputSize} precision={spec.Model.Precision} baseline={spec.Baseline is not null}";
            await WorkerTestServices.Until(Ended, $"the end of {shown}");
            Assert.Empty(harness.Published.Select<AuditJobRejected>().Where(m => m.Context.Message.JobId == jobId).Select(m => string.Join("; ", m.Context.Message.Problems.Select(p => p.Message))));
            if (harness.Published.Select<AuditJobFailed>().FirstOrDefault(m => m.Context.Message.JobId == jobId) is { } fail)
            {
                failed++;
                Assert.DoesNotContain("engine error", fail.Context.Message.Reason);
                log.WriteLine($"failed: {shown}: {fail.Context.Message.Reason}");
            }
            else
            {
                completed++;
            }
        }
        log.WriteLine($"{accepted} accepted ({completed} completed, {failed} failed), {refused} refused");
        Assert.True(accepted >= 16 && refused > 0, $"{accepted} accepted, {refused} refused");
        Assert.Empty(harness.Published.Select<MassTransit.Fault>());
    }
}
