using XaiVision.ScaleRun;

return await ScaleRun.MainAsync(args);
