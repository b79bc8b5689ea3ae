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

    /// <summary>False when a transport refuses this pair of incarnations (a quarantine).</summary>
    bool LinkOpen(int from, int fromIncarnation, int to, int toIncarnation);
}
