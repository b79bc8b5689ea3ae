using Solidb.Cmd.Cli;
using Solidb.Cmd.Output;

// Ctrl-C cancels the command (cluster tail then exits 0) instead of killing the process mid-write.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

CmdJsonContext.Install();
return await CmdApp.RunAsync(args, Console.Out, Console.Error, !Console.IsOutputRedirected, Environment.GetEnvironmentVariable, cancellation.Token);
