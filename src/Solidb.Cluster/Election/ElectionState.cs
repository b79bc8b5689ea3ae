using Solidb.Cluster.Clock;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Election;

/// <summary>
/// Raft's leader election without the log, as a plain class on injected time: terms; one vote
/// per term, saved before it is granted; randomized election timeouts; pre-vote (a node that
/// still hears a live leader refuses, so a node back from a partition cannot disrupt the cluster
/// with a higher term); check-quorum (a leader that has not heard from a majority within the
/// election timeout steps down). Leader liveness rides on the health heartbeats: the actor feeds
/// them in through <see cref="OnHeartbeat"/> and <see cref="OnHeartbeatAck"/>.
/// Single-threaded: the election actor owns it. Every input returns what to send or announce.
/// </summary>
public sealed partial class ElectionState
{
    private readonly NodeId _self;
    private readonly ElectionSettings _settings;
    private readonly TimeProvider _time;
    private readonly DurableVote _vote;
    private readonly Random _random;
    private readonly Func<HlcTimestamp> _stamp;
    private readonly HashSet<NodeId> _votes = [];
    private readonly Dictionary<NodeId, long> _lastAck = [];
    private HashSet<NodeId> _voters = [];
    private long _deadline;
    private long _leaderHeardAt;
    private bool _quorum;
    private string? _reportedProblem;
    private long _retrySaveAt;
    private bool _termsExhaustedReported;

    public ElectionState(NodeId self, ElectionSettings settings, TimeProvider time, IVoteStore store, Random random, Func<HlcTimestamp> stamp)
    {
        _self = self;
        _settings = settings;
        _time = time;
        _vote = new DurableVote(store);
        _random = random;
        _stamp = stamp;
        _bound = new TermBound(settings.TimeoutMin, time, _vote.Term);
        ResetDeadline();
    }

    public long Term => _vote.Term;
    public NodeId? VotedFor => _vote.VotedFor;
    public ElectionRole Role { get; private set; } = ElectionRole.Follower;

    /// <summary>The leader this node follows (or itself), null while it knows none.</summary>
    public NodeId? Leader { get; private set; }

    /// <summary>HLC timestamp of the current leader's election, as the leader announced it.</summary>
    public HlcTimestamp? ElectedAt { get; private set; }

    public IReadOnlySet<NodeId> Voters => _voters;

    /// <summary>A leader: it heard from a majority within the election timeout. A follower: it hears a live leader.</summary>
    public bool HasQuorum => Role == ElectionRole.Leader ? _quorum : Leader is not null;

    /// <summary>
    /// What a majority is counted over: the current voters, or the voters of the cluster this
    /// node last saw with a quorum if that was larger. It shrinks only while a quorum confirms
    /// the smaller set, so a node cut off from its cluster, or restarted alone into a new
    /// cluster of one, can never elect itself.
    /// </summary>
    public int QuorumSize => Math.Max(_voters.Count, _vote.KnownVoters);

    /// <summary>How many voters may fail with a majority left: floor((voters - 1) / 2).</summary>
    public int FailureTolerance => Majority.Tolerance(_voters.Count);

    /// <summary>False while this node's wall clock is out of sync with the majority: it never stands and steps down as leader.</summary>
    public bool ClockInSync { get; set; } = true;

    /// <summary>Why the last save of the vote failed (the node then grants no vote and starts no election); null once a save succeeds.</summary>
    public string? PersistProblem => _vote.Problem;

    public FencingToken? Token => Leader is { } leader && ElectedAt is { } at ? new FencingToken(Term, leader, at) : null;

    /// <summary>The voting members: members that were admitted (Up) and not removed.</summary>
    public IReadOnlyList<ElectionOutput> SetVoters(IEnumerable<NodeId> voters)
    {
        var outputs = new List<ElectionOutput>();
        var before = Snapshot();
        var hadQuorum = HasQuorum;
        _voters = voters.ToHashSet();
        _votes.IntersectWith(_voters); // votes of members that are no longer voters do not count
        var now = _time.GetTimestamp();
        foreach (var gone in _lastAck.Keys.Where(v => !_voters.Contains(v)).ToList())
        {
            _lastAck.Remove(gone);
        }

        foreach (var voter in _voters.Where(v => !_lastAck.ContainsKey(v)))
        {
            _lastAck[voter] = now; // a new voter gets a full timeout before it counts against the leader
        }

        if (hadQuorum)
        {
            RememberClusterSize();
        }

        // Alone (and never part of a larger cluster), a node needs nobody's vote: the first node leads at once.
        if (Role != ElectionRole.Leader && _voters.Count == 1 && _voters.Contains(_self) && QuorumSize == 1)
        {
            StartPreVote(outputs);
        }

        return Announce(before, outputs);
    }

