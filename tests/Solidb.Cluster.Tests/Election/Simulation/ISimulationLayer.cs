using Solidb.Cluster.Health;

namespace Solidb.Cluster.Tests.Election.Simulation;

/// <summary>
/// What runs on each simulated node beside its election state and health policy (the node
/// coordinator with a model of Akka.Cluster, <see cref="CoordinatedCluster"/>). The simulation
/// calls it at the points where production hands the same facts to the supervisor actor.
/// With a layer, the health policy monitors what the layer tells it (production: the membership
/// snapshot), not every peer it heard of.
/// </summary>
internal interface ISimulationLayer
{
    /// <summary>A new incarnation of the node started (its election and health policy are fresh).</summary>
    void Started(SimNode node);

    /// <summary>The node's incarnation ended: <paramref name="killed"/> by a fault, or else ended by the layer itself.</summary>
    void Stopped(SimNode node, bool killed);

    /// <summary>The node's election state may have changed (after every input).</summary>
    void ElectionChanged(SimNode node);

    /// <summary>Every heartbeat interval: what the health policy concluded.</summary>
    void HeartbeatInterval(SimNode node, HealthTick tick);

    /// <summary>A heartbeat or its answer from incarnation <paramref name="incarnation"/> of <paramref name="peer"/> arrived.</summary>
    void Heard(SimNode node, int peer, int incarnation);

    /// <summary>The uid the health policy knows incarnation <paramref name="incarnation"/> of <paramref name="node"/> by.</summary>
    long Uid(int node, int incarnation);

    /// <summary>
    /// False when the node <paramref name="to"/> refuses an election message (heartbeat, ack, vote)
    /// from incarnation <paramref name="fromIncarnation"/> of <paramref name="from"/> as production's
    /// Inbound check does (the sender is not the member at its address; <paramref name="uidChecked"/>:
    /// the message claims its sender's incarnation, as heartbeats and acks do). The simulation also
    /// asks it the other way round: production sends only to the members of the sender's snapshot.
    /// </summary>
    bool Accepts(int to, int from, int fromIncarnation, bool uidChecked);

    /// <summary>False when a transport refuses this pair of incarnations (a quarantine).</summary>
    bool LinkOpen(int from, int fromIncarnation, int to, int toIncarnation);
}
