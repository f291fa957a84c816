using XaiVision.Contracts;
using XaiVision.Engine;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Tests.Jobs;

public class JobSpecTests
{
    const string Yaml = """
        model:
          architecture: vgg16
          weights: models/vgg16.pth
          labels: models/classes.txt
        images:
          container: photos
          prefix: cats/
          limit: 100
          sampleSeed: 7
        targets: top-k:2
        suite:
          explainers: [grad-cam, "integrated-gradients(steps=16)"]
          perturbations: ["affine(rotate=10)"]
          metrics: [deletion, insertion]
          seed: 3
        output:
          container: audits
          prefix: nightly/2026-11-26
          rawMaps: true
        gates:
          - metric: insertion
            method: grad-cam
            min: 0.5
        shardSize: 24
        """;

    [Fact]
    public void Yaml_and_json_read_the_same_fields()
    {
        var spec = JobSpecReader.ParseYaml(Yaml);
        Assert.Equal("vgg16", spec.Model.Architecture);
        Assert.Equal(100, spec.Images.Limit);
        Assert.Equal(["grad-cam", "integrated-gradients(steps=16)"], spec.Suite.Explainers);
        Assert.Equal(0.5, spec.Gates[0].Min);
        Assert.True(spec.Output.RawMaps);
        Assert.Equal(24, spec.ShardSize);
        var json = System.Text.Json.JsonSerializer.Serialize(spec, XaiVision.Engine.Reports.AuditJson.Options);
        Assert.Equal(json, System.Text.Json.JsonSerializer.Serialize(JobSpecReader.ParseJson(json), XaiVision.Engine.Reports.AuditJson.Options));
        Assert.Empty(JobSpecValidator.Validate(spec));
    }

    [Theory]
    [InlineData("model:\n  architecture: vgg16\n  wieghts: x/y.pth\n", "unknown field 'wieghts'")]
    [InlineData("shardSize: many\n", "shardSize")]
    [InlineData("suite:\n  explainers: grad-cam\n", "suite.explainers")]
    [InlineData("model: [1, 2\n", "not valid YAML")]
    [InlineData("images:\n  limit: 9223372036854775807\n", "the value at 'images.limit' must be a whole number from -2147483648 to 2147483647.")]
    [InlineData("shardSize: 1.5\n", "the value at 'shardSize' must be a whole number")]
    [InlineData("suite:\n  seed: 99999999999999999999\n", "the value at 'suite.seed' must be a whole number from -9223372036854775808")]
    public void Mistakes_in_the_file_name_the_field(string yaml, string expected)
    {
        var error = Assert.Throws<XaiVisionException>(() => JobSpecReader.ParseYaml(yaml));
        Assert.Contains(expected, error.Message);
        Assert.DoesNotContain("System.", error.Message); // no .NET type names
    }

    [Fact]
    public void Validation_lists_every_problem_with_its_path()
    {
        var spec = new AuditJobSpec
        {
            Model = new ModelSource { Architecture = "vgg17", Weights = "../etc/passwd" },
            Images = new ImageSource { Container = "Photos", Prefix = "../x" },
            Targets = "best",
            Suite = new SuiteDefinition { Explainers = ["grad-cam", "magic"], Metrics = ["deletion(steps=-1)"], Perturbations = ["warp"] },
            Output = new OutputTarget { Container = "audits", Prefix = "a/../../b" },
            Gates = [new Gate { Metric = "insertion" }],
            ShardSize = 100000,
        };
        var paths = JobSpecValidator.Validate(spec).Select(p => p.Path).ToList();
        Assert.Equal(
            ["model.architecture", "model.weights", "images.container", "images.prefix", "targets", "suite.explainers[1]", "suite.perturbations[0]",
             "suite.metrics[0]", "output.prefix", "gates[0]", "shardSize"], paths);
    }

    [Fact]
    public void A_huge_bad_value_is_echoed_as_its_first_200_characters_and_its_length()
    {
        var huge = new string('x', 50_000);
        var spec = new AuditJobSpec
        {
            Model = new ModelSource { Architecture = "demo-shapes" },
            Images = new ImageSource { Container = "photos" },
            Suite = new SuiteDefinition { Explainers = [huge] },
            Output = new OutputTarget { Container = "audits", Prefix = "a" },
        };
        var problem = Assert.Single(JobSpecValidator.Validate(spec));
        Assert.Equal("suite.explainers[0]", problem.Path);
        Assert.Contains($"'{huge[..200]}…' (50,000 characters)", problem.Message);
        // The value is clipped; the rest is the catalog's list of known methods, which grows with it.
        var known = string.Join(", ", XaiVision.Engine.Suites.ExplainerCatalog.Names);
        Assert.True(problem.Message.Length < 400 + known.Length, problem.Message);
        Assert.Equal("unknown 'abc' stays", Engine.Echo.Clip("unknown 'abc' stays"));
        Assert.Equal($"a '{new string('y', 200)}' b", Engine.Echo.Clip($"a '{new string('y', 200)}' b")); // exactly 200: whole
        Assert.EndsWith("… (3,000 characters in all)", Engine.Echo.Clip(new string('z', 3000))); // unquoted: the message is cut
    }

