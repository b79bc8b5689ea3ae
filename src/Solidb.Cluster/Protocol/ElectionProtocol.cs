using Solidb.Cluster.Clock;

namespace Solidb.Cluster.Protocol;

// Votes between election actors (/user/solidb-cluster/election). Leader liveness does not
// travel here: the leader's term rides on the health heartbeats (HeartbeatProtocol).

/// <summary>
/// A (pre-)vote request: "would you / will you vote for me in this term?" <paramref name="Transfer"/>
/// marks a campaign the leader asked for (<see cref="TimeoutNow"/>): voters grant it although they
/// still hear a leader, only in a term above theirs.
/// </summary>
public sealed record RequestVote(string Candidate, long Term, bool PreVote, HlcTimestamp Sent, bool Transfer = false) : IStamped;

/// <summary>The answer; Term is the term granted, or the voter's own term when refused.</summary>
public sealed record VoteReply(string From, long Term, bool Granted, bool PreVote, HlcTimestamp Sent) : IStamped;

/// <summary>Leadership transfer (Raft's TimeoutNow): the leader of <paramref name="Term"/> asks the receiver to stand at once.</summary>
public sealed record TimeoutNow(string From, long Term, HlcTimestamp Sent) : IStamped;
