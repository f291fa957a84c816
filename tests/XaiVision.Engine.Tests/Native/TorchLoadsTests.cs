using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Native;

public class TorchLoadsTests
{
    [Fact]
    public void Convolution_runs_on_cpu()
    {
        using var scope = NewDisposeScope();
        var x = ones(1, 1, 3, 3);
        var w = ones(1, 1, 2, 2);
        var y = nn.functional.conv2d(x, w);
        Assert.Equal(new long[] { 1, 1, 2, 2 }, y.shape);
        Assert.All(y.data<float>().ToArray(), v => Assert.Equal(4f, v));
    }
}
