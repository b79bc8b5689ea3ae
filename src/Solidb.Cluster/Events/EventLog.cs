using Solidb.Cluster.Client.Events;

namespace Solidb.Cluster.Events;

/// <summary>Where a subscriber starts: the buffered events after its since, or a reset (the events it asked for are gone).</summary>
public abstract record ResumePoint;

/// <summary>The subscriber asked for no since: it starts with a snapshot.</summary>
public sealed record StartWithSnapshot : ResumePoint
{
    public static StartWithSnapshot Instance { get; } = new();
}

/// <summary>Every buffered event after the asked since, in order (possibly none).</summary>
public sealed record Replay(IReadOnlyList<ClusterEvent> Events) : ResumePoint;

/// <summary>The asked events cannot be replayed: the subscriber starts over with a reset frame.</summary>
public sealed record StartWithReset(string Reason) : ResumePoint;

/// <summary>
/// This incarnation's events, numbered 1, 2, 3… (<c>seq</c>), of which the last <c>capacity</c>
/// are kept for consumers that resume. Plain and single-threaded: the events actor owns it.
/// Resuming is exact: after since N a consumer gets N+1… with no gap and no duplicate, or a reset.
/// </summary>
public sealed class EventLog
{
    private readonly ClusterEvent[] _ring;
    private readonly long _incarnation;

    public EventLog(long incarnation, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _incarnation = incarnation;
        _ring = new ClusterEvent[capacity];
    }

    /// <summary>The seq of the newest event; 0 before the first.</summary>
    public long LastSeq { get; private set; }

    /// <summary>The seq of the oldest event still kept; LastSeq + 1 while none is.</summary>
    public long OldestKept => Math.Max(1, LastSeq - _ring.Length + 1);

    /// <summary>Numbers the event with the next seq and this incarnation, keeps it, and returns it.</summary>
    public ClusterEvent Append(ClusterEvent body)
    {
        var numbered = body with { Seq = LastSeq + 1, Incarnation = _incarnation };
        LastSeq = numbered.Seq;
        _ring[(int)((numbered.Seq - 1) % _ring.Length)] = numbered;
        return numbered;
    }

    /// <summary>
    /// Where a subscriber that last saw <paramref name="since"/> of <paramref name="incarnation"/>
    /// (null: this one) resumes.
    /// </summary>
    public ResumePoint Resume(long? since, long? incarnation)
    {
        if (since is not { } after)
        {
            return StartWithSnapshot.Instance;
        }

        if (incarnation is { } other && other != _incarnation)
        {
            return new StartWithReset($"events of incarnation {other} are gone: this node is now incarnation {_incarnation}");
        }

        if (after > LastSeq)
        {
            return new StartWithReset($"since {after} is ahead of this node's last event {LastSeq} (incarnation {_incarnation})");
        }

        if (after < OldestKept - 1)
        {
            return new StartWithReset($"since {after} is older than the buffer (oldest event kept: {OldestKept})");
        }

        var events = new List<ClusterEvent>((int)(LastSeq - after));
        for (var seq = after + 1; seq <= LastSeq; seq++)
        {
            events.Add(_ring[(int)((seq - 1) % _ring.Length)]);
        }

        return new Replay(events);
    }
}
