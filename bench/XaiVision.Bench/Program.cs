using XaiVision.Bench;

// Prints a table: method × model × batch × device → images/s, ms/image, peak RSS;
// with --metrics, the cost of each metric per image for the maps of the first method.
// --torchvision-check DIR: our modules against torchvision's logits (tools/torchvision_reference.py writes DIR).
if (Array.IndexOf(args, "--torchvision-check") is var at and >= 0) return TorchvisionCheck.Run(args[at + 1]);
// --lrp-tutorial DIR: lrp-composite against Montavon et al.'s tutorial code (tools/lrp_tutorial_reference.py writes DIR).
if (Array.IndexOf(args, "--lrp-tutorial") is var tutorial and >= 0) return LrpTutorialCheck.Run(args[tutorial + 1]);
// --quantus-check DIR: every metric against Quantus itself (tools/quantus_reference.py writes DIR; tests/fixtures/quantus holds one).
if (Array.IndexOf(args, "--quantus-check") is var quantus and >= 0) return QuantusCheck.Run(args[quantus + 1]);
// --meta-evaluation: which metrics to trust on the demo and shortcut models (MetaQuantus's criteria).
if (args.Contains("--meta-evaluation")) return MetaEvaluationBench.Run(args);
// --suite: the methods as a suite, against their forward/backward floors, before and after shared passes.
var options = BenchOptions.Parse(args);
if (args.Contains("--suite")) return SuiteBenchmark.Run(options);
return options.Metrics is null ? ExplainerBenchmark.Run(options) : MetricBenchmark.Run(options);
