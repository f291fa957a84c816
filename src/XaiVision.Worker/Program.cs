using XaiVision.Worker.Cli;

// XaiVision: demo | run | submit | status | explain | train-demo — one file per verb under Cli/.
return await XaiVisionCli.Build().Parse(args).InvokeAsync();
