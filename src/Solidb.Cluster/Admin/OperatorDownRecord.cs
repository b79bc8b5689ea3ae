using Akka.Actor;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Identity;

namespace Solidb.Cluster.Admin;

/// <summary>
/// <c>DATA/operator-down</c>: written by a node the operator downed while it was live (the leader
/// told it, <see cref="Protocol.OperatorDownNotice"/>). A node with this file does not start: an
/// operator's down means "out of the cluster until I say otherwise", not "restart and rejoin" as
/// an automatic down does. Removing the file is how the operator says otherwise.
/// </summary>
public static class OperatorDownRecord
{
    public const string FileName = "operator-down";

    /// <summary>The exit code of a node that the operator downed while it ran.</summary>
    public const int ExitCode = 4;

    public static string PathIn(string dataDir) => Path.Combine(dataDir, FileName);

    /// <summary>Persists the record (atomically; throws <see cref="DataDirectoryException"/> when it cannot).</summary>
    public static void Write(string dataDir, string text) => DataFiles.WriteAtomically(PathIn(dataDir), text.TrimEnd() + "\n");

    /// <summary>The record's first line when the file exists, else null.</summary>
    public static string? Read(string dataDir) =>
        DataFiles.ReadSmall(PathIn(dataDir)) is { } text ? UserText.OneLine(text.Split('\n')[0].Trim()) : null;

    /// <summary>The one-line refusal of a start with the record present (exit 2), or null.</summary>
    public static string? StartRefusal(string dataDir) =>
        Read(dataDir) is { } record
            ? $"this node was downed by the operator ({record}); remove '{PathIn(dataDir)}' to start it again (it then rejoins as a new incarnation)"
            : null;

    /// <summary>The one line the process exits with (code <see cref="ExitCode"/>) after it was downed.</summary>
    public static string ExitLine(string dataDir, string record) =>
        $"downed by the operator ({record}); recorded in '{PathIn(dataDir)}': remove that file to start this node again";
}

/// <summary>The shutdown reason of a node the operator downed: the process exits with <see cref="OperatorDownRecord.ExitCode"/>.</summary>
/// <param name="line">The line to exit with (<see cref="OperatorDownRecord.ExitLine"/>).</param>
public sealed class OperatorDownReason(string line) : CoordinatedShutdown.Reason
{
    public string Line { get; } = line;

    public override int ExitCode => OperatorDownRecord.ExitCode;

    public override string ToString() => Line;
}
