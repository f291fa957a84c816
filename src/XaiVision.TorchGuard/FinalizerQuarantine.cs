using System.Runtime.InteropServices;

namespace XaiVision.TorchGuard;

/// <summary>
/// Where TorchSharp's finalizers send native handles instead of freeing them at once (the build rewrites
/// <c>Scalar.Finalize</c> and <c>Tensor.Finalize</c> in the TorchSharp.dll it copies: build/PatchTorchSharpFinalizers.targets).
/// Why: TorchSharp passes <c>x.Handle</c> to native code and nothing keeps <c>x</c> alive during the call, so a temporary —
/// every implicit <c>Scalar</c> (<c>t * 2.0</c>, <c>add</c>'s α = 1; scalars are in no dispose scope) and any tensor outside one
/// — can be finalized by the GC on its own thread while libtorch still reads it: a wrong number, a "toDouble" error, or a
/// segfault in a reference count (all three seen here; upstream: dotnet/TorchSharp PRs 1434 and 1496, open). A handle parked here is
/// freed only after <see cref="ScalarSlots"/> (or <see cref="TensorSlots"/>) later finalizations, long after the call that read it
/// returned. Explicit <c>Dispose</c> and dispose scopes still free at once; only what the GC finalizes waits.
/// </summary>
public static class FinalizerQuarantine
{
    /// <summary>Parked scalars (a c10::Scalar is 32 bytes: 2 MB at most).</summary>
    public const int ScalarSlots = 1 << 16;

    /// <summary>Parked tensors: fewer, as each may hold its storage (only tensors nobody disposed get here).</summary>
    public const int TensorSlots = 1 << 10;

    static readonly IntPtr[] Scalars = new IntPtr[ScalarSlots];
    static readonly IntPtr[] Tensors = new IntPtr[TensorSlots];
    static int _scalarNext, _tensorNext;
    static long _scalarsParked, _tensorsParked;

    /// <summary>Scalars and tensors that reached a finalizer since the process started (a test reads it to see the patch is in place).</summary>
    public static (long Scalars, long Tensors) Parked => (Interlocked.Read(ref _scalarsParked), Interlocked.Read(ref _tensorsParked));

    /// <summary>The body of TorchSharp's <c>Scalar.Finalize</c>.</summary>
    public static void Scalar(IntPtr handle)
    {
        if (handle == IntPtr.Zero) return;
        Interlocked.Increment(ref _scalarsParked);
        var evicted = Interlocked.Exchange(ref Scalars[Interlocked.Increment(ref _scalarNext) & (ScalarSlots - 1)], handle);
        if (evicted != IntPtr.Zero) THSTorch_dispose_scalar(evicted);
    }

    /// <summary>The body of TorchSharp's <c>Tensor.Finalize</c>.</summary>
    public static void Tensor(IntPtr handle)
    {
        if (handle == IntPtr.Zero) return;
        Interlocked.Increment(ref _tensorsParked);
        var evicted = Interlocked.Exchange(ref Tensors[Interlocked.Increment(ref _tensorNext) & (TensorSlots - 1)], handle);
        if (evicted != IntPtr.Zero) THSTensor_dispose(evicted);
    }

    [DllImport("LibTorchSharp")]
    static extern void THSTorch_dispose_scalar(IntPtr handle);

    [DllImport("LibTorchSharp")]
    static extern void THSTensor_dispose(IntPtr handle);
}
