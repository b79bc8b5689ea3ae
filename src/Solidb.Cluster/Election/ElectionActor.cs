using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;
using Solidb.Cluster.Manager;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;

namespace Solidb.Cluster.Election;

/// <summary>
/// <c>/user/solidb-cluster/election</c>: drives <see cref="ElectionState"/>. Voters come from the
/// supervisor's membership snapshots, leader liveness from the heartbeat actor, votes over the
/// wire. Leadership changes go to the supervisor (status, downing, API) and to the heartbeat
/// actor (what heartbeats carry, whom a leader must reach).
/// </summary>
public sealed class ElectionActor : ReceiveActor, IWithTimers, IWithUnboundedStash
{
    public const string Name = "election";
    public static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);

    private readonly NodeContext _node;
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly ElectionState _state;
    private IActorRef _heartbeat = ActorRefs.Nobody;
    private MembershipSnapshot _membership = MembershipSnapshot.Empty;
    private Akka.Actor.Address? _template;

    public ElectionActor(NodeContext node)
    {
        _node = node;
        // After a restart too: the term and vote are read back from the vote store, so a restarted
        // actor never votes twice in a term; it starts as a follower, as after a process restart.
        _state = new ElectionState(node.NodeId, node.Settings.Election, node.Time, node.VoteStore, node.NewRandom(), node.Gate.Stamp);
        Active();
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public IStash Stash { get; set; } = null!;

    public static Props Props(NodeContext node) => Akka.Actor.Props.Create(() => new ElectionActor(node));

    public static ActorPath PathAt(Akka.Actor.Address address) => ModulePaths.Child(address, Name);

    protected override void PreStart()
    {
        _template = Akka.Cluster.Cluster.Get(Context.System).SelfAddress;
        _log.Info("Election state loaded: term {0}, voted for {1}", _state.Term, _state.VotedFor?.ToString() ?? "nobody");
        Timers.StartPeriodicTimer(nameof(ElectionTick), ElectionTick.Instance, TickInterval);
    }

    /// <summary>
    /// Restarted after a failure: everything the supervisor told it is gone. Until the supervisor
    /// answers with the heartbeat actor and the current membership it acts on nothing (without its
    /// voters it would refuse every voter's heartbeat and vote); what arrives meanwhile waits.
    /// </summary>
    protected override void PostRestart(Exception reason)
    {
        base.PostRestart(reason);
        Become(AwaitingWiring);
        Context.Parent.Tell(WiringRequest.Instance);
    }

    private void AwaitingWiring()
    {
        Receive<Wiring>(m =>
        {
            _heartbeat = m.Heartbeat;
            OnMembership(m.Membership);
            Become(Active);
            Stash.UnstashAll();
        });
        ReceiveAny(_ => Stash.Stash());
    }

    private void Active()
    {
        Receive<UseHeartbeat>(m =>
        {
            _heartbeat = m.Heartbeat;
            Publish();
        });
        Receive<MembershipChanged>(m => OnMembership(m.Snapshot));
        Receive<ElectionTick>(_ =>
        {
            _state.ClockInSync = _node.ClockStatus.InSync; // out of sync: never stands, steps down as leader
            Handle(_state.Tick());
        });
        Receive<HeartbeatObserved>(OnHeartbeatObserved);
        Receive<HeartbeatAckObserved>(OnHeartbeatAckObserved);
        Receive<RequestVote>(OnRequestVote);
        Receive<VoteReply>(OnVoteReply);
        Receive<TimeoutNow>(OnTimeoutNow);
        Receive<TransferLeadership>(OnTransferLeadership);
        ReceiveAny(m => _node.Dropped(m, _log, Name));
    }

    private void OnMembership(MembershipSnapshot snapshot)
    {
        _membership = snapshot;
        Handle(_state.SetVoters(snapshot.Voters));
        Publish(); // voter count and failure tolerance may change without a leadership change
    }

    private void OnRequestVote(RequestVote m)
    {
        if (_node.Accept(m, m.Candidate, null, Sender, _log, out var candidate) && IsVoter(candidate, m) && ClockAllows(candidate, m))
        {
            Handle(_state.OnVoteRequest(candidate, m.Term, m.PreVote, m.Transfer), m);
        }
    }

    private void OnVoteReply(VoteReply m)
    {
        if (_node.Accept(m, m.From, null, Sender, _log, out var from) && IsVoter(from, m) && ClockAllows(from, m))
        {
            Handle(_state.OnVoteReply(from, m.Term, m.Granted, m.PreVote), m);
        }
    }

    /// <summary>A TimeoutNow counts only from a voter; the rules act on it only from the leader this node follows in that term.</summary>
    private void OnTimeoutNow(TimeoutNow m)
    {
        if (_node.Accept(m, m.From, null, Sender, _log, out var from) && IsVoter(from, m) && ClockAllows(from, m))
        {
            Handle(_state.OnTimeoutNow(from, m.Term), m);
        }
    }

    /// <summary>
    /// A transfer asked for in this process (the supervisor forwards it). The leader starts it; a
    /// follower refuses, naming the leader it knows. Live: answered a heartbeat within two intervals.
    /// </summary>
    private void OnTransferLeadership(TransferLeadership m)
    {
        LeadershipTransferResult result;
        if (_state.Role != ElectionRole.Leader)
        {
            result = new LeadershipTransferResult(false,
                _state.Leader is { } leader ? $"this node is not the leader; ask the leader {leader}" : "this node knows no leader", null);
        }
        else
        {
            Handle(_state.TransferLeadership(m.To, 2 * _node.Settings.Health.HeartbeatInterval, out result));
        }

        _log.Info("Leadership transfer{0} asked by {1}: {2} ({3})", m.To is { } to ? $" to {to}" : "", Sender,
            result.Accepted ? "accepted" : "refused", result.Reason);
        Sender.Tell(result);
    }

    /// <summary>
    /// Votes, vote requests and leadership claims count only from voters: anything else could
    /// move this node's term (a non-voter's higher term is a term jump, refused too).
    /// </summary>
    private bool IsVoter(NodeId from, object message) =>
        _state.Voters.Contains(from) || _node.Refuse(Security.RejectionReason.NotAVoter, message, $"{from} is no voter", _log);

    /// <summary>No vote is cast or counted while this node's clock, or the other's, is out of sync with the majority.</summary>
    private bool ClockAllows(NodeId from, object message) => _node.ClockStatus is var c && c.InSync
        && (_membership.Find(from) is not { } peer || c.IsPeerInSync(peer.Address))
        || _node.Refuse(Security.RejectionReason.ClockSkew, message, c.InSync ? $"{from}'s clock is out of sync" : c.Problem!, _log);

    private void OnHeartbeatObserved(HeartbeatObserved m)
    {
        if (IsVoter(m.From, m))
        {
            Handle(_state.OnHeartbeat(m.From, m.Term, m.FromLeader, m.ElectedAt), m);
        }
    }

    private void OnHeartbeatAckObserved(HeartbeatAckObserved m)
    {
        if (IsVoter(m.From, m))
        {
            Handle(_state.OnHeartbeatAck(m.From, m.Term), m);
        }
    }

    /// <param name="message">The message from the wire the outputs answer, if any (named when its term is refused).</param>
    private void Handle(IReadOnlyList<ElectionOutput> outputs, object? message = null)
    {
        foreach (var output in outputs)
        {
            switch (output)
            {
                case BroadcastVoteRequest b:
                    _node.Metrics.VoteRequested();
                    if (b.PreVote)
                    {
                        _node.Counters.PreVoteStarted();
                    }
                    else
                    {
                        _node.Counters.ElectionStarted();
                    }

                    _log.Info("{0} for term {1} among {2} voters{3}", b.PreVote ? "Pre-vote" : "Election", b.Term, _state.Voters.Count,
                        b.Transfer ? " (leadership transfer)" : "");
                    foreach (var voter in _state.Voters.Where(v => v != _node.NodeId))
                    {
                        SendTo(voter, new RequestVote(_node.NodeId.Value, b.Term, b.PreVote, _node.Gate.Stamp(), b.Transfer));
                    }

                    break;
                case SendVoteReply r:
                    if (!r.PreVote && r.Granted)
                    {
                        _log.Info("Voted for {0} in term {1}", r.To, r.Term);
                    }

                    SendTo(r.To, new VoteReply(_node.NodeId.Value, r.Term, r.Granted, r.PreVote, _node.Gate.Stamp()));
                    break;
                case SendTimeoutNow t:
                    _log.Info("Handing leadership of term {0} over to {1} (TimeoutNow)", t.Term, t.To);
                    SendTo(t.To, new TimeoutNow(_node.NodeId.Value, t.Term, _node.Gate.Stamp()));
                    break;
                case LeadershipChanged c:
                    if (c.Leader is not null)
                    {
                        _node.Metrics.LeaderKnown();
                    }

                    _log.Info("Leader: {0}, term {1}, quorum {2} (this node is {3})",
                        c.Leader?.ToString() ?? "none", c.Term, c.HasQuorum ? "yes" : "no", _state.Role);
                    Publish();
                    break;
                case TermRefused { Counted: true } r:
                    _node.Refuse(Security.RejectionReason.ImplausibleTerm, message ?? r,
                        $"{r.From} sent term {r.Term}, above {r.Ceiling}, the most the terms of the other voters allow (this node is in term {_state.Term})", _log);
                    break;
                case TermRefused r:
                    _log.Debug("Ignored term {0} from {1}: above {2}, and no other voter heard yet to vouch for it", r.Term, r.From, r.Ceiling);
                    break;
                case ElectionNotice n when n.IsError:
                    _log.Error("{0}", n.Message);
                    break;
                case ElectionNotice n:
                    _log.Info("{0}", n.Message);
                    break;
            }
        }
    }

    private void SendTo(NodeId node, object message)
    {
        if (_membership.Find(node) is { } member)
        {
            Context.ActorSelection(PathAt(AkkaMembers.ToAddress(member.Address, _template!))).Tell(message);
        }
    }

    private void Publish()
    {
        var info = new LeaderInfo(_state.Leader, _state.Term, _state.ElectedAt, _state.HasQuorum, _state.Voters.Count, _state.FailureTolerance)
        {
            QuorumSize = _state.QuorumSize,
        };
        Context.Parent.Tell(info);
        _heartbeat.Tell(new ElectionView(_state.Term, _state.Role == ElectionRole.Leader,
            _state.ElectedAt ?? Clock.HlcTimestamp.Zero, _state.Voters.ToImmutableHashSet()));
    }

    /// <summary>Supervisor -> election: where the heartbeat actor is.</summary>
    public sealed record UseHeartbeat(IActorRef Heartbeat);

    private sealed record ElectionTick
    {
        public static ElectionTick Instance { get; } = new();
    }
}
