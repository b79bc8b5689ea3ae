namespace Solidb.Cluster.Client.Events;

/// <summary>
/// The last event delivered from one node: what a reconnect resumes from (<c>?since=SEQ&amp;incarnation=I</c>) and
/// the defence against a node that repeats itself. Events are numbered per node and incarnation, and incarnations
/// only grow, so an event is new when its (incarnation, seq) is after the last delivered one. A snapshot or reset
/// carries the seq of the last event it includes: it is new when not before the last delivered one.
/// </summary>
public sealed class StreamPosition
{
    /// <param name="since">A seq to start after (the caller's own bookkeeping); null: from a snapshot.</param>
    /// <param name="incarnation">The incarnation <paramref name="since"/> belongs to; null: the node's current one.</param>
    public StreamPosition(long? since = null, long? incarnation = null)
    {
        Seq = since;
        Incarnation = since is null ? null : incarnation;
    }

    /// <summary>The seq of the last delivered event; null before the first.</summary>
    public long? Seq { get; private set; }

    /// <summary>Its incarnation; null before the first (or when resuming from a seq of the node's current incarnation).</summary>
    public long? Incarnation { get; private set; }

    /// <summary>The query of a connection that resumes here ("" to start from a snapshot).</summary>
    public string Query => Seq is { } seq
        ? Incarnation is { } incarnation ? $"since={seq}&incarnation={incarnation}" : $"since={seq}"
        : "";

    /// <summary>True (and the position moves to it) when <paramref name="e"/> comes after the last delivered event.</summary>
    public bool Accept(ClusterEvent e)
    {
        var isRestart = e is SnapshotEvent or ResetEvent;
        var after = Seq is not { } seq
            || (Incarnation is { } incarnation && e.Incarnation > incarnation)
            || ((Incarnation is null || Incarnation == e.Incarnation) && (isRestart ? e.Seq >= seq : e.Seq > seq));
        if (after)
        {
            Seq = e.Seq;
            Incarnation = e.Incarnation;
        }

        return after;
    }
}
