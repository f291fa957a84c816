using XaiVision.LoadRun;

// Sustained load through the real services: generated demo images in Azurite, worker processes on RabbitMQ;
// prints throughput, each worker's RSS and live tensors over time, and checks every image is in the report.
return await LoadRun.RunAsync(LoadRunOptions.Parse(args));
