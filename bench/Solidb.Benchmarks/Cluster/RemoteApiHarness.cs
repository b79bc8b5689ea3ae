using System.Diagnostics;
using Akka.Actor;
using Akka.Configuration;
using Solidb.Cluster.Client.Akka;

namespace Solidb.Benchmarks.Cluster;

/// <summary>
/// `-- remote [requests]`: three real solidb processes; a service's actor system asks one node's
/// status through ClusterClient and the remote API (GetClusterStatus), one request at a time.
/// Baselines in the same run: the same status over HTTP (GET /_api/cluster/status, the same JSON
/// model), and a plain Akka.Remote round trip to an echo actor in a second local actor system
/// (the same serializer, no receptionist, no supervisor). Prints p50/p99 of each.
/// </summary>
internal static class RemoteApiHarness
{
    public static async Task<int> Run(string[] args)
    {
        var requests = args.Length > 0 ? int.Parse(args[0]) : 2000;
        using var dir = new TempDir("solidb-remote-");
        var ports = Enumerable.Range(0, 3).Select(_ => (Port: NodeProcess.FreePort(), Http: NodeProcess.FreePort())).ToList();
        var peers = string.Join(",", ports.Select(p => $"127.0.0.1:{p.Port}"));
        var nodes = ports.Select((p, i) => NodeProcess.Start($"node{i + 1}", p.Port, p.Http, Path.Combine(dir.Path, $"n{i}"), peers)).ToList();
        var quiet = ConfigurationFactory.ParseString("akka.loglevel = WARNING");
        var service = ClientAkkaConfig.CreateSystem("service", extra: quiet);
        var echoSystem = ClientAkkaConfig.CreateSystem("echo", extra: quiet);
        try
        {
            while (!NodeProcess.OneLeaderAllActive(3, await Task.WhenAll(nodes.Select(n => n.StatusAsync()))))
            {
                await Task.Delay(100);
            }

            var client = SolidbClusterClient.Create(service, [new ContactPoint("127.0.0.1", ports[0].Port)]);
            var connected = await FirstAnswerAsync(() => client.GetStatusAsync());
            var node = nodes.Single(n => n.HttpPort == ports[int.Parse(connected.NodeId[4..]) - 1].Http);
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{node.HttpPort}") };
            echoSystem.ActorOf(Props.Create(() => new Echo()), "echo");
            var echoAddress = ((ExtendedActorSystem)echoSystem).Provider.DefaultAddress;
            var echo = await service.ActorSelection($"{echoAddress}/user/echo").ResolveOne(TimeSpan.FromSeconds(5));

            var remote = await MeasureAsync(requests, () => client.GetStatusAsync());
            var requester = service.ActorOf(Props.Create(() => new Requester(client.Client)));
            var sameSender = await MeasureAsync(requests, () => requester.Ask<object>(GetClusterStatus.Instance, TimeSpan.FromSeconds(5)));
            var overHttp = await MeasureAsync(requests, () => http.GetStringAsync("/_api/cluster/status"));
            var plain = await MeasureAsync(requests, () => echo.Ask<ClusterStatusReply>(new ClusterStatusReply(connected), TimeSpan.FromSeconds(5)));
            Report("remote API GetClusterStatus (ClusterClient)", remote, plain);
            Report("the same through one long-lived sender (one response tunnel)", sameSender, plain);
            Report("HTTP GET /_api/cluster/status", overHttp, plain);
            Report("plain Akka.Remote echo of the same status", plain, plain);
            return 0;
        }
        finally
        {
            await Task.WhenAll(service.Terminate(), echoSystem.Terminate());
            Parallel.ForEach(nodes, n => n.Dispose());
        }
    }

    private static async Task<T> FirstAnswerAsync<T>(Func<Task<T>> ask)
    {
        while (true)
        {
            try
            {
                return await ask();
            }
            catch (AskTimeoutException)
            {
            }
        }
    }

    /// <summary>One request at a time, after a tenth of them as warm-up; latencies in ms.</summary>
    private static async Task<List<double>> MeasureAsync<T>(int requests, Func<Task<T>> request)
    {
        for (var i = 0; i < requests / 10; i++)
        {
            await request();
        }

        var samples = new List<double>(requests);
        for (var i = 0; i < requests; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await request();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        }

        return samples;
    }

    private static void Report(string name, List<double> samples, List<double> baseline) =>
        Console.WriteLine($"{name}: {samples.Count} requests, p50 {Samples.Percentile(samples, 50):F3} ms, p99 {Samples.Percentile(samples, 99):F3} ms " +
            $"(p50 x{Samples.Percentile(samples, 50) / Samples.Percentile(baseline, 50):F2}, p99 x{Samples.Percentile(samples, 99) / Samples.Percentile(baseline, 99):F2} of the plain echo)");

    /// <summary>Sends every request with itself as the sender, so the receptionist keeps one response tunnel for all of them.</summary>
    private sealed class Requester : ReceiveActor
    {
        public Requester(IActorRef client)
        {
            IActorRef? waiting = null;
            Receive<GetClusterStatus>(m =>
            {
                waiting = Sender;
                client.Tell(SolidbClusterClient.ToService(m));
            });
            ReceiveAny(reply => waiting?.Tell(reply));
        }
    }

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell(m));
    }
}
