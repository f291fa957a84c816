using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using XaiVision.Worker.Configuration;
using XaiVision.Worker.Consumers;
using XaiVision.Worker.Hosting;
using XaiVision.Worker.Jobs;

namespace XaiVision.Worker.Tests.Deploy;

/// <summary>
/// What a user would otherwise find in production, checked on a rendered chart against the worker's own code: the queues
/// KEDA watches are the ones the worker consumes, the ConfigMap binds to the worker's options and passes their validation,
/// probes reach the health endpoint, secrets stay references, the CronJob runs the same image and a valid job spec and
/// fails its Job on failed gates, GPU pods tolerate GPU taints and run on cuda, and the PDB never blocks anything.
/// </summary>
public static class ChartChecks
{
    public static List<string> Problems(IReadOnlyList<JsonObject> objects)
    {
        var problems = new List<string>();
        JsonObject? One(string kind, string? suffix = null) =>
            objects.SingleOrDefault(o => (string?)o["kind"] == kind && (suffix is null || ((string?)o["metadata"]?["name"])!.EndsWith(suffix)));
        var configMap = One("ConfigMap", "-xaivision");
        var deployment = One("Deployment");
        if (configMap is null || deployment is null) return ["no worker ConfigMap or Deployment rendered"];
        var settings = configMap["data"]!.AsObject().ToDictionary(kv => kv.Key.Replace("__", ":"), kv => (string?)kv.Value);
        var worker = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();

        problems.AddRange(Options(settings));
        problems.AddRange(Queues(One("ScaledObject"), settings.GetValueOrDefault("Transport:EndpointPrefix")));
        problems.AddRange(Probes(worker, settings.GetValueOrDefault("Telemetry:HealthPort")));
        var portNames = worker["ports"]?.AsArray().Select(p => (string?)p!["name"]).ToHashSet() ?? [];
        if (One("Service") is { } service)
            foreach (var port in service["spec"]!["ports"]!.AsArray().Select(p => p!["targetPort"]!.ToString()).Where(p => !portNames.Contains(p) && !int.TryParse(p, out _)))
                problems.Add($"the Service targets port '{port}', which the worker container does not name");
        problems.AddRange(Secrets(objects, worker, One("TriggerAuthentication")));
        if (One("CronJob") is { } cron) problems.AddRange(CronJob(cron, worker, One("ConfigMap", "-regression-spec")));
        problems.AddRange(Gpu(deployment, worker, settings.GetValueOrDefault("Worker:Device")));
        if (One("PodDisruptionBudget") is { } pdb && pdb["spec"]!["minAvailable"] is not null)
            problems.Add("the PodDisruptionBudget sets minAvailable: with one replica (or KEDA at zero) it blocks every node drain; use maxUnavailable");
        if (One("ScaledObject") is not null && deployment["spec"]!["replicas"] is not null)
            problems.Add("the Deployment sets replicas while KEDA scales it: every upgrade would reset the replica count");
        return problems;
    }

    /// <summary>The ConfigMap as the worker reads it: bound to every options class and validated as at start-up.</summary>
    static IEnumerable<string> Options(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Transport:RabbitMqUri"] = "amqp://guest:guest@rabbitmq:5672/", ["Storage:ConnectionString"] = "UseDevelopmentStorage=true" })
            .Build();
        using var provider = new ServiceCollection().AddXaiVisionOptions(configuration).BuildServiceProvider();
        var problems = new List<string>();
        void Bind<T>() where T : class
        {
            try
            {
                _ = provider.GetRequiredService<IOptions<T>>().Value;
            }
            catch (Exception e) when (e is OptionsValidationException or InvalidOperationException)
            {
                problems.Add($"the ConfigMap does not bind to {typeof(T).Name}: {e.Message}");
            }
        }
        Bind<WorkerOptions>();
        Bind<StorageOptions>();
        Bind<TransportOptions>();
        Bind<JobsOptions>();
        Bind<ModelsOptions>();
        Bind<TelemetryOptions>();
        return problems;
    }

    static IEnumerable<string> Queues(JsonObject? scaledObject, string? prefix)
    {
        if (scaledObject is null) yield break;
        var formatter = JobQueues.Formatter(prefix);
        var consumed = new[] { formatter.Consumer<SubmitAuditJobConsumer>(), formatter.Consumer<AuditShardConsumer>() };
        var watched = scaledObject["spec"]!["triggers"]!.AsArray().Select(t => (string?)t!["metadata"]!["queueName"]).ToList();
        foreach (var queue in watched.Where(q => !consumed.Contains(q)))
            yield return $"KEDA watches queue '{queue}', which the worker does not consume (it consumes {string.Join(", ", consumed)})";
        foreach (var queue in consumed.Where(q => !watched.Contains(q)))
            yield return $"KEDA does not watch queue '{queue}': messages there would not scale the worker up";
    }

