using Solidb.Cluster.Clock;

namespace Solidb.Cluster.Protocol;

// Votes between election actors (/user/solidb-cluster/election). Leader liveness does not
// travel here: the leader's term rides on the health heartbeats (HeartbeatProtocol).

/// <summary>A (pre-)vote request: "would you / will you vote for me in this term?"</summary>
public sealed record RequestVote(string Candidate, long Term, bool PreVote, HlcTimestamp Sent) : IStamped;

/// <summary>The answer; Term is the term granted, or the voter's own term when refused.</summary>
public sealed record VoteReply(string From, long Term, bool Granted, bool PreVote, HlcTimestamp Sent) : IStamped;
