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
/// A normal incarnation that no cluster has welcomed yet is left to Akka's own join retries.
/// Safety does not rest on join-only: a node elects only with a majority of the voters it last
/// knew with a quorum.
/// </summary>
public sealed class JoinWatch(TimeProvider time, TimeSpan timeout, bool joinOnly)
{
    private readonly long _started = time.GetTimestamp();
    private bool _up;

    /// <summary>
    /// Feeds this incarnation's standing: <paramref name="welcomed"/> a cluster's gossip lists it
    /// (any status), <paramref name="up"/> it is Up, WeaklyUp or later. True once it has stayed
    /// short of Up for the whole timeout in one of the two cases above.
    /// </summary>
    public bool Expired(bool welcomed, bool up)
    {
        _up |= up;
        return !_up && (joinOnly || welcomed) && time.GetElapsedTime(_started) >= timeout;
    }
}
