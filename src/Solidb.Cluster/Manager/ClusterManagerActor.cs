using System.Collections.Immutable;
using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Election;
using Solidb.Cluster.Health;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;

namespace Solidb.Cluster.Manager;

/// <summary>
/// The node's supervisor, <c>/user/solidb-cluster</c>. It owns the node's identity and the
/// <see cref="MembershipTable"/> (fed by Akka.Cluster events and the failure detector's
/// signals), supervises the clock, heartbeat, failure-detector and election actors, downs
/// confirmed-failed members while it is the elected leader with a quorum
/// (<see cref="DowningRule"/>), and answers the actor-message API.
/// </summary>
public sealed class ClusterManagerActor : ReceiveActor, IWithTimers
{
    public const string Name = "solidb-cluster";

    private readonly NodeContext _node;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly MembershipTable _table;
    private readonly HashSet<IActorRef> _subscribers = [];
    private readonly HashSet<IActorRef> _leaderSubscribers = [];
    private readonly HashSet<long> _downed = [];
    private HealthStats _health = HealthStats.Empty;
    private IActorRef _detector = ActorRefs.Nobody;
    private IActorRef _election = ActorRefs.Nobody;
    private LeaderInfo _leader = LeaderInfo.None;
    private readonly IsolationWatch _isolation;
    private readonly JoinWatch _join;
    private bool _rejoining;
    private long _published;
    private NodeId? _leaderLogged;

    public ClusterManagerActor(NodeContext node)
    {
        _node = node;
        _table = new MembershipTable(node.NodeId);
        _isolation = new IsolationWatch(node.Time, node.Settings.Election.RejoinAfter);
        _join = new JoinWatch(node.Time, node.Settings.Election.JoinTimeout, node.RejoinOnly);
        Receive<ClusterEvent.CurrentClusterState>(OnCurrentState);
        Receive<ClusterEvent.IMemberEvent>(e => OnMember(e.Member, introduce: e is ClusterEvent.MemberUp));
        Receive<LeaderInfo>(OnLeaderInfo);
        Receive<GetLeader>(_ => Sender.Tell(_leader));
        Receive<SubscribeLeader>(OnSubscribeLeader);
        Receive<UnsubscribeLeader>(m => Unsubscribe(m.Subscriber));
        Receive<HealthSignals>(OnHealthSignals);
        Receive<HealthStats>(s => _health = s);
        Receive<Introduce>(OnIntroduce);
        Receive<GetClusterStatus>(_ => Sender.Tell(Status()));
        Receive<SubscribeMembership>(OnSubscribe);
        Receive<UnsubscribeMembership>(m => Unsubscribe(m.Subscriber));
        Receive<Terminated>(t => Unsubscribe(t.ActorRef));
        Receive<LeaveCluster>(_ => Leave());
        Receive<Akka.Remote.ThisActorSystemQuarantinedEvent>(OnQuarantinedByPeer);
        Receive<DownFailed>(_ =>
        {
            DownConfirmedFailures();
            RejoinIfIsolated();
            RestartIfJoinTimedOut();
        });
        ReceiveAny(m => _node.Dropped(m, _log, Name));
    }

    public ITimerScheduler Timers { get; set; } = null!;

    public static Props Props(NodeContext node) => Akka.Actor.Props.Create(() => new ClusterManagerActor(node));

