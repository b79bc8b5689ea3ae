using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Solidb.Cluster.Client.Akka;
using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Client.Models;
using Solidb.Cluster.RemoteApi;
using Xunit;

namespace Solidb.Cluster.Tests.RemoteApi;

public sealed class RemoteApiContractTests : TestKit
{
    private RemoteApiSerializer Serializer => new((ExtendedActorSystem)Sys);

    public static TheoryData<IRemoteApiMessage> Messages => new()
    {
        GetClusterStatus.Instance,
        GetLeader.Instance,
        GetTimestamp.Instance,
        new ObserveTimestamp("0000018c0f7e1a00-00000001"),
        new TimestampReply("0000018c0f7e1a00-00000002", 1_700_000_000_000, 2),
        new LeaderReply(new LeaderResponse("node1", 3, "0000018c0f7e1a00-00000001", true, new FencingTokenResponse(3, "node1", "0000018c0f7e1a00-00000001"))),
        new SubscribeClusterEvents("abc", 5, 2, "node2", ["leader_changed"]),
        new ClusterEventsSubscribed("abc", "node2", 2),
        new RenewClusterEventsSubscription("abc"),
        new ClusterEventsRenewed("abc"),
        new ClusterEventsUnknown("abc"),
        new UnsubscribeClusterEvents("abc"),
        new RemoteApiError(RemoteApiErrors.ClockUnavailable, "out of sync"),
        GetLeader.Instance with { Token = "0123456789abcdef0123456789abcdef" },
        new RenewClusterEventsSubscription("abc") { Token = "0123456789abcdef0123456789abcdef" },
    };

    [Theory]
    [MemberData(nameof(Messages))]
    public void Every_message_round_trips_under_its_own_manifest(IRemoteApiMessage message)
    {
        var back = Serializer.FromBinary(Serializer.ToBinary(message), Serializer.Manifest(message));
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize<object>(message), System.Text.Json.JsonSerializer.Serialize(back));
        Assert.IsType(message.GetType(), back);
    }

    [Fact]
    public void Events_keep_their_kind_through_the_closed_discriminator()
    {
        var e = new LeaderChangedEvent("node2", 4, null, true) { Seq = 7, Incarnation = 1, Hlc = "x" };
        var back = Serializer.FromBinary(Serializer.ToBinary(e), Serializer.Manifest(e));
        Assert.Equal(e, Assert.IsType<LeaderChangedEvent>(back));
    }

    [Theory]
    [InlineData("Solidb.Cluster.Manager.LeaveCluster, Solidb.Cluster", "{}")]
    [InlineData("gs", "{\"$type\":")]
    [InlineData("ev", "{\"type\":\"leader_changed\",\"leader\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]}")]
    [InlineData("ot", "null")]
    public void Unknown_manifests_broken_JSON_deep_nesting_and_null_are_refused(string manifest, string json) =>
        Assert.Throws<SerializationException>(() => Serializer.FromBinary(Encoding.UTF8.GetBytes(json), manifest));

    [Fact]
    public void A_payload_over_the_limit_is_refused_before_parsing()
    {
        var bytes = Encoding.UTF8.GetBytes("{\"timestamp\":\"" + new string('a', RemoteApiSerializer.MaxPayloadBytes) + "\"}");
        Assert.Throws<SerializationException>(() => Serializer.FromBinary(bytes, "ot"));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("")]
    [InlineData(null)]
    public void Subscription_ids_that_cannot_name_a_child_actor_are_refused(string? id)
    {
        Assert.Equal("subscription_id", RemoteApiFields.Check(new SubscribeClusterEvents(id!))?.Field);
        Assert.Equal("subscription_id", RemoteApiFields.Check(new RenewClusterEventsSubscription(id!))?.Field);
        Assert.Equal("subscription_id", RemoteApiFields.Check(new SubscribeClusterEvents(new string('a', 65)))?.Field);
    }

    [Fact]
    public void Fields_out_of_range_are_named()
    {
        Assert.Null(RemoteApiFields.Check(new SubscribeClusterEvents("a-b_1", 0, 1, "node1", ["leader_changed"])));
        Assert.Equal("since", RemoteApiFields.Check(new SubscribeClusterEvents("a", -1))?.Field);
        Assert.Equal("incarnation", RemoteApiFields.Check(new SubscribeClusterEvents("a", 1, 0))?.Field);
        Assert.Equal("node_id", RemoteApiFields.Check(new SubscribeClusterEvents("a", NodeId: "no/de"))?.Field);
        Assert.Equal("types", RemoteApiFields.Check(new SubscribeClusterEvents("a", Types: ["leave"]))?.Field);
        Assert.Equal("types", RemoteApiFields.Check(new SubscribeClusterEvents("a", Types: [null!]))?.Field);
        Assert.Equal("timestamp", RemoteApiFields.Check(new ObserveTimestamp("0000018C0F7E1A00-00000001"))?.Field);
        Assert.Equal("timestamp", RemoteApiFields.Check(new ObserveTimestamp(null!))?.Field);
    }

    [Theory]
    [InlineData("127.0.0.1:notaport", "invalid port 'notaport'")]
    [InlineData("127.0.0.1", "has no port")]
    [InlineData(":6745", "has no host")]
    [InlineData("a:1,,b:2", "empty entry")]
    [InlineData("a:1,a:1", "listed twice")]
    [InlineData("::1:6745", "in brackets")]
    [InlineData("a..b:1", "invalid host")]
    [InlineData("a:70000", "invalid port")]
    public void Bad_contact_points_are_one_line_naming_the_entry(string text, string expected) =>
        Assert.Contains(expected, Assert.Throws<FormatException>(() => ContactPoint.ParseList(text)).Message);

    [Fact]
    public void Contact_points_name_the_nodes_receptionists()
    {
        var points = ContactPoint.ParseList("127.0.0.1:6745, [::1]:6755");
        Assert.Equal("akka.tcp://solidb@127.0.0.1:6745/system/receptionist", points[0].ReceptionistPath(tls: false));
        Assert.Equal("akka.ssl.tcp://solidb@[::1]:6755/system/receptionist", points[1].ReceptionistPath(tls: true));
    }
}
