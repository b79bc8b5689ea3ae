using Akka.Actor;
using Akka.Cluster;
using Solidb.Cluster.Protocol;

namespace Solidb.Cluster.Manager;

/// <summary>
/// What the supervisor does to Akka and reads from it on the coordinator's behalf: this
/// incarnation's standing, downing, ending the incarnation, introductions.
/// </summary>
internal sealed class AkkaSide(ActorSystem system, NodeContext node)
{
    private readonly Akka.Cluster.Cluster _cluster = Akka.Cluster.Cluster.Get(system);

    public IEnumerable<string> SeedNodes => _cluster.Settings.SeedNodes.Select(AkkaMembers.HostPort);

    /// <summary>A cluster's gossip lists this incarnation; Up means Up, WeaklyUp, Leaving or Exiting (let all the way in).</summary>
    public SelfStanding Standing => new(_cluster.IsMember(),
        _cluster.SelfMember.Status is MemberStatus.Up or MemberStatus.WeaklyUp or MemberStatus.Leaving or MemberStatus.Exiting);

    public Introduce Introduction() => new(node.NodeId.Value, _cluster.SelfUniqueAddress.Uid, node.Identity.Incarnation,
        node.HttpAddress, NodeContext.ModuleVersion, node.Gate.Stamp());

    /// <summary>The supervisor of the member at host:port, or null when that is this node.</summary>
    public ActorSelection? ManagerAt(string hostPort)
    {
        var address = AkkaMembers.ToAddress(hostPort, _cluster.SelfAddress);
        return address.Equals(_cluster.SelfAddress) ? null : system.ActorSelection(ModulePaths.Manager(address));
    }

    /// <summary>Akka downs by address: only while the member there is still the incarnation the coordinator meant.</summary>
    public void Down(DownMember d)
    {
        var address = AkkaMembers.ToAddress(d.Address, _cluster.SelfAddress);
        if (_cluster.State.Members.FirstOrDefault(m => m.Address.Equals(address)) is { } current && current.UniqueAddress.Uid == d.Uid)
        {
            _cluster.Down(address);
        }
    }

    /// <summary>
    /// Quarantines a downed incarnation: Akka.Remote refuses it from now on, and Akka.Cluster marks
    /// it terminated, so its leader can remove it. Akka.Remote announces a quarantine itself only
    /// when no association to a newer incarnation at that address exists (the usual case when
    /// the node restarted), so the announcement Akka.Cluster listens for is published here too;
    /// a second one for the same uid changes nothing.
    /// </summary>
    public void Quarantine(QuarantineMember q)
    {
        var address = AkkaMembers.ToAddress(q.Address, _cluster.SelfAddress);
        ((Akka.Remote.IRemoteActorRefProvider)((ExtendedActorSystem)system).Provider).Quarantine(address, (int)q.Uid);
        system.EventStream.Publish(new Akka.Remote.QuarantinedEvent(address, (int)q.Uid));
    }

    /// <summary>Ends the process with exit code 3 (<c>solidb.clock.on-skew = stop</c>): a new incarnation would have the same clock.</summary>
    public void StopForClockSkew(StopForClockSkew stop) => CoordinatedShutdown.Get(system).Run(new ClockSkewStopReason(stop.Problem));

    public void StopForRestart(RestartSelf r)
    {
        if (r.DownSelf)
        {
            _cluster.Down(_cluster.SelfAddress);
        }

        CoordinatedShutdown.Get(system).Run(new SelfRestartReason(r.Cause));
    }

    /// <summary>
    /// Asks Akka.Cluster to send its full gossip to every other member. Akka.NET (1.5.74) tells a
    /// peer which nodes have seen the current gossip version only in full gossip, never in the
    /// gossip status it sends to a peer that it believes has seen that version; so when the Akka
    /// leader cannot reach one member directly (a partial partition), the news that this member
    /// saw the version reaches the leader only by chance, and the leader can wait indefinitely for
    /// convergence (no join, no leave). One full gossip per member per heartbeat interval carries
    /// it around any cut link (Akka's JVM implementation sends a seen digest for this instead).
    /// The message is Akka.Cluster's internal <c>SendGossipTo</c>; <see cref="GossipPushSupported"/>
    /// is false (and nothing is sent) if a future Akka version drops it.
    /// </summary>
    public void ShareGossip()
    {
        if (SendGossipTo is null)
        {
            return;
        }

        var daemon = system.ActorSelection("/system/cluster/core/daemon");
        foreach (var member in _cluster.State.Members.Where(m => !m.Address.Equals(_cluster.SelfAddress)
                     && m.Status is not (MemberStatus.Down or MemberStatus.Removed)))
        {
            daemon.Tell(Activator.CreateInstance(SendGossipTo, member.Address)!, ActorRefs.NoSender);
        }
    }

    /// <summary>Akka.Cluster's internal message that makes its daemon send full gossip to an address.</summary>
    internal static readonly Type? SendGossipTo =
        typeof(Akka.Cluster.Cluster).Assembly.GetType("Akka.Cluster.InternalClusterAction+SendGossipTo") is { } t
        && t.GetConstructor([typeof(Address)]) is not null ? t : null;

    public static bool GossipPushSupported => SendGossipTo is not null;

    /// <summary>
    /// Leaves through CoordinatedShutdown, as SIGTERM does, so that its phases run in order: the
    /// leadership hand-over (before-cluster-shutdown), then cluster-leave (Leaving, removed), then
    /// the end of the incarnation (the process exits 0).
    /// </summary>
    public void Leave() => CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClusterLeavingReason.Instance);

    public void Subscribe(IActorRef subscriber) => _cluster.Subscribe(subscriber, ClusterEvent.SubscriptionInitialStateMode.InitialStateAsSnapshot,
        typeof(ClusterEvent.IMemberEvent), typeof(ClusterEvent.IReachabilityEvent));

    public void Unsubscribe(IActorRef subscriber) => _cluster.Unsubscribe(subscriber);
}
