using Solidb.Cluster.Clock;

namespace Solidb.Cluster.Protocol;

/// <summary>
/// Sent by a node's supervisor to each other member's supervisor when that member is up, so
/// every node knows its peers' node ids, incarnations and HTTP addresses.
/// </summary>
public sealed record Introduce(string NodeId, long Uid, long Incarnation, string HttpAddress, string Version, HlcTimestamp Sent) : IStamped;
