using SoftShort.Cli;

return SoftShortApp.Run(args);
