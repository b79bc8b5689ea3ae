using Solidb.Cluster.Clock;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Election;

public enum ElectionRole
{
    Follower,

    /// <summary>Asking whether a majority would vote for it, without raising the term (pre-vote).</summary>
    PreCandidate,

    Candidate,
    Leader,
}

/// <summary>Something the election rules want done: a message to send or a change to announce.</summary>
public abstract record ElectionOutput;

/// <summary>Ask every other voter for a (pre-)vote; <paramref name="Transfer"/> marks a campaign the leader asked for (TimeoutNow).</summary>
public sealed record BroadcastVoteRequest(long Term, bool PreVote, bool Transfer = false) : ElectionOutput;

/// <summary>Leader -> the transfer target: "stand for election now" (Raft's TimeoutNow), in the leader's term.</summary>
public sealed record SendTimeoutNow(NodeId To, long Term) : ElectionOutput;

/// <summary>Answer a (pre-)vote request.</summary>
public sealed record SendVoteReply(NodeId To, long Term, bool Granted, bool PreVote) : ElectionOutput;

/// <summary>The leader, term or quorum this node knows changed.</summary>
public sealed record LeadershipChanged(NodeId? Leader, long Term, bool HasQuorum) : ElectionOutput;

/// <summary>
/// A term from <paramref name="From"/> that no election could have produced (<see cref="TermBound"/>): the message
/// was not acted on. <paramref name="Counted"/>: implausible (count it); otherwise unproven (no other voter heard yet).
/// </summary>
public sealed record TermRefused(NodeId From, long Term, long Ceiling, bool Counted) : ElectionOutput;

/// <summary>A line to log: the vote cannot be saved (or can again), or no term is left to elect in.</summary>
public sealed record ElectionNotice(bool IsError, string Message) : ElectionOutput;

/// <summary>
/// Proof of leadership that storage code can check: a write carrying a token whose term is
/// older than the newest term seen is from a deposed leader and must be refused.
/// </summary>
public sealed record FencingToken(long Term, NodeId Leader, HlcTimestamp ElectedAt)
{
    /// <summary>True when this token is at least as new as <paramref name="other"/>.</summary>
    public bool IsAtLeast(FencingToken other) => Term >= other.Term;
}

/// <summary>Thrown by <see cref="FencingGuard.Check"/> for a token from a deposed leader.</summary>
public sealed class StaleFencingTokenException(FencingToken presented, long newestTerm)
    : Exception($"stale fencing token: term {presented.Term} of leader {presented.Leader} is older than term {newestTerm}")
{
    public FencingToken Presented { get; } = presented;
    public long NewestTerm { get; } = newestTerm;
}

/// <summary>
/// Guards writes with fencing tokens: remembers the newest term it has seen and refuses any
/// token older than it. Thread-safe.
/// </summary>
public sealed class FencingGuard
{
    private long _newestTerm;

    public long NewestTerm => Volatile.Read(ref _newestTerm);

    /// <summary>Accepts a token that is not older than any seen before (and remembers it); throws otherwise.</summary>
    public void Check(FencingToken token)
    {
        var seen = Volatile.Read(ref _newestTerm);
        while (token.Term > seen)
        {
            var previous = Interlocked.CompareExchange(ref _newestTerm, token.Term, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }

        if (token.Term < seen)
        {
            throw new StaleFencingTokenException(token, seen);
        }
    }
}