    [Fact]
    public void Whole_image_fields_are_read_and_checked()
    {
        var spec = JobSpecReader.ParseYaml("model:\n  architecture: vgg16\n  preprocess: resize\n  classScore: max\nsuite:\n  explainers: [grad-cam]\n  layerSweep: true\n", "job.yaml");
        Assert.Equal(("resize", "max", true), (spec.Model.Preprocess, spec.Model.ClassScore, spec.Suite.LayerSweep));
        Assert.DoesNotContain(JobSpecValidator.Validate(spec), p => p.Path.StartsWith("model.", StringComparison.Ordinal));
        var wrong = spec with { Model = spec.Model with { Preprocess = "crop", ClassScore = "median" } };
        var problems = JobSpecValidator.Validate(wrong).ToDictionary(p => p.Path, p => p.Message);
        Assert.Contains("resize-crop, resize, none", problems["model.preprocess"]);
        Assert.Contains("mean", problems["model.classScore"]);
        var vit = JobSpecValidator.Validate(spec with { Model = new ModelSource { Architecture = "vit_b_16", Preprocess = "none" } }).ToDictionary(p => p.Path, p => p.Message);
        Assert.Contains("224×224 inputs only", vit["model.preprocess"]);
    }

    [Fact]
    public void A_multi_label_head_is_read_and_its_targets_checked()
    {
        var spec = JobSpecReader.ParseYaml("model:\n  architecture: demo-shapes\n  head: sigmoid\ntargets: positive:0.3\nsuite:\n  explainers: [grad-cam]\n", "job.yaml");
        Assert.Equal(("sigmoid", "positive:0.3"), (spec.Model.Head, spec.Targets));
        Assert.DoesNotContain(JobSpecValidator.Validate(spec), p => p.Path is "model.head" or "targets");
        Assert.Equal(XaiVision.Engine.Models.OutputHead.Sigmoid, JobCompiler.ModelSpecFor(spec.Model, null, null, allowTorchScript: false).Head);
        string Problem(AuditJobSpec wrong, string path) => JobSpecValidator.Validate(wrong).Single(p => p.Path == path).Message;
        Assert.Contains("not softmax (one class per image) or sigmoid", Problem(spec with { Model = spec.Model with { Head = "tanh" } }, "model.head"));
        Assert.Contains("softmax head", Problem(spec with { Targets = "contrast:1-2" }, "targets"));
        Assert.Contains("cannot be paired with a baseline", Problem(spec with { Baseline = new ModelSource { Architecture = "demo-shapes" } }, "targets"));
        Assert.Contains("between 0 and 1", Problem(spec with { Targets = "positive:0" }, "targets"));
    }
}

public class JobSpecNullTests
{
    [Fact]
    public void Nulls_where_the_contract_forbids_them_are_named()
    {
        var spec = JobSpecReader.ParseJson("""{"model": null, "images": {"container": null}, "suite": {"explainers": ["grad-cam", null]}, "gates": [null]}""");
        Assert.Equal(["model", "images.container", "suite.explainers[1]", "gates[0]"], JobSpecValidator.Validate(spec).Select(p => p.Path));
    }

    /// <summary>
    /// Submissions are validated on several consumer threads at once. The nullability lookup behind the check above once shared one
    /// <c>NullabilityInfoContext</c> (not thread-safe): two jobs submitted together faulted with "An item with the same key has already
    /// been added. Key: XaiVision.Contracts.ModelSource". From a cold lookup each round, every contract property on many threads at once.
    /// </summary>
    [Fact]
    public void The_nullability_of_contract_fields_reads_the_same_from_many_threads_at_once()
    {
        var properties = typeof(AuditJobSpec).Assembly.GetTypes().Where(t => t.Namespace == typeof(AuditJobSpec).Namespace)
            .SelectMany(t => t.GetProperties()).ToList();
        var expected = properties.Select(p => new System.Reflection.NullabilityInfoContext().Create(p).ReadState == System.Reflection.NullabilityState.NotNull).ToList();
        Assert.Contains(true, expected);
        Assert.Contains(false, expected);
        for (int round = 0; round < 50; round++)
        {
            var nullability = new ContractNullability();
            var answers = new string[16];
            using var start = new Barrier(answers.Length);
            var threads = Enumerable.Range(0, answers.Length).Select(i => new Thread(() =>
            {
                start.SignalAndWait();
                try { answers[i] = string.Join(',', properties.Select(nullability.IsNonNullable)); }
                catch (Exception e) { answers[i] = e.Message; } // an exception on a thread of our own would end the test host
            })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.All(answers, a => Assert.Equal(string.Join(',', expected), a));
        }
    }
}
