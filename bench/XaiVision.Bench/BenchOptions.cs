namespace XaiVision.Bench;

public sealed record BenchOptions(string Model, int[] Batches, string Methods, string Device, int Repeats, int Threads, string? Metrics, string Precision)
{
    public static BenchOptions Parse(string[] args)
    {
        string Value(string name, string fallback)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
        }
        return new BenchOptions(
            Value("--model", "vgg16"),
            Value("--batches", "1,8").Split(',').Select(int.Parse).ToArray(),
            Value("--methods", "grad-cam;integrated-gradients(steps=32)"),
            Value("--device", "cpu"),
            int.Parse(Value("--repeats", "3")),
            int.Parse(Value("--threads", "0")),
            args.Contains("--metrics") ? Value("--metrics", "") : null,
            Value("--precision", "fp32"));
    }
}
