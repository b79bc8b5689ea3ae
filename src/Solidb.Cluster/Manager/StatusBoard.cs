using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Manager;

/// <summary>
/// The supervisor's latest membership, health numbers and leader, published after every change
/// for readers on other threads (the HTTP status and leader endpoints). Reading it never queues
/// behind the supervisor, so a flood of status requests cannot slow membership or elections; the
/// status built from it is the one <see cref="GetClusterStatus"/> answers at that moment.
/// </summary>
public sealed class StatusBoard
{
    private Entry? _current;

    /// <summary>True once the supervisor published (it has started).</summary>
    public bool HasPublished => Volatile.Read(ref _current) is not null;

    internal void Publish(MembershipSnapshot snapshot, HealthStats health, LeaderInfo leader)
    {
        var current = Volatile.Read(ref _current);
        if (current is null || !ReferenceEquals(current.Snapshot, snapshot) || !ReferenceEquals(current.Health, health) || !ReferenceEquals(current.Leader, leader))
        {
            Volatile.Write(ref _current, new Entry(snapshot, health, leader));
        }
    }

    /// <summary>The node's status now; null before the supervisor started.</summary>
    public ClusterStatus? Status(NodeContext node) =>
        Volatile.Read(ref _current) is { } e ? StatusReport.Build(node, e.Snapshot, e.Health, e.Leader) : null;

    /// <summary>The election's view now; null before the supervisor started.</summary>
    public LeaderInfo? Leader => Volatile.Read(ref _current)?.Leader;

    /// <summary>The membership now (the metrics' members by state); null before the supervisor started.</summary>
    public MembershipSnapshot? Membership => Volatile.Read(ref _current)?.Snapshot;

    private sealed record Entry(MembershipSnapshot Snapshot, HealthStats Health, LeaderInfo Leader);
}
