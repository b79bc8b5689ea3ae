using Akka.Actor;
using Akka.Cluster;
using Solidb.Cluster.Membership;

namespace Solidb.Cluster.Manager;

/// <summary>Maps Akka members to the module's view; a member carries its node id as a role.</summary>
public static class AkkaMembers
{
    public const string ModuleRole = "solidb";
    public const string NodeIdRolePrefix = "solidb-node:";

    public static string NodeIdRole(NodeId id) => NodeIdRolePrefix + id.Value;

    /// <summary>
    /// The node id a member's roles name; null when they name none or more than one (such a member
    /// is no SoliDB node: it neither votes nor counts). With TLS the transport guard lets a join in
    /// only when its one node id role is the id its certificate names.
    /// </summary>
    public static NodeId? NodeIdOf(Member member)
    {
        var roles = member.Roles.Where(r => r.StartsWith(NodeIdRolePrefix, StringComparison.Ordinal)).Take(2).ToList();
        return roles.Count == 1 && NodeId.TryParse(roles[0][NodeIdRolePrefix.Length..], out var id) ? id : null;
    }

    /// <summary>host:port of an Akka address, the form peers are configured with.</summary>
    public static string HostPort(Address address) =>
        new Configuration.PeerAddress(Configuration.PeerAddress.Unbracket(address.Host ?? ""), address.Port ?? 0).ToString(); // Akka writes an IPv6 host in brackets

    /// <summary>The SoliDB nodes among Akka's members (a member without a node id role is none).</summary>
    public static List<ObservedMember> ObserveAll(IEnumerable<Member> members) =>
        members.Select(Observe).OfType<ObservedMember>().ToList();

    public static ObservedMember? Observe(Member member) =>
        NodeIdOf(member) is { } id
            ? new ObservedMember(id, HostPort(member.Address), member.UniqueAddress.Uid, member.Status)
            : null;

    /// <summary>A cluster has let this incarnation in (it is in the gossiped membership, in any status).</summary>
    public static bool IsMember(this Akka.Cluster.Cluster cluster) =>
        cluster.State.Members.Any(m => m.UniqueAddress.Equals(cluster.SelfUniqueAddress));

    /// <summary>The Akka address of a member given as host:port, in this node's protocol and system.</summary>
    public static Address ToAddress(string hostPort, Address template)
    {
        var colon = hostPort.LastIndexOf(':');
        var host = hostPort[..colon].Trim('[', ']');
        return new Address(template.Protocol, template.System, host,
            int.Parse(hostPort[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture));
    }
}