    /// <summary>Checks the timeouts: election timeout for followers and candidates, check-quorum for the leader.</summary>
    public IReadOnlyList<ElectionOutput> Tick()
    {
        var outputs = new List<ElectionOutput>();
        var before = Snapshot();
        var now = _time.GetTimestamp();
        if (_vote.Problem is not null && now >= _retrySaveAt)
        {
            // Saves happen only on term and vote changes; rewriting the durable state is how a
            // node whose disk works again notices (and reports ready again) without waiting for one.
            _retrySaveAt = now + (long)(_settings.TimeoutMin.TotalSeconds * _time.TimestampFrequency);
            _vote.TrySave(Term, VotedFor, _vote.KnownVoters);
        }

        if (Role == ElectionRole.Leader)
        {
            var heard = _voters.Count(v => v == _self || _time.GetElapsedTime(_lastAck.GetValueOrDefault(v, long.MinValue / 2), now) <= _settings.TimeoutMax);
            _quorum = IsMajority(heard) && ClockInSync;
            if (!_quorum)
            {
                StepDown(Term);
            }

            AbandonLateTransfer(now, outputs);
        }
        else if (now >= _deadline)
        {
            Leader = null;
            ElectedAt = null;
            if (_voters.Contains(_self) && ClockInSync)
            {
                StartPreVote(outputs);
            }
            else
            {
                ResetDeadline();
            }
        }

        return Announce(before, outputs);
    }

    /// <summary>A health heartbeat from <paramref name="from"/>, carrying its term and whether it leads.</summary>
    public IReadOnlyList<ElectionOutput> OnHeartbeat(NodeId from, long term, bool fromLeader, HlcTimestamp electedAt)
    {
        var before = Snapshot();
        var outputs = new List<ElectionOutput>();
        if (!Admit(from, term, outputs))
        {
            return Announce(before, outputs);
        }

        if (term > Term)
        {
            StepDown(term);
        }

        if (fromLeader && term == Term && from != _self)
        {
            if (Role != ElectionRole.Follower)
            {
                StepDown(term);
            }

            Leader = from;
            ElectedAt = electedAt;
            _leaderHeardAt = _time.GetTimestamp();
            ResetDeadline();
            RememberClusterSize();
        }

        return Announce(before, outputs);
    }

    /// <summary>An answer to this node's heartbeat, carrying the answering node's term.</summary>
    public IReadOnlyList<ElectionOutput> OnHeartbeatAck(NodeId from, long term)
    {
        var before = Snapshot();
        var outputs = new List<ElectionOutput>();
        if (!Admit(from, term, outputs))
        {
            return Announce(before, outputs);
        }

        if (term > Term)
        {
            StepDown(term);
        }
        else if (Role == ElectionRole.Leader && _voters.Contains(from))
        {
            _lastAck[from] = _time.GetTimestamp();
        }

        return Announce(before, outputs);
    }

    /// <param name="transfer">A campaign the leader asked for: in a term above this node's it gets past leader stickiness.</param>
    public IReadOnlyList<ElectionOutput> OnVoteRequest(NodeId candidate, long term, bool preVote, bool transfer = false)
    {
        var outputs = new List<ElectionOutput>();
        var before = Snapshot();
        if (!Admit(candidate, term, preVote ? Math.Max(0, term - 1) : term, outputs)) // a pre-vote asks for the term after the candidate's
        {
            return Announce(before, outputs);
        }

        if (preVote)
        {
            // Would we vote for it? Only if its term would be new and no live leader is heard.
            var grant = term > Term && !HearsLiveLeader() && _voters.Contains(candidate);
            outputs.Add(new SendVoteReply(candidate, grant ? term : Term, grant, PreVote: true));
            return Announce(before, outputs);
        }

        if (term < Term || (HearsLiveLeader() && !(transfer && term > Term)))
        {
            outputs.Add(new SendVoteReply(candidate, Term, Granted: false, PreVote: false));
            return Announce(before, outputs);
        }

        if (term > Term)
        {
            StepDown(term);
        }

        // Granted only in the candidate's term (a failed save of that term leaves this node in
        // the older one) and only once the vote is durable: a failed save refuses it.
        var granted = term == Term && (VotedFor is null || VotedFor == candidate) && _voters.Contains(candidate)
            && (VotedFor == candidate || _vote.TrySave(Term, candidate, _vote.KnownVoters));

        if (granted)
        {
            ResetDeadline();
        }

        outputs.Add(new SendVoteReply(candidate, Term, granted, PreVote: false));
        return Announce(before, outputs);
    }

