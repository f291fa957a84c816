namespace XaiVision.Worker.Tests.Deploy;

/// <summary>Each check catches the mistake it is there for: the chart broken on purpose, one way at a time.</summary>
public class BrokenChartTests
{
    /// <summary>A copy of the chart with <paramref name="template"/>'s <paramref name="from"/> replaced by <paramref name="to"/>.</summary>
    static string Broken(string template, string from, string to)
    {
        var copy = Directory.CreateTempSubdirectory("xaivision-chart-").FullName;
        foreach (var file in Directory.EnumerateFiles(ChartTools.Chart, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(copy, Path.GetRelativePath(ChartTools.Chart, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
        var path = Path.Combine(copy, "templates", template);
        var text = File.ReadAllText(path);
        Assert.Contains(from, text);
        File.WriteAllText(path, text.Replace(from, to));
        return copy;
    }

    static List<string> Problems(string chart, string values)
    {
        var rendered = ChartTools.Template(ChartTools.ValuesFile(values), chart);
        Assert.True(rendered.ExitCode == 0, rendered.Error);
        return ChartChecks.Problems(ChartTools.Objects(rendered.Output));
    }

    [Fact]
    public void A_wrong_queue_name_in_the_scaled_object_is_caught()
    {
        var chart = Broken("keda.yaml", "\"name\" \"audit-shard\"", "\"name\" \"audit-shards\"");
        var problems = Problems(chart, "keda: { enabled: true }\nworker: { endpointPrefix: team-a }");
        Assert.Contains(problems, p => p.Contains("KEDA watches queue 'team-a-audit-shards', which the worker does not consume"));
        Assert.Contains(problems, p => p.Contains("KEDA does not watch queue 'team-a-audit-shard'"));
    }

    [Fact]
    public void A_missing_probe_port_is_caught()
    {
        var chart = Broken("deployment.yaml", "            - name: health\n              containerPort: {{ .Values.telemetry.healthPort }}\n", "");
        var problems = Problems(chart, "{}");
        Assert.Contains(problems, p => p.Contains("livenessProbe asks port 'health', which is not the health port"));
    }

    [Fact]
    public void A_number_rendered_as_a_float_is_caught()
    {
        var chart = Broken("configmap.yaml", "{{ .Values.worker.maxImagesPerJob | int64 | quote }}", "{{ .Values.worker.maxImagesPerJob | quote }}");
        var problems = Problems(chart, "{}");
        Assert.Contains(problems, p => p.Contains("does not bind to WorkerOptions") && p.Contains("1e+06"));
    }

    [Fact]
    public void A_gpu_pod_without_the_toleration_is_caught()
    {
        var problems = Problems(ChartTools.Chart, "gpu: { enabled: true, tolerations: [] }");
        Assert.Contains(problems, p => p.Contains("does not tolerate the nvidia.com/gpu taint"));
    }

    [Theory]
    [InlineData("keda: { minReplicas: zero }", "minReplicas")]
    [InlineData("worker: { batchSzie: 4 }", "batchSzie")]
    [InlineData("gpu: { enabled: \"yes\" }", "enabled")]
    public void A_value_of_the_wrong_type_or_an_unknown_key_fails_lint(string values, string named)
    {
        var lint = ChartTools.Lint(ChartTools.ValuesFile(values));
        Assert.NotEqual(0, lint.ExitCode);
        Assert.Contains(named, lint.All);
    }

    [Fact]
    public void An_invalid_object_fails_schema_validation()
    {
        var chart = Broken("keda.yaml", "minReplicaCount: {{ .Values.keda.minReplicas }}", "minReplicaCount: \"{{ .Values.keda.minReplicas }}\"");
        var rendered = ChartTools.Template(ChartTools.ValuesFile("keda: { enabled: true }"), chart);
        var schemas = ChartTools.ValidateObjects(rendered.Output);
        Assert.NotEqual(0, schemas.ExitCode);
        Assert.Contains("minReplicaCount must be integer", schemas.All);
    }

    [Fact]
    public void The_values_schema_and_chart_readme_are_generated_from_the_param_comments_and_current()
    {
        var generated = Directory.CreateTempSubdirectory("xaivision-schema-").FullName;
        var result = ChartTools.GenerateSchema(generated);
        Assert.True(result.ExitCode == 0, result.All);
        Assert.Equal(File.ReadAllText(Path.Combine(ChartTools.Chart, "values.schema.json")), File.ReadAllText(Path.Combine(generated, "values.schema.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(ChartTools.Chart, "README.md")), File.ReadAllText(Path.Combine(generated, "README.md")));
    }
}
