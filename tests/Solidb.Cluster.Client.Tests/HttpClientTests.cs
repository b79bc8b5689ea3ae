using System.Net;
using Solidb.Cluster.Client.Http;
using Solidb.Cluster.Client.Models;
using static Solidb.Cluster.Client.Tests.TestSupport;

namespace Solidb.Cluster.Client.Tests;

public sealed class HttpClientTests
{
    [Fact]
    public async Task Status_leader_and_live_are_read_as_the_models()
    {
        await using var node = await FakeNode.StartAsync("n1", incarnation: 3);
        using var client = new ClusterHttpClient(node.Url);

        var status = await client.GetStatusAsync();
        Assert.Equal(("n1", 3, MemberState.Active), (status.NodeId, status.Incarnation, status.State));
        var leader = await client.GetLeaderAsync();
        Assert.Equal(("n1", 3, 3), (leader.Leader, leader.Term, leader.FencingToken!.Term));
        Assert.Equal("ok", (await client.GetLiveAsync()).Status);
    }

    [Fact]
    public async Task A_bearer_token_goes_with_every_request_and_none_without_one()
    {
        await using var node = await FakeNode.StartAsync("n1");
        using (var client = new ClusterHttpClient(node.Url, new ClusterClientOptions { BearerToken = "t0ken" }))
        {
            await client.GetStatusAsync();
            await client.GetLeaderAsync();
        }

        using (var client = new ClusterHttpClient(node.Url))
        {
            await client.GetStatusAsync();
        }

        Assert.Equal(["/_api/cluster/status: Bearer t0ken", "/_api/cluster/leader: Bearer t0ken", "/_api/cluster/status: "], node.Authorizations);
    }

    [Fact]
    public async Task Ready_is_a_result_with_the_reason_when_the_node_answers_503()
    {
        await using var node = await FakeNode.StartAsync("n1");
        using var client = new ClusterHttpClient(node.Url);
        var ready = await client.GetReadyAsync();
        Assert.True(ready.IsReady);
        Assert.Null(ready.Reason);

        node.Readiness = new ReadinessResponse("not_ready", "no quorum: this node does not reach a majority with a leader", MemberState.Active, false, null);
        var notReady = await client.GetReadyAsync();

        Assert.False(notReady.IsReady);
        Assert.Equal("no quorum: this node does not reach a majority with a leader", notReady.Reason);
        Assert.Equal(node.Url, notReady.Node);
    }

    [Fact]
    public async Task A_refused_connection_is_a_ClusterClientException_naming_the_url()
    {
        var url = RefusingUrl();
        using var client = new ClusterHttpClient(url);

        var e = await Assert.ThrowsAsync<ClusterClientException>(() => client.GetStatusAsync());

        Assert.Equal($"GET {url}_api/cluster/status failed: connection refused", e.Message);
        Assert.IsType<HttpRequestException>(e.InnerException);
    }

    [Fact]
    public async Task An_error_answer_is_a_ClusterClientException_with_the_nodes_error()
    {
        await using var node = await FakeNode.StartAsync("n1");
        node.StatusError = "the cluster supervisor did not answer in time";
        using var client = new ClusterHttpClient(node.Url);

        var e = await Assert.ThrowsAsync<ClusterClientException>(() => client.GetStatusAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, e.StatusCode);
        Assert.Equal($"GET {node.Url}_api/cluster/status answered 503 Service Unavailable: the cluster supervisor did not answer in time", e.Message);
    }

    [Fact]
    public async Task A_node_that_cannot_be_reached_is_passed_over_for_the_next()
    {
        await using var node = await FakeNode.StartAsync("b");
        var refused = RefusingUrl();
        using var client = new ClusterHttpClient([refused, node.Url]);

        Assert.Equal("b", (await client.GetStatusAsync()).NodeId);

        using var none = new ClusterHttpClient([refused, RefusingUrl()]);
        var e = await Assert.ThrowsAsync<ClusterClientException>(() => none.GetLeaderAsync());
        Assert.StartsWith("GET /_api/cluster/leader failed on every node: ", e.Message);
        Assert.Contains($"{refused}_api/cluster/leader: connection refused", e.Message);
    }

    [Fact]
    public async Task A_base_url_with_a_path_prefix_keeps_it()
    {
        await using var node = await FakeNode.StartAsync("n1");
        using var client = new ClusterHttpClient(new Uri(node.Url, "/proxy/"));

        var e = await Assert.ThrowsAsync<ClusterClientException>(() => client.GetLiveAsync());

        Assert.Contains("/proxy/_api/cluster/health/live answered 404", e.Message);
    }
}
