namespace Solidb.Cluster.Metrics;

/// <summary>
/// How long this node's elections take: from its first vote request (pre-vote, or the election
/// itself when a leadership transfer skips pre-vote) to a leader known. Retries in between belong
/// to the same election, so a split vote shows as one long election, not several short ones.
/// Driven by the election actor only (one thread); time from the injected provider.
/// </summary>
public sealed class ElectionTimer(TimeProvider time)
{
    private long? _startedAt;

    /// <summary>True while an election this node started has not yet ended with a leader.</summary>
    public bool Running => _startedAt is not null;

    /// <summary>This node asked for votes; starts the clock unless an election is already running.</summary>
    public void VoteRequested() => _startedAt ??= time.GetTimestamp();

    /// <summary>A leader is known: the duration of the running election, or null when this node started none.</summary>
    public TimeSpan? LeaderKnown()
    {
        if (_startedAt is not { } started)
        {
            return null;
        }

        _startedAt = null;
        return time.GetElapsedTime(started);
    }
}
