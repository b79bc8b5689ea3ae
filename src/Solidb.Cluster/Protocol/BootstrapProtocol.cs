using Solidb.Cluster.Clock;

namespace Solidb.Cluster.Protocol;

// Between bootstrap actors (/user/solidb-cluster/bootstrap) while nodes in no cluster hold the
// formation vote (Bootstrap.FormationVote). Every message carries the sender's wall clock
// (Unix ms) besides its HLC timestamp, so that wall-clock offsets are known before heartbeats
// exist; a reply echoes the request's Seq, so the asker can time the round trip.

/// <summary>"Are you in a cluster?", from a node in no cluster, every query interval.</summary>
public sealed record FormationQuery(string From, long Seq, long WallMs, HlcTimestamp Sent) : IStamped;

/// <summary>
/// The answer: Member is true once a cluster has let the replying node in (any status). Round is
/// the highest formation round it has seen; PromisedElsewhere is true while it holds a live
/// promise to a candidate other than the asker.
/// </summary>
public sealed record FormationReply(string NodeId, bool Member, long Round, bool PromisedElsewhere, long Seq, long WallMs, HlcTimestamp Sent)
    : IStamped;

/// <summary>A candidate asks for a promise in round Round (it promised itself first).</summary>
public sealed record FormationVoteRequest(string Candidate, long Round, long WallMs, HlcTimestamp Sent) : IStamped;

/// <summary>Granted: the voter persisted its promise to the sender for Round. Round echoes the request's.</summary>
public sealed record FormationVoteReply(string From, long Round, bool Granted, long WallMs, HlcTimestamp Sent) : IStamped;
