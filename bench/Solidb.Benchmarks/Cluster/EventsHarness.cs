using System.Net.WebSockets;
using System.Text.Json;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// The WebSocket event stream of real processes (a 3-node cluster, default settings):
/// <list type="bullet">
/// <item><c>-- events-fanout [subscribers] [changes]</c>: that many subscribers (200) on node1; each change kills node3
/// (kill -9) and starts it again once node1 saw it Failed and removed. For every event (not the snapshot) at every
/// subscriber: the delay from the event's <c>at</c> (node1's wall clock, same machine) to its receipt.</item>
/// <item><c>-- events-stalled [seconds] [rounds]</c>: heartbeat round trips (each node's status, <c>rtt_ms</c> of every
/// monitored peer, read every 250 ms, as <c>-- rtt</c>) without and then with one stalled consumer on node1 (connected,
/// never reads), alternating for the given rounds in the same cluster.</item>
/// </list>
/// </summary>
internal static class EventsHarness
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(90);

    public static async Task<int> FanOut(string[] args)
    {
        var count = args.Length > 0 ? int.Parse(args[0]) : 200;
        var changes = args.Length > 1 ? int.Parse(args[1]) : 5;
        await using var cluster = await Cluster3.StartAsync();
        using var stop = new CancellationTokenSource();
        var subscribers = new List<Subscriber>();
        for (var i = 0; i < count; i++)
        {
            subscribers.Add(await Subscriber.ConnectAsync(cluster.Nodes[0], stop.Token));
        }

        await Until(() => Task.FromResult(subscribers.All(s => s.Count > 0)), "every subscriber's snapshot");
        for (var change = 1; change <= changes; change++)
        {
            var before = subscribers[0].LastSeq;
            cluster.Nodes[2].Kill9();
            await Until(async () => Members(await cluster.Nodes[0].StatusAsync()) == 2, "node3 removed");
            cluster.Restart(2);
            await Until(async () => NodeProcess.OneLeaderAllActive(3, await Task.WhenAll(cluster.Nodes.Select(n => n.StatusAsync()))), "node3 back");
            await Until(async () =>
            {
                var last = subscribers[0].LastSeq;
                await Task.Delay(1000);
                return last == subscribers[0].LastSeq && subscribers.All(s => s.LastSeq == last);
            }, "every subscriber up to date");
            Console.WriteLine($"change {change}: events {before + 1}..{subscribers[0].LastSeq} at every subscriber");
        }

        await stop.CancelAsync();
        var samples = subscribers.SelectMany(s => s.Delays).Where(d => d.Type != "snapshot").ToList();
        var perEvent = samples.GroupBy(d => d.Seq).Select(g => g.Max(d => d.DelayMs)).ToList();
        var expected = samples.Select(d => d.Seq).Distinct().Count();
        var complete = subscribers.Count(s => s.Delays.Count(d => d.Type != "snapshot") == expected);
        Console.WriteLine($"fan-out: {count} subscribers on node1, {changes} changes (kill -9 node3, restart), {expected} events, " +
            $"{complete}/{count} subscribers got every one");
        Console.WriteLine($"  event at -> receipt, every (event, subscriber): {samples.Count} samples: p50 {P(samples.Select(d => d.DelayMs), 50)} ms, " +
            $"p99 {P(samples.Select(d => d.DelayMs), 99)} ms, max {samples.Max(d => d.DelayMs):F1} ms");
        Console.WriteLine($"  event at -> receipt at the last subscriber, per event: {perEvent.Count} events: p50 {P(perEvent, 50)} ms, " +
            $"p99 {P(perEvent, 99)} ms, max {perEvent.Max():F1} ms");
        foreach (var s in subscribers)
        {
            s.Dispose();
        }

        return 0;
    }

    public static async Task<int> Stalled(string[] args)
    {
        var window = TimeSpan.FromSeconds(args.Length > 0 ? int.Parse(args[0]) : 30);
        var rounds = args.Length > 1 ? int.Parse(args[1]) : 2;
        await using var cluster = await Cluster3.StartAsync();
        var without = new List<double>();
        var with = new List<double>();
        for (var round = 1; round <= rounds; round++)
        {
            without.AddRange(await Rtt(cluster, window, null));
            using var stalled = new StalledConsumer(cluster.Nodes[0]);
            with.AddRange(await Rtt(cluster, window, stalled));
            Console.WriteLine($"round {round}: the stalled consumer connected {stalled.Connections} time(s)");
        }

        var p99Without = Samples.Percentile(without, 99);
        var p99With = Samples.Percentile(with, 99);
        Console.WriteLine($"without a stalled consumer: {without.Count} rtt samples: p50 {P(without, 50)} ms, p99 {p99Without:F2} ms, max {without.Max():F2} ms");
        Console.WriteLine($"with one stalled consumer on node1: {with.Count} rtt samples: p50 {P(with, 50)} ms, p99 {p99With:F2} ms, max {with.Max():F2} ms");
        Console.WriteLine($"p99 with / without: {p99With / p99Without:F2}");
        return 0;
    }

    private static async Task<List<double>> Rtt(Cluster3 cluster, TimeSpan window, StalledConsumer? stalled)
    {
        var samples = new List<double>();
        var end = DateTime.UtcNow + window;
        while (DateTime.UtcNow < end)
        {
            if (stalled is not null)
            {
                await stalled.EnsureConnectedAsync();
            }

            foreach (var status in await Task.WhenAll(cluster.Nodes.Select(n => n.StatusAsync())))
            {
                samples.AddRange(status?.GetProperty("members").EnumerateArray()
                    .Where(m => m.GetProperty("rtt_ms").ValueKind == JsonValueKind.Number)
                    .Select(m => m.GetProperty("rtt_ms").GetDouble()) ?? []);
            }

            await Task.Delay(250);
        }

        return samples;
    }

    private static string P(IEnumerable<double> xs, double p) => Samples.Percentile(xs.ToList(), p).ToString("F1");

    private static int Members(JsonElement? status) => status?.GetProperty("members").GetArrayLength() ?? -1;

    private static async Task Until(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what}: not within {Bound}");
            }

            await Task.Delay(100);
        }
    }

    private static Uri Url(NodeProcess node) => new($"ws://{node.Host}:{node.HttpPort}/_api/cluster/events");

    /// <summary>Three nodes on loopback that agree on a leader; node i can be killed and started again.</summary>
    private sealed class Cluster3 : IAsyncDisposable
    {
        private readonly TempDir _dir = new("solidb-events-");
        private readonly List<(int Port, int Http)> _ports = Enumerable.Range(0, 3).Select(_ => (NodeProcess.FreePort(), NodeProcess.FreePort())).ToList();

        private Cluster3() => Nodes = Enumerable.Range(0, 3).Select(Start).ToList();

        public List<NodeProcess> Nodes { get; }

        public static async Task<Cluster3> StartAsync()
        {
            var cluster = new Cluster3();
            await Until(async () => NodeProcess.OneLeaderAllActive(3, await Task.WhenAll(cluster.Nodes.Select(n => n.StatusAsync()))), "3 nodes, one leader");
            return cluster;
        }

        public void Restart(int i)
        {
            Nodes[i].Dispose();
            Nodes[i] = Start(i);
        }

        public ValueTask DisposeAsync()
        {
            Parallel.ForEach(Nodes, n => n.Dispose());
            _dir.Dispose();
            return ValueTask.CompletedTask;
        }

        private NodeProcess Start(int i) => NodeProcess.Start($"node{i + 1}", _ports[i].Port, _ports[i].Http, Path.Combine(_dir.Path, $"n{i}"),
            string.Join(",", _ports.Select(p => $"127.0.0.1:{p.Port}")));
    }

    /// <summary>A consumer that reads every frame and keeps the delay from its <c>at</c> to its receipt.</summary>
    private sealed class Subscriber : IDisposable
    {
        private readonly ClientWebSocket _socket;
        private readonly List<(long Seq, string Type, double DelayMs)> _delays = [];

        private Subscriber(ClientWebSocket socket, CancellationToken stop)
        {
            _socket = socket;
            _ = Task.Run(() => ReadAsync(stop));
        }

        public int Count
        {
            get { lock (_delays) { return _delays.Count; } }
        }

        public long LastSeq
        {
            get { lock (_delays) { return _delays.Count == 0 ? -1 : _delays[^1].Seq; } }
        }

        public List<(long Seq, string Type, double DelayMs)> Delays
        {
            get { lock (_delays) { return [.. _delays]; } }
        }

        public static async Task<Subscriber> ConnectAsync(NodeProcess node, CancellationToken stop)
        {
            var socket = new ClientWebSocket();
            await socket.ConnectAsync(Url(node), stop);
            return new Subscriber(socket, stop);
        }

        public void Dispose() => _socket.Dispose();

        private async Task ReadAsync(CancellationToken stop)
        {
            var buffer = new byte[64 * 1024];
            using var frame = new MemoryStream();
            try
            {
                while (true)
                {
                    var r = await _socket.ReceiveAsync(buffer.AsMemory(), stop);
                    if (r.MessageType == WebSocketMessageType.Close)
                    {
                        return;
                    }

                    frame.Write(buffer, 0, r.Count);
                    if (!r.EndOfMessage)
                    {
                        continue;
                    }

                    var received = DateTimeOffset.UtcNow;
                    using var json = JsonDocument.Parse(frame.GetBuffer().AsMemory(0, (int)frame.Length));
                    frame.SetLength(0);
                    var e = json.RootElement;
                    var at = e.GetProperty("at").GetDateTimeOffset();
                    lock (_delays)
                    {
                        _delays.Add((e.GetProperty("seq").GetInt64(), e.GetProperty("type").GetString()!, (received - at).TotalMilliseconds));
                    }
                }
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException)
            {
                // The run is over, or the node went away.
            }
        }
    }

    /// <summary>A consumer connected to the stream that never reads; connected again if the node drops it.</summary>
    private sealed class StalledConsumer(NodeProcess node) : IDisposable
    {
        private ClientWebSocket? _socket;

        public int Connections { get; private set; }

        public async Task EnsureConnectedAsync()
        {
            if (_socket is { State: WebSocketState.Open })
            {
                return;
            }

            _socket?.Dispose();
            _socket = new ClientWebSocket();
            await _socket.ConnectAsync(Url(node), CancellationToken.None);
            Connections++;
        }

        public void Dispose() => _socket?.Dispose();
    }
}
