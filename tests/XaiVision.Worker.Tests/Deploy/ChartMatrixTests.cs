using System.Text.Json.Nodes;
using Xunit.Abstractions;

namespace XaiVision.Worker.Tests.Deploy;

/// <summary>
/// The chart under the real tools, case by case: <c>helm lint --strict</c> (values.schema.json enforced), <c>helm template</c>,
/// every object against its Kubernetes/KEDA schema, and <see cref="ChartChecks"/> — then what each case is for.
/// </summary>
public class ChartMatrixTests(ITestOutputHelper log)
{
    public static TheoryData<string> Cases => new(Matrix.Keys);

    static readonly Dictionary<string, (string Values, Action<List<JsonObject>> Expect)> Matrix = new()
    {
        ["defaults"] = ("{}", objects =>
        {
            Assert.Equal(["ConfigMap", "Deployment", "PodDisruptionBudget", "Service"], objects.Select(o => (string)o["kind"]!).Order());
            Assert.Equal(1, (int)Kind(objects, "Deployment")["spec"]!["replicas"]!);
        }),
        ["keda scale to zero"] = ("keda: { enabled: true }", objects =>
        {
            Assert.Equal(0, (int)Kind(objects, "ScaledObject")["spec"]!["minReplicaCount"]!);
            Assert.Null(Kind(objects, "Deployment")["spec"]!["replicas"]);
        }),
        ["keda with a floor"] = ("keda: { enabled: true, minReplicas: 2, maxReplicas: 20, queueLength: 4 }", objects =>
        {
            var spec = Kind(objects, "ScaledObject")["spec"]!;
            Assert.Equal(2, (int)spec["minReplicaCount"]!);
            Assert.Equal(20, (int)spec["maxReplicaCount"]!);
            Assert.Contains(spec["triggers"]!.AsArray(), t => (string?)t!["metadata"]!["value"] == "4");
        }),
        ["gpu"] = ("gpu: { enabled: true, count: 2, nodeSelector: { pool: gpu } }\nimage: { repository: xaivision-worker-gpu }", objects =>
        {
            var pod = Kind(objects, "Deployment")["spec"]!["template"]!["spec"]!;
            Assert.Equal(2, (int)pod["containers"]![0]!["resources"]!["limits"]!["nvidia.com/gpu"]!);
            Assert.Equal("gpu", (string?)pod["nodeSelector"]!["pool"]);
            Assert.Equal("cuda", (string?)Kind(objects, "ConfigMap")["data"]!["Worker__Device"]);
        }),
        ["regression cronjob"] = ("regressionAudit: { enabled: true, schedule: \"30 2 * * 1-5\" }", objects =>
        {
            Assert.Equal("30 2 * * 1-5", (string?)Kind(objects, "CronJob")["spec"]!["schedule"]);
        }),
        ["existing secret"] = ("secrets: { existingSecret: team-a-connections, rabbitMqUriKey: amqp }\nkeda: { enabled: true }\nregressionAudit: { enabled: true }", objects =>
        {
            var text = string.Join("\n", objects.Select(o => o.ToJsonString()));
            // The worker's two references, the CronJob's two and KEDA's one.
            Assert.Equal(5, System.Text.RegularExpressions.Regex.Matches(text, "\"name\":\"team-a-connections\"").Count);
            Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(text, "\"key\":\"amqp\"").Count);
            Assert.DoesNotContain("xaivision-connections", text);
        }),
        ["endpoint prefix"] = ("worker: { endpointPrefix: team-a }\nkeda: { enabled: true }", objects =>
        {
            var queues = Kind(objects, "ScaledObject")["spec"]!["triggers"]!.AsArray().Select(t => (string?)t!["metadata"]!["queueName"]).Order();
            Assert.Equal(["team-a-audit-shard", "team-a-submit-audit-job"], queues);
        }),
        ["resource overrides"] = ("resources: { requests: { cpu: \"500m\", memory: 1Gi }, limits: { cpu: \"4\", memory: 16Gi } }", objects =>
        {
            var resources = Kind(objects, "Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["resources"]!;
            Assert.Equal("500m", (string?)resources["requests"]!["cpu"]);
            Assert.Equal("16Gi", (string?)resources["limits"]!["memory"]);
        }),
    };

    static JsonObject Kind(List<JsonObject> objects, string kind) => Assert.Single(objects, o => (string?)o["kind"] == kind);

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_chart_lints_renders_validates_and_holds_together(string name)
    {
        var (values, expect) = Matrix[name];
        var file = ChartTools.ValuesFile(values);
        var lint = ChartTools.Lint(file);
        log.WriteLine(lint.All);
        Assert.True(lint.ExitCode == 0, lint.All);
        var rendered = ChartTools.Template(file);
        Assert.True(rendered.ExitCode == 0, rendered.Error);
        var schemas = ChartTools.ValidateObjects(rendered.Output);
        log.WriteLine(schemas.All);
        Assert.True(schemas.ExitCode == 0, schemas.All);
        var objects = ChartTools.Objects(rendered.Output);
        Assert.Empty(ChartChecks.Problems(objects));
        expect(objects);
    }
}
