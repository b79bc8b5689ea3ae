using Solidb.Cmd.Commands;
using Solidb.Cmd.Output;

namespace Solidb.Cmd.Cli;

/// <summary>
/// Runs one command line: parse, run, and turn every failure into its exit code and ONE line on stderr
/// (<c>solidb-cmd: error: ...</c>), never a stack trace.
/// </summary>
public static class CmdApp
{
    /// <param name="stdoutIsTerminal">Tables are drawn by Spectre.Console only on a terminal without <c>NO_COLOR</c>.</param>
    public static async Task<int> RunAsync(
        IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, bool stdoutIsTerminal, Func<string, string?> env, CancellationToken cancellation)
    {
        try
        {
            var line = ArgParser.Parse(args, CommandCatalog.All);
            if (line.Help)
            {
                stdout.Write(HelpText.For(line, CommandCatalog.All));
                return ExitCodes.Ok;
            }

            var globals = GlobalOptions.From(line.Options, env);
            var fancy = stdoutIsTerminal && string.IsNullOrEmpty(env("NO_COLOR"));
            using var ctx = new CommandContext(line, globals, new ConsoleOutput(stdout, fancy, globals.Json), stderr, env, cancellation);
            return await line.Command!.Run(ctx);
        }
        catch (CmdException e)
        {
            return Fail(stderr, e.Code, e.Message);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return Fail(stderr, ExitCodes.CheckFailed, "interrupted");
        }
        catch (Exception e)
        {
            return Fail(stderr, ExitCodes.CheckFailed, $"unexpected {e.GetType().Name}: {e.Message}");
        }
    }

    private static int Fail(TextWriter stderr, int code, string message)
    {
        stderr.WriteLine("solidb-cmd: error: " + message.ReplaceLineEndings(" "));
        return code;
    }
}
