using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace XaiVision.Engine.Native;

/// <summary>
/// libtorch switches TorchSharp does not expose, set once before the first model runs. NNPACK off: on CPUs it does not support
/// (AMD EPYC VMs among them) libtorch tries to initialise it for every eligible convolution and prints "Could not initialize
/// NNPACK! Reason: Unsupported hardware." each time — 960 lines for the demo. oneDNN takes those convolutions instead (x86 has it
/// on every machine NNPACK would run on), so nothing is lost but noise. Reached through libtorch's exported C++ symbols
/// (<c>at::globalContext()</c>, <c>at::Context::setUserEnabledNNPACK(bool)</c>), the same call as PyTorch's
/// <c>torch.backends.nnpack.set_flags(False)</c>.
/// </summary>
public static class LibTorchSettings
{
    static readonly Lazy<bool> Applied = new(Apply);

    /// <summary>Applies the settings (once); false when this libtorch does not export the symbols (nothing changes then).</summary>
    public static bool EnsureApplied() => Applied.Value;

    /// <summary>Whether libtorch would try NNPACK (null when the symbol is missing).</summary>
    public static bool? NnpackEnabled() =>
        TryContext(out var context, out var library) && NativeLibrary.TryGetExport(library, "_ZNK2at7Context17userEnabledNNPACKEv", out var get)
            ? Marshal.GetDelegateForFunctionPointer<GetFlag>(get)(context) != 0 : null;

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate IntPtr GlobalContext();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate void SetFlag(IntPtr context, byte enabled);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    delegate byte GetFlag(IntPtr context);

    static bool Apply()
    {
        if (!TryContext(out var context, out var library) || !NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledNNPACKEb", out var set))
            return false;
        Marshal.GetDelegateForFunctionPointer<SetFlag>(set)(context, 0);
        return true;
    }

    static bool TryContext(out IntPtr context, out IntPtr library)
    {
        context = IntPtr.Zero;
        InitializeDeviceType(TorchSharp.DeviceType.CPU); // TorchSharp loads libtorch here; the soname below finds that copy
        if (!NativeLibrary.TryLoad("libtorch_cpu.so", out library) || !NativeLibrary.TryGetExport(library, "_ZN2at13globalContextEv", out var global))
            return false;
        context = Marshal.GetDelegateForFunctionPointer<GlobalContext>(global)();
        return context != IntPtr.Zero;
    }
}
