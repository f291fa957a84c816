using XaiVision.Worker.Cli;

// XaiVision: demo | run | submit | submit-demo | status | explain | train-demo — one file per verb under Cli/.
using var interrupts = new Interrupts(graceful: args.FirstOrDefault() == "run");
return await XaiVisionCli.InvokeAsync(args, interrupts.Token);
