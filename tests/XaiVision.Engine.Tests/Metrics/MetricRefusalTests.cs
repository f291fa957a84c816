using XaiVision.Engine.Models;
using XaiVision.Engine.Suites;

namespace XaiVision.Engine.Tests.Metrics;

/// <summary>A metric that cannot run on an architecture refuses the job up front, at its path, with the reason — not image by image.</summary>
public sealed class MetricRefusalTests
{
    [Theory]
    [InlineData("resnet18", "'conv1' of 'resnet18' has none")]
    [InlineData("torchscript", "a TorchScript model does not expose")]
    public void Input_invariance_is_refused_where_the_first_convolution_has_no_bias(string architecture, string reason)
    {
        var arch = architecture == "torchscript" ? ArchitectureRegistry.TorchScript : ArchitectureRegistry.Get(architecture);
        var (suite, problems) = SuiteCompiler.Compile(["saliency"], [], ["deletion", "input-invariance"], SuiteCompiler.Paths.JobSpec, arch);
        Assert.Null(suite);
        var problem = Assert.Single(problems);
        Assert.Equal("suite.metrics[1]", problem.Path);
        Assert.Contains(reason, problem.Message);
    }

    [Fact]
    public void Input_invariance_is_accepted_where_the_first_convolution_has_a_bias()
    {
        var (suite, problems) = SuiteCompiler.Compile(["saliency"], [], ["input-invariance"], SuiteCompiler.Paths.JobSpec, ArchitectureRegistry.Get("vgg16"));
        Assert.Empty(problems);
        Assert.NotNull(suite);
    }
}
