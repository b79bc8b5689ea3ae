using System.Collections.Immutable;
using System.Reflection;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.Actor.Setup;
using Akka.Cluster;
using Akka.Configuration;
using Akka.Remote.Transport.DotNetty;
using Akka.Util;
using Solidb.Cluster.Clock;
using Solidb.Cluster.Protocol;

namespace Solidb.Testing;

/// <summary>A node the forger names: its Akka address, node id and incarnation uid.</summary>
public sealed record ForgeryTarget(Address Address, string NodeId, int Uid)
{
    public UniqueAddress Unique => new(Address, Uid);
}

/// <summary>
/// The forging client of issue 20, for the in-process specs and the real-process tests alike: an
/// actor system that is no member (Akka.Remote only, the node's system name) and sends, over real
/// associations, every forgery of the issue with other nodes' sender paths and ids. Akka's
/// internal cluster messages are built by reflection, as Akka's own serializer puts them on the wire.
/// </summary>
public static class Forgery
{
    /// <summary>Just below the terms' limit (2^62): the term that froze elections.</summary>
    public const long FreezingTerm = (1L << 62) - 1;

    /// <summary>How many of <see cref="SendAll"/>'s messages carry another node's sender path.</summary>
    public const int ForgedSenderPaths = 9;

    public const string Supervisor = "/user/solidb-cluster";

    public static IReadOnlyList<string> ModuleChildren { get; } = ["heartbeat", "election", "failure-detector", "bootstrap", "clock"];

    /// <summary>The victim's own actors its death notices name.</summary>
    public static IReadOnlyList<string> DeadPaths { get; } =
        ["/", "/system", "/user", Supervisor, .. ModuleChildren.Select(c => $"{Supervisor}/{c}")];

    private const BindingFlags Any = BindingFlags.Instance | BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic;
    private static readonly Assembly ClusterAssembly = typeof(Akka.Cluster.Cluster).Assembly;

    /// <summary>
    /// The forger's actor system. <paramref name="adapters"/>: the nodes' test adapters ("trttl"), so
    /// the scheme matches; <paramref name="tls"/>: a certificate of the cluster's CA to connect with;
    /// <paramref name="extraHocon"/>: more serializers (the raw-bytes ones of the wire specs).
    /// </summary>
    public static ActorSystem StartSystem(IReadOnlyList<string>? adapters = null, TlsFiles? tls = null, string extraHocon = "")
    {
        var hocon = $$"""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0, applied-adapters = [{{string.Join(", ", (adapters ?? []).Select(a => $"\"{a}\""))}}] }
            akka.remote.dot-netty.tcp.enable-ssl = {{(tls is null ? "off" : "on")}}
            akka.actor.serialization-settings.allow-unregistered-types = true
            akka.actor.serializers {
              akka-cluster = "Akka.Cluster.Serialization.ClusterMessageSerializer, Akka.Cluster"
              solidb = "Solidb.Cluster.Protocol.ProtocolSerializer, Solidb.Cluster"
            }
            akka.actor.serialization-bindings {
              "Akka.Cluster.IClusterMessage, Akka.Cluster" = akka-cluster
              "Solidb.Cluster.Protocol.IProtocolMessage, Solidb.Cluster" = solidb
            }
            akka.actor.serialization-identifiers."Akka.Cluster.Serialization.ClusterMessageSerializer, Akka.Cluster" = 5
            akka.loglevel = WARNING
            {{extraHocon}}
            """;
        var setup = ActorSystemSetup.Create(BootstrapSetup.Create().WithConfig(ConfigurationFactory.ParseString(hocon)));
        if (tls is not null)
        {
            var cert = X509Certificate2.CreateFromPemFile(tls.Cert, tls.Key);
            var usable = X509CertificateLoader.LoadPkcs12(cert.Export(X509ContentType.Pkcs12), null);
            setup = setup.And(new DotNettySslSetup(usable, suppressValidation: true, requireMutualAuthentication: true, validateCertificateHostname: false, null));
        }

        return ActorSystem.Create("solidb", setup);
    }

