using System.Security.Cryptography.X509Certificates;
using Solidb.Cluster.Client.Events;
using Solidb.Cluster.Client.Http;
using Solidb.Testing;
using static Solidb.Cluster.Client.Tests.TestSupport;

namespace Solidb.Cluster.Client.Tests;

/// <summary>https and wss against a node whose certificate comes from a private CA (solidb-certs).</summary>
public sealed class TlsTests : IDisposable
{
    private readonly TestCertificates _certs = TestCertificates.Create("n1");
    private readonly TestCertificates _otherCa = TestCertificates.Create("x1");

    public void Dispose()
    {
        _certs.Dispose();
        _otherCa.Dispose();
    }

    private Task<FakeNode> StartTlsNode()
    {
        var files = _certs.For("n1");
        return FakeNode.StartAsync("n1", certificate: X509Certificate2.CreateFromPemFile(files.Cert, files.Key));
    }

    [Fact]
    public async Task Https_status_and_wss_events_work_with_the_private_CA()
    {
        await using var node = await StartTlsNode();
        Assert.Equal("https", node.Url.Scheme);

        using var http = new ClusterHttpClient(node.Url, new ClusterClientOptions { CaCertificateFile = _certs.CaCert });
        Assert.Equal("n1", (await http.GetStatusAsync()).NodeId);

        var events = new ClusterEventsClient(node.Url, new ClusterEventsOptions { CaCertificateFile = _certs.CaCert });
        await using var watch = events.WatchAsync().GetAsyncEnumerator();
        Assert.Equal("n1", Assert.IsType<SnapshotEvent>(await Next(watch)).Status.NodeId);
    }

    [Fact]
    public async Task A_node_certificate_from_another_CA_is_refused_with_the_reason()
    {
        await using var node = await StartTlsNode();
        using var http = new ClusterHttpClient(node.Url, new ClusterClientOptions { CaCertificateFile = _otherCa.CaCert });

        var e = await Assert.ThrowsAsync<ClusterClientException>(() => http.GetStatusAsync());

        Assert.StartsWith($"GET {node.Url}_api/cluster/status failed: TLS handshake failed: certificate 'CN=n1' does not chain to the configured CA", e.Message);
    }

    [Fact]
    public void A_missing_CA_file_is_a_ClusterClientException_naming_it()
    {
        var e = Assert.Throws<ClusterClientException>(() => new ClusterHttpClient(new Uri("https://127.0.0.1:1"),
            new ClusterClientOptions { CaCertificateFile = "/nonexistent/ca.crt" }));

        Assert.StartsWith("cannot read the CA file '/nonexistent/ca.crt'", e.Message);
    }
}
