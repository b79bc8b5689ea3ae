using Google.Protobuf;
using Solidb.Cluster.Client.Security;
using Solidb.Cluster.Security;
using Solidb.Cluster.Security.Transport;
using Xunit;
using static Solidb.Testing.PduBuilder;

namespace Solidb.Cluster.Tests.Security.Transport;

public sealed class ConnectionGuardTests
{
    private const string Sys = "solidb";
    private const string Local = "akka.tcp://solidb@127.0.0.1:5001";
    private const string NodeB = "akka.tcp://solidb@127.0.0.1:5002";
    private const string NodeC = "akka.tcp://solidb@127.0.0.1:5003";
    private const string Leader = "akka.tcp://solidb@127.0.0.1:5004";
    private const int Protocol = ConnectionGuard.ProtocolSerializerId;

    private static readonly PeerIdentity C = new(IdentityKind.Node, "c");
    private static readonly PeerIdentity Svc = new(IdentityKind.Service, "billing");

    private readonly FakeView _view = new();

    [Fact]
    public void A_message_whose_sender_path_is_at_another_address_than_its_connection_is_dropped_as_forged()
    {
        var guard = Handshaken(null, 5003);
        Assert.True(guard.Check(Read(Envelope($"{Local}/user/solidb-cluster", $"{Leader}/user/solidb-cluster", Protocol, "", Claim("leader")))).Reason == RejectionReason.ForgedSender);
        Assert.True(guard.Check(Read(Envelope($"{Local}/user/solidb-cluster", $"{NodeC}/user/solidb-cluster", Protocol, "", Claim("c")))).Passes);
        Assert.True(guard.Check(Read(Envelope($"{Local}/user/solidb-cluster", null, Protocol, "", Claim("c")))).Passes); // no sender: nobody to impersonate
    }

    [Fact]
    public void A_sender_path_without_an_address_would_resolve_to_a_local_actor_and_is_dropped()
    {
        var guard = Handshaken(null, 5003);
        Assert.Equal(RejectionReason.ForgedSender, guard.Check(Read(Envelope($"{Local}/user/x", "/user/solidb-cluster", Protocol, "", Claim("c")))).Reason);
    }

    [Fact]
    public void Messages_before_the_handshake_and_a_second_handshake_as_another_address_are_dropped()
    {
        var guard = new ConnectionGuard(_view, null);
        Assert.Equal(RejectionReason.ForgedSender, guard.Check(Read(Envelope($"{Local}/user/x", $"{NodeC}/user/x", Protocol, "", Claim("c")))).Reason);
        Assert.True(guard.Check(Read(Associate(Sys, "127.0.0.1", 5003))).Passes);
        Assert.Equal(RejectionReason.ForgedSender, guard.Check(Read(Associate(Sys, "127.0.0.1", 5004))).Reason);
        Assert.True(guard.Check(Read(Associate(Sys, "127.0.0.1", 5003))).Passes); // the same again is harmless
        Assert.True(guard.Check(Read(Heartbeat())).Passes);
    }

    [Fact]
    public void With_a_node_certificate_a_module_message_must_claim_the_certificates_node_id()
    {
        var guard = Handshaken(C, 5003);
        Assert.True(guard.Check(Read(Envelope($"{Local}/user/solidb-cluster", $"{NodeC}/user/solidb-cluster", Protocol, "", Claim("c")))).Passes);
        Assert.Equal(RejectionReason.ForgedSender,
            guard.Check(Read(Envelope($"{Local}/user/solidb-cluster", $"{NodeC}/user/solidb-cluster", Protocol, "", Claim("b")))).Reason);
        Assert.True(guard.Check(Read(Envelope($"{Local}/user/solidb-cluster/clock", $"{NodeC}/temp/a", Protocol, "", ByteString.CopyFromUtf8("anon")))).Passes);
        var undecodable = guard.Check(Read(Envelope($"{Local}/user/solidb-cluster", $"{NodeC}/user/x", Protocol, "", ByteString.CopyFromUtf8("junk"))));
        Assert.False(undecodable.Passes);
        Assert.True(undecodable.AlreadyCounted);
    }

    [Fact]
    public void Without_tls_the_claim_is_left_to_the_membership_check_at_the_proven_address()
    {
        var guard = Handshaken(null, 5003);
        Assert.True(guard.Check(Read(Envelope($"{Local}/user/solidb-cluster", $"{NodeC}/user/solidb-cluster", Protocol, "", Claim("b")))).Passes);
    }

