using Akka.Actor;
using Akka.Configuration;
using Solidb.Cluster.Client.Akka;
using Solidb.Cluster.Configuration;
using Solidb.Cluster.RemoteApi;
using Xunit;

namespace Solidb.Cluster.Tests.RemoteApi;

public sealed class RemoteApiAccessTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "solidb-api-" + Guid.NewGuid().ToString("N"));
    private const string Token = "0123456789abcdef0123456789abcdef-remote";

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private RemoteApiAccess Access(string hocon)
    {
        Directory.CreateDirectory(_dir);
        var file = Path.Combine(_dir, "token");
        File.WriteAllText(file, Token);
        var settings = ClusterSettings.FromConfig(ConfigurationFactory.ParseString(
            $"solidb.node.data-dir = \"{_dir}\"\nsolidb.http.admin-token-file = \"{file}\"\n{hocon}").WithFallback(SolidbConfig.Reference));
        return RemoteApiAccess.For(settings, null);
    }

    [Fact]
    public void With_reads_open_every_request_is_served_with_or_without_a_token()
    {
        var access = Access("");

        Assert.Null(access.Refusal(null));
        Assert.Null(access.Refusal("anything"));
    }

    [Fact]
    public void With_require_token_for_reads_and_no_TLS_a_request_needs_the_admin_token()
    {
        var access = Access("solidb.http.require-token-for-reads = on");

        Assert.Contains("needs the admin token", access.Refusal(null));
        Assert.Equal("the admin token is wrong", access.Refusal(Token + "x"));
        Assert.Null(access.Refusal(Token));
    }

    [Fact]
    public void With_mutual_TLS_the_certificate_is_the_credential_and_no_token_is_asked_for() =>
        Assert.Null(Access("solidb.http.require-token-for-reads = on\nsolidb.tls { cert-file = a.crt, key-file = a.key, ca-file = ca.crt }").Refusal(null));

    [Fact]
    public void A_request_never_shows_its_token()
    {
        var request = new SubscribeClusterEvents("abc") { Token = Token };

        Assert.DoesNotContain(Token, request.ToString());
        Assert.Contains("Token = (redacted)", request.ToString());
        Assert.Contains("SubscriptionId = abc", request.ToString());
        Assert.Equal(Token, ((RemoteApiRequest)SolidbClusterClient.WithToken(GetClusterStatus.Instance, Token)).Token);
        Assert.Null(GetClusterStatus.Instance.Token); // the shared instance is never changed
    }

    [Fact]
    public void Through_the_receptionist_the_requester_is_the_address_of_the_service_actor_its_tunnel_is_named_after()
    {
        var client = "akka.tcp://service@10.0.0.9:5000/user/solidb-cluster-client/$a#123456";
        var tunnel = ActorPath.Parse("akka://solidb/system/receptionist/" + Uri.EscapeDataString(client));

        Assert.Equal("akka.tcp://service@10.0.0.9:5000", Requester.Of(tunnel));
        Assert.Equal("akka.tcp://other@10.0.0.9:5001", Requester.Of(ActorPath.Parse(
            "akka://solidb/system/receptionist/" + Uri.EscapeDataString("akka.tcp://other@10.0.0.9:5001/temp/$b"))));
    }

    [Fact]
    public void A_remote_sender_is_its_address_and_a_local_actor_is_this_node()
    {
        Assert.Equal("akka.tcp://svc@10.0.0.9:5000", Requester.Of(ActorPath.Parse("akka.tcp://svc@10.0.0.9:5000/user/x")));
        Assert.Equal("akka://solidb", Requester.Of(ActorPath.Parse("akka://solidb/user/x")));
        Assert.Equal("akka://solidb", Requester.Of(ActorPath.Parse("akka://solidb/system/receptionist/not-a-path")));
    }

    [Fact]
    public void Only_the_requester_that_made_a_subscription_may_act_on_it_and_its_id_is_free_once_the_relay_stops()
    {
        var owners = new SubscriptionOwners<string>();
        owners.Add("sub", "akka.tcp://a@h:1", "relay1");

        Assert.Equal(OwnerCheck.Owner, owners.Check("sub", "akka.tcp://a@h:1", out var relay));
        Assert.Equal("relay1", relay);
        Assert.Equal(OwnerCheck.Other, owners.Check("sub", "akka.tcp://b@h:2", out relay));
        Assert.Null(relay);
        Assert.Equal(OwnerCheck.Unknown, owners.Check("other", "akka.tcp://a@h:1", out _));

        owners.Removed("relay1");
        Assert.Equal(OwnerCheck.Unknown, owners.Check("sub", "akka.tcp://b@h:2", out _));
        Assert.Equal(0, owners.Count);

        owners.Add("sub", "akka.tcp://b@h:2", "relay2");
        owners.Remove("sub"); // cancelled: free at once
        owners.Add("sub", "akka.tcp://a@h:1", "relay3");
        owners.Removed("relay2"); // the cancelled relay's stop frees nothing of the new holder's
        Assert.Equal(OwnerCheck.Owner, owners.Check("sub", "akka.tcp://a@h:1", out _));
    }
}
