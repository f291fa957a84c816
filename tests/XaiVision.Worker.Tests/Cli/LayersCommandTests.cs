namespace XaiVision.Worker.Tests.Cli;

/// <summary><c>xaivision layers</c>: a model's layers with output shapes and the CAM layers, for an architecture or a weights file.</summary>
public class LayersCommandTests
{
    static string Line(string output, string layer) => output.Split('\n').Single(l => l.TrimStart().StartsWith(layer + " ", StringComparison.Ordinal));

    [Fact]
    public void The_demo_nets_layers_with_shapes_and_cam_layers()
    {
        var result = CliRunner.Run("layers");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("input 1×3×64×64", result.Output);
        var cam = Line(result.Output, "features.9");
        Assert.Contains("[1, 64, 16, 16]", cam);
        Assert.Contains("yes (default)", cam);
        var head = Line(result.Output, "classifier.3");
        Assert.Contains("[1, 5]", head);
        Assert.DoesNotContain("yes", head); // the head's flat vector is no feature map
    }

    [Fact]
    public void A_weights_file_is_recognised_and_listed()
    {
        var result = CliRunner.Run("layers", "--weights", CliRunner.Fixture("checkpoints", "demo10_dataparallel.pth"));
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("recognised from the weights", result.Output);
        Assert.Contains("[1, 10]", Line(result.Output, "classifier.3"));
    }

    [Fact]
    public void An_unknown_architecture_is_one_line()
    {
        var result = CliRunner.Run("layers", "--model", "vgg17");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: Unknown architecture 'vgg17'", result.Error);
        Assert.Single(result.Error.Trim().Split('\n'));
    }
}
