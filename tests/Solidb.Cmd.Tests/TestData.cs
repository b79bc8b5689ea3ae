using Solidb.Cluster.Client.Models;
using Solidb.Cmd.Cli;

namespace Solidb.Cmd.Tests;

internal static class TestData
{
    public static MemberResponse Member(string id, MemberState state, string? http = null, long? ago = 120, double? rtt = 0.8, long? offset = -3, params string[] observedBy) =>
        new(id, $"127.0.0.1:{6745 + 10 * (id[^1] - '1')}", http, 2, state, ago, 0, rtt, observedBy, offset, null);

    public static StatusResponse Status(string self = "n1", string? leader = "n2", params MemberResponse[] members) =>
        new(self, "127.0.0.1:6745", "http://127.0.0.1:6746", 2, MemberState.Active, leader,
            members.Length > 0 ? members : [Member("n1", MemberState.Active, ago: null, rtt: null, offset: 0), Member("n2", MemberState.Active), Member("n3", MemberState.Unknown, ago: 2400, observedBy: ["n1", "n2"])],
            7, DateTimeOffset.Parse("2026-11-29T10:00:00Z"), "0.1.0", "000001a2167c41c0-00000002", 4, "000001a2167c41c0-00000000", true, 3, 1,
            new StatisticsResponse(10, 9, 1, 1, 0, 0, 0, 0, 0, 0, 1, 1, new Dictionary<string, long> { ["unknown_sender"] = 2 }),
            new RestartsResponse(0, null, null), new ClockResponse(-1, 500, true));

    /// <summary>Runs solidb-cmd in-process: exit code, stdout, stderr.</summary>
    public static async Task<(int Code, string Out, string Err)> Run(IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await CmdApp.RunAsync(args, stdout, stderr, stdoutIsTerminal: false, name => env is not null && env.TryGetValue(name, out var v) ? v : null, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    public static Task<(int Code, string Out, string Err)> Run(params string[] args) => Run(null, args);

    /// <summary>A refused port: a listener bound and closed at once.</summary>
    public static string RefusingAddress()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"127.0.0.1:{port}";
    }
}