    public IReadOnlyList<ElectionOutput> OnVoteReply(NodeId from, long term, bool granted, bool preVote)
    {
        var outputs = new List<ElectionOutput>();
        var before = Snapshot();
        // A granted pre-vote echoes the term this node asked for (no claim of the voter's own); a refusal shows the voter's term.
        var echo = preVote && granted && term == Term + 1;
        if (!echo && !Admit(from, term, preVote && granted ? null : term, outputs))
        {
            return Announce(before, outputs);
        }

        if (preVote)
        {
            if (Role == ElectionRole.PreCandidate && granted && term == Term + 1 && _voters.Contains(from))
            {
                _votes.Add(from);
                if (IsMajority(CountedVotes()))
                {
                    StartElection(outputs);
                }
            }
        }
        else if (term > Term)
        {
            StepDown(term);
        }
        else if (Role == ElectionRole.Candidate && term == Term && granted && _voters.Contains(from))
        {
            _votes.Add(from);
            if (IsMajority(CountedVotes()))
            {
                BecomeLeader();
            }
        }

        return Announce(before, outputs);
    }

    private bool HearsLiveLeader() =>
        Role == ElectionRole.Leader
        || (Leader is not null && _time.GetElapsedTime(_leaderHeardAt) < _settings.TimeoutMin);

    private void StartPreVote(List<ElectionOutput> outputs)
    {
        if (Term >= Terms.Max - 1)
        {
            // Term + 1 would leave the valid range: only a corrupt or forged election file gets here.
            ResetDeadline();
            if (!_termsExhaustedReported)
            {
                _termsExhaustedReported = true;
                outputs.Add(new ElectionNotice(IsError: true,
                    $"Not starting an election: term {Term} is the last one below the largest term {Terms.Max}; the election file or a peer's term is corrupt"));
            }

            return;
        }

        Role = ElectionRole.PreCandidate;
        _votes.Clear();
        _votes.Add(_self);
        ResetDeadline();
        if (IsMajority(_votes.Count))
        {
            StartElection(outputs);
            return;
        }

        outputs.Add(new BroadcastVoteRequest(Term + 1, PreVote: true));
    }

    private void StartElection(List<ElectionOutput> outputs, bool transfer = false)
    {
        if (!_vote.TrySave(Term + 1, _self, _vote.KnownVoters))
        {
            Role = ElectionRole.Follower; // no candidacy without a durable vote for itself; retried at the next timeout
            ResetDeadline();
            return;
        }

        Role = ElectionRole.Candidate;
        Leader = null;
        ElectedAt = null;
        _votes.Clear();
        _votes.Add(_self);
        ResetDeadline();
        if (IsMajority(_votes.Count))
        {
            BecomeLeader();
            return;
        }

        outputs.Add(new BroadcastVoteRequest(Term, PreVote: false, transfer));
    }

    private void BecomeLeader()
    {
        Role = ElectionRole.Leader;
        Leader = _self;
        ElectedAt = _stamp();
        _quorum = true;
        var now = _time.GetTimestamp();
        foreach (var voter in _voters)
        {
            _lastAck[voter] = now;
        }

        RememberClusterSize();
    }

    private void StepDown(long term)
    {
        if (term > Term)
        {
            // A failed save keeps the older term; the leader is forgotten all the same, since a newer term exists.
            _vote.TrySave(term, null, _vote.KnownVoters);
            Leader = null; // a leader of an older term is no longer one
            ElectedAt = null;
        }

        if (Role == ElectionRole.Leader)
        {
            Leader = null;
            ElectedAt = null;
        }

        Role = ElectionRole.Follower;
        _quorum = false;
        _transfer = null;
        ResetDeadline();
    }

    private bool IsMajority(int count) => _voters.Contains(_self) && Majority.Reached(count, of: QuorumSize);

    private int CountedVotes() => _votes.Count(_voters.Contains);

    /// <summary>A quorum confirms the current voter set: from now on a majority is counted over it.</summary>
    private void RememberClusterSize()
    {
        if (_voters.Contains(_self) && _vote.KnownVoters != _voters.Count)
        {
            _vote.TrySave(Term, VotedFor, _voters.Count);
        }
    }

    private void ResetDeadline()
    {
        var spread = _settings.TimeoutMax - _settings.TimeoutMin;
        var timeout = _settings.TimeoutMin + TimeSpan.FromTicks((long)(spread.Ticks * _random.NextDouble()));
        _deadline = _time.GetTimestamp() + (long)(timeout.TotalSeconds * _time.TimestampFrequency);
    }

    private (NodeId? Leader, long Term, bool Quorum) Snapshot() => (Leader, Term, HasQuorum);

    private List<ElectionOutput> Announce((NodeId? Leader, long Term, bool Quorum) before, List<ElectionOutput> outputs)
    {
        if (before != Snapshot())
        {
            outputs.Add(new LeadershipChanged(Leader, Term, HasQuorum));
        }

        if (_vote.Problem != _reportedProblem)
        {
            outputs.Add(_vote.Problem is { } problem ? new ElectionNotice(IsError: true, problem) : new ElectionNotice(IsError: false, "Election state persisted again"));
            _reportedProblem = _vote.Problem;
        }

        return outputs;
    }
}
