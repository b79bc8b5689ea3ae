using System.Runtime.CompilerServices;
using Microsoft.Extensions.Time.Testing;
using Solidb.Cluster.Client.Security;
using Solidb.Cluster.Protocol;
using Solidb.Cluster.Security.Transport;
using Xunit;

namespace Solidb.Cluster.Tests.Security.Transport;

public sealed class ProtocolClaimsTests
{
    public static TheoryData<Type> MessageTypes() =>
        new(ProtocolTypes.All.Where(t => typeof(IProtocolMessage).IsAssignableFrom(t)));

    [Theory]
    [MemberData(nameof(MessageTypes))]
    public void Every_wire_message_type_is_listed_with_the_field_that_names_its_sender(Type type)
    {
        var message = (IProtocolMessage)RuntimeHelpers.GetUninitializedObject(type);
        Assert.IsNotType<ProtocolClaim.Undecodable>(ProtocolClaims.Of(message));
    }

    [Fact]
    public void The_claim_is_the_senders_own_id_field()
    {
        var sent = new Solidb.Cluster.Clock.HlcTimestamp(1, 0);
        Assert.Equal(new ProtocolClaim.Named("b"), ProtocolClaims.Of(new VoteReply("b", 4, true, false, sent)));
        Assert.Equal(new ProtocolClaim.Named("c"), ProtocolClaims.Of(new RequestVote("c", 4, false, sent)));
        Assert.Equal(new ProtocolClaim.Named("d"), ProtocolClaims.Of(new HealthReport("d", "e", 1, default, true, sent)));
        Assert.IsType<ProtocolClaim.Anonymous>(ProtocolClaims.Of(new GetTimestamp()));
    }
}

public sealed class PeerCertificatesTests
{
    private static readonly PeerIdentity B = new(IdentityKind.Node, "b");

    [Theory]
    [InlineData("127.0.0.1:40000", "akka.ssl.tcp://solidb@127.0.0.1:40000")]
    [InlineData("[::ffff:127.0.0.1]:40000", "akka.ssl.tcp://solidb@127.0.0.1:40000")]
    [InlineData("[::1]:40000", "akka.ssl.tcp://solidb@[::1]:40000")]
    [InlineData("akka.ssl.tcp://solidb@db1.example.com:6745", "akka.ssl.tcp://solidb@db1.example.com:6745")]
    [InlineData("ssl.tcp://solidb@127.0.0.1:6745", "akka.ssl.tcp://solidb@127.0.0.1:6745")] // what DotNetty's client side passes (seen in a 2-node TLS run)
    public void The_validators_name_of_a_peer_and_the_connections_remote_address_find_the_same_entry(string remotePeer, string remote)
    {
        var certificates = new PeerCertificates(new FakeTimeProvider());
        certificates.Accepted(remotePeer, B);
        Assert.Equal(B, certificates.Take(Akka.Actor.Address.Parse(remote)));
        Assert.Null(certificates.Take(Akka.Actor.Address.Parse(remote))); // taken once
    }

    [Fact]
    public void A_refused_handshake_forgets_the_endpoint_and_stale_entries_expire()
    {
        var time = new FakeTimeProvider();
        var certificates = new PeerCertificates(time);
        certificates.Accepted("127.0.0.1:40000", B);
        certificates.Refused("127.0.0.1:40000");
        Assert.Null(certificates.Take(Akka.Actor.Address.Parse("akka.ssl.tcp://solidb@127.0.0.1:40000")));

        certificates.Accepted("127.0.0.1:40001", B);
        time.Advance(PeerCertificates.Expiry + TimeSpan.FromSeconds(1));
        certificates.Accepted("127.0.0.1:40002", B);
        Assert.Equal(1, certificates.Count);
    }
}
