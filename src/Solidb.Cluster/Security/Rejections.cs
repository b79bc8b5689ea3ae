using System.Collections.Immutable;
using System.Text;

namespace Solidb.Cluster.Security;

/// <summary>
/// Counts refusals by reason and decides when one may be logged: at most once per
/// <see cref="LogInterval"/> per reason, so a flood of forged messages neither fills the log nor
/// costs more than a counter increment each. Thread-safe; time from the injected provider.
/// </summary>
public sealed class Rejections(TimeProvider time)
{
    public static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    /// <summary>Longest piece of wire text a log line quotes.</summary>
    public const int MaxQuoted = 64;

    private readonly long[] _counts = new long[RejectionReasons.All.Count];
    private readonly Stats.LogThrottle[] _logs = RejectionReasons.All.Select(_ => new Stats.LogThrottle(time, LogInterval)).ToArray();

    /// <summary>Counts one refusal; true when the caller should log it (the first in its interval).</summary>
    public bool Count(RejectionReason reason)
    {
        Interlocked.Increment(ref _counts[(int)reason]);
        return _logs[(int)reason].TryClaim();
    }

    public long this[RejectionReason reason] => Volatile.Read(ref _counts[(int)reason]);

    public long Total => RejectionReasons.All.Sum(r => this[r]);

    /// <summary>Reason (snake_case) -> count, every reason listed (zeros included).</summary>
    public ImmutableSortedDictionary<string, long> Snapshot() =>
        RejectionReasons.All.ToImmutableSortedDictionary(r => r.WireName(), r => this[r], StringComparer.Ordinal);

    /// <summary>Wire text made safe for one log line: truncated, control characters escaped.</summary>
    public static string Quote(string? text)
    {
        if (text is null)
        {
            return "(null)";
        }

        var builder = new StringBuilder(Math.Min(text.Length, MaxQuoted) + 8);
        foreach (var c in text.Take(MaxQuoted))
        {
            builder.Append(char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return text.Length > MaxQuoted ? builder.Append($"...({text.Length} chars)").ToString() : builder.ToString();
    }
}
