using Akka.Cluster;

namespace Solidb.Cluster.Membership;

/// <summary>What the supervisor learns about one Akka member from a cluster event.</summary>
/// <param name="Uid">Akka's unique id of the member's actor system: one per incarnation.</param>
public sealed record ObservedMember(NodeId NodeId, string Address, long Uid, MemberStatus Status);

/// <summary>What the failure detector concluded about a peer.</summary>
public enum HealthSignal
{
    /// <summary>A heartbeat (or its answer) or a positive indirect probe arrived.</summary>
    Alive,

    /// <summary>Missed heartbeats reached the suspicion threshold.</summary>
    Suspect,

    /// <summary>Missed heartbeats reached the failure threshold with no sign of life.</summary>
    Failed,
}

/// <summary>A state change the table applied.</summary>
public sealed record Transition(NodeId NodeId, NodeState? From, NodeState? To, string Why);

/// <summary>A state change the table refused as impossible.</summary>
public sealed record RejectedTransition(NodeId NodeId, NodeState From, NodeState To, TransitionCause Cause);

/// <summary>What one input did to the table.</summary>
public sealed record TableChange(MembershipSnapshot Snapshot, IReadOnlyList<Transition> Applied, IReadOnlyList<RejectedTransition> Rejected)
{
    public bool Changed(MembershipSnapshot before) => Snapshot.Version != before.Version;
}
