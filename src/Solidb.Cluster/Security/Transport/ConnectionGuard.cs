using Akka.Actor;
using Google.Protobuf;
using Solidb.Cluster.Client.Security;

namespace Solidb.Cluster.Security.Transport;

/// <summary>
/// The rules for what one connection may deliver, applied to every PDU before Akka reads it. A
/// connection is attributed to the address it declared in its handshake and, with TLS, to the
/// identity its certificate names; the envelope's sender path, the addresses inside Akka's own
/// messages and the node id a module message claims must all be that connection's. Not
/// thread-safe: one instance per connection, fed in arrival order by the transport.
/// </summary>
/// <param name="identity">The certificate's identity; null without TLS (then the declared address is all there is).</param>
public sealed class ConnectionGuard(IGuardView view, PeerIdentity? identity)
{
    public const int ProtocolSerializerId = Protocol.ProtocolSerializer.SerializerId;
    public const int ClusterSerializerId = 5;
    public const int SelectionSerializerId = 6;
    public const int PubSubSerializerId = 9;
    public const int ClusterClientSerializerId = 15;
    public const int MiscSerializerId = 16;
    public const int SystemMessageSerializerId = 22;

    /// <summary>The receptionist: the one actor a service connection may address.</summary>
    public const string ReceptionistPath = "/system/receptionist";

    /// <summary>Akka.Remote's watcher, to which a watching system sends its heartbeats.</summary>
    public const string RemoteWatcherPath = "/system/remote-watcher";

    public PeerIdentity? Identity => identity;

    /// <summary>The address the peer declared in its handshake; null before it.</summary>
    public WireAddress? Origin { get; private set; }

    public GuardVerdict Check(InboundPdu pdu) => pdu switch
    {
        InboundPdu.Associate a => Associate(a),
        InboundPdu.Control or InboundPdu.AckOnly => GuardVerdict.Pass,
        InboundPdu.Message m when Origin is null => GuardVerdict.Drop(RejectionReason.ForgedSender, $"a message to {m.Recipient} before the handshake"),
        InboundPdu.Message m => Message(m, Origin),
        _ => GuardVerdict.Drop(RejectionReason.InvalidField, "an unknown PDU"),
    };

    private GuardVerdict Associate(InboundPdu.Associate associate)
    {
        if (Origin is not null && !Origin.SameAs(associate.Origin))
        {
            return GuardVerdict.Drop(RejectionReason.ForgedSender, $"a second handshake as {associate.Origin} on the connection of {Origin}");
        }

        if (Squatter(associate.Origin) is { } squat)
        {
            return squat;
        }

        Origin = associate.Origin;
        return GuardVerdict.Pass;
    }

    /// <summary>A node certificate declaring the address of a member that is another node.</summary>
    private GuardVerdict? Squatter(WireAddress origin) =>
        identity is { IsNode: true } node && view.MemberAt(origin.HostPort) is { } member && member != node.Name
            ? GuardVerdict.Drop(RejectionReason.ForgedSender, $"{node} declared the address {origin.HostPort} of member '{member}'")
            : null;

    private GuardVerdict Message(InboundPdu.Message m, WireAddress origin)
    {
        if (m.Sender is not null && !origin.SameAs(WireAddress.OfPath(m.Sender)))
        {
            return GuardVerdict.Drop(RejectionReason.ForgedSender, $"sender path {Rejections.Quote(m.Sender)} on the connection of {origin}");
        }

        if (Squatter(origin) is { } squat)
        {
            return squat; // the membership may have changed since the handshake
        }

        if (identity is { IsNode: false } service)
        {
            return ServiceMessage(service, PathOf(m.Recipient), m.SerializerId, m.Manifest, m.Body, origin);
        }

        return Payload(m.SerializerId, m.Manifest, m.Body, origin, PathOf(m.Recipient));
    }

    /// <summary>The checks on a payload from a node (or, without TLS, from whoever declared <paramref name="origin"/>).</summary>
    private GuardVerdict Payload(int serializerId, string manifest, ByteString body, WireAddress origin, string recipientPath) => serializerId switch
    {
        ProtocolSerializerId => ModuleMessage(body),
        ClusterSerializerId => ClusterMessage(manifest, body, origin),
        SystemMessageSerializerId => SystemMessage(manifest, body, origin),
        SelectionSerializerId => Selection(body, origin, recipientPath, service: null),
        _ => GuardVerdict.Pass, // the wire serializers vet every other payload (WireSerializers)
    };

