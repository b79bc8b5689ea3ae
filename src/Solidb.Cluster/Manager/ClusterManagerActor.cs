using Akka.Actor;
using Akka.Cluster;
using Akka.Event;
using Solidb.Cluster.Membership;
using Solidb.Cluster.Protocol;

namespace Solidb.Cluster.Manager;

/// <summary>
/// The node's supervisor, <c>/user/solidb-cluster</c>. It owns the node's identity and its
/// membership view (folded from Akka.Cluster events by <see cref="MembershipView"/>), answers
/// the actor-message API, and introduces the node to every member that comes up.
/// </summary>
public sealed class ClusterManagerActor : ReceiveActor
{
    public const string Name = "solidb-cluster";

    private readonly NodeContext _node;
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(Context.System);
    private readonly ILoggingAdapter _log = Context.GetLogger();
    private readonly MembershipView _view = new();
    private readonly HashSet<IActorRef> _subscribers = [];
    private long _lastPublished;
    private MembershipSnapshot _previous = MembershipSnapshot.Empty;

    public ClusterManagerActor(NodeContext node)
    {
        _node = node;
        Receive<ClusterEvent.CurrentClusterState>(OnCurrentState);
        Receive<ClusterEvent.IMemberEvent>(e => OnMember(e.Member, reachable: true, introduce: e is ClusterEvent.MemberUp));
        Receive<ClusterEvent.UnreachableMember>(e => Changed(_view.SetReachable(AkkaMembers.HostPort(e.Member.Address), false)));
        Receive<ClusterEvent.ReachableMember>(e => Changed(_view.SetReachable(AkkaMembers.HostPort(e.Member.Address), true)));
        Receive<ClusterEvent.LeaderChanged>(e => Changed(_view.SetLeader(e.Leader is null ? null : AkkaMembers.HostPort(e.Leader))));
        Receive<Introduce>(OnIntroduce);
        Receive<GetClusterStatus>(_ => Sender.Tell(Status()));
        Receive<SubscribeMembership>(OnSubscribe);
        Receive<UnsubscribeMembership>(m => Unsubscribe(m.Subscriber));
        Receive<Terminated>(t => Unsubscribe(t.ActorRef));
        Receive<LeaveCluster>(_ => Leave());
    }

    public static Props Props(NodeContext node) => Akka.Actor.Props.Create(() => new ClusterManagerActor(node));

    protected override void PreStart()
    {
        _log.Info("Node {0} (incarnation {1}) at {2}, HTTP {3}; seed order: {4}", _node.NodeId, _node.Identity.Incarnation,
            _node.Address, _node.HttpAddress, string.Join(", ", _node.Settings.SeedOrder()));
        _cluster.Subscribe(Self, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
            typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent), typeof(ClusterEvent.LeaderChanged));
    }

    protected override void PostStop() => _cluster.Unsubscribe(Self);

    private void OnCurrentState(ClusterEvent.CurrentClusterState state)
    {
        var unreachable = state.Unreachable.Select(m => m.UniqueAddress).ToHashSet();
        var members = state.Members
            .Select(m => AkkaMembers.Observe(m, !unreachable.Contains(m.UniqueAddress)))
            .OfType<ObservedMember>();
        Changed(_view.Reset(members, state.Leader is null ? null : AkkaMembers.HostPort(state.Leader)));
        foreach (var member in state.Members.Where(m => m.Status == MemberStatus.Up))
        {
            IntroduceTo(member);
        }
    }

    private void OnMember(Member member, bool reachable, bool introduce)
    {
        if (AkkaMembers.Observe(member, reachable) is not { } observed)
        {
            _log.Warning("Ignoring member {0} with roles [{1}]: it carries no node id role, so it is not a SoliDB node",
                member.Address, string.Join(", ", member.Roles));
            return;
        }

        Changed(_view.Apply(observed));
        if (introduce)
        {
            IntroduceTo(member);
        }
    }

    private void IntroduceTo(Member member)
    {
        if (member.Address.Equals(_cluster.SelfAddress))
        {
            Self.Tell(IntroductionOfSelf());
            return;
        }

        Context.ActorSelection(new RootActorPath(member.Address) / "user" / Name).Tell(IntroductionOfSelf());
    }

    private Introduce IntroductionOfSelf() =>
        new(_node.NodeId.Value, _node.Identity.Incarnation, _node.HttpAddress, NodeContext.ModuleVersion);

    private void OnIntroduce(Introduce m)
    {
        var from = Sender.Path.Address.HasLocalScope ? _node.Address : AkkaMembers.HostPort(Sender.Path.Address);
        if (!NodeId.TryParse(m.NodeId, out var id))
        {
            _log.Warning("Dropping an introduction from {0} with an invalid node id '{1}'", from, m.NodeId);
            return;
        }

        Changed(_view.Introduced(from, id, m.HttpAddress, m.Incarnation));
    }

    private void Changed(MembershipSnapshot snapshot)
    {
        if (snapshot.Version == _lastPublished)
        {
            return;
        }

        LogChanges(_previous, snapshot);
        _previous = snapshot;
        _lastPublished = snapshot.Version;
        var message = new MembershipChanged(snapshot);
        foreach (var subscriber in _subscribers)
        {
            subscriber.Tell(message);
        }
    }

    private void LogChanges(MembershipSnapshot before, MembershipSnapshot after)
    {
        foreach (var member in after.Members)
        {
            var old = before.Find(member.NodeId);
            if (old is null || old.State != member.State || old.Uid != member.Uid)
            {
                _log.Info("Member {0} at {1} is {2}", member.NodeId, member.Address, member.State);
            }
        }

        foreach (var gone in before.Members.Where(m => after.Find(m.NodeId) is null))
        {
            _log.Info("Member {0} at {1} was removed", gone.NodeId, gone.Address);
        }

        if (before.Leader != after.Leader)
        {
            _log.Info("Leader is now {0}", after.Leader?.ToString() ?? "(none)");
        }
    }

    private ClusterStatus Status()
    {
        var snapshot = _view.Snapshot;
        var self = snapshot.Find(_node.NodeId);
        return new ClusterStatus(_node.NodeId, _node.Address, _node.HttpAddress, _node.Identity.Incarnation,
            self?.State ?? NodeState.Joining, snapshot.Leader, snapshot.Members, snapshot.Version, _node.StartedAt,
            NodeContext.ModuleVersion);
    }

    private void OnSubscribe(SubscribeMembership m)
    {
        if (_subscribers.Add(m.Subscriber))
        {
            Context.Watch(m.Subscriber);
        }

        m.Subscriber.Tell(new MembershipChanged(_view.Snapshot));
    }

    private void Unsubscribe(IActorRef subscriber)
    {
        if (_subscribers.Remove(subscriber))
        {
            Context.Unwatch(subscriber);
        }
    }

    private void Leave()
    {
        _log.Info("Leaving the cluster gracefully (requested by {0})", Sender);
        _cluster.Leave(_cluster.SelfAddress);
    }
}
