namespace XaiVision.Engine.Suites;

/// <summary>Reading a suite's stage timings per method: a method's own <c>explain:&lt;method&gt;</c>, or its even share of the shared pass.</summary>
public static class StageTimes
{
    public const string SharedPass = "shared-pass";

    /// <summary>Milliseconds (whole batch) of <paramref name="method"/> among <paramref name="methods"/>.</summary>
    public static double ForMethod(IReadOnlyDictionary<string, double> stages, string method, IReadOnlyList<string> methods)
    {
        if (stages.TryGetValue($"explain:{method}", out var own)) return own;
        int sharing = methods.Count(m => !stages.ContainsKey($"explain:{m}"));
        return sharing == 0 ? 0 : stages.GetValueOrDefault(SharedPass) / sharing;
    }
}
