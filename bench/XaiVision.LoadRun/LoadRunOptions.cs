namespace XaiVision.LoadRun;

public sealed record LoadRunOptions(int Images, int Workers, int ShardSize, int BatchSize, string[] Explainers, string[] Metrics, int SampleSeconds, bool Prefetch,
    string Layout = "files")
{
    public static LoadRunOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        return new LoadRunOptions(
            int.Parse(Value("--images", "2000")),
            int.Parse(Value("--workers", "2")),
            int.Parse(Value("--shard-size", "32")),
            int.Parse(Value("--batch", "16")),
            Value("--explainers", "grad-cam;lrp-composite").Split(';'),
            Value("--metrics", "deletion(steps=8);localisation").Split(';', StringSplitOptions.RemoveEmptyEntries),
            int.Parse(Value("--sample-seconds", "10")),
            args.Contains("--prefetch"),
            Value("--layout", "files"));
    }
}
