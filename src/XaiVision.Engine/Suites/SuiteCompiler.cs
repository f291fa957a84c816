using XaiVision.Engine.Explainers;
using XaiVision.Engine.Metrics;
using XaiVision.Engine.Models;
using XaiVision.Engine.Perturbations;

namespace XaiVision.Engine.Suites;

/// <summary>A problem with one entry of a suite, by the path the user wrote it under (<c>suite.explainers[1]</c>, <c>--methods</c>).</summary>
public sealed record SuiteProblem(string Path, string Message);

/// <summary>What a suite's method strings compile to.</summary>
public sealed record CompiledSuite(IReadOnlyList<IExplainer> Explainers, IReadOnlyList<IPerturbation> Perturbations, IReadOnlyList<IMetric> Metrics)
{
    /// <summary>Localisation metrics score maps against ground-truth masks; without masks they compute nothing.</summary>
    public IReadOnlyList<IMetric> MetricsNeedingMasks => Metrics.Where(m => m.Category == MetricCategory.Localisation).ToList();

    public SuiteRun ToSpec(TargetSelection target, long seed, bool layerSweep = false) => new(Explainers, target, seed, Perturbations, Metrics) { LayerSweep = layerSweep };
}

/// <summary>
/// Turns a suite's method, perturbation and metric strings into engine objects — the one place this happens, so the
/// validator, a shard and the CLI accept exactly the same suites. Collects every problem: unknown names and parameters,
/// duplicates (their outputs would collide), and CAM layers the architecture does not have as feature maps.
/// </summary>
public static class SuiteCompiler
{
    /// <summary>Where the user wrote each part: a job spec's field paths or the CLI's flags.</summary>
    public sealed record Paths(string Explainers, string Perturbations, string Metrics, string Targets)
    {
        public static readonly Paths JobSpec = new("suite.explainers", "suite.perturbations", "suite.metrics", "targets");
        public static readonly Paths Cli = new("--methods", "--perturb", "--metrics", "--target");
    }

    public static (CompiledSuite? Suite, IReadOnlyList<SuiteProblem> Problems) Compile(IReadOnlyList<string> explainers, IReadOnlyList<string> perturbations,
        IReadOnlyList<string> metrics, Paths paths, Architecture? architecture = null, string? defaultLayer = null)
    {
        var problems = new List<SuiteProblem>();
        if (explainers.Count == 0) problems.Add(new(paths.Explainers, "at least one explainer is needed."));
        var compiledExplainers = CompileList(explainers, paths.Explainers, problems, "method",
            s => ExplainerCatalog.Create(MethodSpec.Parse(s).WithDefaultLayer(defaultLayer)), e => e.Name);
        var compiledPerturbations = CompileList(perturbations, paths.Perturbations, problems, "perturbation", s => PerturbationCatalog.Create(MethodSpec.Parse(s)), p => p.Name);
        var compiledMetrics = CompileList(metrics, paths.Metrics, problems, "metric", s => MetricCatalog.Create(MethodSpec.Parse(s)), m => m.Name);
        if (architecture is not null)
        {
            var featureMaps = FeatureMapLayers.Of(architecture);
            for (int i = 0; i < compiledExplainers.Count; i++)
                if (LrpRefusal(compiledExplainers[i], architecture) is { } refusal)
                    problems.Add(new($"{paths.Explainers}[{i}]", refusal));
                else if (compiledExplainers[i] is Lrp.Concepts.CrpExplainer { LayerName: { } conditioned } && !AllLayers(architecture).Contains(conditioned))
                    problems.Add(new($"{paths.Explainers}[{i}]", $"'{architecture.Name}' has no layer '{conditioned}' to condition relevance on."));
                else
                    foreach (var layer in NamedLayers(compiledExplainers[i]).Where(l => !featureMaps.Contains(l)))
                        problems.Add(new($"{paths.Explainers}[{i}]", FeatureMapLayers.Problem(architecture, featureMaps, AllLayers(architecture), layer)!));
            for (int i = 0; i < compiledMetrics.Count; i++)
                if (compiledMetrics[i].Refusal(architecture) is { } refusal)
                    problems.Add(new($"{paths.Metrics}[{i}]", refusal));
        }
        return problems.Count > 0 ? (null, problems) : (new CompiledSuite(compiledExplainers, compiledPerturbations, compiledMetrics), problems);
    }

    static string? LrpRefusal(IExplainer explainer, Architecture architecture) => explainer switch
    {
        Lrp.LrpExplainer lrp => lrp.Refusal(architecture),
        Lrp.Concepts.CrpExplainer crp => crp.Refusal(architecture),
        _ => null,
    };

    /// <summary>The layers a method string names (a CAM's <c>layer</c>, a fused CAM's <c>layers</c>).</summary>
    static IEnumerable<string> NamedLayers(IExplainer explainer) => explainer switch
    {
        CamExplainer { LayerName: { } layer } => [layer],
        FusedCam fused => fused.Layers.Select(m => m.LayerName).OfType<string>(),
        AugmentedCam augmented => NamedLayers(augmented.Inner),
        _ => [],
    };

    /// <summary><see cref="Compile"/>, failing with every problem in one message.</summary>
    public static CompiledSuite CompileOrThrow(IReadOnlyList<string> explainers, IReadOnlyList<string> perturbations, IReadOnlyList<string> metrics,
        Paths paths, Architecture? architecture = null, string? defaultLayer = null)
    {
        var (suite, problems) = Compile(explainers, perturbations, metrics, paths, architecture, defaultLayer);
        return suite ?? throw new XaiVisionException(string.Join(" ", problems.Select(p => $"{p.Path}: {p.Message}")));
    }

    /// <summary>Splits a CLI comma list (commas inside parentheses kept) into the strings <see cref="Compile"/> takes.</summary>
    public static IReadOnlyList<string> Split(string? text) =>
        string.IsNullOrWhiteSpace(text) ? [] : MethodSpec.ParseList(text).Select(s => s.Text).ToList();

    static List<T> CompileList<T>(IReadOnlyList<string> texts, string path, List<SuiteProblem> problems, string kind, Func<string, T> create, Func<T, string> name)
    {
        var result = new List<T>();
        var seen = new Dictionary<string, int>();
        for (int i = 0; i < texts.Count; i++)
        {
            try
            {
                var item = create(texts[i]);
                if (seen.TryGetValue(name(item), out var first))
                    problems.Add(new($"{path}[{i}]", $"{kind} '{name(item)}' is given twice (also {path}[{first}]); their outputs would collide."));
                else
                    seen[name(item)] = i;
                result.Add(item);
            }
            catch (XaiVisionException e)
            {
                problems.Add(new($"{path}[{i}]", e.Message));
            }
        }
        return result;
    }

    static IEnumerable<string> AllLayers(Architecture architecture)
    {
        if (architecture == ArchitectureRegistry.TorchScript) return [];
        using var network = architecture.Create(2);
        return network.named_modules().Select(m => m.name).Where(n => n.Length > 0).ToList();
    }
}
