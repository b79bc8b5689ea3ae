using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Election;

/// <summary>
/// Leadership transfer (etcd's move-leader, Raft's TimeoutNow). The leader picks a live voter and
/// tells it to stand at once; the target starts an election in the next term without pre-vote,
/// and its vote requests carry the transfer flag, which lets them past leader stickiness on the
/// voters (<see cref="OnVoteRequest"/>) but only in a term above the voter's: the new leader still
/// needs a majority of durable votes in a higher term, so a transfer can never make two leaders in
/// one term. The old leader keeps heartbeating meanwhile and steps down when it sees the higher term
/// (it usually grants the target its own vote). A transfer not completed within the minimum
/// election timeout is abandoned and the leader leads on.
/// </summary>
public sealed partial class ElectionState
{
    private (NodeId Target, long Until)? _transfer;

    /// <summary>The voter this leader is handing over to, while a transfer runs.</summary>
    public NodeId? TransferTarget => _transfer?.Target;

    /// <summary>
    /// Starts a transfer to <paramref name="to"/>, or to the most recently heard live voter when null.
    /// A voter is live when its last answer to a heartbeat is at most <paramref name="liveWithin"/> old.
    /// </summary>
    public IReadOnlyList<ElectionOutput> TransferLeadership(NodeId? to, TimeSpan liveWithin, out LeadershipTransferResult result)
    {
        var outputs = new List<ElectionOutput>();
        var now = _time.GetTimestamp();
        bool Live(NodeId v) => _lastAck.TryGetValue(v, out var at) && _time.GetElapsedTime(at, now) <= liveWithin;
        var target = to ?? _voters.Where(v => v != _self && Live(v))
            .OrderByDescending(v => _lastAck[v]).ThenBy(v => v.Value, StringComparer.Ordinal).Cast<NodeId?>().FirstOrDefault();
        string? refusal = Role != ElectionRole.Leader ? "this node is not the leader"
            : !_quorum ? "the leader has no quorum"
            : _transfer is { } running ? $"a transfer to {running.Target} is already running"
            : to == _self ? null
            : target is null ? "no other voter was heard from recently"
            : !_voters.Contains(target.Value) ? $"{target} is not a voter"
            : !Live(target.Value) ? $"{target} was not heard from within {liveWithin.TotalMilliseconds:0} ms"
            : null;
        if (refusal is not null)
        {
            result = new LeadershipTransferResult(false, refusal, null);
            return outputs;
        }

        if (to == _self)
        {
            result = new LeadershipTransferResult(true, $"{_self} already leads in term {Term}", _self);
            return outputs;
        }

        _transfer = (target!.Value, now + (long)(_settings.TimeoutMin.TotalSeconds * _time.TimestampFrequency));
        outputs.Add(new SendTimeoutNow(target.Value, Term));
        result = new LeadershipTransferResult(true, $"transferring leadership of term {Term} to {target}", target);
        return outputs;
    }

    /// <summary>
    /// The leader of <paramref name="term"/> asks this node to stand now. Acted on only from the
    /// leader this node follows in its current term, by a voter whose clock is in sync.
    /// </summary>
    public IReadOnlyList<ElectionOutput> OnTimeoutNow(NodeId from, long term)
    {
        var outputs = new List<ElectionOutput>();
        var before = Snapshot();
        if (!Admit(from, term, outputs))
        {
            return Announce(before, outputs);
        }

        var refusal = term != Term ? $"its term {term} is not this node's term {Term}"
            : Leader != from || Role != ElectionRole.Follower ? $"{from} is not the leader this node follows"
            : !_voters.Contains(_self) ? "this node is not a voter"
            : !ClockInSync ? "this node's clock is out of sync"
            : Term >= Terms.Max - 1 ? "no term is left to stand in"
            : null;
        if (refusal is not null)
        {
            outputs.Add(new ElectionNotice(IsError: false, $"Ignored a leadership transfer from {from} for term {term}: {refusal}"));
            return Announce(before, outputs);
        }

        outputs.Add(new ElectionNotice(IsError: false, $"Leadership transfer from {from}: standing for term {Term + 1} at once"));
        StartElection(outputs, transfer: true);
        return Announce(before, outputs);
    }

    private void AbandonLateTransfer(long now, List<ElectionOutput> outputs)
    {
        if (Role == ElectionRole.Leader && _transfer is { } t && now >= t.Until)
        {
            _transfer = null;
            outputs.Add(new ElectionNotice(IsError: false,
                $"Leadership transfer to {t.Target} abandoned: no new leader within {_settings.TimeoutMin.TotalMilliseconds:0} ms; leading on in term {Term}"));
        }
    }
}