    protected override void PreStart()
    {
        _log.Info("Node {0} (incarnation {1}) at {2}, HTTP {3}; joins via: {4}{5}", _node.NodeId, _node.Identity.Incarnation,
            _node.Address, _node.HttpAddress, string.Join(", ", _cluster.Settings.SeedNodes.Select(AkkaMembers.HostPort)),
            _node.RejoinOnly ? " (rejoining: join only, never form a cluster)" : "");
        Context.ActorOf(ClockActor.Props(_node), ClockActor.Name);
        Context.ActorOf(Bootstrap.BootstrapActor.Props(_node), Bootstrap.BootstrapActor.Name);
        _detector = Context.ActorOf(FailureDetectorActor.Props(_node), FailureDetectorActor.Name);
        _election = Context.ActorOf(ElectionActor.Props(_node), ElectionActor.Name);
        var heartbeat = Context.ActorOf(HeartbeatActor.Props(_node, _detector, _election), HeartbeatActor.Name);
        _detector.Tell(new FailureDetectorActor.UseHeartbeat(heartbeat));
        _election.Tell(new ElectionActor.UseHeartbeat(heartbeat));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot, typeof(ClusterEvent.IMemberEvent));
        Context.System.EventStream.Subscribe(Self, typeof(Akka.Remote.ThisActorSystemQuarantinedEvent));
        Timers.StartPeriodicTimer(nameof(DownFailed), DownFailed.Instance, _node.Settings.Health.HeartbeatInterval);
    }

    protected override void PostStop()
    {
        _cluster.Unsubscribe(Self);
        Context.System.EventStream.Unsubscribe(Self);
    }

    private void OnCurrentState(ClusterEvent.CurrentClusterState state)
    {
        var members = state.Members.Select(AkkaMembers.Observe).OfType<ObservedMember>();
        Apply(_table.Reset(members, LeaderAddress()));
        foreach (var member in state.Members.Where(m => m.Status == Akka.Cluster.MemberStatus.Up))
        {
            IntroduceTo(member);
        }
    }

    private void OnMember(Member member, bool introduce)
    {
        if (AkkaMembers.Observe(member) is not { } observed)
        {
            _log.Warning("Ignoring member {0} with roles [{1}]: it carries no node id role, so it is not a SoliDB node",
                member.Address, string.Join(", ", member.Roles));
            return;
        }

        Apply(_table.Observe(observed));
        if (introduce)
        {
            IntroduceTo(member);
        }
    }

    private void OnHealthSignals(HealthSignals m)
    {
        foreach (var (id, uid, signal) in m.Signals)
        {
            Apply(_table.Health(id, uid, signal));
        }
    }

    private void IntroduceTo(Member member)
    {
        var introduction = Introduction();
        if (member.Address.Equals(_cluster.SelfAddress))
        {
            Self.Tell(introduction);
            return;
        }

        Context.ActorSelection(new RootActorPath(member.Address) / "user" / Name).Tell(introduction);
    }

    private void OnIntroduce(Introduce m)
    {
        if (!_node.Accept(m, m.NodeId, m.Uid, Sender, _log, out var id))
        {
            return;
        }

        var from = Inbound.SenderAddress(Sender) ?? _node.Address;
        var known = _table.Snapshot.Find(id) is { } member && member.Uid == m.Uid && member.Incarnation == m.Incarnation;
        Apply(_table.Introduced(id, m.Uid, from, m.HttpAddress, m.Incarnation));
        if (!known && !Sender.Path.Address.HasLocalScope)
        {
            // A new member introduces itself as soon as it sees this node Up, which may be before
            // this node has heard of it (its introduction is then refused as from an unknown
            // sender). Answering a first introduction with ours closes that gap: the answer
            // arrives at a node that knows this one. Each side answers once per incarnation.
            Sender.Tell(Introduction());
        }
    }

    private Introduce Introduction() => new(_node.NodeId.Value, _cluster.SelfUniqueAddress.Uid, _node.Identity.Incarnation,
        _node.HttpAddress, NodeContext.ModuleVersion, _node.Gate.Stamp());

    private void Apply(TableChange change)
    {
        foreach (var t in change.Applied)
        {
            _log.Info("Member {0}: {1} -> {2} ({3})", t.NodeId, t.From?.ToString() ?? "(new)", t.To?.ToString() ?? "(removed)", t.Why);
        }

        foreach (var r in change.Rejected)
        {
            _node.Counters.TransitionRejected();
            _log.Warning("Rejected an impossible transition of {0}: {1} -> {2} ({3})", r.NodeId, r.From, r.To, r.Cause);
        }

        if (change.Snapshot.Version == _published)
        {
            return;
        }

        if (change.Snapshot.Leader != _leaderLogged)
        {
            _leaderLogged = change.Snapshot.Leader;
            _log.Info("Leader is now {0}", _leaderLogged?.ToString() ?? "(none)");
        }

        _published = change.Snapshot.Version;
        _node.Members = new Security.MemberDirectory(change.Snapshot, _node.NodeId, _node.Address);
        _node.Gate.Retain(change.Snapshot.Members.Select(m => m.NodeId));
        var message = new MembershipChanged(change.Snapshot);
        _detector.Tell(message);
        _election.Tell(message);
        foreach (var subscriber in _subscribers)
        {
            subscriber.Tell(message);
        }

        DownConfirmedFailures();
    }

    private void OnLeaderInfo(LeaderInfo info)
    {
        _leader = info;
        Apply(_table.SetLeader(LeaderAddress()));
        var message = new LeaderChanged(info);
        foreach (var subscriber in _leaderSubscribers)
        {
            subscriber.Tell(message);
        }
    }

    private string? LeaderAddress() => _leader.Leader is { } id ? _table.Snapshot.Find(id)?.Address : null;

    private void OnSubscribeLeader(SubscribeLeader m)
    {
        if (_leaderSubscribers.Add(m.Subscriber))
        {
            Context.Watch(m.Subscriber);
        }

        m.Subscriber.Tell(new LeaderChanged(_leader));
    }

    private void DownConfirmedFailures()
    {
        foreach (var member in DowningRule.ToDown(_table.Snapshot, _node.NodeId, _leader))
        {
            if (_downed.Add(member.Uid))
            {
                _log.Info("Downing {0} at {1}: confirmed Failed; this node leads term {2} with a quorum", member.NodeId, member.Address, _leader.Term);
            }

            // Akka downs by address. Once a new incarnation holds the address (Akka removes the
            // old one when the new one joins), downing it would remove the wrong incarnation.
            var address = AkkaMembers.ToAddress(member.Address, _cluster.SelfAddress);
            if (_cluster.State.Members.FirstOrDefault(m => m.Address.Equals(address)) is { } current && current.UniqueAddress.Uid == member.Uid)
            {
                _cluster.Down(address);
            }
        }
    }

    /// <summary>
    /// Self-healing for the minority side of a partition: its Akka.Cluster state is stale (the
    /// majority has downed it, or will), and the majority's Akka.Remote quarantines it, so it
    /// cannot simply reconnect. Stopping with the downing reason makes the host start a new
    /// incarnation that only joins an existing cluster.
    /// </summary>
    private void RejoinIfIsolated()
    {
        if (_rejoining || !_isolation.ShouldRejoin(_table.Snapshot, _leader))
        {
            return;
        }

        _log.Warning("No quorum for {0}s and a majority of the voters unreachable: restarting as a new incarnation that rejoins the cluster",
            _node.Settings.Election.RejoinAfter.TotalSeconds);
        Rejoin(RestartCause.Isolated);
    }

    /// <summary>
    /// A peer's Akka.Remote refuses this incarnation: the cluster removed it after downing it
    /// (a partition that has now healed). Without a quorum of its own the node rejoins at once,
    /// instead of after rejoin-after. With a quorum it stays: a quarantine alone is no reason
    /// for a healthy member to restart (Akka also quarantines after lost system messages).
    /// </summary>
    private void OnQuarantinedByPeer(Akka.Remote.ThisActorSystemQuarantinedEvent e)
    {
        if (_rejoining)
        {
            return;
        }

        if (_leader.HasQuorum)
        {
            _log.Warning("{0} has quarantined this incarnation, but this node has a quorum: staying", AkkaMembers.HostPort(e.RemoteAddress));
            return;
        }

        _log.Warning("{0} has quarantined this incarnation (the cluster removed it) and this node has no quorum: restarting as a new " +
                     "incarnation that rejoins the cluster", AkkaMembers.HostPort(e.RemoteAddress));
        Rejoin(RestartCause.Quarantined);
    }

    /// <summary>
    /// Stops this incarnation with the downing reason, so the host starts a join-only one. Downing
    /// itself (rather than only running the shutdown) skips the graceful-leave wait for Exiting,
    /// which a node cut off from its cluster would wait out for the whole phase timeout.
    /// </summary>
    private void Rejoin(RestartCause cause) => StopForRestart(new SelfRestartReason(cause), downSelf: true);

    /// <summary>Ends this incarnation for the host to start the next; the reason tells it which kind.</summary>
    private void StopForRestart(CoordinatedShutdown.Reason reason, bool downSelf)
    {
        _rejoining = true;
        if (downSelf)
        {
            _cluster.Down(_cluster.SelfAddress);
        }

        CoordinatedShutdown.Get(Context.System).Run(reason);
    }

    /// <summary>See <see cref="JoinWatch"/>: an incarnation that did not become Up in time restarts under the normal bootstrap rule.</summary>
    private void RestartIfJoinTimedOut()
    {
        var welcomed = _cluster.IsMember();
        if (_rejoining || !_join.Expired(welcomed, IsUp()))
        {
            return;
        }

        _log.Warning(welcomed
                ? "Welcomed into the cluster but not Up after {0}s (the others do not know this incarnation): restarting as a new incarnation"
                : "Join-only for {0}s and no cluster let this node in: restarting as a new incarnation under the normal bootstrap rule " +
                  "(the lowest address may form a cluster once a majority of the configured nodes is in none)",
            _node.Settings.Election.JoinTimeout.TotalSeconds);
        StopForRestart(new SelfRestartReason(RestartCause.JoinTimedOut), downSelf: welcomed); // a welcomed one skips the graceful-leave wait, as in Rejoin
    }

    /// <summary>This incarnation is Up in its own view (or WeaklyUp, Leaving, Exiting: it was let all the way in).</summary>
    private bool IsUp() => _cluster.SelfMember.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving or MemberStatus.Exiting;

    private ClusterStatus Status()
    {
        var snapshot = _table.Snapshot;
        var members = snapshot.Members.Select(m =>
        {
            var health = _health.Peers.GetValueOrDefault(m.NodeId);
            var current = health is not null && health.Uid == m.Uid;
            return new MemberInfo(m.NodeId, m.Address, m.HttpAddress, m.Incarnation, m.State,
                current ? _node.Time.GetElapsedTime(health!.LastHeard) : null,
                current ? health!.MissedHeartbeats : null,
                current ? health!.RoundTrip : null,
                _health.ObservedBy.GetValueOrDefault(m.NodeId, []),
                m.NodeId == _node.NodeId ? TimeSpan.Zero : _node.Gate.OffsetOf(m.NodeId));
        }).ToImmutableArray();
        var self = snapshot.Find(_node.NodeId);
        return new ClusterStatus(_node.NodeId, _node.Address, _node.HttpAddress, _node.Identity.Incarnation,
            self?.State ?? NodeState.Joining, snapshot.Leader, members, snapshot.Version, _node.StartedAt,
            NodeContext.ModuleVersion, _node.Clock.Now(), _node.Counters.Snapshot(), _leader, _node.Restarts);
    }

    private void OnSubscribe(SubscribeMembership m)
    {
        if (_subscribers.Add(m.Subscriber))
        {
            Context.Watch(m.Subscriber);
        }

        m.Subscriber.Tell(new MembershipChanged(_table.Snapshot));
    }

    private void Unsubscribe(IActorRef subscriber)
    {
        var removed = _subscribers.Remove(subscriber) | _leaderSubscribers.Remove(subscriber);
        if (removed && !_subscribers.Contains(subscriber) && !_leaderSubscribers.Contains(subscriber))
        {
            Context.Unwatch(subscriber);
        }
    }

    private void Leave()
    {
        _log.Info("Leaving the cluster gracefully (requested by {0})", Sender);
        _cluster.Leave(_cluster.SelfAddress);
    }

    private sealed record DownFailed
    {
        public static DownFailed Instance { get; } = new();
    }
}