    /// <summary>
    /// A reference to <paramref name="path"/> at <paramref name="at"/>, built in the forger: as a
    /// message's sender it writes that node's path into the envelope (AKKA-NOTES §7).
    /// </summary>
    public static IActorRef Forged(ActorSystem forger, Address at, string path) =>
        ((ExtendedActorSystem)forger).Provider.ResolveActorRef($"{at}{path}");

    /// <summary>Sends a death notice for <paramref name="deadPath"/> at <paramref name="deadAt"/> to <paramref name="victim"/>'s root guardian.</summary>
    public static void SendDeathNotice(ActorSystem forger, Address victim, Address deadAt, string deadPath) =>
        ((IInternalActorRef)Forged(forger, victim, "/")).SendSystemMessage(
            new Akka.Dispatch.SysMsg.DeathWatchNotification(Forged(forger, deadAt, deadPath), existenceConfirmed: true, addressTerminated: false));

    /// <summary>
    /// Every forgery of the issue, each from the forger's own connection with another node's sender
    /// path (<see cref="ForgedSenderPaths"/> of them), then death notices for the follower's own
    /// actors (<see cref="DeadPaths"/>) and one for the leader's supervisor.
    /// </summary>
    /// <param name="deathNotices">
    /// False leaves the death notices out: Akka delivers system messages reliably, so the forger's
    /// own resend buffer fills with the ones the node dropped (20,000), and it quarantines the node.
    /// </param>
    public static void SendAll(ActorSystem forger, ForgeryTarget leader, ForgeryTarget follower, ForgeryTarget other, long term, HlcTimestamp stamp,
        bool deathNotices = true)
    {
        var election = $"{Supervisor}/election";
        var heartbeat = $"{Supervisor}/heartbeat";
        var daemon = "/system/cluster/core/daemon";
        ActorSelection At(ForgeryTarget node, string path) => forger.ActorSelection($"{node.Address}{path}");
        IActorRef As(ForgeryTarget node, string path) => Forged(forger, node.Address, path);

        At(follower, Supervisor).Tell(new OperatorDownNotice(leader.NodeId, follower.NodeId, term, leader.NodeId, stamp), As(leader, Supervisor));
        At(leader, Supervisor).Tell(new OperatorDownRequest(follower.NodeId, other.NodeId, stamp), As(follower, Supervisor));
        At(leader, election).Tell(new VoteReply(follower.NodeId, FreezingTerm, true, false, stamp), As(follower, election));
        At(follower, heartbeat).Tell(new Heartbeat(leader.NodeId, leader.Uid, 1, FreezingTerm, true, stamp, stamp), As(leader, heartbeat));
        At(follower, election).Tell(new TimeoutNow(leader.NodeId, term, stamp), As(leader, election));
        At(other, election).Tell(new RequestVote(follower.NodeId, term + 1, false, stamp), As(follower, election));
        At(follower, Supervisor).Tell(new Introduce(leader.NodeId, leader.Uid, 1, "http://203.0.113.9:6746", "evil", stamp), As(leader, Supervisor));

        // Akka.Cluster itself: a join as another address with a voter role, and gossip "from the
        // leader" in which the third node is Down (concurrent with every real version: a receiver
        // that believed it would merge it, and Down wins a merge).
        var joiner = new UniqueAddress(new Address(leader.Address.Protocol, leader.Address.System, "127.0.0.1", 1), 42);
        At(leader, daemon).Tell(Join(joiner, "solidb", "solidb-node:intruder"), As(leader, daemon));
        At(follower, daemon).Tell(GossipMarkingDown(leader, follower, [leader, follower, other], other), As(leader, daemon));

        if (!deathNotices)
        {
            return;
        }

        foreach (var path in DeadPaths)
        {
            SendDeathNotice(forger, follower.Address, follower.Address, path);
        }

        SendDeathNotice(forger, follower.Address, leader.Address, Supervisor);
    }

    /// <summary>How many module messages <see cref="SendClaims"/> sends.</summary>
    public const int Claims = 7;

