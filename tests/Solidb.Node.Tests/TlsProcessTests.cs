using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Solidb.Node.Tests.Harness;
using Xunit;

namespace Solidb.Node.Tests;

/// <summary>Mutual TLS, HTTPS and the loopback rule with real solidb processes and certificates made by solidb-certs.</summary>
[Collection(ProcessCollection.Name)]
public sealed class TlsProcessTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(45);
    private readonly TempDir _dir = new();
    private readonly TestCertificates _certs = TestCertificates.Create(["node1", "node2", "node3"], ["billing"]);

    public void Dispose()
    {
        _certs.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Three_nodes_with_TLS_become_Active_under_one_leader()
    {
        await using var cluster = ProcessCluster.Start(3, i => _certs.For(ProcessCluster.NodeIdOf(i)).Args);

        await Until.True(cluster.AgreeOnOneLeaderAsync, Bound);

        var status = await cluster.Nodes[0].StatusAsync();
        Assert.Equal(0, status.GetProperty("stats").GetProperty("rejections").GetProperty("tls_handshake").GetInt64());
        Assert.Contains("akka.ssl.tcp://solidb@127.0.0.1:", cluster.Nodes[0].StdOut);
    }

    [Fact]
    public async Task A_node_without_TLS_is_refused_counted_and_logged_once_by_a_TLS_node()
    {
        await using var tlsNode = SolidbProcess.Start(["--node-id", "node1", .. _certs.For("node1").Args], _dir.Sub("node1"));
        await Until.Async(tlsNode.TryStatusAsync, s => s?.GetProperty("state").GetString() == "Active", Bound);
        await using var plain = SolidbProcess.Start(["--node-id", "plain", "--cluster-peers", tlsNode.Address], _dir.Sub("plain"));

        // The plain node retries every 2 s; each attempt is one refused handshake.
        await Until.Async(tlsNode.StatusAsync,
            s => s.GetProperty("stats").GetProperty("rejections").GetProperty("tls_handshake").GetInt64() >= 3, Bound);

        var members = (await tlsNode.StatusAsync()).GetProperty("members").EnumerateArray().Select(m => m.GetProperty("node_id").GetString());
        Assert.Equal(["node1"], members);
        var log = tlsNode.StdOut;
        // Akka writes 3 lines per refused connection; what is left is our one line per minute.
        var line = Assert.Single(log.Split('\n'), l => l.Contains("Akka.Remote.Transport.DotNetty"));
        Assert.Contains("failed the TLS handshake (a peer without TLS?)", line);
        Assert.DoesNotContain("Rejected incoming connection", log);
    }

    [Fact]
    public async Task With_http_tls_the_status_is_served_over_https_trusted_through_the_CA()
    {
        await using var node = SolidbProcess.Start(["--node-id", "node1", "--http-tls", "on", .. _certs.For("node1").Args], _dir.Sub("node1"));
        using var https = HttpsClientTrusting(_certs.CaCert);

        var status = await Until.Async(async () =>
        {
            try
            {
                return await https.GetFromJsonAsync<JsonElement>($"https://127.0.0.1:{node.HttpPort}/_api/cluster/status");
            }
            catch (HttpRequestException)
            {
                return (JsonElement?)null;
            }
        }, s => s?.GetProperty("state").GetString() == "Active", Bound);

        Assert.Equal($"https://127.0.0.1:{node.HttpPort}", status!.Value.GetProperty("http_address").GetString());
        Assert.Null(await node.TryStatusAsync()); // plain HTTP is not served
    }

    [Fact]
    public async Task A_non_loopback_host_without_TLS_exits_2_naming_tls_cert_and_insecure()
    {
        var (code, _, stderr) = await SolidbProcess.RunAsync(["--node-id", "n1", "--host", "0.0.0.0"], _dir.Sub("n1"));

        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("solidb: error: ", line);
        Assert.Contains("--tls-cert", line);
        Assert.Contains("--insecure", line);
    }

    [Fact]
    public async Task A_non_loopback_host_with_insecure_starts_and_warns_once()
    {
        await using var node = SolidbProcess.Start(["--node-id", "n1", "--host", "0.0.0.0", "--public-host", "127.0.0.1", "--insecure"], _dir.Sub("n1"));

        await Until.Async(node.TryStatusAsync, s => s?.GetProperty("state").GetString() == "Active", Bound);

        Assert.Single(node.StdErr.Split('\n'), l => l.StartsWith("solidb: warning: running --insecure on non-loopback host '0.0.0.0'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_node_id_other_than_the_one_its_certificate_names_exits_2_naming_the_file_and_the_flags()
    {
        var (code, _, stderr) = await SolidbProcess.RunAsync(["--node-id", "node2", .. _certs.For("node1").Args], _dir.Sub("n2"));

        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"solidb: error: node id 'node2' (--node-id) is not the node id 'node1' that the TLS certificate '{_certs.For("node1").Cert}' (--tls-cert) names", line);
        Assert.False(File.Exists(Path.Combine(_dir.Sub("n2"), "node-id")), "nothing is written to the data dir");
    }

    [Fact]
    public async Task A_service_certificate_as_a_nodes_certificate_exits_2_naming_the_file_and_the_flag()
    {
        var service = _certs.ForService("billing");
        var (code, _, stderr) = await SolidbProcess.RunAsync(["--node-id", "billing", .. service.Args], _dir.Sub("b"));

        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"solidb: error: the TLS certificate '{service.Cert}' (--tls-cert) is the certificate of service 'billing', not of a node", line);
    }

    [Fact]
    public async Task A_data_dir_of_another_node_id_exits_2_naming_the_certificate()
    {
        var dataDir = _dir.Sub("old");
        Directory.CreateDirectory(dataDir);
        await File.WriteAllTextAsync(Path.Combine(dataDir, "node-id"), "node-0a1b2c3d\n");

        var (code, _, stderr) = await SolidbProcess.RunAsync(_certs.For("node1").Args, dataDir);

        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"belongs to node 'node-0a1b2c3d', not 'node1' that the TLS certificate '{_certs.For("node1").Cert}' (--tls-cert) names", line);
    }

    [Fact]
    public async Task Without_node_id_a_TLS_node_runs_as_the_id_its_certificate_names()
    {
        await using var node = SolidbProcess.Start(_certs.For("node2").Args, _dir.Sub("n2"));

        var status = await Until.Async(node.TryStatusAsync, s => s?.GetProperty("state").GetString() == "Active", Bound);

        Assert.Equal("node2", status!.Value.GetProperty("node_id").GetString());
        Assert.Equal("node2\n", File.ReadAllText(Path.Combine(_dir.Sub("n2"), "node-id")));
    }

    [Fact]
    public async Task Http_tls_without_the_TLS_files_exits_2()
    {
        var (code, _, stderr) = await SolidbProcess.RunAsync(["--node-id", "n1", "--http-tls", "on"], _dir.Sub("n1"));

        Assert.Equal(2, code);
        Assert.Contains("solidb: error: --http-tls on (solidb.tls.http) needs the node's certificate", stderr);
    }

    [Fact]
    public async Task Http_tls_off_on_a_non_loopback_host_without_insecure_exits_2_in_one_line()
    {
        var (code, _, stderr) = await SolidbProcess.RunAsync(
            ["--node-id", "node1", "--host", "0.0.0.0", "--public-host", "127.0.0.1", "--http-tls", "off", .. _certs.For("node1").Args], _dir.Sub("n1"));

        Assert.Equal(2, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("solidb: error: refusing to serve the HTTP API over plain HTTP on non-loopback host '0.0.0.0'", line);
        Assert.Contains("--insecure", line);
    }

    private static HttpClient HttpsClientTrusting(string caFile)
    {
        var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
        var handler = new HttpClientHandler
        {
            ServerCertificateCustomValidationCallback = (_, cert, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return cert is not null && chain.Build(cert);
            },
        };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(3) };
    }
}
