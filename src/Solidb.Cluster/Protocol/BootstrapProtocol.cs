using Solidb.Cluster.Clock;

namespace Solidb.Cluster.Protocol;

// Between bootstrap actors (/user/solidb-cluster/bootstrap) while the lowest address decides
// whether it may form a new cluster (Bootstrap.FormationRule).

/// <summary>"Are you in a cluster?", from the node that may form one.</summary>
public sealed record FormationQuery(string From, HlcTimestamp Sent) : IStamped;

/// <summary>The answer: Member is true once a cluster has let the replying node in (any status).</summary>
public sealed record FormationReply(string NodeId, bool Member, HlcTimestamp Sent) : IStamped;