    /// <summary>
    /// Module messages claiming the leader's or a follower's node id, sent with the forger's own
    /// sender path: what a holder of another certificate of the CA (a service, or node C speaking
    /// as B) can send without forging a path. Over TLS the claim is checked against the certificate.
    /// </summary>
    public static void SendClaims(ActorSystem forger, ForgeryTarget leader, ForgeryTarget follower, ForgeryTarget other, long term, HlcTimestamp stamp)
    {
        var own = forger.ActorOf(Props.Empty);
        ActorSelection At(ForgeryTarget node, string path) => forger.ActorSelection($"{node.Address}{path}");
        At(follower, Supervisor).Tell(new OperatorDownNotice(leader.NodeId, follower.NodeId, term, leader.NodeId, stamp), own);
        At(leader, Supervisor).Tell(new OperatorDownRequest(follower.NodeId, other.NodeId, stamp), own);
        At(leader, $"{Supervisor}/election").Tell(new VoteReply(follower.NodeId, FreezingTerm, true, false, stamp), own);
        At(follower, $"{Supervisor}/heartbeat").Tell(new Heartbeat(leader.NodeId, leader.Uid, 1, FreezingTerm, true, stamp, stamp), own);
        At(follower, $"{Supervisor}/election").Tell(new TimeoutNow(leader.NodeId, term, stamp), own);
        At(other, $"{Supervisor}/election").Tell(new RequestVote(follower.NodeId, term + 1, false, stamp), own);
        At(follower, Supervisor).Tell(new Introduce(leader.NodeId, leader.Uid, 1, "http://203.0.113.9:6746", "evil", stamp), own);
    }

    /// <summary>
    /// A Join of the forger itself, at its own address and with its own sender path, as the voter
    /// <paramref name="claimedNode"/>: what a certificate holder that is no node, or another node,
    /// would send to become that voter. Over TLS it is refused as not_a_node.
    /// </summary>
    public static void SendOwnJoin(ActorSystem forger, ForgeryTarget to, string claimedNode)
    {
        var self = ((ExtendedActorSystem)forger).Provider.DefaultAddress;
        var own = new UniqueAddress(self, 4242);
        var daemon = "/system/cluster/core/daemon";
        forger.ActorSelection($"{to.Address}{daemon}").Tell(Join(own, "solidb", "solidb-node:" + claimedNode), Forged(forger, self, daemon));
    }

    /// <summary>Akka.Cluster's internal Join of <paramref name="node"/> with <paramref name="roles"/>.</summary>
    public static object Join(UniqueAddress node, params string[] roles) =>
        Activator.CreateInstance(ClusterAssembly.GetType("Akka.Cluster.InternalClusterAction+Join", throwOnError: true)!, Any, null,
            [node, roles.ToImmutableHashSet(), AppVersion.Zero], null)!;

    /// <summary>A gossip envelope from <paramref name="from"/> to <paramref name="to"/> in which <paramref name="downed"/> is Down and the others Up.</summary>
    public static object GossipMarkingDown(ForgeryTarget from, ForgeryTarget to, IEnumerable<ForgeryTarget> members, ForgeryTarget downed)
    {
        var create = typeof(Member).GetMethods(Any).First(m => m.Name == "Create" && m.GetParameters().Length == 5);
        var marked = members.Select(m => (Member)create.Invoke(null,
            [m.Unique, 1, m == downed ? MemberStatus.Down : MemberStatus.Up, ImmutableHashSet.Create("solidb", "solidb-node:" + m.NodeId), AppVersion.Zero])!).ToImmutableSortedSet();
        var gossipType = ClusterAssembly.GetType("Akka.Cluster.Gossip", throwOnError: true)!;
        var gossip = Activator.CreateInstance(gossipType, Any, null, [marked], null)!;
        gossip = gossipType.GetMethod("Increment")!.Invoke(gossip, [VectorClock.Node.Create("forger-" + Guid.NewGuid())])!;
        var envelopeType = ClusterAssembly.GetType("Akka.Cluster.GossipEnvelope", throwOnError: true)!;
        return Activator.CreateInstance(envelopeType, Any, null, [from.Unique, to.Unique, gossip, null], null)!;
    }
}
