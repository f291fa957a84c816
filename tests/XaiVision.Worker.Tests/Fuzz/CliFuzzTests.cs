using XaiVision.Worker.Cli;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Fuzz;

/// <summary>
/// Seeded mutation fuzzing of the command line (in this process, through the same entry point as the executable): valid
/// argument lists with arguments dropped, duplicated, swapped or replaced by hostile values. Every outcome is success, a
/// documented exit code, and — for a mistake — exactly one <c>error:</c> line; never a stack trace.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class CliFuzzTests(ITestOutputHelper log)
{
    static readonly string[] Hostile =
    [
        "", "-1", "0", "1", "abc", "1e309", "NaN", "99999999999", "grad-cam(layer=)", "((", "grad-cam(layer=features.99)", "grad-cam(layer=classifier)",
        "cuda:7", "top-k:0", "top-k:99", "class:-1", "class:7", "/dev/null", "/nonexistent", "/proc/x", "-", "--", "localisation", "noise,noise",
        "ig(steps=0)", "deletion(steps=-3)", "--methods", "--bogus", "affine(rotate=abc)", "mask(top=200)", "a\0b", "🙂", "grad-cam,grad-cam",
        "integrated-gradients(steps=2,baseline=grey)", "--input-size", "--target", "--set", "Transport:Kind=Kafka", "Worker:BatchSize=x", "=",
    ];

    [Fact]
    public async Task Mutated_command_lines_end_in_success_or_one_line()
    {
        var image = Path.Combine(AppContext.BaseDirectory, "assets", "demo", "images", "00_circle.png");
        var root = Directory.CreateTempSubdirectory("xaivision-clifuzz-").FullName;
        var spec = Path.Combine(root, "job.yaml");
        File.WriteAllText(spec, "model: { architecture: demo-shapes }\nimages: { container: photos }\nsuite: { explainers: [grad-cam] }\noutput: { container: audits, prefix: x }\n");
        string[][] bases =
        [
            ["explain", image, "--methods", "grad-cam,saliency", "--metrics", "deletion(steps=4)", "--batch-size", "2", "--out", Path.Combine(root, "a"), "--no-overlay", "--no-raw"],
            ["explain", image, "--methods", "layer-cam", "--perturb", "channel-swap", "--target", "top-k:2", "--input-size", "64", "--out", Path.Combine(root, "b"), "--no-raw"],
            ["status", Guid.NewGuid().ToString(), "--set", $"Storage:Root={root}"],
            ["submit", spec, "--wait", "--timeout", "5", "--set", "Transport:Kind=InMemory"],
        ];
        var random = new Random(20261130);
        var outcomes = new Dictionary<int, int>();
        for (int i = 0; i < 90; i++)
        {
            var args = Mutate(bases[i % bases.Length], random);
            var (code, output, error) = await RunAsync(args);
            outcomes[code] = outcomes.GetValueOrDefault(code) + 1;
            if (code != ExitCodes.Ok) log.WriteLine($"{code}: {error.Trim().Split('\n')[^1]}");
            var shown = string.Join(' ', args.Select(a => $"[{a}]"));
            Assert.True(code is ExitCodes.Ok or ExitCodes.BadInput or ExitCodes.SomeImagesFailed or ExitCodes.JobFailed or ExitCodes.Unreachable, $"{shown}: exit {code}\n{error}");
            Assert.False(error.Contains("   at ") || output.Contains("   at ") || error.Contains("Exception"), $"{shown}: a trace\n{error}");
            if (code is ExitCodes.BadInput or ExitCodes.Unreachable)
                Assert.True(error.Trim().Split('\n') is [var line] && line.StartsWith("error: "), $"{shown}: not one line\n{error}");
        }
        log.WriteLine("exit codes: " + string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => $"{o.Key}×{o.Value}")));
        Assert.True(outcomes.GetValueOrDefault(ExitCodes.Ok) > 0 && outcomes.GetValueOrDefault(ExitCodes.BadInput) > 0);
    }

    static string[] Mutate(string[] valid, Random random)
    {
        var args = valid.ToList();
        for (int n = random.Next(10) < 7 ? 1 : 2; n > 0; n--)
        {
            int at = random.Next(1, args.Count); // the verb stays: a mutated 'run' or 'demo' would start a worker
            switch (random.Next(4))
            {
                case 0: args.RemoveAt(at); break;
                case 1: args.Insert(at, args[at]); break;
                case 2: (args[at], args[^1]) = (args[^1], args[at]); break;
                default: args[at] = Hostile[random.Next(Hostile.Length)]; break;
            }
            if (args.Count < 2) args.Add(Hostile[random.Next(Hostile.Length)]);
        }
        return [.. args];
    }

    static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            var code = await XaiVisionCli.InvokeAsync(args, CancellationToken.None);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(stdout);
            Console.SetError(stderr);
        }
    }
}
