namespace Solidb.Cluster.Bootstrap;

/// <summary>
/// From the bootstrap actor to the supervisor: this node formed or joined a new cluster that fewer
/// than a majority of the configured nodes are Up in half a lease later; end this incarnation
/// (<see cref="Manager.RestartCause.FormationAbandoned"/>).
/// </summary>
public sealed record AbandonFormation(int Up, int Configured);
