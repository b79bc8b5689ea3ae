using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests.Events;

/// <summary>The event stream's upgrade checks, limits and shutdown on a real solidb process.</summary>
[Collection(ProcessCollection.Second)]
public sealed class EventStreamProcessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Refusals_before_the_upgrade_are_one_line_of_json()
    {
        await using var node = await StartAsync("solo");

        var (status, body) = await EventStreamClient.UpgradeRequestAsync(node, upgrade: false);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("/_api/cluster/events is a WebSocket stream: connect with a WebSocket upgrade (ws:// or wss://)", Error(body));

        (status, body) = await EventStreamClient.UpgradeRequestAsync(node, origin: "http://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal($"cross-site WebSocket refused: Origin 'http://evil.example' is not http://127.0.0.1:{node.HttpPort}", Error(body));
        Assert.Equal(HttpStatusCode.Forbidden, await EventStreamClient.RefusedStatusAsync(node, origin: "http://evil.example"));

        (status, body) = await EventStreamClient.UpgradeRequestAsync(node, "since=-1");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("invalid since '-1': expected a non-negative integer (the last seq received)", Error(body));
        (status, body) = await EventStreamClient.UpgradeRequestAsync(node, "since=3&incarnation=0");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("invalid incarnation '0'", Error(body));
        (status, body) = await EventStreamClient.UpgradeRequestAsync(node, "types=leader_changed,nope%01");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("invalid types: unknown event type 'nope\\u0001'", Error(body));
        Assert.DoesNotContain('\n', body);
        Assert.Equal(HttpStatusCode.BadRequest, await EventStreamClient.RefusedStatusAsync(node, "since=x"));

        // The same origin and no origin are let in.
        await using var same = await EventStreamClient.ConnectAsync(node);
        Assert.Equal(WebSocketState.Open, same.Socket.State);
        using var sameOrigin = new ClientWebSocket();
        sameOrigin.Options.SetRequestHeader("Origin", $"http://127.0.0.1:{node.HttpPort}");
        await sameOrigin.ConnectAsync(EventStreamClient.Url(node), CancellationToken.None);
        Assert.Equal(WebSocketState.Open, sameOrigin.State);

        var stats = (await node.StatusAsync()).GetProperty("stats").GetProperty("rejections").GetProperty("invalid_field").GetInt64();
        Assert.True(stats >= 5, $"invalid_field {stats}");
    }

    [Fact]
    public async Task The_257th_connection_is_refused_with_503_until_one_closes()
    {
        await using var node = await StartAsync("solo"); // the default solidb.events.max-connections = 256

        var open = new List<EventStreamClient>();
        for (var i = 0; i < 256; i++)
        {
            open.Add(await EventStreamClient.ConnectAsync(node));
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, await EventStreamClient.RefusedStatusAsync(node));
        var (status, body) = await EventStreamClient.UpgradeRequestAsync(node);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("too many event-stream connections: all 256 in use (solidb.events.max-connections)", Error(body));

        // A closed stream frees its slot.
        await open[0].DisposeAsync();
        await Until.True(async () =>
        {
            try
            {
                open[0] = await EventStreamClient.ConnectAsync(node);
                return true;
            }
            catch (WebSocketException)
            {
                return false;
            }
        }, Bound);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await EventStreamClient.RefusedStatusAsync(node));
        foreach (var client in open)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Sigterm_closes_every_stream_with_1001_and_does_not_wait_for_one_that_does_not_read()
    {
        await using var node = await StartAsync("solo");
        await using var reading = await EventStreamClient.ConnectAsync(node);
        await using var stalled = await EventStreamClient.ConnectAsync(node); // never read until the end
        Assert.IsType<Solidb.Cluster.Client.Events.SnapshotEvent>(await reading.NextAsync(Bound));

        var clock = Stopwatch.StartNew();
        node.Terminate();
        while (await reading.NextAsync(Bound) is not null)
        {
            // events sent before the close
        }

        Assert.Equal(WebSocketCloseStatus.EndpointUnavailable, reading.CloseStatus);
        Assert.Equal("node shutting down", reading.CloseReason);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"1001 came {clock.Elapsed} after SIGTERM");
        Assert.Equal(0, await node.WaitForExitAsync(Bound));
    }

    /// <summary>The error of a refusal, which must be one line of JSON holding nothing else.</summary>
    private static string Error(string body)
    {
        Assert.DoesNotContain('\n', body.TrimEnd('\n'));
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Equal(["error"], json.RootElement.EnumerateObject().Select(p => p.Name));
        return json.RootElement.GetProperty("error").GetString()!;
    }

    private async Task<SolidbProcess> StartAsync(string id, params string[] args)
    {
        var node = SolidbProcess.Start(["--node-id", id, .. args], _dir.Sub(id));
        await Until.Async(node.TryStatusAsync, s => s?.GetProperty("state").GetString() == "Active", Bound);
        return node;
    }
}
