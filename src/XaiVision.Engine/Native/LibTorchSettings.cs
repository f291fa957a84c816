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
/// oneDNN off where the CPU hides its cache topology (<see cref="CpuCaches"/>): there oneDNN's brgemm backward of a 1×1
/// convolution sizes its blocks from a cache size of 0 and dies with SIGFPE (ResNet50's bottlenecks, every input-gradient
/// method); ATen's own kernels take over. Off throughout, not only in backward passes, because the switch is process-wide: a
/// forward beside another thread's backward would change backend mid-run and results would depend on timing (seen: a model
/// compared with itself differed by 7e-8). <c>XAIVISION_ONEDNN=on|off|backward</c> chooses (<see cref="OneDnnMode"/>); every
/// gradient goes through <see cref="Backward"/>, which honours <see cref="OneDnnMode.OffInBackward"/>.
/// </summary>
public static class LibTorchSettings
{
    public const string OneDnnVariable = "XAIVISION_ONEDNN";
    static readonly Lazy<bool> Applied = new(Apply);

    static readonly object Gate = new();
    static IntPtr _context, _setOneDnn;
    static int _backwardsRunning;

    /// <summary>When oneDNN runs in this process.</summary>
    public static OneDnnMode OneDnn { get; private set; } = OneDnnMode.On;

    /// <summary>Why oneDNN is not on throughout, or null when it is.</summary>
    public static string? OneDnnReason { get; private set; }

    /// <summary>oneDNN off until disposed in <see cref="OneDnnMode.OffInBackward"/> (reference-counted across threads), else nothing.</summary>
    public static IDisposable BackwardScope()
    {
        EnsureApplied();
        if (OneDnn != OneDnnMode.OffInBackward) return NoScope.Instance;
        lock (Gate)
            if (_backwardsRunning++ == 0) SetOneDnn(false);
        return new OneDnnPause();
    }

    static void SetOneDnn(bool enabled) => Marshal.GetDelegateForFunctionPointer<SetFlag>(_setOneDnn)(_context, enabled ? (byte)1 : (byte)0);

    sealed class OneDnnPause : IDisposable
    {
        int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1) return;
            lock (Gate)
                if (--_backwardsRunning == 0) SetOneDnn(true);
        }
    }

    sealed class NoScope : IDisposable
    {
        public static readonly NoScope Instance = new();
        public void Dispose() { }
    }

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

    /// <summary>Whether libtorch would use oneDNN (null when the symbol is missing).</summary>
    public static bool? OneDnnEnabled() =>
        TryContext(out var context, out var library) && NativeLibrary.TryGetExport(library, "_ZNK2at7Context17userEnabledMkldnnEv", out var get)
            ? Marshal.GetDelegateForFunctionPointer<GetFlag>(get)(context) != 0 : null;

    static bool Apply()
    {
        if (!TryContext(out var context, out var library)
            || !NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledNNPACKEb", out var setNnpack)
            || !NativeLibrary.TryGetExport(library, "_ZN2at7Context20setUserEnabledMkldnnEb", out var setOneDnn))
            return false;
        Marshal.GetDelegateForFunctionPointer<SetFlag>(setNnpack)(context, 0);
        (_context, _setOneDnn) = (context, setOneDnn);
        (OneDnn, OneDnnReason) = OneDnnChoice(Environment.GetEnvironmentVariable(OneDnnVariable), CpuCaches.Hidden());
        if (OneDnn == OneDnnMode.Off) SetOneDnn(false);
        return true;
    }

    /// <summary>The mode for the setting <paramref name="setting"/> (on, off, backward; else by the CPU) and why it is not on.</summary>
    public static (OneDnnMode Mode, string? Reason) OneDnnChoice(string? setting, bool cachesHidden) => setting?.Trim().ToLowerInvariant() switch
    {
        "on" => (OneDnnMode.On, null),
        "off" => (OneDnnMode.Off, $"{OneDnnVariable}=off"),
        "backward" => (OneDnnMode.OffInBackward, $"{OneDnnVariable}=backward"),
        _ when cachesHidden => (OneDnnMode.Off, "this CPU hides its cache sizes (no /sys/devices/system/cpu/cpu0/cache), where oneDNN's 1×1 convolution backward divides by zero"),
        _ => (OneDnnMode.On, null),
    };

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
