using XaiVision.LoadRun;

// Sustained load through the real services: generated demo images in Azurite, worker processes on RabbitMQ;
// prints throughput, each worker's RSS and live tensors over time, and checks every image is in the report.
// --write-images DIR: the same generated images as files, for `xaivision explain` on the same inputs (the engine's own speed).
if (Array.IndexOf(args, "--write-images") is var at and >= 0 && at + 1 < args.Length) return LoadRun.WriteImages(args[at + 1], LoadRunOptions.Parse(args).Images);
return await LoadRun.RunAsync(LoadRunOptions.Parse(args));
