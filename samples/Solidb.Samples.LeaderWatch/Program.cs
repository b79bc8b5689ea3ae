using Akka.Actor;
using Solidb.Cluster.Client.Akka;
using Solidb.Cluster.Client.Events;
using Solidb.Samples.LeaderWatch;

// leaderwatch --contact-points HOST:PORT,... [--tls-cert F --tls-key F --tls-ca F]
// With TLS the certificate is a service certificate of the cluster's CA (solidb-certs --services leaderwatch).
// Prints an HLC timestamp from the cluster, the leader, then one line per leader change, until Ctrl-C.
WatchOptions options;
try
{
    options = WatchOptions.Parse(args);
}
catch (FormatException e)
{
    Console.Error.WriteLine($"leaderwatch: error: {e.Message}");
    return 2;
}

ClientTls? tls;
try
{
    tls = options.Tls is { } files ? ClientTls.Load(files.Cert, files.Key, files.Ca) : null;
}
catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
{
    Console.Error.WriteLine($"leaderwatch: error: cannot load the TLS files: {e.Message}");
    return 2;
}

var system = ClientAkkaConfig.CreateSystem("leaderwatch", tls, extra: Akka.Configuration.ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    stop.Cancel();
};

try
{
    var client = SolidbClusterClient.Create(system, options.ContactPoints);
    var stamp = await Retry(() => client.GetTimestampAsync(stop.Token), stop.Token);
    Console.WriteLine($"hlc {stamp.Timestamp} ({DateTimeOffset.FromUnixTimeMilliseconds(stamp.Physical):O}, logical {stamp.Logical})");
    var leader = await Retry(() => client.GetLeaderAsync(stop.Token), stop.Token);
    var printer = system.ActorOf(Props.Create(() => new LeaderPrinter(leader.Leader, leader.Term)), "leader-printer");
    Console.WriteLine(LeaderPrinter.Line(leader.Leader, leader.Term));
    client.Subscribe(printer, [EventTypes.LeaderChanged]);
    await Task.Delay(Timeout.Infinite, stop.Token);
}
catch (OperationCanceledException) when (stop.IsCancellationRequested)
{
}
finally
{
    await system.Terminate();
}

return 0;

// The cluster may still be starting, or the contact node down: ask again until answered.
static async Task<T> Retry<T>(Func<Task<T>> ask, CancellationToken stop)
{
    while (true)
    {
        try
        {
            return await ask();
        }
        catch (Exception e) when (e is AskTimeoutException or SolidbRemoteApiException && !stop.IsCancellationRequested)
        {
            Console.Error.WriteLine($"leaderwatch: waiting for the cluster: {e.Message}");
        }
    }
}
