using XaiVision.Bench;

// Prints a table: method × model × batch × device → images/s, ms/image, peak RSS;
// with --metrics, the cost of each metric per image for the maps of the first method.
var options = BenchOptions.Parse(args);
return options.Metrics is null ? ExplainerBenchmark.Run(options) : MetricBenchmark.Run(options);
