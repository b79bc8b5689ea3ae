using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Election;

/// <summary>How a term from the wire was judged.</summary>
public enum TermJudgement
{
    /// <summary>Not above this node's own term, or within the bound.</summary>
    Plausible,

    /// <summary>Above the bound that the terms other voters showed set: no election could have produced it. Refused and counted.</summary>
    Implausible,

    /// <summary>
    /// Above this node's start-up term by more than the elections since could explain, while it has not yet heard
    /// any other voter that could vouch for it (just started, or cut off from all but the sender). Refused, not
    /// counted: the first other voter heard settles it.
    /// </summary>
    Unproven,
}

/// <param name="Ceiling">The highest term that would have been plausible from this sender now.</param>
public readonly record struct TermVerdict(TermJudgement Judgement, long Ceiling)
{
    public bool IsPlausible => Judgement == TermJudgement.Plausible;
}

/// <summary>
/// The plausibility bound on terms from the wire (docs/election.md, "Terms from the wire: the
/// plausibility bound"). A term above this node's own is plausible when it is at most
/// <see cref="Slack"/> above the evidence: the highest term that enough voters other than the sender
/// (this node included) have shown to make a majority with the sender, each grown by one per election
/// timeout since it was shown. The sender's claims never count for it, and a rise of this node's own
/// term (which the sender may have caused) counts only once it has lasted an election timeout, so a
/// sender alone moves a node one term per election timeout at most; with the others relaying what it
/// made them take, one term per relay round (a heartbeat each way), the pace of back-to-back
/// leadership transfers.
/// Single-threaded, like <see cref="ElectionState"/>; time from the injected provider.
/// </summary>
public sealed class TermBound
{
    /// <summary>How far above the evidence a term may be: an election under way one term above it.</summary>
    public const long Slack = 1;

    /// <summary>
    /// While no voter other than the sender has been heard since this node started (the first
    /// heartbeat after a start, or cut off from all but the sender), a term may be this far above
    /// the start-up term, plus one per election timeout since the start; above it, it waits
    /// (<see cref="TermJudgement.Unproven"/>) for another voter to vouch for it. Small, because a node
    /// pushed up by it while unheard must be caught up by the others' bound: at most this many
    /// election timeouts.
    /// </summary>
    public const long UnheardSlack = 16;

    /// <summary>
    /// The bound when no other voter exists besides the sender (a cluster of two, or a joiner facing
    /// a cluster of one): nobody else can ever vouch for it, so its term may be this far above this
    /// node's start-up term, plus the elections since: a node with a new data dir meets its peer's
    /// term at once, and a corrupt term still leaves 2^62 out of reach.
    /// </summary>
    public const long LoneSlack = 1L << 12;

    private readonly TimeProvider _time;
    private readonly long _step;
    private readonly long _startTerm;
    private readonly long _startedAt;
    private readonly Dictionary<NodeId, Claim> _claims = [];
    private readonly Claim _own;

    /// <param name="electionTimeout">The shortest election timeout: no term rises faster than one per timeout by elections.</param>
    /// <param name="startTerm">This node's durable term when it started.</param>
    public TermBound(TimeSpan electionTimeout, TimeProvider time, long startTerm)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(electionTimeout, TimeSpan.Zero);
        _time = time;
        _step = Math.Max(1, (long)(electionTimeout.TotalSeconds * time.TimestampFrequency));
        _startTerm = startTerm;
        _startedAt = time.GetTimestamp();
        _own = new Claim(startTerm, _startedAt, settleAfter: _step);
    }

    /// <summary>
    /// Judges <paramref name="term"/> from voter <paramref name="sender"/>, then records <paramref name="claim"/>
    /// (the sender's own term as the message shows it; null when it shows none) as that voter's evidence for others.
    /// </summary>
    /// <param name="quorumSize">What a majority is counted over (<see cref="ElectionState.QuorumSize"/>).</param>
    public TermVerdict Judge(NodeId sender, long term, long? claim, long ownTerm, NodeId self, IReadOnlySet<NodeId> voters, int quorumSize)
    {
        var now = _time.GetTimestamp();
        _own.Show(ownTerm, now);
        var verdict = term <= ownTerm ? new TermVerdict(TermJudgement.Plausible, ownTerm) : Evaluate(sender, term, self, voters, quorumSize, now);
        if (claim is { } shown && sender != self)
        {
            Record(sender, shown, now);
        }

        return verdict;
    }

    private TermVerdict Evaluate(NodeId sender, long term, NodeId self, IReadOnlySet<NodeId> voters, int quorumSize, long now)
    {
        var supports = new List<long>();
        var others = 0;
        foreach (var voter in voters)
        {
            if (voter == self || voter == sender)
            {
                continue;
            }

            others++;
            if (_claims.TryGetValue(voter, out var claim))
            {
                supports.Add(claim.Support(now, _step));
            }
        }

        if (others == 0)
        {
            var lone = _startTerm + (now - _startedAt) / _step + LoneSlack;
            return new TermVerdict(term <= lone ? TermJudgement.Plausible : TermJudgement.Implausible, lone);
        }

        // With the sender, this many voters make a majority (fewer when fewer are voters now). This node is
        // one of them, its own term aged (the sender may have raised it), but never enough on its own.
        var heard = supports.Count;
        var ownVote = voters.Contains(self) ? 1 : 0;
        var need = Math.Min(Math.Max(1, Majority.Of(quorumSize) - 1), others + ownVote);
        if (ownVote == 1 && heard > 0)
        {
            supports.Add(_own.Support(now, _step));
        }

        long? ceiling = supports.Count >= need ? supports.Order().ElementAt(supports.Count - need) + Slack : null;
        if (heard >= need)
        {
            return new TermVerdict(term <= ceiling!.Value ? TermJudgement.Plausible : TermJudgement.Implausible, ceiling.Value);
        }

        // Not enough other voters heard since the start to judge alone: the start-up term, plus the elections since, may do.
        var fallback = Math.Max(ceiling ?? long.MinValue, _startTerm + (now - _startedAt) / _step + UnheardSlack);
        return new TermVerdict(term <= fallback ? TermJudgement.Plausible : TermJudgement.Unproven, fallback);
    }

    private void Record(NodeId voter, long term, long now)
    {
        if (_claims.TryGetValue(voter, out var claim))
        {
            claim.Show(term, now);
        }
        else
        {
            _claims[voter] = new Claim(term, now, settleAfter: 0);
        }
    }

    /// <summary>
    /// What one voter has shown: the term settled as evidence (its first claim at once, a rise once it
    /// has been shown for <paramref name="settleAfter"/>), and the latest rise still waiting.
    /// </summary>
    private sealed class Claim(long term, long now, long settleAfter)
    {
        private long _settled = term;
        private long _settledAt = now;
        private long _pending = term;
        private long _pendingSince = now;

        public void Show(long term, long now)
        {
            if (term > _pending)
            {
                _pending = term;
                _pendingSince = now;
            }
        }

        /// <summary>The settled term plus one per election timeout since it settled: what elections could have made of it.</summary>
        public long Support(long now, long step)
        {
            if (_pending > _settled && now - _pendingSince >= settleAfter)
            {
                _settled = _pending;
                _settledAt = _pendingSince + settleAfter;
            }

            return _settled + (now - _settledAt) / step;
        }
    }
}
