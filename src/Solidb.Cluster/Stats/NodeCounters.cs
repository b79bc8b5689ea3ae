using System.Collections.Immutable;
using Solidb.Cluster.Security;

namespace Solidb.Cluster.Stats;

/// <summary>
/// The node's counters, shared by its actors (each increments its own, atomically) and read
/// by the status API. Monotonic for the life of the process.
/// </summary>
public sealed class NodeCounters(TimeProvider time)
{
    private long _heartbeatsSent;
    private long _heartbeatsReceived;
    private long _missedHeartbeats;
    private long _suspicionsRaised;
    private long _suspicionsRefuted;
    private long _failuresConfirmed;
    private long _rejectedTransitions;
    private long _messagesDropped;
    private long _clockSkewRejections;
    private long _indirectProbesSent;
    private long _preVotesStarted;
    private long _electionsStarted;

    /// <summary>Refusals of network input by reason (bounded: the reasons are a closed set).</summary>
    public Rejections Rejections { get; } = new(time);

    /// <summary>
    /// Counts a refused message under its reason and in <c>messages_dropped</c> (the total of all
    /// drops); true when the caller should log it (at most once a minute per reason).
    /// </summary>
    public bool Reject(RejectionReason reason)
    {
        Interlocked.Increment(ref _messagesDropped);
        return Rejections.Count(reason);
    }

    public void HeartbeatSent() => Interlocked.Increment(ref _heartbeatsSent);
    public void HeartbeatReceived() => Interlocked.Increment(ref _heartbeatsReceived);
    public void MissedHeartbeat() => Interlocked.Increment(ref _missedHeartbeats);
    public void SuspicionRaised() => Interlocked.Increment(ref _suspicionsRaised);
    public void SuspicionRefuted() => Interlocked.Increment(ref _suspicionsRefuted);
    public void FailureConfirmed() => Interlocked.Increment(ref _failuresConfirmed);
    public void TransitionRejected() => Interlocked.Increment(ref _rejectedTransitions);
    public void ClockSkewRejected()
    {
        Interlocked.Increment(ref _clockSkewRejections);
        Reject(RejectionReason.ClockSkew); // the caller (ClockGate) rate-limits its own warning
    }

    public void IndirectProbeSent() => Interlocked.Increment(ref _indirectProbesSent);
    public void PreVoteStarted() => Interlocked.Increment(ref _preVotesStarted);
    public void ElectionStarted() => Interlocked.Increment(ref _electionsStarted);

    public CountersSnapshot Snapshot() => new(
        Volatile.Read(ref _heartbeatsSent),
        Volatile.Read(ref _heartbeatsReceived),
        Volatile.Read(ref _missedHeartbeats),
        Volatile.Read(ref _suspicionsRaised),
        Volatile.Read(ref _suspicionsRefuted),
        Volatile.Read(ref _failuresConfirmed),
        Volatile.Read(ref _rejectedTransitions),
        Volatile.Read(ref _messagesDropped),
        Volatile.Read(ref _clockSkewRejections),
        Volatile.Read(ref _indirectProbesSent),
        Volatile.Read(ref _preVotesStarted),
        Volatile.Read(ref _electionsStarted),
        Rejections.Snapshot());
}

public sealed record CountersSnapshot(
    long HeartbeatsSent,
    long HeartbeatsReceived,
    long MissedHeartbeats,
    long SuspicionsRaised,
    long SuspicionsRefuted,
    long FailuresConfirmed,
    long RejectedTransitions,
    long MessagesDropped,
    long ClockSkewRejections,
    long IndirectProbesSent,
    long PreVotesStarted,
    long ElectionsStarted,
    ImmutableSortedDictionary<string, long> Rejections);
