using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace XaiVision.Worker.Tests.Deploy;

/// <summary>
/// What can be checked without Docker or Helm here: Dockerfile COPY sources exist and the entrypoint runs
/// a real verb; docker-compose is well formed with health-gated start order; the Helm chart's templates
/// are balanced, reference only documented values, and are valid YAML once their actions are stubbed.
/// </summary>
public class DeploymentFilesTests
{
    static readonly string Root = Shape.SourceTree.Root;
    static readonly HashSet<string> Verbs = XaiVision.Worker.Cli.XaiVisionCli.Build().Subcommands.Select(c => c.Name).ToHashSet();

    static string Chart(params string[] parts) => Path.Combine([Root, "deploy", "helm", "xaivision", .. parts]);

    [Theory]
    [InlineData("Dockerfile.cpu")]
    [InlineData("Dockerfile.gpu")]
    public void Dockerfile_copies_what_exists_and_runs_a_real_verb(string file)
    {
        var lines = File.ReadAllLines(Path.Combine(Root, "deploy", "docker", file));
        var copies = lines.Where(l => l.StartsWith("COPY ") && !l.Contains("--from=")).ToList();
        Assert.NotEmpty(copies);
        foreach (var copy in copies)
        {
            var parts = copy.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1];
            foreach (var source in parts) Assert.True(File.Exists(Path.Combine(Root, source)) || Directory.Exists(Path.Combine(Root, source)), $"{file}: COPY source '{source}' does not exist");
        }
        var cmd = lines.Single(l => l.StartsWith("CMD "));
        Assert.Contains(Regex.Match(cmd, "\\[\"([a-z-]+)\"").Groups[1].Value, Verbs);
        Assert.Contains(lines, l => l.StartsWith("USER "));
        Assert.Contains(lines, l => l.StartsWith("ENTRYPOINT "));
        Assert.Contains(lines, l => l.Contains("Worker__ModelCacheDirectory=/cache/models"));
    }

    /// <summary>
    /// The first real image build (issue 29) failed here: the line-length check in Directory.Build.targets reads .editorconfig,
    /// which no COPY brought into the build stage. Every root file the build files name must be copied.
    /// </summary>
    [Theory]
    [InlineData("Dockerfile.cpu")]
    [InlineData("Dockerfile.gpu")]
    public void Dockerfile_copies_every_root_file_the_build_reads(string file)
    {
        var copied = File.ReadAllLines(Path.Combine(Root, "deploy", "docker", file)).Where(l => l.StartsWith("COPY ") && !l.Contains("--from="))
            .SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1..^1]).ToHashSet();
        var read = new[] { "Directory.Build.props", "Directory.Build.targets" }
            .SelectMany(f => Regex.Matches(File.ReadAllText(Path.Combine(Root, f)), @"\$\(MSBuildThisFileDirectory\)([\w.\-]+)").Select(m => m.Groups[1].Value))
            .Where(name => File.Exists(Path.Combine(Root, name))).Distinct().ToList();
        Assert.NotEmpty(read);
        Assert.All(read, name => Assert.True(copied.Contains(name), $"{file} does not copy {name}, which the build reads"));
    }

    /// <summary>
    /// The real GPU image's ENV lacked Storage__Root=/data (the CPU image's), so on its read-only root a worker with the default
    /// file-system store failed to start (found by running it on the CUDA-less stand-in). Where the two images write must agree.
    /// </summary>
    [Fact]
    public void The_cpu_and_gpu_images_write_to_the_same_places()
    {
        static Dictionary<string, string> Env(string file) => Regex.Matches(File.ReadAllText(Path.Combine(Root, "deploy", "docker", file)), @"(\w+__\w+)=(\S+)")
            .ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
        var (cpu, gpu) = (Env("Dockerfile.cpu"), Env("Dockerfile.gpu"));
        foreach (var key in new[] { "Worker__ModelCacheDirectory", "Storage__Root", "Telemetry__HealthPort", "Telemetry__PrometheusPort", "Logging__Format" })
        {
            Assert.True(cpu.ContainsKey(key), $"Dockerfile.cpu sets no {key}");
            Assert.True(gpu.TryGetValue(key, out var value) && value == cpu[key], $"Dockerfile.gpu's {key} is not the CPU image's {cpu[key]}");
        }
    }

    [Fact]
    public void Compose_starts_services_in_order_and_runs_real_verbs()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(Path.Combine(Root, "docker-compose.yml"))));
        var services = (YamlMappingNode)((YamlMappingNode)yaml.Documents[0].RootNode)["services"];
        var names = services.Children.Keys.Select(k => k.ToString()).ToList();
        Assert.Equal(["rabbitmq", "azurite", "worker", "submit-demo"], names);
        foreach (var name in new[] { "rabbitmq", "azurite" }) Assert.True(((YamlMappingNode)services[name]).Children.ContainsKey("healthcheck"), name);
        foreach (var name in new[] { "worker", "submit-demo" })
        {
            var service = (YamlMappingNode)services[name];
            var verb = ((YamlSequenceNode)service["command"]).Children[0].ToString();
            Assert.Contains(verb, Verbs);
            var dependsOn = (YamlMappingNode)service["depends_on"];
            Assert.Equal("service_healthy", ((YamlMappingNode)dependsOn["rabbitmq"])["condition"].ToString());
            Assert.Equal("service_healthy", ((YamlMappingNode)dependsOn["azurite"])["condition"].ToString());
        }
        var dockerfile = ((YamlMappingNode)((YamlMappingNode)services["worker"])["build"])["dockerfile"].ToString();
        Assert.True(File.Exists(Path.Combine(Root, dockerfile)));
    }

    [Fact]
    public void Chart_yaml_is_valid()
    {
        var chart = Load(File.ReadAllText(Chart("Chart.yaml")));
        Assert.Equal("v2", chart["apiVersion"].ToString());
        Assert.Equal("xaivision", chart["name"].ToString());
        Assert.Matches(@"^\d+\.\d+\.\d+$", chart["version"].ToString());
        Assert.False(string.IsNullOrWhiteSpace(chart["appVersion"].ToString()));
    }

    static YamlMappingNode Load(string text)
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(text));
        return (YamlMappingNode)yaml.Documents[0].RootNode;
    }

    static IEnumerable<string> Templates() => Directory.GetFiles(Chart("templates")).Where(f => f.EndsWith(".yaml"));

    [Fact]
    public void Every_value_used_exists_and_every_value_is_documented()
    {
        var valuesText = File.ReadAllText(Chart("values.yaml"));
        var values = Load(valuesText);
        var used = Directory.GetFiles(Chart("templates"))
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"\.Values\.([A-Za-z0-9_.]+)").Select(m => m.Groups[1].Value.TrimEnd('.'))).Distinct().ToList();
        Assert.NotEmpty(used);
        foreach (var path in used)
        {
            YamlNode node = values;
            foreach (var key in path.Split('.'))
            {
                Assert.True(node is YamlMappingNode map && map.Children.ContainsKey(key), $".Values.{path} is not in values.yaml");
                node = ((YamlMappingNode)node)[key];
            }
        }
        var documented = Regex.Matches(valuesText, @"## @param ([A-Za-z0-9_.]+)").Select(m => m.Groups[1].Value).ToHashSet();
        foreach (var path in Leaves(values, "")) Assert.True(documented.Contains(path) || documented.Any(d => path.StartsWith(d + ".")), $"{path} has no ## @param line");
    }

    static IEnumerable<string> Leaves(YamlMappingNode map, string prefix)
    {
        foreach (var (key, value) in map.Children)
        {
            var path = prefix + key;
            if (value is YamlMappingNode child && child.Children.Count > 0) foreach (var leaf in Leaves(child, path + ".")) yield return leaf;
            else yield return path;
        }
    }

    [Fact]
    public void Templates_are_balanced_and_valid_yaml_with_actions_stubbed()
    {
        foreach (var file in Templates())
        {
            var text = File.ReadAllText(file);
            int opens = Regex.Matches(text, @"\{\{-?\s*(if|with|range|define)\b").Count;
            int ends = Regex.Matches(text, @"\{\{-?\s*end\s*-?\}\}").Count;
            Assert.True(opens == ends, $"{Path.GetFileName(file)}: {opens} blocks opened, {ends} closed");
            // drop lines that are only actions (control flow, includes rendered by nindent), stub inline expressions
            var lines = text.Split('\n').Where(l => !Regex.IsMatch(l.Trim(), @"^\{\{.*\}\}$")).Select(l => Regex.Replace(l, @"\{\{[^}]*\}\}", "stub"));
            foreach (var document in string.Join('\n', lines).Split("\n---"))
            {
                var yaml = new YamlStream();
                yaml.Load(new StringReader(document));
                var root = (YamlMappingNode)yaml.Documents[0].RootNode;
                Assert.True(root.Children.ContainsKey("apiVersion") && root.Children.ContainsKey("kind"), Path.GetFileName(file));
            }
        }
    }

    [Fact]
    public void Defaults_are_safe_and_consistent()
    {
        var values = Load(File.ReadAllText(Chart("values.yaml")));
        var valuesText = File.ReadAllText(Chart("values.yaml"));
        Assert.DoesNotMatch(@"(?i)(password|accountkey|amqp://[^\s]*:[^\s]*@)", valuesText.Split('\n').Where(l => !l.TrimStart().StartsWith('#')).Aggregate("", (a, b) => a + b + "\n"));
        Assert.Equal("true", ((YamlMappingNode)values["securityContext"])["readOnlyRootFilesystem"].ToString());
        Assert.Equal("true", ((YamlMappingNode)values["podSecurityContext"])["runAsNonRoot"].ToString());
        var deployment = File.ReadAllText(Chart("templates", "deployment.yaml"));
        Assert.Contains("terminationGracePeriodSeconds: {{ add .Values.worker.shutdownGraceSeconds 30 }}", deployment);
        Assert.Contains("secretKeyRef", File.ReadAllText(Chart("templates", "_helpers.tpl")));
        var keda = File.ReadAllText(Chart("templates", "keda.yaml"));
        Assert.Contains("mode: QueueLength", keda);
        Assert.Contains("type: rabbitmq", keda);
        Assert.Contains("audit-shard", keda); // MassTransit's queue name for AuditShardConsumer
        Assert.Contains("\"name\" \"submit-audit-job\"", keda); // a submission alone scales a worker up from zero
        Assert.Equal(2, keda.Split("type: rabbitmq").Length - 1);
    }
}
