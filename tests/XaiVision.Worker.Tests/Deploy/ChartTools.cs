using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace XaiVision.Worker.Tests.Deploy;

/// <summary>
/// The real deployment tools, as installed by scripts/tools.sh (which the test script runs): helm and kubectl from
/// .tools/k8s, the Kubernetes/KEDA schemas and the readme generator from .tools/chart-check. Missing tools fail with the
/// command that installs them.
/// </summary>
public static class ChartTools
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public string All => Output + Error;
    }

    public static string Root { get; } = Shape.SourceTree.Root;
    public static string Chart { get; } = Path.Combine(Root, "deploy", "helm", "xaivision");

    static string Helm => Tool("XAIVISION_HELM", Path.Combine(Root, ".tools", "k8s", "helm"));
    static string NodeModules => Tool("XAIVISION_CHART_CHECK", Path.Combine(Root, ".tools", "chart-check", "node_modules"));

    static string Tool(string variable, string fallback)
    {
        var path = Environment.GetEnvironmentVariable(variable) is { Length: > 0 } set ? set : fallback;
        return File.Exists(path) || Directory.Exists(path) ? path
            : throw new InvalidOperationException($"{path} is missing: run scripts/tools.sh (scripts/test.sh does) to install the deployment tools.");
    }

    public static Result Run(string file, IEnumerable<string> args, string? stdin = null)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = stdin is not null };
        foreach (var a in args) start.ArgumentList.Add(a);
        start.Environment["NODE_PATH"] = NodeModules;
        start.Environment["HELM_CACHE_HOME"] = Path.Combine(Path.GetTempPath(), "xaivision-helm-cache");
        start.Environment["HELM_CONFIG_HOME"] = Path.Combine(Path.GetTempPath(), "xaivision-helm-config");
        using var process = Process.Start(start)!;
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2))) process.Kill(entireProcessTree: true);
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>A values file for one case of the matrix, in a temp folder.</summary>
    public static string ValuesFile(string yaml)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("xaivision-values-").FullName, "values.yaml");
        File.WriteAllText(file, yaml);
        return file;
    }

    public static Result Lint(string values, string? chart = null) => Run(Helm, ["lint", "--strict", chart ?? Chart, "-f", values]);

    public static Result Template(string values, string? chart = null) => Run(Helm, ["template", "audit", chart ?? Chart, "-f", values]);

    /// <summary>Every rendered object against its OpenAPI schema (tools/chart/validate-objects.js).</summary>
    public static Result ValidateObjects(string rendered)
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("xaivision-rendered-").FullName, "rendered.yaml");
        File.WriteAllText(file, rendered);
        return Run("node", [Path.Combine(Root, "tools", "chart", "validate-objects.js"), file]);
    }

    /// <summary>Regenerates values.schema.json and the chart README into <paramref name="outDirectory"/>.</summary>
    public static Result GenerateSchema(string outDirectory) => Run("node", [Path.Combine(Root, "tools", "chart", "values-schema.js"), Chart, outDirectory]);

    /// <summary>The rendered documents as JSON objects.</summary>
    public static List<JsonObject> Objects(string rendered)
    {
        var parser = new Parser(new StringReader(rendered));
        var deserializer = new DeserializerBuilder().WithAttemptingUnquotedStringTypeDeserialization().Build();
        parser.Consume<StreamStart>();
        var objects = new List<JsonObject>();
        while (parser.Accept<DocumentStart>(out _))
        {
            var document = deserializer.Deserialize<object?>(parser);
            if (document is not null) objects.Add(JsonNode.Parse(JsonSerializer.Serialize(XaiVision.Worker.Jobs.JobSpecReader.ToJsonable(document)))!.AsObject());
        }
        return objects;
    }
}
