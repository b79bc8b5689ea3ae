using System.Text.Json;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// `-- rtt [seconds] [--tls]`: three real processes with default settings; once they agree on a
/// leader, every 250 ms read each node's status and take the heartbeat round trip (rtt_ms) it
/// reports for each monitored peer. Prints p50/p99 over all samples; with --tls a second cluster
/// with mutual TLS is measured right after the plain one. With SOLIDB_BENCH_SAMPLES=PATH every
/// sample is also appended to PATH (PATH.tls for the TLS cluster), so that the windows of several
/// runs can be pooled (`-- pooled FILE...`, what bench/compare.sh does with SAMPLES_DIR).
/// </summary>
internal static class RttHarness
{
    public static async Task<int> Run(string[] args)
    {
        var (rest, tls) = BenchTls.Parse(args);
        using var _ = tls;
        var window = TimeSpan.FromSeconds(rest.Length > 0 ? int.Parse(rest[0]) : 30);
        foreach (var (name, mode) in tls is null ? new[] { ("plain", (BenchTls?)null) } : [("plain", null), ("tls", tls)])
        {
            var samples = await Sample(mode, window);
            Samples.Keep(samples, name);
            Console.WriteLine($"{name}: heartbeat rtt over {window.TotalSeconds:F0} s, {samples.Count} samples: " +
                $"p50 {Samples.Percentile(samples, 50):F2} ms, p99 {Samples.Percentile(samples, 99):F2} ms, max {samples.DefaultIfEmpty().Max():F2} ms");
        }

        return 0;
    }

    private static async Task<List<double>> Sample(BenchTls? tls, TimeSpan window)
    {
        using var dir = new TempDir("solidb-rtt-");
        var ports = Enumerable.Range(0, 3).Select(_ => (Port: NodeProcess.FreePort(), Http: NodeProcess.FreePort())).ToList();
        var peers = string.Join(",", ports.Select(p => $"127.0.0.1:{p.Port}"));
        var nodes = ports.Select((p, i) => NodeProcess.Start($"node{i + 1}", p.Port, p.Http, Path.Combine(dir.Path, $"n{i}"), peers, tls?.Args($"node{i + 1}"))).ToList();
        try
        {
            while (!NodeProcess.OneLeaderAllActive(3, await Task.WhenAll(nodes.Select(n => n.StatusAsync()))))
            {
                await Task.Delay(100);
            }

            var samples = new List<double>();
            var end = DateTime.UtcNow + window;
            while (DateTime.UtcNow < end)
            {
                foreach (var status in await Task.WhenAll(nodes.Select(n => n.StatusAsync())))
                {
                    samples.AddRange(status?.GetProperty("members").EnumerateArray()
                        .Where(m => m.GetProperty("rtt_ms").ValueKind == JsonValueKind.Number)
                        .Select(m => m.GetProperty("rtt_ms").GetDouble()) ?? []);
                }

                await Task.Delay(250);
            }

            return samples;
        }
        finally
        {
            Parallel.ForEach(nodes, n => n.Dispose());
        }
    }
}
