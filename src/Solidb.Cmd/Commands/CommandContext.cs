using Solidb.Cmd.Cli;
using Solidb.Cmd.Output;

namespace Solidb.Cmd.Commands;

/// <summary>What a command runs with: its arguments, the global options, where to print, and the session to the nodes.</summary>
public sealed class CommandContext(
    ParsedCommandLine line, GlobalOptions globals, ConsoleOutput output, TextWriter error, Func<string, string?> env, CancellationToken cancellation)
    : IDisposable
{
    private NodeSession? _session;

    public ParsedCommandLine Line { get; } = line;

    public GlobalOptions Globals { get; } = globals;

    public ConsoleOutput Out { get; } = output;

    public TextWriter Error { get; } = error;

    public Func<string, string?> Env { get; } = env;

    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>The nodes' HTTP clients, made on first use (a command that needs none, such as <c>hlc parse</c>, makes none).</summary>
    public NodeSession Session => _session ??= new NodeSession(Globals);

    /// <summary>The positional argument at <paramref name="index"/>, or null when not given.</summary>
    public string? Argument(int index) => index < Line.Arguments.Count ? Line.Arguments[index] : null;

    public void Warn(string message) => Error.WriteLine("solidb-cmd: warning: " + message);

    public void Dispose() => _session?.Dispose();
}
