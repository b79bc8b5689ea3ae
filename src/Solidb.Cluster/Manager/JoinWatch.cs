namespace Solidb.Cluster.Manager;

/// <summary>
/// Bounds how long an incarnation may stay out of the cluster's Up members. Two cases end in a
/// restart after the join timeout:
/// <list type="bullet">
/// <item>A join-only incarnation that is not Up: when every node was cut off from every other,
/// all restarted join-only and none is left to join. The next incarnation follows the normal
/// bootstrap rule: the formation vote, where any majority of the configured nodes in no cluster forms one.</item>
/// <item>Any incarnation a cluster welcomed but never brought Up (nor WeaklyUp, which Akka grants
/// after 7 s when convergence is blocked): the member that welcomed it died before its gossip
/// reached the others, so they ignore this incarnation's gossip as unknown, and no Akka
/// mechanism ends that. A fresh incarnation joins again.</item>
/// </list>
/// A third case (<see cref="LeaderUnheard"/>) bounds how long a join-only incarnation may be Up
/// without ever knowing a leader.
/// A normal incarnation that no cluster has welcomed yet is left to Akka's own join retries.
/// Safety does not rest on join-only: a node elects only with a majority of the voters it last
/// knew with a quorum.
/// </summary>
public sealed class JoinWatch(TimeProvider time, TimeSpan timeout, bool joinOnly)
{
    private readonly long _started = time.GetTimestamp();
    private long? _upAt; // when this incarnation was first seen Up (or WeaklyUp); null while it never was
    private bool _leaderHeard;

    /// <summary>
    /// Feeds this incarnation's standing: <paramref name="welcomed"/> a cluster's gossip lists it
    /// (any status), <paramref name="up"/> it is Up, WeaklyUp or later. True once it has stayed
    /// short of Up for the whole timeout in one of the two cases above.
    /// </summary>
    public bool Expired(bool welcomed, bool up)
    {
        NoteUp(up);
        return _upAt is null && (joinOnly || welcomed) && time.GetElapsedTime(_started) >= timeout;
    }

    /// <summary>
    /// Feeds a join-only incarnation's standing once joined: <paramref name="up"/> it is Up,
    /// <paramref name="leaderKnown"/> its election knows a leader. True once it has been Up for the
    /// whole timeout without ever knowing a leader: a cluster it could rejoin exists, yet no
    /// leader's heartbeat reaches it (a one-way link; see <see cref="RestartCause.LeaderUnheard"/>).
    /// A normal incarnation, or one that knew a leader once, never qualifies: a later loss of the
    /// leader is the election's and the isolation watch's business.
    /// </summary>
    public bool LeaderUnheard(bool up, bool leaderKnown)
    {
        NoteUp(up);
        _leaderHeard |= leaderKnown;
        return joinOnly && !_leaderHeard && _upAt is { } at && time.GetElapsedTime(at) >= timeout;
    }

    private void NoteUp(bool up)
    {
        if (up)
        {
            _upAt ??= time.GetTimestamp();
        }
    }
}
