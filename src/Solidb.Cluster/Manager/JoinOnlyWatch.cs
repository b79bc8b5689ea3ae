using Akka.Actor;

namespace Solidb.Cluster.Manager;

/// <summary>
/// Bounds the join-only mode of a rejoining incarnation. Join-only keeps a node cut off from the
/// majority from forming a cluster of its own, but when every node was cut off from every
/// other (none had a quorum, so all restarted join-only) nobody is left to join. A join-only
/// incarnation that has not joined within the join-only time therefore restarts under the
/// normal bootstrap rule, where only the lowest address forms a cluster. Safety does not rest
/// on join-only: a node elects only with a majority of the voters it last knew with a quorum.
/// </summary>
public sealed class JoinOnlyWatch(TimeProvider time, TimeSpan joinOnlyFor)
{
    private readonly long _started = time.GetTimestamp();
    private bool _joined;

    /// <summary>Feeds whether a cluster has let the node in; true once it has been left out for the whole join-only time.</summary>
    public bool Expired(bool joinedNow)
    {
        _joined |= joinedNow;
        return !_joined && time.GetElapsedTime(_started) >= joinOnlyFor;
    }
}

/// <summary>
/// The shutdown reason of a join-only incarnation whose join-only time ran out: the host starts
/// a new incarnation under the normal bootstrap rule.
/// </summary>
public sealed class JoinOnlyExpiredReason : CoordinatedShutdown.Reason
{
    public static JoinOnlyExpiredReason Instance { get; } = new();

    private JoinOnlyExpiredReason()
    {
    }

    /// <summary>Not a process exit: the host starts the next incarnation.</summary>
    public override int ExitCode => 0;

    public override string ToString() => "join-only time expired";
}
