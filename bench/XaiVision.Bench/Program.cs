using XaiVision.Bench;

// Prints a table: method × model × batch × device → images/s, ms/image, peak RSS.
return ExplainerBenchmark.Run(BenchOptions.Parse(args));
