using System.Text.Json.Nodes;

namespace XaiVision.Worker.Tests.Containers;

/// <summary>
/// One container of a pod spec that helm rendered, run under Docker with exactly its settings, as a kubelet would: image and
/// args, env from the ConfigMap and the Secret references, the pod's user and fsGroup, the container's security context (read-only
/// root, no privilege escalation, capabilities dropped), the memory limit, emptyDir volumes (empty 0777 directories) and ConfigMap volumes
/// (read-only files). What <c>helm lint</c> cannot see — a ConfigMap value the worker refuses, a probe on the wrong port, a
/// read-only path it writes to — shows here.
/// </summary>
public sealed class PodRun(JsonObject pod, JsonObject container, IReadOnlyList<JsonObject> objects, IReadOnlyDictionary<string, string> secrets)
{
    public string Image => (string)container["image"]!;

    /// <summary>A probe's path and port number (a named port resolved through the container's ports).</summary>
    public (string Path, int Port) Probe(string probe)
    {
        var get = container[probe]?["httpGet"] ?? throw new InvalidOperationException($"the container has no {probe} with httpGet");
        var port = get["port"]!;
        return ((string)get["path"]!, port.GetValueKind() == System.Text.Json.JsonValueKind.Number ? (int)port
            : (int)container["ports"]!.AsArray().Single(p => (string?)p!["name"] == (string)port!)!["containerPort"]!);
    }

    public int? TerminationGraceSeconds => (int?)pod["terminationGracePeriodSeconds"];

    /// <summary><c>docker run</c> options (before the image); ConfigMap volumes are written under <paramref name="files"/>.</summary>
    public List<string> Options(string network, string files)
    {
        var options = new List<string> { "--network", network };
        var podSecurity = pod["securityContext"];
        if (podSecurity?["runAsUser"] is { } user)
        {
            if ((bool?)podSecurity["runAsNonRoot"] == true && (int)user == 0) throw new InvalidOperationException("runAsNonRoot with runAsUser 0: the kubelet refuses this pod");
            options.AddRange(["--user", $"{(int)user}:{(int?)podSecurity["runAsGroup"] ?? 0}"]); // Kubernetes: no runAsGroup means group 0
        }
        if (podSecurity?["fsGroup"] is { } fsGroup) options.AddRange(["--group-add", ((int)fsGroup).ToString()]);
        var security = container["securityContext"];
        if ((bool?)security?["readOnlyRootFilesystem"] == true) options.Add("--read-only");
        if ((bool?)security?["allowPrivilegeEscalation"] == false) options.AddRange(["--security-opt", "no-new-privileges"]);
        foreach (var cap in security?["capabilities"]?["drop"]?.AsArray() ?? []) options.AddRange(["--cap-drop", (string)cap!]);
        if ((string?)container["resources"]?["limits"]?["memory"] is { } memory) options.AddRange(["--memory", Memory(memory)]);
        foreach (var source in container["envFrom"]?.AsArray() ?? [])
            foreach (var (key, value) in ConfigMap((string)source!["configMapRef"]!["name"]!))
                options.AddRange(["-e", $"{key}={value}"]);
        foreach (var variable in container["env"]?.AsArray() ?? [])
        {
            var name = (string)variable!["name"]!;
            var value = variable["value"] is { } plain ? (string)plain!
                : variable["valueFrom"]?["secretKeyRef"]?["key"] is { } key ? secrets[(string)key!]
                : throw new InvalidOperationException($"env {name}: only value and secretKeyRef are translated");
            options.AddRange(["-e", $"{name}={value}"]);
        }
        var volumes = (pod["volumes"]?.AsArray() ?? []).ToDictionary(v => (string)v!["name"]!, v => v!.AsObject());
        foreach (var mount in container["volumeMounts"]?.AsArray() ?? [])
        {
            var path = (string)mount!["mountPath"]!;
            var volume = volumes[(string)mount["name"]!];
            if (volume.ContainsKey("emptyDir")) options.AddRange(["-v", $"{EmptyDirectory(Path.Combine(files, (string)volume["name"]!))}:{path}"]);
            else if (volume["configMap"] is { } map) options.AddRange(["-v", $"{WriteConfigMap(map.AsObject(), Path.Combine(files, (string)volume["name"]!))}:{path}:ro"]);
            else throw new InvalidOperationException($"volume {volume["name"]}: only emptyDir and configMap are translated");
        }
        return options;
    }

    /// <summary>The container's args after the image (the image's entrypoint stays, as Kubernetes keeps it when only args are set).</summary>
    public IEnumerable<string> Args => (container["args"]?.AsArray() ?? []).Select(a => (string)a!);

    /// <summary>The whole <c>docker run</c> argument list.</summary>
    public List<string> RunArguments(string network, string files, params string[] runOptions) =>
        ["run", .. runOptions, .. Options(network, files), Image, .. Args];

    IEnumerable<(string Key, string Value)> ConfigMap(string name)
    {
        var map = objects.Single(o => (string?)o["kind"] == "ConfigMap" && (string?)o["metadata"]!["name"] == name);
        return map["data"]!.AsObject().Select(p => (p.Key, (string?)p.Value ?? ""));
    }

    /// <summary>
    /// An emptyDir as a kubelet makes one: an empty node directory, mode 0777, bind-mounted. (Docker's --tmpfs over a path the image
    /// has takes that directory's mode, 0755 root, which no pod would see.)
    /// </summary>
    static string EmptyDirectory(string directory)
    {
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, (UnixFileMode)0b111_111_111);
        return directory;
    }

    /// <summary>A ConfigMap volume's items as files readable by any user (a kubelet writes them 0644).</summary>
    string WriteConfigMap(JsonObject volume, string directory)
    {
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        var data = ConfigMap((string)volume["name"]!).ToDictionary(p => p.Key, p => p.Value);
        foreach (var item in volume["items"]?.AsArray() ?? [])
        {
            var file = Path.Combine(directory, (string)item!["path"]!);
            File.WriteAllText(file, data[(string)item["key"]!]);
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
        }
        return directory;
    }

    static string Memory(string quantity) => quantity switch
    {
        _ when quantity.EndsWith("Gi", StringComparison.Ordinal) => quantity[..^2] + "g",
        _ when quantity.EndsWith("Mi", StringComparison.Ordinal) => quantity[..^2] + "m",
        _ => quantity,
    };
}
