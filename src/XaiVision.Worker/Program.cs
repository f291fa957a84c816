using XaiVision.Worker.Cli;

// XaiVision: explain verbs today; the hosted worker joins as `run`.
return XaiVisionCli.Build().Parse(args).Invoke();
