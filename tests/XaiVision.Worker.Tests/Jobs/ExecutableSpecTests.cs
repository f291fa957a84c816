using XaiVision.Contracts;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Jobs;
using XaiVision.Worker.Tests.Consumers;

namespace XaiVision.Worker.Tests.Jobs;

/// <summary>
/// The validator compiles the suite with the code the shards run, so what it accepts executes: the specs that used to
/// pass validation and then fail every shard are refused, with every problem in user words.
/// </summary>
public class ExecutableSpecTests
{
    static AuditJobSpec Demo => DemoJob.Spec("x") with { Suite = new SuiteDefinition { Explainers = ["grad-cam"] } };

    static string Problems(AuditJobSpec spec) => string.Join("\n", JobSpecValidator.Validate(spec).Select(p => $"{p.Path}: {p.Message}"));

    [Theory]
    [InlineData("vgg16", "grad-cam(layer=classifier.3)", "suite.explainers[0]: layer 'classifier.3' of 'vgg16' belongs to the classifier head")]
    [InlineData("demo-shapes", "grad-cam(layer=classifier)", "suite.explainers[0]: layer 'classifier' of 'demo-shapes' belongs to the classifier head")]
    [InlineData("resnet18", "layer-cam(layer=fc)", "suite.explainers[0]: layer 'fc' of 'resnet18' belongs to the classifier head")]
    [InlineData("resnet18", "grad-cam(layers=layer3+fc)", "suite.explainers[0]: layer 'fc' of 'resnet18' belongs to the classifier head")]
    [InlineData("vgg11", "grad-cam++(layer=features.99)", "suite.explainers[0]: 'vgg11' has no layer 'features.99'; CAM layers are features … avgpool")]
    [InlineData("convnext_tiny", "grad-cam(layer=features.1.0.block.3)", "suite.explainers[0]: layer 'features.1.0.block.3' of 'convnext_tiny' is inside a block whose tensors are not feature maps")]
    [InlineData("convnext_tiny", "grad-cam(layer=classifier.0)", "belongs to the classifier head")]
    [InlineData("vit_b_16", "grad-cam(layer=encoder.layers.encoder_layer_3.mlp.0)", "is inside a block whose tensors are not feature maps")]
    public void A_cam_layer_must_be_a_feature_map_of_the_architecture(string architecture, string explainer, string expected)
    {
        var spec = Demo with { Model = Demo.Model with { Architecture = architecture, Weights = null, Labels = null }, Suite = new SuiteDefinition { Explainers = [explainer] } };
        Assert.Contains(expected, Problems(spec));
    }

    [Theory]
    [InlineData("vgg16", "features.29")]
    [InlineData("vgg16", "features.30")]
    [InlineData("resnet50", "layer4")]
    [InlineData("resnet18", "layer3.1.conv2")]
    [InlineData("demo-shapes", "features.9")]
    [InlineData("convnext_tiny", "features.5.2")]
    [InlineData("vit_b_16", "encoder.layers.encoder_layer_11.ln_1")]
    [InlineData("mobilenet_v2", "features.18")]
    [InlineData("efficientnet_b3", "features.8")]
    [InlineData("densenet121", "features.denseblock4")]
    public void Feature_map_layers_are_accepted(string architecture, string layer)
    {
        var spec = Demo with { Model = Demo.Model with { Architecture = architecture, Weights = null, Labels = null }, Suite = new SuiteDefinition { Explainers = [$"grad-cam(layer={layer})"] } };
        Assert.Equal("", Problems(spec));
    }

    [Fact]
    public void Duplicates_are_refused_wherever_they_are()
    {
        var spec = Demo with { Suite = new SuiteDefinition { Explainers = ["grad-cam", "gradcam"], Perturbations = ["noise", "noise(sigma=0.1)"], Metrics = ["deletion", "deletion(steps=4)"] } };
        var problems = Problems(spec);
        Assert.Contains("suite.explainers[1]: method 'grad-cam' is given twice (also suite.explainers[0])", problems);
        Assert.Contains("suite.perturbations[1]: perturbation 'noise' is given twice (also suite.perturbations[0])", problems);
        Assert.Contains("suite.metrics[1]: metric 'deletion' is given twice (also suite.metrics[0])", problems);
    }

    [Theory]
    [InlineData("demo-shapes", 224, "model.inputSize: 'demo-shapes' takes 64×64 inputs only")]
    [InlineData("vgg16", 16, "model.inputSize: 'vgg16' needs inputs of at least 32 px")]
    [InlineData("vgg16", 20000, "model.inputSize: 20000 px is over the input-size limit of 4096")]
    public void Input_sizes_must_fit_the_architecture(string architecture, int size, string expected)
    {
        var spec = Demo with { Model = Demo.Model with { Architecture = architecture, Weights = null, Labels = null, InputSize = size } };
        Assert.Contains(expected, Problems(spec));
    }

    [Fact]
    public void A_worker_refuses_input_sizes_over_its_own_limit()
    {
        var limits = new JobLimits(1000, 100, [], "xaivision-jobs", MaxInputSize: 512);
        var spec = Demo with { Model = Demo.Model with { Architecture = "vgg16", InputSize = 640 } };
        Assert.Contains(limits.Check(spec), p => p.Path == "model.inputSize" && p.Message.Contains("Worker:MaxInputSize"));
    }

    [Fact]
    public void Localisation_without_a_manifest_is_refused()
    {
        var spec = Demo with { Images = Demo.Images with { Manifest = null }, Suite = new SuiteDefinition { Explainers = ["grad-cam"], Metrics = ["localisation"] } };
        Assert.Contains("suite.metrics: 'localisation' needs ground-truth masks", Problems(spec));
    }

    [Fact]
    public void Every_problem_is_in_user_words()
    {
        var spec = Demo with
        {
            Model = Demo.Model with { Architecture = "vgg16", InputSize = 5, Mean = [1f] },
            Suite = new SuiteDefinition { Explainers = ["grad-cam(layer=classifier)", "nope", "ig(steps=x)"], Metrics = ["deletion(step=2)"] },
            MaxMinutes = 0,
        };
        var problems = JobSpecValidator.Validate(spec);
        Assert.True(problems.Count >= 6, Problems(spec));
        Assert.All(problems, p => Assert.DoesNotMatch(@"`\d|System\.|XaiVision\.", p.Message));
    }

    [Fact]
    public async Task A_spec_the_validator_accepts_with_the_old_crashing_layers_now_runs_to_an_ended_job()
    {
        // features.30 (the last max-pool) is a feature map; the validator accepts it and the job completes.
        var spec = WorkerTestServices.CheapDemoSpec("executable") with { Suite = new SuiteDefinition { Explainers = ["grad-cam(layer=features.10)"], Metrics = ["localisation"] } };
        Assert.Empty(JobSpecValidator.Validate(spec));
        var (completed, rejected, _, provider) = await WorkerTestServices.RunJobAsync(spec);
        await using (provider)
        {
            Assert.Null(rejected);
            Assert.NotNull(completed);
            Assert.Equal(0, completed!.FailedImages);
        }
    }
}
