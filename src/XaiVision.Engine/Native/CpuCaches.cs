namespace XaiVision.Engine.Native;

/// <summary>
/// Whether this CPU hides its cache topology, as some VMs do (the hypervisor answers CPUID's cache leaves — 4 on Intel,
/// 0x8000001D on AMD — with nothing): Linux then lists no caches under <c>/sys/devices/system/cpu/cpu0/cache</c> and
/// <c>lscpu</c> shows no L1/L2/L3. oneDNN reads the same CPUID leaves.
/// </summary>
public static class CpuCaches
{
    public static bool Hidden(string cpuDirectory = "/sys/devices/system/cpu/cpu0")
    {
        if (!OperatingSystem.IsLinux() || !Directory.Exists(cpuDirectory)) return false; // nothing to judge by: assume a normal CPU
        var caches = Path.Combine(cpuDirectory, "cache");
        return !Directory.Exists(caches) || Directory.GetDirectories(caches, "index*").Length == 0;
    }
}
