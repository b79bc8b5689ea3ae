namespace Solidb.Cluster.Security;

/// <summary>
/// Keeps Akka.Remote's own per-message warnings about refused input (one per forged message,
/// each with a stack trace) from flooding the log: the first of each kind in a minute is logged,
/// without the stack trace, and the next logged one says how many were suppressed in between.
/// Other log lines pass untouched. Not thread-safe: one logger actor owns it.
/// </summary>
public sealed class LogFloodGuard(TimeProvider time)
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    /// <summary>Beginnings of Akka log lines that a remote peer can trigger at will, one per message.</summary>
    public static IReadOnlyList<string> Floods { get; } =
    [
        "Deserialization failed for message",
        "Serializer not defined for message",
        "operating in UntrustedMode",
        "Dropping message [",
    ];

    private readonly Stats.LogThrottle[] _logs = Floods.Select(_ => new Stats.LogThrottle(time, Interval)).ToArray();
    private readonly long[] _suppressed = new long[Floods.Count];

    /// <summary>What to do with a log line: pass it as is, drop it, or log it as a flood line (no stack trace).</summary>
    public FloodDecision Decide(string? message)
    {
        var kind = message is null ? -1 : IndexOf(message);
        if (kind < 0)
        {
            return FloodDecision.Pass;
        }

        if (!_logs[kind].TryClaim())
        {
            _suppressed[kind]++;
            return FloodDecision.Drop;
        }

        var suppressed = _suppressed[kind];
        _suppressed[kind] = 0;
        return new FloodDecision(FloodAction.LogWithoutTrace, suppressed);
    }

    private static int IndexOf(string message)
    {
        for (var i = 0; i < Floods.Count; i++)
        {
            if (message.StartsWith(Floods[i], StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}

public enum FloodAction
{
    Pass,
    Drop,
    LogWithoutTrace,
}

/// <param name="Suppressed">Lines of the same kind dropped since the last one logged.</param>
public readonly record struct FloodDecision(FloodAction Action, long Suppressed)
{
    public static FloodDecision Pass { get; } = new(FloodAction.Pass, 0);

    public static FloodDecision Drop { get; } = new(FloodAction.Drop, 0);
}
