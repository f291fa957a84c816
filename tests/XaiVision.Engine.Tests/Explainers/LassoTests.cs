using XaiVision.Engine.Explainers;

namespace XaiVision.Engine.Tests.Explainers;

/// <summary>
/// The Lasso LIME fits (scikit-learn's, step for step; against scikit-learn itself through Captum: CaptumReferenceTests) on
/// designs with answers by hand: one feature is a soft threshold, w = max(|xᵀy| − αn, 0) / xᵀx on the centred data.
/// </summary>
public class LassoTests
{
    static readonly double[][] OneFeature = [[0], [1], [0], [1]];

    [Theory]
    [InlineData(0.1, 1.6)]   // centred x = ±½, y = ±1: xᵀy = 2, xᵀx = 1, αn = 0.4
    [InlineData(0.25, 1.0)]
    [InlineData(0.5, 0.0)]   // the threshold reaches xᵀy: the coefficient is 0
    [InlineData(0.0, 2.0)]   // least squares
    public void One_feature_is_a_soft_threshold(double alpha, double expected) =>
        Assert.Equal(expected, Lasso.Fit(OneFeature, [0, 2, 0, 2], [1, 1, 1, 1], alpha)[0], 9);

    [Fact]
    public void Sample_weights_act_as_repeated_rows()
    {
        // Weight 2 on the last row equals that row given twice (scikit-learn rescales the weights to sum to n, so α·n stays put).
        double[][] x = [[0, 1], [1, 0], [1, 1], [0, 0]], repeated = [.. x, [0, 0]];
        double[] y = [1, 2, 3.5, 0.2];
        var weighted = Lasso.Fit(x, y, [1, 1, 1, 2], 0.05);
        var twice = Lasso.Fit(repeated, [.. y, 0.2], [1, 1, 1, 1, 1], 0.05);
        Assert.Equal(twice[0], weighted[0], 4);
        Assert.Equal(twice[1], weighted[1], 4);
        Assert.True(weighted[0] > 1 && weighted[1] > 0.5, $"coefficients {weighted[0]}, {weighted[1]}");
    }
}
