using System.Collections.Immutable;
using System.Reflection;
using Akka.Actor;
using Akka.Cluster;
using Akka.Util;

namespace Solidb.Cluster.Specs.Harness;

/// <summary>
/// Akka.Cluster's internal messages (Join, gossip) built by reflection, as a forger with Akka's
/// own serializer would put them on the wire.
/// </summary>
public static class ForgedClusterMessages
{
    private const BindingFlags Any = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
    private static readonly Assembly Cluster = typeof(Akka.Cluster.Cluster).Assembly;

    /// <summary>A Join of <paramref name="node"/> with <paramref name="roles"/>.</summary>
    public static object Join(UniqueAddress node, params string[] roles) =>
        Activator.CreateInstance(Cluster.GetType("Akka.Cluster.InternalClusterAction+Join", throwOnError: true)!, Any, null,
            [node, roles.ToImmutableHashSet(), AppVersion.Zero], null)!;

    /// <summary>
    /// Gossip "from" <paramref name="from"/> to <paramref name="to"/> in which <paramref name="downed"/>
    /// is Down: its version is concurrent with every real one, so a receiver that believed it would
    /// merge it, and Down wins a merge.
    /// </summary>
    public static object GossipMarkingDown(UniqueAddress from, UniqueAddress to, IEnumerable<Member> members, UniqueAddress downed)
    {
        var marked = members.Select(m => m.UniqueAddress.Equals(downed) ? m.Copy(MemberStatus.Down) : m).ToImmutableSortedSet();
        var gossipType = Cluster.GetType("Akka.Cluster.Gossip", throwOnError: true)!;
        var gossip = Activator.CreateInstance(gossipType, Any, null, [marked], null)!;
        gossip = gossipType.GetMethod("Increment")!.Invoke(gossip, [VectorClock.Node.Create("forger-" + Guid.NewGuid())])!;
        var envelopeType = Cluster.GetType("Akka.Cluster.GossipEnvelope", throwOnError: true)!;
        return Activator.CreateInstance(envelopeType, Any, null, [from, to, gossip, null], null)!;
    }
}