    private GuardVerdict ModuleMessage(ByteString body)
    {
        if (identity is not { IsNode: true } node)
        {
            return GuardVerdict.Pass; // without TLS the module checks the claim against the member at the (now proven) sender address
        }

        return view.ClaimOf(body) switch
        {
            ProtocolClaim.Named named when named.NodeId != node.Name =>
                GuardVerdict.Drop(RejectionReason.ForgedSender, $"a module message claiming node '{Rejections.Quote(named.NodeId)}' over the connection of {node}"),
            ProtocolClaim.Undecodable u => GuardVerdict.DropCounted(u.Why),
            _ => GuardVerdict.Pass,
        };
    }

    private GuardVerdict ClusterMessage(string manifest, ByteString body, WireAddress origin)
    {
        var fields = ProtoFields.Read(body);
        var (claimed, what) = manifest switch
        {
            ClusterManifest.Join => (WireAddress.OfUniqueAddress(fields.Bytes(1)), "join"),
            ClusterManifest.Welcome or ClusterManifest.GossipEnvelope or ClusterManifest.GossipStatus or ClusterManifest.HeartbeatResponse =>
                (WireAddress.OfUniqueAddress(fields.Bytes(1)), "cluster message"),
            ClusterManifest.Heartbeat => (WireAddress.OfAddressData(fields.Bytes(1)), "cluster heartbeat"),
            ClusterManifest.InitJoinAck or ClusterManifest.InitJoinNack => (WireAddress.OfAddressData(body), "join answer"),
            ClusterManifest.ExitingConfirmed => (WireAddress.OfUniqueAddress(body), "exiting confirmation"),
            _ => (origin, "cluster message"), // InitJoin names nobody; the serializer refuses the rest
        };

        if (!origin.SameAs(claimed))
        {
            return GuardVerdict.Drop(RejectionReason.ForgedSender, $"a {what} ({ShortManifest(manifest)}) from {claimed?.ToString() ?? "no address"} on the connection of {origin}");
        }

        return manifest == ClusterManifest.Join && identity is { IsNode: true } node ? JoinRoles(fields.Texts(2), node) : GuardVerdict.Pass;
    }

    /// <summary>A joiner with a node certificate must carry exactly one node id role, its certificate's.</summary>
    private static GuardVerdict JoinRoles(IReadOnlyList<string> roles, PeerIdentity node)
    {
        var ids = roles.Where(r => r.StartsWith(Manager.AkkaMembers.NodeIdRolePrefix, StringComparison.Ordinal)).ToList();
        return ids.Count == 1 && ids[0] == Manager.AkkaMembers.NodeIdRolePrefix + node.Name
            ? GuardVerdict.Pass
            : GuardVerdict.Drop(RejectionReason.NotANode, $"a join by {node} with the node roles [{Rejections.Quote(string.Join(", ", ids))}]");
    }

    /// <summary>
    /// Remote death watch only, and only about the connection's own actors: a notification that an
    /// actor died names one at the sender's address; a watch or unwatch comes from a watcher there.
    /// </summary>
    private GuardVerdict SystemMessage(string manifest, ByteString body, WireAddress origin)
    {
        var type = manifest.Split(',')[0].Trim();
        var fields = ProtoFields.Read(body);
        switch (type)
        {
            case "Akka.Dispatch.SysMsg.DeathWatchNotification":
                var dead = ActorRefPath(fields.Bytes(1));
                return origin.SameAs(WireAddress.OfPath(dead))
                    ? GuardVerdict.Pass
                    : GuardVerdict.Drop(RejectionReason.SystemMessage, $"a death notice for {Rejections.Quote(dead)} on the connection of {origin}");
            case "Akka.Dispatch.SysMsg.Watch" or "Akka.Dispatch.SysMsg.Unwatch":
                var watchee = ActorRefPath(fields.Bytes(1));
                var watcher = ActorRefPath(fields.Bytes(2));
                return origin.SameAs(WireAddress.OfPath(watcher)) && view.Local.SameAs(WireAddress.OfPath(watchee))
                    ? GuardVerdict.Pass
                    : GuardVerdict.Drop(RejectionReason.SystemMessage, $"a watch of {Rejections.Quote(watchee)} by {Rejections.Quote(watcher)} on the connection of {origin}");
            default:
                return GuardVerdict.Drop(RejectionReason.SystemMessage, $"system message {Rejections.Quote(type)}");
        }
    }