    static IEnumerable<string> Probes(JsonObject worker, string? healthPort)
    {
        var ports = worker["ports"]?.AsArray().ToDictionary(p => (string?)p!["name"] ?? "", p => p!["containerPort"]!.ToString()) ?? [];
        foreach (var (probe, path) in new[] { ("livenessProbe", HealthEndpoint.LivePath), ("readinessProbe", HealthEndpoint.ReadyPath), ("startupProbe", HealthEndpoint.LivePath) })
        {
            var get = worker[probe]?["httpGet"];
            if (get is null) { yield return $"no {probe}"; continue; }
            if ((string?)get["path"] != path) yield return $"{probe} asks {(string?)get["path"]}; the worker serves {path}";
            var port = get["port"]!.ToString();
            var number = ports.TryGetValue(port, out var named) ? named : port;
            if (number != healthPort) yield return $"{probe} asks port '{port}', which is not the health port the worker listens on ({healthPort})";
        }
    }

    static IEnumerable<string> Secrets(IReadOnlyList<JsonObject> objects, JsonObject worker, JsonObject? triggerAuthentication)
    {
        if (objects.Any(o => (string?)o["kind"] == "Secret")) yield return "the chart renders a Secret: connection secrets must come from an existing one";
        var text = string.Join("\n", objects.Select(o => o.ToJsonString()));
        foreach (var secret in new[] { "amqp://", "AccountKey=", "SharedAccessSignature=" })
            if (text.Contains(secret, StringComparison.Ordinal)) yield return $"a rendered object holds a secret value ({secret}…)";
        var references = new Dictionary<string, (string? Name, string? Key)>();
        foreach (var name in new[] { "Transport__RabbitMqUri", "Storage__ConnectionString" })
        {
            var variable = worker["env"]?.AsArray().FirstOrDefault(e => (string?)e!["name"] == name);
            var reference = variable?["valueFrom"]?["secretKeyRef"];
            if (reference is null) yield return $"{name} is not read from a Secret";
            else references[name] = ((string?)reference["name"], (string?)reference["key"]);
        }
        if (triggerAuthentication is not null && references.TryGetValue("Transport__RabbitMqUri", out var uri))
        {
            var target = triggerAuthentication["spec"]!["secretTargetRef"]![0]!;
            if ((string?)target["name"] != uri.Name || (string?)target["key"] != uri.Key)
                yield return "KEDA's TriggerAuthentication reads another secret than the worker's broker URI";
        }
    }

    static IEnumerable<string> CronJob(JsonObject cron, JsonObject worker, JsonObject? specMap)
    {
        var job = cron["spec"]!["jobTemplate"]!["spec"]!;
        var pod = job["template"]!["spec"]!;
        var container = pod["containers"]![0]!;
        if ((string?)container["image"] != (string?)worker["image"]) yield return "the CronJob runs another image than the worker";
        if (container["envFrom"]?.ToJsonString() != worker["envFrom"]?.ToJsonString()) yield return "the CronJob reads another ConfigMap than the worker";
        if (container["env"]?.ToJsonString() != worker["env"]?.ToJsonString()) yield return "the CronJob reads other connection secrets than the worker";
        var args = container["args"]!.AsArray().Select(a => (string?)a).ToList();
        if (args.FirstOrDefault() != "submit" || !args.Contains("--wait"))
            yield return "the CronJob does not run 'submit … --wait': its Job would not wait for the gates";
        if ((int?)job["backoffLimit"] != 0 || (string?)pod["restartPolicy"] != "Never")
            yield return "the CronJob retries: a failed gate (exit 3) or job (exit 4) must fail its Job once, not rerun the audit";
        var specFile = args.Skip(1).FirstOrDefault(a => a is not null && !a.StartsWith("--"));
        var spec = (string?)specMap?["data"]?["job.yaml"];
        if (spec is null) { yield return "the regression job spec ConfigMap is missing"; yield break; }
        var mount = container["volumeMounts"]?.AsArray().FirstOrDefault(m => specFile?.StartsWith((string)m!["mountPath"]! + "/") == true);
        if (mount is null) yield return $"the CronJob's spec file {specFile} is on no mounted volume";
        var problems = new List<string>();
        try
        {
            problems.AddRange(JobSpecValidator.Validate(JobSpecReader.ParseYaml(spec, "regressionAudit.jobSpec")).Select(p => $"{p.Path}: {p.Message}"));
        }
        catch (Engine.XaiVisionException e)
        {
            problems.Add(e.Message);
        }
        foreach (var p in problems) yield return $"the regression job spec is invalid: {p}";
    }

    static IEnumerable<string> Gpu(JsonObject deployment, JsonObject worker, string? device)
    {
        var gpus = worker["resources"]?["limits"]?["nvidia.com/gpu"];
        bool cuda = device is not null && (device.StartsWith("cuda") || device == "auto");
        if (gpus is null)
        {
            if (cuda) yield return $"the worker runs on {device} without requesting a GPU";
            yield break;
        }
        if (!cuda) yield return $"the pod requests {gpus} GPU(s) but the worker runs on {device}";
        var tolerations = deployment["spec"]!["template"]!["spec"]!["tolerations"]?.AsArray() ?? [];
        if (!tolerations.Any(t => (string?)t!["key"] == "nvidia.com/gpu"))
            yield return "the pod requests GPUs but does not tolerate the nvidia.com/gpu taint GPU nodes carry";
    }
}