    [Fact]
    public void A_node_certificate_that_declares_the_address_of_a_member_that_is_another_node_is_dropped()
    {
        _view.Members["127.0.0.1:5002"] = "b";
        var guard = new ConnectionGuard(_view, C);
        Assert.Equal(RejectionReason.ForgedSender, guard.Check(Read(Associate(Sys, "127.0.0.1", 5002))).Reason);
        Assert.Null(guard.Origin);

        // Declared before b became a member there: every later message is dropped once it is.
        _view.Members.Clear();
        var early = Handshaken(C, 5002);
        _view.Members["127.0.0.1:5002"] = "b";
        Assert.Equal(RejectionReason.ForgedSender, early.Check(Read(Envelope($"{Local}/user/x", $"{NodeB}/user/x", Protocol, "", Claim("c")))).Reason);
    }

    [Fact]
    public void Akka_cluster_messages_must_come_from_the_connections_own_address()
    {
        var guard = Handshaken(null, 5003);
        var fromLeader = UniqueAddress(Sys, "127.0.0.1", 5004);
        var fromC = UniqueAddress(Sys, "127.0.0.1", 5003);
        var gossip = (ByteString from) => Read(Envelope($"{Local}/system/cluster/core/daemon", $"{NodeC}/system/cluster/core/daemon", 5, ClusterManifest.GossipEnvelope,
            Message(w => w.Bytes(1, from).Bytes(2, UniqueAddress(Sys, "127.0.0.1", 5001)).Bytes(3, ByteString.CopyFromUtf8("gz")))));
        Assert.Equal(RejectionReason.ForgedSender, guard.Check(gossip(fromLeader)).Reason);
        Assert.True(guard.Check(gossip(fromC)).Passes);
        var heartbeat = Read(Envelope($"{Local}/system/cluster/heartbeatReceiver", $"{NodeC}/system/x", 5, ClusterManifest.Heartbeat,
            Message(w => w.Bytes(1, AddressData(Sys, "127.0.0.1", 5004)))));
        Assert.Equal(RejectionReason.ForgedSender, guard.Check(heartbeat).Reason);
    }

    [Fact]
    public void A_join_must_be_for_the_connections_address_and_with_a_node_certificate_name_its_node_id_once()
    {
        var anonymous = Handshaken(null, 5003);
        Assert.Equal(RejectionReason.ForgedSender, anonymous.Check(JoinPdu(5004, "solidb-node:c")).Reason);
        Assert.True(anonymous.Check(JoinPdu(5003, "solidb", "solidb-node:anything")).Passes); // without TLS a role is only a claim

        var node = Handshaken(C, 5003);
        Assert.True(node.Check(JoinPdu(5003, "solidb", "solidb-node:c")).Passes);
        Assert.Equal(RejectionReason.NotANode, node.Check(JoinPdu(5003, "solidb", "solidb-node:b")).Reason);
        Assert.Equal(RejectionReason.NotANode, node.Check(JoinPdu(5003, "solidb", "solidb-node:c", "solidb-node:b")).Reason);
        Assert.Equal(RejectionReason.NotANode, node.Check(JoinPdu(5003, "solidb")).Reason);
    }

    [Fact]
    public void Death_watch_is_only_about_the_connections_own_actors()
    {
        var guard = Handshaken(null, 5003);
        var dwn = "Akka.Dispatch.SysMsg.DeathWatchNotification, Akka";
        var notice = (string dead) => Read(Envelope($"{Local}/", $"{NodeC}/user/x", 22, dwn, Message(w => w.Bytes(1, ActorRef(dead)).Varint(2, 1))));
        Assert.Equal(RejectionReason.SystemMessage, guard.Check(notice($"{Local}/system")).Reason);
        Assert.Equal(RejectionReason.SystemMessage, guard.Check(notice("/user")).Reason);
        Assert.Equal(RejectionReason.SystemMessage, guard.Check(notice($"{Leader}/user/solidb-cluster")).Reason);
        Assert.True(guard.Check(notice($"{NodeC}/user/solidb-cluster")).Passes);

        var watch = (string watchee, string watcher) => Read(Envelope($"{Local}/user/x", $"{NodeC}/user/y", 22, "Akka.Dispatch.SysMsg.Watch, Akka",
            Message(w => w.Bytes(1, ActorRef(watchee)).Bytes(2, ActorRef(watcher)))));
        Assert.True(guard.Check(watch($"{Local}/user/x", $"{NodeC}/user/y")).Passes);
        Assert.Equal(RejectionReason.SystemMessage, guard.Check(watch($"{Local}/user/x", $"{Leader}/user/y")).Reason);
        Assert.Equal(RejectionReason.SystemMessage, guard.Check(watch($"{Leader}/user/x", $"{NodeC}/user/y")).Reason);
        Assert.Equal(RejectionReason.SystemMessage,
            guard.Check(Read(Envelope($"{Local}/user/x", $"{NodeC}/user/y", 22, "Akka.Dispatch.SysMsg.Terminate, Akka", ByteString.Empty))).Reason);
    }

