using XaiVision.Contracts;
using XaiVision.Engine;
using XaiVision.Engine.Explainers;
using XaiVision.Engine.Imaging;
using XaiVision.Engine.MetaEvaluation;
using XaiVision.Engine.Models;
using XaiVision.Engine.Models.Weights;
using XaiVision.Engine.Reports;
using XaiVision.Engine.Strategies;
using XaiVision.Engine.Suites;

namespace XaiVision.Worker.Jobs;

/// <summary>A job spec turned into what runs it: the suite for its targets and seed, and what its report says about it.</summary>
public sealed record CompiledJob(CompiledSuite Suite, SuiteRun Run, ReportRequest Report);

/// <summary>
/// The one place a job spec becomes engine objects — for the validator (which collects the problems), a shard (which runs
/// them) and <c>explain</c> (whose flags are a job spec too): one preprocessing rule, one suite compiler, one target parser.
/// </summary>
public static class JobCompiler
{
    public static (CompiledJob? Job, IReadOnlyList<ValidationProblem> Problems) Compile(AuditJobSpec spec, Architecture? architecture,
        SuiteCompiler.Paths? paths = null, string? defaultLayer = null)
    {
        paths ??= SuiteCompiler.Paths.JobSpec;
        var problems = new List<ValidationProblem>();
        TargetSelection? targets = null;
        try
        {
            targets = TargetSelection.Parse(spec.Targets);
            if (targets.Mode == TargetMode.Contrast && OutputHeads.TryParse(spec.Model.Head) == OutputHead.Sigmoid)
                throw new XaiVisionException(ExplainableModel.ContrastNeedsSoftmax);
        }
        catch (XaiVisionException e)
        {
            problems.Add(new ValidationProblem(paths.Targets, e.Message));
        }
        var (suite, suiteProblems) = SuiteCompiler.Compile(spec.Suite.Explainers, spec.Suite.Perturbations, spec.Suite.Metrics, paths, architecture, defaultLayer);
        problems.AddRange(suiteProblems.Select(p => new ValidationProblem(p.Path, p.Message)));
        var (strategies, meta) = Analysis(spec.Analysis, problems);
        if (suite is null || targets is null || problems.Count > 0) return (null, problems);
        var report = new ReportRequest(Describe(spec.Model, suite.Explainers), spec.Targets, spec.Suite.Seed,
            spec.Gates.Select(g => new GateRule(g.Metric, g.Method, g.Min, g.Max)).ToList(), suite.Metrics, strategies, meta);
        return (new CompiledJob(suite, suite.ToSpec(targets, spec.Suite.Seed, spec.Suite.LayerSweep), report), problems);
    }

    /// <summary><see cref="Compile"/>, failing with every problem in one message.</summary>
    public static CompiledJob CompileOrThrow(AuditJobSpec spec, Architecture? architecture, SuiteCompiler.Paths? paths = null, string? defaultLayer = null)
    {
        var (job, problems) = Compile(spec, architecture, paths, defaultLayer);
        return job ?? throw new XaiVisionException(string.Join(" ", problems.Select(p => $"{p.Path}: {p.Message}")));
    }

    /// <summary>
    /// How a model source's images become input: nothing given → the architecture's own (recognised from the weights when not
    /// named); otherwise the given size (else the architecture's), resized by <see cref="Preprocessing.DefaultResize"/> unless given.
    /// </summary>
    public static Preprocessing? PreprocessingFor(ModelSource source)
    {
        if (source.InputSize is null && source.ResizeTo is null && source.Mean is null && source.Std is null) return null;
        int size = source.InputSize ?? ArchitectureRegistry.GetOrRecognise(source.Architecture)?.DefaultInputSize ?? 224;
        return new Preprocessing(size, source.ResizeTo ?? Preprocessing.DefaultResize(size),
            source.Mean?.ToArray() ?? Preprocessing.ImageNetMean, source.Std?.ToArray() ?? Preprocessing.ImageNetStd);
    }

    /// <summary>What to load for a model source whose files are at <paramref name="weightsPath"/> and <paramref name="labelsPath"/>.</summary>
    public static ModelSpec ModelSpecFor(ModelSource source, string? weightsPath, string? labelsPath, bool allowTorchScript, int maxSide = 1024) =>
        new(source.Architecture, weightsPath, labelsPath, Preprocessing: PreprocessingFor(source), Precision: ModelPrecisions.Parse(source.Precision),
            Weights: new WeightOptions(source.WeightsKey, source.StripPrefix, source.AllowExtraKeys), AllowTorchScript: allowTorchScript,
            Preprocess: PreprocessModes.Parse(source.Preprocess), ClassScore: ClassScorePoolings.Parse(source.ClassScore), MaxSide: maxSide,
            Head: OutputHeads.Parse(source.Head));

    /// <summary>
    /// The spec's <c>analysis</c> entries: null = strategies with defaults; <c>strategies(…)</c> and <c>meta-evaluation(…)</c> each
    /// parsed, their mistakes collected.
    /// </summary>
    static (StrategyOptions? Strategies, MetaEvaluationOptions? Meta) Analysis(IReadOnlyList<string>? analysis, List<ValidationProblem> problems)
    {
        if (analysis is null) return (new StrategyOptions(), null);
        StrategyOptions? strategies = null;
        MetaEvaluationOptions? meta = null;
        for (int i = 0; i < analysis.Count; i++)
        {
            try
            {
                if (analysis[i].TrimStart().StartsWith(MetaEvaluationOptions.Name, StringComparison.Ordinal)) meta = MetaEvaluationOptions.Parse(analysis[i]);
                else strategies = StrategyOptions.Parse(analysis[i]);
            }
            catch (XaiVisionException e)
            {
                problems.Add(new ValidationProblem($"analysis[{i}]", e.Message));
            }
        }
        return (strategies, meta);
    }

    /// <summary>The report's model line; with bf16, which methods ran in float32 (<see cref="ReducedPrecision.Notice"/>).</summary>
    static string Describe(ModelSource model, IEnumerable<IExplainer> explainers) => model.Architecture + (model.Weights is null ? "" : $" ({model.Weights})")
        + (OutputHeads.TryParse(model.Head) == OutputHead.Sigmoid ? ", multi-label (sigmoid head)" : "")
        + (ModelPrecisions.TryParse(model.Precision) is { } precision && ReducedPrecision.Notice(precision, explainers) is { } notice ? $"; {notice}" : "");
}
