namespace Solidb.Cmd.Cli;

/// <summary>The exit codes of solidb-cmd; docs/cli.md lists them.</summary>
public static class ExitCodes
{
    /// <summary>Done; for a check, it passed.</summary>
    public const int Ok = 0;

    /// <summary>The cluster answered but the check failed (not ready, no leader, a refused admin request).</summary>
    public const int CheckFailed = 1;

    /// <summary>A usage error: bad arguments, options or files.</summary>
    public const int Usage = 2;

    /// <summary>No node could be reached.</summary>
    public const int Unreachable = 3;
}

/// <summary>A failure that ends the command with <see cref="Code"/> and one line on stderr.</summary>
public class CmdException(int code, string message) : Exception(message)
{
    public int Code { get; } = code;
}

/// <summary>The user's mistake: exit 2.</summary>
public sealed class UsageException(string message) : CmdException(ExitCodes.Usage, message);

/// <summary>The cluster answered, but not what the command checks for: exit 1.</summary>
public sealed class CheckFailedException(string message) : CmdException(ExitCodes.CheckFailed, message);

/// <summary>No node answered: exit 3.</summary>
public sealed class UnreachableException(string message) : CmdException(ExitCodes.Unreachable, message);
