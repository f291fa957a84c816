using static TorchSharp.torch;

namespace XaiVision.Engine.Explainers;

/// <summary>
/// The first principal component of a layer's channels at every position (pytorch-grad-cam's <c>get_2d_projection</c>): the
/// positions × channels matrix, centred per channel, projected on its first right singular vector. Departure: a singular vector's
/// sign is arbitrary and pytorch-grad-cam leaves it to LAPACK, so its map is sometimes the negative of the component (ReLU then
/// keeps the other half of the image: image 0 of tests/fixtures/cams); ours takes the sign under which the projection correlates
/// positively with the channels' mean, the direction in which the layer responds more.
/// </summary>
public static class EigenProjection
{
    /// <summary>[N,K,h,w] → [N,h,w].</summary>
    public static Tensor Of(Tensor maps)
    {
        using var scope = NewDisposeScope();
        var (n, k, h, w) = (maps.shape[0], maps.shape[1], maps.shape[2], maps.shape[3]);
        var positions = nan_to_num(maps.to(ScalarType.Float32), 0).reshape(n, k, h * w).transpose(1, 2); // [N, hw, K]
        positions = positions - positions.mean([1], keepdim: true);
        var (_, _, vh) = linalg.svd(positions, fullMatrices: false);
        var projection = positions.bmm(vh[.., 0, ..].unsqueeze(2)).squeeze(2); // [N, hw]
        var response = positions.mean([2]); // the centred channel mean per position
        var sign = where((projection * response).sum([1], keepdim: true) < 0, -1f, 1f);
        return (projection * sign).view(n, h, w).to(maps.dtype).MoveToOuterDisposeScope();
    }
}