    [Fact]
    public void A_selection_is_checked_like_the_message_it_encloses()
    {
        var guard = Handshaken(C, 5003);
        var forged = Read(Envelope($"{Local}/", $"{NodeC}/user/x", 6, "", Selection(Protocol, "", Claim("b"), "user", "solidb-cluster")));
        Assert.Equal(RejectionReason.ForgedSender, guard.Check(forged).Reason);
        var honest = Read(Envelope($"{Local}/", $"{NodeC}/user/x", 6, "", Selection(Protocol, "", Claim("c"), "user", "solidb-cluster")));
        Assert.True(guard.Check(honest).Passes);
    }

    [Fact]
    public void A_service_certificate_reaches_the_receptionist_and_nothing_else()
    {
        var guard = Handshaken(Svc, 6001);
        var svc = "akka.tcp://solidb@127.0.0.1:6001/user/client";
        Assert.True(guard.Check(Read(Envelope($"{Local}/system/receptionist", svc, 15, "C", ByteString.Empty))).Passes);
        Assert.True(guard.Check(Read(Envelope($"{Local}/system/receptionist", svc, 9, "C", ByteString.Empty))).Passes);
        Assert.True(guard.Check(Read(Envelope($"{Local}/", svc, 6, "", Selection(15, "B", ByteString.Empty, "system", "receptionist")))).Passes);

        Assert.Equal(RejectionReason.NotPermitted, guard.Check(Read(Envelope($"{Local}/user/solidb-cluster", svc, Protocol, "", Claim("billing")))).Reason);
        Assert.Equal(RejectionReason.NotPermitted, guard.Check(Read(Envelope($"{Local}/", svc, 6, "", Selection(Protocol, "", Claim("c"), "user", "solidb-cluster")))).Reason);
        Assert.Equal(RejectionReason.NotPermitted, guard.Check(Read(Envelope($"{Local}/", svc, 6, "", Selection(15, "B", ByteString.Empty, "system", "*")))).Reason);
        Assert.Equal(RejectionReason.NotANode, guard.Check(JoinPdu(6001, ["solidb-node:billing"], svc)).Reason); // a service is never a member
        Assert.Equal(RejectionReason.NotPermitted, guard.Check(Read(Envelope($"{Local}/system/cluster/core/daemon", svc, 5, ClusterManifest.GossipStatus,
            Message(w => w.Bytes(1, UniqueAddress(Sys, "127.0.0.1", 6001)))))).Reason);
    }

    private ConnectionGuard Handshaken(PeerIdentity? identity, int port)
    {
        var guard = new ConnectionGuard(_view, identity);
        Assert.True(guard.Check(Read(Associate(Sys, "127.0.0.1", port))).Passes);
        return guard;
    }

    private static InboundPdu JoinPdu(int port, params string[] roles) => JoinPdu(port, roles, $"akka.tcp://solidb@127.0.0.1:{port}/system/cluster/core/daemon");

    private static InboundPdu JoinPdu(int port, string[] roles, string sender) =>
        Read(Envelope($"{Local}/system/cluster/core/daemon", sender, 5, ClusterManifest.Join, Join(Sys, "127.0.0.1", port, roles)));

    private static InboundPdu Read(ByteString pdu) => PduReader.Read(pdu);

    private static ByteString Claim(string nodeId) => ByteString.CopyFromUtf8("claim:" + nodeId);

    private sealed class FakeView : IGuardView
    {
        public Dictionary<string, string> Members { get; } = new();

        public WireAddress Local { get; } = new("solidb", "127.0.0.1", 5001);

        public string? MemberAt(string hostPort) => Members.GetValueOrDefault(hostPort);

        public ProtocolClaim ClaimOf(ByteString body) => body.ToStringUtf8() switch
        {
            "anon" => new ProtocolClaim.Anonymous(),
            var s when s.StartsWith("claim:", StringComparison.Ordinal) => new ProtocolClaim.Named(s["claim:".Length..]),
            _ => new ProtocolClaim.Undecodable("junk"),
        };
    }
}