    /// <summary>An actor selection: its target path, and the enclosed message checked as if sent directly.</summary>
    private GuardVerdict Selection(ByteString body, WireAddress origin, string anchorPath, PeerIdentity? service)
    {
        // SelectionEnvelope: payload 1 (Payload: message 1, serializerId 2, manifest 3), pattern 2 (Selection: type 1, matcher 2).
        var fields = ProtoFields.Read(body);
        var inner = ProtoFields.Read(fields.Bytes(1) ?? ByteString.Empty);
        var serializerId = (int)(long)(inner.Number(2) ?? 0);
        var manifest = inner.Text(3) ?? "";
        var message = inner.Bytes(1) ?? ByteString.Empty;
        var target = SelectionTarget(anchorPath, fields.Where(f => f.Number == 2 && f.Bytes is not null).Select(f => ProtoFields.Read(f.Bytes!)));
        if (serializerId == SelectionSerializerId)
        {
            return GuardVerdict.Drop(RejectionReason.NotPermitted, "a selection inside a selection");
        }

        return service is null
            ? Payload(serializerId, manifest, message, origin, target ?? anchorPath)
            : ServiceMessage(service, target, serializerId, manifest, message, origin);
    }

    /// <summary>
    /// A service reaches the remote API and nothing else: ClusterClient's messages (GetContacts,
    /// Heartbeat, the mediator's Send) to the receptionist, remote-watch heartbeats, and death watch of its own actors.
    /// </summary>
    private GuardVerdict ServiceMessage(PeerIdentity service, string? path, int serializerId, string manifest, ByteString body, WireAddress origin)
    {
        var allowed = (path, serializerId) switch
        {
            (ReceptionistPath, ClusterClientSerializerId or PubSubSerializerId) => true,
            (RemoteWatcherPath, MiscSerializerId) => manifest is "RWHB" or "RWHR",
            (_, MiscSerializerId) => manifest is "ID", // Identify: what ClusterClient's contact probing may send
            (_, SystemMessageSerializerId) => true,
            (_, SelectionSerializerId) => true,
            _ => false,
        };

        if (!allowed && serializerId == ClusterSerializerId && manifest is ClusterManifest.Join or ClusterManifest.InitJoin)
        {
            return GuardVerdict.Drop(RejectionReason.NotANode, $"{service} tried to join the cluster");
        }

        if (!allowed)
        {
            return GuardVerdict.Drop(RejectionReason.NotPermitted, $"{service} sent serializer {serializerId} ({ShortManifest(manifest)}) to {Rejections.Quote(path ?? "(a wildcard selection)")}");
        }

        return serializerId switch
        {
            SystemMessageSerializerId => SystemMessage(manifest, body, origin),
            SelectionSerializerId => Selection(body, origin, path ?? "", service),
            _ => GuardVerdict.Pass,
        };
    }

    /// <summary>The path a selection resolves to; null when it climbs or uses a wildcard (only exact names are followed).</summary>
    private static string? SelectionTarget(string anchorPath, IEnumerable<IReadOnlyList<ProtoField>> patterns)
    {
        var elements = anchorPath.Split('/', StringSplitOptions.RemoveEmptyEntries).ToList();
        foreach (var pattern in patterns)
        {
            // PatternType: 1 PARENT, 2 CHILD_NAME, 3 CHILD_PATTERN.
            if (pattern.Number(1) != 2 || pattern.Text(2) is not { Length: > 0 } name)
            {
                return null;
            }

            elements.Add(name);
        }

        return "/" + string.Join("/", elements);
    }

    /// <summary>The path part of an actor path's text ("/system/receptionist"), without address and uid.</summary>
    private static string PathOf(string actorPath) =>
        ActorPath.TryParse(actorPath, out var path) ? "/" + string.Join("/", path.Elements) : actorPath;

    private static string? ActorRefPath(ByteString? actorRefData) =>
        actorRefData is null ? null : ProtoFields.Read(actorRefData).Text(1);

    private static string ShortManifest(string manifest) => Rejections.Quote(manifest.Split(',')[0]);
}

/// <summary>The string manifests of Akka.Cluster's serializer (id 5) that name their sender.</summary>
public static class ClusterManifest
{
    public const string Join = "Akka.Cluster.InternalClusterAction+Join, Akka.Cluster";
    public const string InitJoin = "Akka.Cluster.InternalClusterAction+InitJoin, Akka.Cluster";
    public const string Welcome = "Akka.Cluster.InternalClusterAction+Welcome, Akka.Cluster";
    public const string InitJoinAck = "Akka.Cluster.InternalClusterAction+InitJoinAck, Akka.Cluster";
    public const string InitJoinNack = "Akka.Cluster.InternalClusterAction+InitJoinNack, Akka.Cluster";
    public const string Heartbeat = "HB";
    public const string HeartbeatResponse = "HBR";
    public const string ExitingConfirmed = "Akka.Cluster.InternalClusterAction+ExitingConfirmed, Akka.Cluster";
    public const string GossipStatus = "Akka.Cluster.GossipStatus, Akka.Cluster";
    public const string GossipEnvelope = "Akka.Cluster.GossipEnvelope, Akka.Cluster";
}
