using System.Diagnostics;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// <c>-- metrics [scrapes] [members] [formation-seconds]</c>: the time of one <c>GET /metrics</c> (request sent to body read) on a member
/// of a cluster of <c>members</c> (default 9) real Release solidb processes on loopback, against
/// <c>GET /_api/cluster/status</c> on the same node in the same run: sequential requests alternating the two
/// targets (a warm-up of 50 each first), p50/p99 of each and their ratio.
/// </summary>
internal static class MetricsScrapeHarness
{
    public static async Task<int> Run(string[] args)
    {
        // node1 is measured; the others only have to be members.
        var scrapes = args.Length > 0 ? int.Parse(args[0]) : 500;
        var size = args.Length > 1 ? int.Parse(args[1]) : 9;
        var formation = TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2]) : 300);
        using var data = new TempDir("solidb-bench-metrics-");
        var ports = Enumerable.Range(0, size).Select(_ => (Port: NodeProcess.FreePort(), Http: NodeProcess.FreePort())).ToList();
        var peers = string.Join(",", ports.Select(p => $"127.0.0.1:{p.Port}"));
        var nodes = ports.Select((p, i) => NodeProcess.Start($"node{i + 1}", p.Port, p.Http, Path.Combine(data.Path, $"node{i + 1}"), peers)).ToList();
        try
        {
            var formed = Stopwatch.StartNew();
            // The measured node must see every member Active; a leader is not needed for the scrape's cost (on a loaded
            // machine 9 processes may take long to settle on one), so it is only reported.
            while (await nodes[0].StatusAsync() is not { } seen
                   || seen.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("state").GetString() == "Active") != size)
            {
                if (formed.Elapsed > formation || nodes.Any(n => n.HasExited))
                {
                    Console.Error.WriteLine($"node1 did not see {size} Active members within {formation.TotalSeconds} s");
                    return 1;
                }

                await Task.Delay(200);
            }

            var node = nodes[0];
            using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
            var metricsUrl = $"http://{node.Host}:{node.HttpPort}/metrics";
            var statusUrl = $"http://{node.Host}:{node.HttpPort}/_api/cluster/status";
            var leader = (await node.StatusAsync())?.GetProperty("leader").GetString() ?? "none";
            Console.WriteLine($"metrics scrape: node1 saw {size} Active members after {formed.Elapsed.TotalSeconds:F1} s (leader {leader}); {scrapes} sequential requests per target, " +
                              $"alternating, {Environment.ProcessorCount} cores");
            for (var i = 0; i < 50; i++)
            {
                await Time(http, metricsUrl);
                await Time(http, statusUrl);
            }

            var metrics = new List<double>(scrapes);
            var status = new List<double>(scrapes);
            long metricsBytes = 0, statusBytes = 0;
            for (var i = 0; i < scrapes; i++)
            {
                var (m, mb) = await Time(http, metricsUrl);
                var (s, sb) = await Time(http, statusUrl);
                metrics.Add(m);
                status.Add(s);
                metricsBytes = mb;
                statusBytes = sb;
            }

            Report("GET /metrics", metrics, metricsBytes);
            Report("GET /_api/cluster/status", status, statusBytes);
            Console.WriteLine($"ratio metrics/status: p50 {Samples.Median(metrics) / Samples.Median(status):F2}, " +
                              $"p99 {Samples.Percentile(metrics, 99) / Samples.Percentile(status, 99):F2}");
            return 0;
        }
        finally
        {
            foreach (var n in nodes)
            {
                n.Dispose();
            }
        }
    }

    private static async Task<(double Ms, long Bytes)> Time(HttpClient http, string url)
    {
        var watch = Stopwatch.StartNew();
        using var response = await http.GetAsync(url);
        var body = await response.Content.ReadAsByteArrayAsync();
        response.EnsureSuccessStatusCode();
        return (watch.Elapsed.TotalMilliseconds, body.Length);
    }

    private static void Report(string what, List<double> ms, long bytes) =>
        Console.WriteLine($"{what}: p50 {Samples.Median(ms):F3} ms, p99 {Samples.Percentile(ms, 99):F3} ms, max {ms.Max():F3} ms ({bytes} B)");
}
