namespace Solidb.Cluster.Membership;

/// <summary>Why a member's state changes; part of the transition table's key.</summary>
public enum TransitionCause
{
    /// <summary>Akka.Cluster reports the member Up, or its first heartbeat arrives (Active needs both).</summary>
    Admitted,

    /// <summary>The failure detector suspects it (missed heartbeats up to the suspicion threshold).</summary>
    Suspected,

    /// <summary>A heartbeat or a positive indirect probe arrived while it was suspected: back to Active, or to Joining if Akka has not reported it Up yet.</summary>
    Refuted,

    /// <summary>The failure detector confirmed it failed (failure threshold, no sign of life).</summary>
    ConfirmedFailed,

    /// <summary>It announced a graceful leave (Akka Leaving or Exiting).</summary>
    Left,

    /// <summary>Akka.Cluster downed it (our leader confirmed the failure, or an operator did).</summary>
    Downed,
}

/// <summary>
/// The node state machine (docs/membership.md). <see cref="IsAllowed"/> is the whole table: a
/// move not listed is impossible and <see cref="MembershipTable"/> rejects, logs and counts it.
/// Two moves sit outside the table because Akka.Cluster is authoritative on them: a new
/// incarnation (same node id, new actor system) enters as Joining whatever the old one was,
/// and a member Akka.Cluster removed is gone.
/// </summary>
public static class NodeTransitions
{
    public static bool IsAllowed(NodeState from, NodeState to, TransitionCause cause) => (from, to, cause) switch
    {
        (NodeState.Joining, NodeState.Active, TransitionCause.Admitted) => true,
        (NodeState.Joining or NodeState.Active, NodeState.Unknown, TransitionCause.Suspected) => true,
        (NodeState.Unknown, NodeState.Active, TransitionCause.Refuted) => true,
        (NodeState.Unknown, NodeState.Joining, TransitionCause.Refuted) => true, // suspected before Akka admitted it
        (NodeState.Failed, NodeState.Active, TransitionCause.Refuted) => true,   // heard again before anyone downed it
        (NodeState.Failed, NodeState.Joining, TransitionCause.Refuted) => true,  // the same, for a member Akka has not admitted yet
        (NodeState.Unknown, NodeState.Failed, TransitionCause.ConfirmedFailed) => true,
        (NodeState.Joining or NodeState.Active or NodeState.Unknown, NodeState.Leaving, TransitionCause.Left) => true,
        (NodeState.Joining or NodeState.Active or NodeState.Unknown or NodeState.Leaving, NodeState.Failed, TransitionCause.Downed) => true,
        _ => false,
    };
}
