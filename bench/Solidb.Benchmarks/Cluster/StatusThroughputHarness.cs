using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// <c>-- status [seconds] [concurrency] [rounds]</c>: requests per second of <c>GET /_api/cluster/status</c> on a real
/// single node (Release solidb process) against an ASP.NET Core hello-world minimal API (<c>GET /</c> answering
/// "Hello World!", Kestrel in this process), in the same run: N concurrent HttpClient loops for a fixed duration
/// each, alternating targets per round after a warm-up of each. The ratio is status / hello world (goal &gt;= 0.5).
/// The node's <c>/_api/cluster/health/live</c> (no actor, a 15-byte answer) is measured too, to tell the cost of
/// the node's HTTP stack from that of asking the supervisor and writing the status.
/// </summary>
internal static class StatusThroughputHarness
{
    public static async Task<int> Run(string[] args)
    {
        var seconds = args.Length > 0 ? int.Parse(args[0]) : 10;
        var concurrency = args.Length > 1 ? int.Parse(args[1]) : 16;
        var rounds = args.Length > 2 ? int.Parse(args[2]) : 3;
        var data = Directory.CreateTempSubdirectory("solidb-bench-status-").FullName;
        var node = NodeProcess.Start("bench1", NodeProcess.FreePort(), NodeProcess.FreePort(), Path.Combine(data, "bench1"), peers: "");
        var (hello, helloAddress) = await StartHelloWorld();
        await using var _ = hello;
        var helloUrl = helloAddress + "/";
        var statusUrl = $"http://{node.Host}:{node.HttpPort}/_api/cluster/status";
        var liveUrl = $"http://{node.Host}:{node.HttpPort}/_api/cluster/health/live";
        try
        {
            var ready = Stopwatch.StartNew();
            while (await node.ReadinessAsync() is not { Code: HttpStatusCode.OK })
            {
                if (ready.Elapsed > TimeSpan.FromSeconds(60) || node.HasExited)
                {
                    Console.Error.WriteLine("the node did not become ready within 60 s");
                    return 1;
                }

                await Task.Delay(100);
            }

            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue, UseProxy = false });
            Console.WriteLine($"status throughput: {concurrency} concurrent loops, {seconds} s per target per round, {rounds} rounds, {Environment.ProcessorCount} cores");
            await Measure(http, statusUrl, concurrency, TimeSpan.FromSeconds(2));
            await Measure(http, helloUrl, concurrency, TimeSpan.FromSeconds(2));
            await Measure(http, liveUrl, concurrency, TimeSpan.FromSeconds(2));
            var status = new List<double>();
            var helloWorld = new List<double>();
            var live = new List<double>();
            for (var r = 0; r < rounds; r++)
            {
                var s = await Measure(http, statusUrl, concurrency, TimeSpan.FromSeconds(seconds));
                var h = await Measure(http, helloUrl, concurrency, TimeSpan.FromSeconds(seconds));
                var l = await Measure(http, liveUrl, concurrency, TimeSpan.FromSeconds(seconds));
                status.Add(s.PerSecond);
                helloWorld.Add(h.PerSecond);
                live.Add(l.PerSecond);
                Console.WriteLine($"round {r + 1}: status {s.PerSecond:F0} req/s ({s.Errors} errors, {s.Bytes / Math.Max(1, s.Count)} B/answer), " +
                                  $"hello world {h.PerSecond:F0} req/s ({h.Errors} errors), ratio {s.PerSecond / h.PerSecond:F2}; " +
                                  $"the node's health/live (no actor) {l.PerSecond:F0} req/s ({l.Errors} errors)");
            }

            Console.WriteLine($"mean of {rounds}: status {status.Average():F0} req/s, hello world {helloWorld.Average():F0} req/s, " +
                              $"ratio {status.Average() / helloWorld.Average():F2} (goal >= 0.5); health/live {live.Average():F0} req/s");
            return 0;
        }
        finally
        {
            node.Dispose();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<(WebApplication App, string Address)> StartHelloWorld()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.MapGet("/", () => "Hello World!");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return (app, address);
    }

    private static async Task<(double PerSecond, long Count, long Errors, long Bytes)> Measure(HttpClient http, string url, int concurrency, TimeSpan duration)
    {
        long count = 0, errors = 0, bytes = 0;
        var clock = Stopwatch.StartNew();
        var loops = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (clock.Elapsed < duration)
            {
                try
                {
                    using var response = await http.GetAsync(url);
                    var body = await response.Content.ReadAsByteArrayAsync();
                    if (response.IsSuccessStatusCode)
                    {
                        Interlocked.Increment(ref count);
                        Interlocked.Add(ref bytes, body.Length);
                    }
                    else
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
                catch (HttpRequestException)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        await Task.WhenAll(loops);
        var elapsed = clock.Elapsed.TotalSeconds;
        return (count / elapsed, count, errors, bytes);
    }
}
