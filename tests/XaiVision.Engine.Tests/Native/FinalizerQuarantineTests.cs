using System.Runtime.CompilerServices;
using XaiVision.TorchGuard;
using static TorchSharp.torch;

namespace XaiVision.Engine.Tests.Native;

/// <summary>
/// The build's patch of TorchSharp.dll (build/PatchTorchSharpFinalizers.targets) is in the TorchSharp this test runs: scalars and
/// tensors nobody disposed reach <see cref="FinalizerQuarantine"/> through their finalizers instead of being freed there. (The race
/// itself is too narrow for a unit test to hit reliably; <c>XAIVISION_GC_HAMMER=1</c> over the whole suite is how it was found.)
/// </summary>
public class FinalizerQuarantineTests
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    static void Garbage(int count)
    {
        for (int i = 0; i < count; i++)
        {
            var unscoped = ones(2) * 2.0; // an implicit Scalar and a tensor, neither disposed
            Assert.Equal(2f, unscoped[0].item<float>());
        }
    }

    [Fact]
    public void Finalized_scalars_and_tensors_are_parked_not_freed_under_the_caller()
    {
        var before = FinalizerQuarantine.Parked;
        Garbage(500);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var after = FinalizerQuarantine.Parked;
        Assert.True(after.Scalars >= before.Scalars + 500, $"scalars parked: {before.Scalars} → {after.Scalars}");
        Assert.True(after.Tensors > before.Tensors, $"tensors parked: {before.Tensors} → {after.Tensors}");
    }
}
