using static TorchSharp.torch;

namespace XaiVision.Engine.Native;

/// <summary>
/// Every gradient the engine takes: <c>autograd.grad</c> inside <see cref="LibTorchSettings.BackwardScope"/>, which switches
/// oneDNN off for the backward in <see cref="OneDnnMode.OffInBackward"/> (a CPU whose oneDNN cannot run a backward).
/// </summary>
public static class Backward
{
    public static IList<Tensor> Grad(IList<Tensor> outputs, IList<Tensor> inputs, bool retainGraph = false, bool allowUnused = false)
    {
        using var _ = LibTorchSettings.BackwardScope();
        return autograd.grad(outputs, inputs, retain_graph: retainGraph, allow_unused: allowUnused);
    }

    /// <summary><c>loss.backward()</c> (training) under the same scope.</summary>
    public static void Run(Tensor loss)
    {
        using var _ = LibTorchSettings.BackwardScope();
        loss.backward();
    }
}
